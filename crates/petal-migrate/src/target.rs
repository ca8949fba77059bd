//! Upgrade, downgrade and stamp targets as the user types them.

use std::fmt;

/// A point in the revision graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// The one head; an error when the graph has several.
    Head,
    /// Every head: all revisions.
    Heads,
    /// Before the first revision: none applied.
    Base,
    /// A revision id, or a unique prefix or suffix of one (digits).
    Revision(String),
    /// `head-1`, `base+2`, `REV+1`, `REV-1`: so many revisions after
    /// (`+`) or before (`-`) another point, along a line of history with
    /// no branch or merge on the way.
    Relative { from: Box<Anchor>, steps: i64 },
}

/// Where to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Anchor(Anchor),
    /// `+N`: the next N revisions of `upgrade head`.
    Forward(usize),
    /// `-N`: un-apply the N most recently applied revisions none of whose
    /// children are applied.
    Back(usize),
    /// `A:B`, for `--sql` (offline): assume `from` and its ancestors are
    /// applied, then go to `to`.
    Range {
        from: Anchor,
        to: Anchor,
    },
}

/// A target that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetError {
    pub text: String,
    pub message: String,
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid target `{}`: {}", self.text, self.message)
    }
}

impl std::error::Error for TargetError {}

const EXPECTED: &str = "expected head, heads, base, a revision id (or a unique prefix or suffix of one), \
     one of those with +N or -N (head-1, base+2, REV+1), +N, -N, or a range A:B";

impl Target {
    pub fn parse(text: &str) -> Result<Target, TargetError> {
        let error = |message: &str| TargetError {
            text: text.to_owned(),
            message: message.to_owned(),
        };
        let trimmed = text.trim();
        if let Some((from, to)) = trimmed.split_once(':') {
            let from = Anchor::parse(from.trim()).map_err(|m| error(&m))?;
            let to = Anchor::parse(to.trim()).map_err(|m| error(&m))?;
            return Ok(Target::Range { from, to });
        }
        if let Some(n) = trimmed.strip_prefix('+') {
            return relative(n).map(Target::Forward).map_err(|m| error(&m));
        }
        if let Some(n) = trimmed.strip_prefix('-') {
            return relative(n).map(Target::Back).map_err(|m| error(&m));
        }
        Anchor::parse(trimmed)
            .map(Target::Anchor)
            .map_err(|m| error(&m))
    }
}

impl Anchor {
    pub(crate) fn parse(text: &str) -> Result<Anchor, String> {
        // `head-1`, `base+2`, `REV+1`: the sign after the first character.
        if let Some(at) = text.get(1..).and_then(|rest| rest.rfind(['+', '-'])) {
            let (from, count) = text.split_at(at + 1);
            let from = Anchor::parse_point(from.trim())?;
            let n = relative(&count[1..])?;
            let n = i64::try_from(n).map_err(|_| format!("`{count}` is too many steps"))?;
            let steps = if count.starts_with('-') { -n } else { n };
            return Ok(Anchor::Relative {
                from: Box::new(from),
                steps,
            });
        }
        Anchor::parse_point(text)
    }

    fn parse_point(text: &str) -> Result<Anchor, String> {
        match text {
            "head" => Ok(Anchor::Head),
            "heads" => Ok(Anchor::Heads),
            "base" => Ok(Anchor::Base),
            "" => Err(format!("empty revision; {EXPECTED}")),
            _ if text.len() <= 14 && text.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(Anchor::Revision(text.to_owned()))
            }
            _ if text.eq_ignore_ascii_case("head")
                || text.eq_ignore_ascii_case("heads")
                || text.eq_ignore_ascii_case("base") =>
            {
                Err(format!(
                    "targets are lowercase: `{}`",
                    text.to_ascii_lowercase()
                ))
            }
            _ => Err(EXPECTED.to_owned()),
        }
    }
}

fn relative(digits: &str) -> Result<usize, String> {
    match digits.parse::<usize>() {
        Ok(0) => Err("a relative target needs a count of at least 1".to_owned()),
        Ok(n) if digits.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(format!("`{digits}` is not a count; {EXPECTED}")),
    }
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Anchor::Head => f.write_str("head"),
            Anchor::Heads => f.write_str("heads"),
            Anchor::Base => f.write_str("base"),
            Anchor::Revision(prefix) => f.write_str(prefix),
            Anchor::Relative { from, steps } => write!(f, "{from}{steps:+}"),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Anchor(anchor) => anchor.fmt(f),
            Target::Forward(n) => write!(f, "+{n}"),
            Target::Back(n) => write!(f, "-{n}"),
            Target::Range { from, to } => write!(f, "{from}:{to}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let parse = |t: &str| Target::parse(t).expect(t);
        assert_eq!(parse("head"), Target::Anchor(Anchor::Head));
        assert_eq!(parse("heads"), Target::Anchor(Anchor::Heads));
        assert_eq!(parse(" base "), Target::Anchor(Anchor::Base));
        assert_eq!(
            parse("2026"),
            Target::Anchor(Anchor::Revision("2026".into()))
        );
        assert_eq!(parse("+2"), Target::Forward(2));
        assert_eq!(parse("-1"), Target::Back(1));
        assert_eq!(
            parse("base:20260728093000"),
            Target::Range {
                from: Anchor::Base,
                to: Anchor::Revision("20260728093000".into())
            }
        );
        let relative = |from: Anchor, steps: i64| {
            Target::Anchor(Anchor::Relative {
                from: Box::new(from),
                steps,
            })
        };
        assert_eq!(parse("head-1"), relative(Anchor::Head, -1));
        assert_eq!(parse("base+2"), relative(Anchor::Base, 2));
        assert_eq!(
            parse("0042+1"),
            relative(Anchor::Revision("0042".into()), 1)
        );
        assert_eq!(
            parse("base:head-1"),
            Target::Range {
                from: Anchor::Base,
                to: Anchor::Relative {
                    from: Box::new(Anchor::Head),
                    steps: -1
                }
            }
        );
        assert_eq!(
            parse("2026:head"),
            Target::Range {
                from: Anchor::Revision("2026".into()),
                to: Anchor::Head
            }
        );
    }

    #[test]
    fn display_round_trips() {
        for text in [
            "head",
            "heads",
            "base",
            "2026",
            "+3",
            "-1",
            "base:head",
            "head-1",
            "base+2",
            "42+1",
        ] {
            assert_eq!(Target::parse(text).expect(text).to_string(), text);
        }
    }

    #[test]
    fn rejects_nonsense_with_the_reason() {
        let message = |t: &str| Target::parse(t).expect_err(t).to_string();
        assert!(message("+0").contains("at least 1"));
        assert!(message("-x").contains("`x` is not a count"));
        assert!(message("+-1").contains("not a count"));
        assert!(message("HEAD").contains("lowercase: `head`"));
        assert!(message("abc").contains("expected head, heads, base"));
        assert!(message("202607280930001").contains("expected head"));
        assert!(message("base:").contains("empty revision"));
        assert!(message("a:b:c").contains("expected head"));
        assert!(message("head-0").contains("at least 1"));
        assert!(message("head+x").contains("`x` is not a count"));
        assert!(message("head+-1").contains("expected head"));
    }
}
