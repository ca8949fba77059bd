//! SipHash-1-3 with zero keys: the hash refinery's checksums are made
//! with (`siphasher::sip::SipHasher13::new()`, the algorithm std's
//! `DefaultHasher` had when refinery started). Written out here because
//! std does not promise to keep `DefaultHasher` so, and the checksums in
//! a database must be recomputed exactly.

/// The hash of `bytes`, as the hasher gives it for the same bytes fed in
/// any number of `write`s.
pub(crate) fn sip13(bytes: &[u8]) -> u64 {
    let mut v = [
        0x736f_6d65_7073_6575_u64,
        0x646f_7261_6e64_6f6d,
        0x6c79_6765_6e65_7261,
        0x7465_6462_7974_6573,
    ];
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        compress(&mut v, u64::from_le_bytes(word), 1);
    }
    let mut last = [0u8; 8];
    let tail = chunks.remainder();
    last[..tail.len()].copy_from_slice(tail);
    // The length modulo 256 in the top byte, as SipHash defines it.
    let b = u64::from_le_bytes(last) | ((bytes.len() as u64 & 0xff) << 56);
    compress(&mut v, b, 1);
    v[2] ^= 0xff;
    for _ in 0..3 {
        round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

fn compress(v: &mut [u64; 4], m: u64, rounds: usize) {
    v[3] ^= m;
    for _ in 0..rounds {
        round(v);
    }
    v[0] ^= m;
}

fn round(v: &mut [u64; 4]) {
    v[0] = v[0].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(13) ^ v[0];
    v[0] = v[0].rotate_left(32);
    v[2] = v[2].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(16) ^ v[2];
    v[0] = v[0].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(21) ^ v[0];
    v[2] = v[2].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(17) ^ v[2];
    v[2] = v[2].rotate_left(32);
}

#[cfg(test)]
mod tests {
    use std::hash::{DefaultHasher, Hasher};

    use super::sip13;

    /// std's `DefaultHasher::new()` is SipHash-1-3 with zero keys today:
    /// the two agree on every length around the 8-byte blocks.
    #[test]
    fn agrees_with_std_today() {
        let data: Vec<u8> = (0..=70u8).collect();
        for len in 0..data.len() {
            let mut std = DefaultHasher::new();
            std.write(&data[..len]);
            assert_eq!(sip13(&data[..len]), std.finish(), "length {len}");
        }
    }
}
