//! Durations as a user writes them: in `petal.toml` (`lock_timeout =
//! "5s"`), in a migration file (`-- +petal lock-timeout 500ms`), on the
//! command line (`--lock-wait 2min`). One reading for all three.

use std::time::Duration;

/// `0`, or a whole number with a unit: `ms`, `s`, `min`, `h`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let wrong = || {
        format!(
            "`{text}` is no duration; write a whole number and a unit: 500ms, 5s, 2min, 1h (or 0)"
        )
    };
    let n: u64 = number.parse().map_err(|_| wrong())?;
    let millis = match unit.trim() {
        "ms" => Some(n),
        "s" => n.checked_mul(1_000),
        "min" => n.checked_mul(60_000),
        "h" => n.checked_mul(3_600_000),
        _ => return Err(wrong()),
    };
    millis.map(Duration::from_millis).ok_or_else(wrong)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_mistakes() {
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration(" 5s "), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("2min"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        for bad in [
            "",
            "5",
            "s",
            "1.5s",
            "-1s",
            "5 sec",
            "99999999999999999999h",
        ] {
            let err = parse_duration(bad).unwrap_err();
            assert!(err.contains("no duration"), "{bad}: {err}");
        }
    }
}
