//! Order tracking tokens: what a customer's tracking link carries.

/// 128 random bits from the operating system's generator, as 32 lowercase
/// hex characters: URL-safe as it is, and unguessable.
pub fn tracking_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_url_safe_and_differ() {
        let a = super::tracking_token().ok();
        let b = super::tracking_token().ok();
        assert!(
            a.as_deref()
                .is_some_and(|t| t.len() == 32 && t.bytes().all(|c| c.is_ascii_hexdigit()))
        );
        assert_ne!(a, b);
    }
}
