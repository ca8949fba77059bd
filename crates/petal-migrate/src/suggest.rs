//! "Did you mean" for mistyped directives and headers.

/// The known name closest to `given`, if it is a plausible typo.
pub(crate) fn suggestion(given: &str, known: &[&'static str]) -> Option<&'static str> {
    let normalized = given.to_ascii_lowercase().replace('_', "-");
    known
        .iter()
        .map(|k| (edit_distance(&normalized, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{DIRECTIVES, HEADERS};

    #[test]
    fn suggestions_catch_typos_only() {
        assert_eq!(suggestion("stpe", &DIRECTIVES), Some("step"));
        assert_eq!(suggestion("Up", &DIRECTIVES), Some("up"));
        assert_eq!(
            suggestion("no_transaction", &DIRECTIVES),
            Some("no-transaction")
        );
        assert_eq!(
            suggestion("notransaction", &DIRECTIVES),
            Some("no-transaction")
        );
        assert_eq!(suggestion("concurrently", &DIRECTIVES), None);
        assert_eq!(suggestion("parent", &HEADERS), Some("parents"));
    }
}
