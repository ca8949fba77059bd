//! Revision ids (`YYYYMMDDHHMMSS`, UTC) and migration file names.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use crate::slug::slug;

const FORMAT: &str = "%Y%m%d%H%M%S";

/// A revision id: the UTC time the revision was created, `YYYYMMDDHHMMSS`.
///
/// Always 14 digits naming a real date and time, so ids sort as text in the
/// order they were created.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct RevisionId(String);

/// Why a text is not a revision id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRevisionId {
    pub text: String,
}

impl fmt::Display for InvalidRevisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a revision id (expected the UTC time as YYYYMMDDHHMMSS, like 20260728093000)",
            self.text
        )
    }
}

impl std::error::Error for InvalidRevisionId {}

impl RevisionId {
    /// Parses `YYYYMMDDHHMMSS`; anything else (other lengths, a month 13,
    /// February 30th) is rejected.
    pub fn parse(text: &str) -> Result<Self, InvalidRevisionId> {
        let invalid = || InvalidRevisionId {
            text: text.to_owned(),
        };
        if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        NaiveDateTime::parse_from_str(text, FORMAT).map_err(|_| invalid())?;
        Ok(RevisionId(text.to_owned()))
    }

    /// The id of the revision created at `time`, to the second. Times
    /// outside years 0000 to 9999, which 14 digits cannot spell, are clamped
    /// to the nearest end.
    pub fn from_time(time: DateTime<Utc>) -> Self {
        let (first, last) = id_range();
        RevisionId(time.clamp(first, last).format(FORMAT).to_string())
    }

    /// The id for a revision created at `unix_seconds`; `None` outside years
    /// 0000 to 9999.
    pub fn from_unix_seconds(unix_seconds: i64) -> Option<Self> {
        let (first, last) = id_range();
        DateTime::from_timestamp(unix_seconds, 0)
            .filter(|time| (first..=last).contains(time))
            .map(Self::from_time)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn time(&self) -> DateTime<Utc> {
        // Construction guarantees the text parses.
        NaiveDateTime::parse_from_str(&self.0, FORMAT)
            .map(|t| t.and_utc())
            .unwrap_or_default()
    }
}

impl fmt::Display for RevisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lets maps keyed by revision be searched by prefix text; sound because
/// the id's ordering is its text's.
impl std::borrow::Borrow<str> for RevisionId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for RevisionId {
    type Err = InvalidRevisionId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RevisionId::parse(s)
    }
}

/// The id for a new revision created at `now`: `now` itself, or the next
/// second not taken by an `existing` id, so two revisions generated within
/// one second (or on machines with skewed clocks) never clash.
pub fn new_revision_id<'a>(
    now: DateTime<Utc>,
    existing: impl IntoIterator<Item = &'a RevisionId>,
) -> RevisionId {
    let taken: BTreeSet<&RevisionId> = existing.into_iter().collect();
    let mut candidate = RevisionId::from_time(now);
    // Bounded, so the clamp at year 9999 cannot loop forever.
    for _ in 0..taken.len() {
        if !taken.contains(&candidate) {
            break;
        }
        candidate = RevisionId::from_time(candidate.time() + TimeDelta::seconds(1));
    }
    candidate
}

/// The first and last times a revision id can spell.
fn id_range() -> (DateTime<Utc>, DateTime<Utc>) {
    let parse = |text| {
        NaiveDateTime::parse_from_str(text, FORMAT)
            .map(|t| t.and_utc())
            .unwrap_or_default()
    };
    (parse("00000101000000"), parse("99991231235959"))
}

/// `<revision>_<slug>.sql`, the file name of a revision with `message`.
pub fn file_name(revision: &RevisionId, message: &str) -> String {
    format!("{revision}_{}.sql", slug(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> RevisionId {
        RevisionId::parse(text).expect("valid id")
    }

    #[test]
    fn parses_only_real_times() {
        assert_eq!(id("20260728093000").as_str(), "20260728093000");
        for bad in [
            "2026072809300",
            "202607280930000",
            "20261328093000",
            "20260230093000",
            "20260728246000",
            "2026-07-28 09:3",
            "+0260728093000",
            "",
        ] {
            let err = RevisionId::parse(bad).expect_err(bad);
            assert!(err.to_string().contains("YYYYMMDDHHMMSS"), "{err}");
        }
    }

    #[test]
    fn from_unix_seconds_is_utc() {
        let rev = RevisionId::from_unix_seconds(1_785_231_000).expect("in range");
        assert_eq!(rev.as_str(), "20260728093000");
        assert_eq!(RevisionId::from_unix_seconds(i64::MAX), None);
        assert_eq!(RevisionId::from_unix_seconds(300_000_000_000), None);
        let far = DateTime::from_timestamp(300_000_000_000, 0).expect("chrono range");
        assert_eq!(RevisionId::from_time(far).as_str(), "99991231235959");
        let taken = [RevisionId::from_time(far)];
        assert_eq!(new_revision_id(far, &taken).as_str(), "99991231235959");
    }

    #[test]
    fn a_clash_takes_the_next_free_second() {
        let now = id("20261231235958").time();
        assert_eq!(new_revision_id(now, []).as_str(), "20261231235958");
        let existing = [
            id("20261231235958"),
            id("20261231235959"),
            id("20270101000001"),
        ];
        assert_eq!(new_revision_id(now, &existing).as_str(), "20270101000000");
    }

    #[test]
    fn file_names_carry_the_slug() {
        assert_eq!(
            file_name(&id("20260728093000"), "Move money to numeric!"),
            "20260728093000_move_money_to_numeric.sql"
        );
    }
}
