//! SQL text as the renderer builds it, with where each piece comes from.
//!
//! PostgreSQL reports where in a statement it found an error (a character
//! position). With the byte range of every piece's origin kept beside the
//! text, that position leads straight to the model attribute behind it (a
//! column's default, a check's expression, an index's predicate), instead
//! of a search through the SQL for keywords that a string literal or a
//! quoted name may hold as well.

use petal_ir::Origin;
use serde::{Deserialize, Serialize};

/// A byte range of a statement's text and the object part it renders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Traced {
    pub start: usize,
    pub end: usize,
    pub origin: Origin,
}

/// SQL text with the origins of its pieces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sql {
    pub text: String,
    pub origins: Vec<Traced>,
}

impl Sql {
    pub fn new() -> Self {
        Sql::default()
    }

    /// Appends untraced text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends the text written by `write`, traced to `origin` (pieces it
    /// traces itself nest inside).
    pub fn traced(&mut self, origin: Origin, write: impl FnOnce(&mut Sql)) -> &mut Self {
        let start = self.text.len();
        write(self);
        let end = self.text.len();
        self.origins.push(Traced { start, end, origin });
        self
    }

    /// Appends text traced to `origin`.
    pub fn push_traced(&mut self, origin: Origin, text: &str) -> &mut Self {
        self.traced(origin, |sql| {
            sql.push(text);
        })
    }

    /// Appends another piece of SQL, its origins shifted along.
    pub fn append(&mut self, other: Sql) -> &mut Self {
        let offset = self.text.len();
        self.text.push_str(&other.text);
        self.origins
            .extend(other.origins.into_iter().map(|t| Traced {
                start: t.start + offset,
                end: t.end + offset,
                origin: t.origin,
            }));
        self
    }

    /// The whole text traced to `origin` as well (the outermost origin).
    pub fn within(mut self, origin: Origin) -> Sql {
        self.origins.push(Traced {
            start: 0,
            end: self.text.len(),
            origin,
        });
        self
    }
}

impl From<String> for Sql {
    fn from(text: String) -> Self {
        Sql {
            text,
            origins: Vec::new(),
        }
    }
}

/// The origin of byte `offset` of a statement: the narrowest traced range
/// holding it, or the widest when the offset is outside them all (no
/// position from the server).
pub fn origin_at(origins: &[Traced], offset: Option<usize>) -> Option<&Origin> {
    let narrowest = offset.and_then(|at| {
        origins
            .iter()
            .filter(|t| t.start <= at && at < t.end.max(t.start + 1))
            .min_by_key(|t| t.end - t.start)
    });
    narrowest
        .or_else(|| origins.iter().max_by_key(|t| t.end - t.start))
        .map(|t| &t.origin)
}

#[cfg(test)]
mod tests {
    use petal_ir::{ObjectKey, Part, QualifiedName};

    use super::*;

    #[test]
    fn the_narrowest_origin_wins() {
        let t = QualifiedName::new("public", "t");
        let column = ObjectKey::column(&t, "a");
        let mut sql = Sql::new();
        sql.push("CREATE TABLE t (");
        sql.traced(Origin::whole(column.clone()), |sql| {
            sql.push("\"a\" integer DEFAULT ");
            sql.push_traced(Origin::part(column.clone(), Part::Default), "nope()");
        });
        sql.push(");");
        let sql = sql.within(Origin::whole(ObjectKey::table(&t)));
        let at = sql.text.find("nope").unwrap_or(0);
        let origin = origin_at(&sql.origins, Some(at));
        assert_eq!(origin.map(|o| o.part), Some(Part::Default));
        let origin = origin_at(&sql.origins, Some(sql.text.find("integer").unwrap_or(0)));
        assert_eq!(origin, Some(&Origin::whole(column)));
        let origin = origin_at(&sql.origins, None);
        assert_eq!(origin, Some(&Origin::whole(ObjectKey::table(&t))));
    }
}
