//! The revision id of each imported migration (the rules are in the
//! module documentation of `import`), and the line saying which rule made
//! it, for the file's header.

use chrono::{NaiveDateTime, TimeDelta};
use petal_source::Report;

use super::{Found, SourceDir, Tool, Version};
use crate::revision::RevisionId;

/// How a version became a revision id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdMapping {
    /// The version is a `YYYYMMDDHHMMSS` time: the id itself.
    Timestamp,
    /// The version's first 14 digits are a time, the rest a suffix
    /// (diesel 2's `-0000`).
    TimestampPrefix,
    /// The version is a number N: 1970-01-01 00:00:00 UTC plus N seconds.
    EpochPlus(i64),
    /// The id the version gives, `own`, does not sort after the revision
    /// before it, or the version gives none (all digits, but no time, like
    /// `20140929103761`, and too large a number): the next second after
    /// that one (after 1970-01-01 00:00:00 for the first).
    NextSecond { own: Option<RevisionId> },
}

impl IdMapping {
    /// The mapping's name in `--format json`.
    pub fn kind(&self) -> &'static str {
        match self {
            IdMapping::Timestamp => "timestamp",
            IdMapping::TimestampPrefix => "timestamp_prefix",
            IdMapping::EpochPlus(_) => "epoch_plus_seconds",
            IdMapping::NextSecond { .. } => "next_second",
        }
    }

    /// How the id was made, for the file's `-- imported from:` line.
    pub fn describe(&self) -> String {
        match self {
            IdMapping::Timestamp => "its time is the revision id".to_owned(),
            IdMapping::TimestampPrefix => {
                "its first 14 digits, a time, are the revision id".to_owned()
            }
            IdMapping::EpochPlus(n) => {
                format!("the revision id is 1970-01-01 00:00:00 UTC plus {n} seconds")
            }
            IdMapping::NextSecond { own: Some(own) } => format!(
                "its own id, {own}, does not sort after the revision before it, so it takes \
                 the next second"
            ),
            IdMapping::NextSecond { own: None } => "it spells no time and is too large a \
                number, so it takes the next second after the revision before it"
                .to_owned(),
        }
    }
}

const FORMAT: &str = "%Y%m%d%H%M%S";

/// The revision id `version` gives by itself, and how it was made.
pub fn revision_id(version: &Version) -> Result<(RevisionId, IdMapping), String> {
    let digits = match version {
        Version::Text(text) => text.clone(),
        Version::Number(n) => n.to_string(),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "version `{version}` is neither a YYYYMMDDHHMMSS time nor a number"
        ));
    }
    if digits.len() >= 14
        && let Ok(id) = RevisionId::parse(&digits[..14])
    {
        let mapping = if digits.len() == 14 {
            IdMapping::Timestamp
        } else {
            IdMapping::TimestampPrefix
        };
        return Ok((id, mapping));
    }
    let number: i64 = digits
        .parse()
        .map_err(|_| format!("version `{version}` is too long to be a number"))?;
    RevisionId::from_unix_seconds(number)
        .map(|id| (id, IdMapping::EpochPlus(number)))
        .ok_or_else(|| {
            format!(
                "version {version} is no YYYYMMDDHHMMSS time, and 1970-01-01 plus {number} \
                 seconds is past the year 9999"
            )
        })
}

/// The second after `id`.
fn next_second(id: &RevisionId) -> Option<RevisionId> {
    let time = NaiveDateTime::parse_from_str(id.as_str(), FORMAT).ok()?;
    let next = time.checked_add_signed(TimeDelta::seconds(1))?;
    RevisionId::parse(&next.format(FORMAT).to_string()).ok()
}

/// Each migration's id, in the tool's order, each after the one before.
pub(crate) fn revision_ids(
    tool: Tool,
    dir: &SourceDir,
    found: &[Found],
) -> Result<Vec<(RevisionId, IdMapping)>, Vec<Report>> {
    let mut reports = Vec::new();
    let mut ids: Vec<(RevisionId, IdMapping)> = Vec::new();
    for migration in found {
        let path = dir.path_of(&migration.up);
        let digits_only = matches!(&migration.version, Version::Number(_))
            || matches!(&migration.version, Version::Text(t) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()));
        let own = match revision_id(&migration.version) {
            Ok(pair) => Some(pair),
            // Ordered among its neighbours by the tool all the same: it
            // takes the next second below.
            Err(_) if digits_only => None,
            Err(why) => {
                reports.push(
                    Report::in_file(path, format!("{tool} migration: {why}")).with_help(
                        "petal ids are times; rename the migration with a timestamp or a number",
                    ),
                );
                continue;
            }
        };
        let previous = ids.last().map(|(id, _)| id);
        let pair = match (own, previous) {
            (Some((own, mapping)), previous) if previous.is_none_or(|p| *p < own) => (own, mapping),
            (own, previous) => {
                let next = match previous {
                    Some(previous) => next_second(previous),
                    None => RevisionId::from_unix_seconds(0),
                };
                let Some(next) = next else {
                    reports.push(Report::in_file(
                        path,
                        "no revision id is left after the one before",
                    ));
                    continue;
                };
                (
                    next,
                    IdMapping::NextSecond {
                        own: own.map(|(id, _)| id),
                    },
                )
            }
        };
        ids.push(pair);
    }
    if reports.is_empty() {
        Ok(ids)
    } else {
        Err(reports)
    }
}
