//! What the fuzz harnesses of the migration parser, the SQL-file reader and
//! the connection-string parser share: their proptest settings, and texts
//! made from a harness's seeds and tokens — a seed with a few edits, or
//! random text. (The model scanner's harness edits whole lines and
//! settings, and has its own.)

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, RngAlgorithm};

/// `PETAL_FUZZ_CASES` cases (10,000 by default), no failure files.
pub fn config() -> Config {
    let cases = std::env::var("PETAL_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    Config {
        cases,
        // Failures are kept as the harnesses' regression tests, not as
        // files written into the source tree.
        failure_persistence: None,
        // ChaCha, unoptimized in a debug build, took most of the time.
        rng_algorithm: RngAlgorithm::XorShift,
        ..Config::default()
    }
}

/// How large the texts are: a whole file's edits and random text are
/// larger than a connection string's.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// The most bytes one edit deletes, and one copy moves.
    pub delete: usize,
    pub copy: usize,
    /// Edits of a seed: one to `edits - 1`.
    pub edits: usize,
    /// The most chars, bytes and tokens of a random text.
    pub chars: usize,
    pub bytes: usize,
    pub tokens: usize,
}

impl Scale {
    pub const FILE: Scale = Scale {
        delete: 48,
        copy: 64,
        edits: 8,
        chars: 256,
        bytes: 512,
        tokens: 64,
    };
    pub const STRING: Scale = Scale {
        delete: 16,
        copy: 16,
        edits: 6,
        chars: 96,
        bytes: 128,
        tokens: 24,
    };
}

/// One edit of a text; positions are taken modulo its length and moved
/// back to a character boundary.
#[derive(Debug, Clone)]
enum Edit {
    Delete(Index, usize),
    Insert(Index, String),
    Replace(Index, usize, String),
    Copy(Index, usize, Index),
}

fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn range(text: &str, at: Index, len: usize) -> (usize, usize) {
    let start = floor(text, at.index(text.len() + 1));
    (start, floor(text, start + len))
}

fn apply(text: &mut String, edit: &Edit) {
    match edit {
        Edit::Delete(at, len) => {
            let (start, end) = range(text, *at, *len);
            text.replace_range(start..end, "");
        }
        Edit::Insert(at, what) => {
            let at = floor(text, at.index(text.len() + 1));
            text.insert_str(at, what);
        }
        Edit::Replace(at, len, what) => {
            let (start, end) = range(text, *at, *len);
            text.replace_range(start..end, what);
        }
        Edit::Copy(from, len, to) => {
            let (start, end) = range(text, *from, *len);
            let piece = text[start..end].to_owned();
            let to = floor(text, to.index(text.len() + 1));
            text.insert_str(to, &piece);
        }
    }
}

fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Text to insert: mostly a token, else anything.
fn insertion(tokens: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(tokens).prop_map(str::to_owned),
        1 => vec(any::<char>(), 0..6).prop_map(String::from_iter),
        1 => vec(any::<u8>(), 0..6).prop_map(lossy),
    ]
}

fn edit(tokens: &'static [&'static str], scale: Scale) -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), 0..scale.delete).prop_map(|(at, len)| Edit::Delete(at, len)),
        (any::<Index>(), insertion(tokens)).prop_map(|(at, what)| Edit::Insert(at, what)),
        (any::<Index>(), 0..8usize, insertion(tokens))
            .prop_map(|(at, len, what)| Edit::Replace(at, len, what)),
        (any::<Index>(), 0..scale.copy, any::<Index>())
            .prop_map(|(from, len, to)| Edit::Copy(from, len, to)),
    ]
}

/// A seed with a few edits.
pub fn mutated(
    seeds: &'static [&'static str],
    tokens: &'static [&'static str],
    scale: Scale,
) -> impl Strategy<Value = String> {
    (select(seeds), vec(edit(tokens, scale), 1..scale.edits)).prop_map(|(seed, edits)| {
        let mut text = seed.to_owned();
        for edit in &edits {
            apply(&mut text, edit);
        }
        text
    })
}

/// Random text of every kind: chars, bytes read lossily, tokens.
pub fn random(tokens: &'static [&'static str], scale: Scale) -> impl Strategy<Value = String> {
    prop_oneof![
        vec(any::<char>(), 0..scale.chars).prop_map(String::from_iter),
        vec(any::<u8>(), 0..scale.bytes).prop_map(lossy),
        vec(select(tokens), 0..scale.tokens).prop_map(|tokens| tokens.concat()),
    ]
}
