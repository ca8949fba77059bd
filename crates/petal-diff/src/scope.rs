//! What a comparison covers, and the rules that make two schemas
//! comparable before they are diffed: the schemas in scope, and `public`
//! never dropped. Spellings are compared as PostgreSQL prints them: a
//! default written `CURRENT_TIMESTAMP` on one side and `now()` on the
//! other is a difference (pg_dump prints them apart, and a diff between
//! two databases must leave them identical as PostgreSQL prints them); a
//! model takes the database's spelling to match it.

use std::borrow::Cow;
use std::collections::BTreeSet;

use petal_ir::{Database, QualifiedName};

use crate::compare::{Diff, diff_with_rows};

/// Every new database has a `public` schema, and petal never drops it:
/// removing all of one's models from `public` must not try to.
pub const ALWAYS_PRESENT: &str = "public";

/// The schemas a comparison covers, and whether it covers privileges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// `None`: every non-system schema on either side.
    schemas: Option<BTreeSet<String>>,
    /// Whether privileges are compared (`privileges = true`): a side that
    /// holds none (an empty database) has every object's default.
    privileges: bool,
    /// The tables recreated with their rows where they cannot change in
    /// place (`--allow-recreate`).
    with_rows: BTreeSet<QualifiedName>,
}

impl Scope {
    /// Every schema on either side.
    pub fn all() -> Self {
        Scope::default()
    }

    /// Only the given schemas; none given means all.
    pub fn only<I, S>(schemas: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let schemas: BTreeSet<String> = schemas.into_iter().map(Into::into).collect();
        Scope {
            schemas: (!schemas.is_empty()).then_some(schemas),
            ..Scope::default()
        }
    }

    /// The same scope, comparing privileges or not.
    pub fn with_privileges(self, privileges: bool) -> Self {
        Scope { privileges, ..self }
    }

    /// The same scope, recreating `tables` with their rows where
    /// PostgreSQL cannot change them in place (made partitioned or not,
    /// given another partition key, made a partition).
    pub fn with_rows_of(self, tables: BTreeSet<QualifiedName>) -> Self {
        Scope {
            with_rows: tables,
            ..self
        }
    }

    /// The two schemas as they are compared: narrowed to the scope, and
    /// `public` kept.
    pub fn apply(&self, from: &Database, to: &Database) -> (Database, Database) {
        let (from, to) = self.apply_cow(from, to);
        (from.into_owned(), to.into_owned())
    }

    /// Diffs `from` into `to` within the scope.
    pub fn diff(&self, from: &Database, to: &Database) -> Diff {
        let (from, to) = self.apply_cow(from, to);
        diff_with_rows(&from, &to, &self.with_rows)
    }

    /// [`Scope::apply`], copying a side only when it changes: without a
    /// schema list, only when `public` must be added to it.
    fn apply_cow<'a>(
        &self,
        from: &'a Database,
        to: &'a Database,
    ) -> (Cow<'a, Database>, Cow<'a, Database>) {
        let (mut from, mut to) = (Cow::Borrowed(from), Cow::Borrowed(to));
        if let Some(keep) = &self.schemas {
            from.to_mut().retain_schemas(keep);
            to.to_mut().retain_schemas(keep);
        }
        for side in [&mut from, &mut to] {
            if self.privileges && side.privileges.is_none() {
                side.to_mut().privileges = Some(petal_ir::Acls::default());
            }
            if !self.privileges && side.privileges.is_some() {
                side.to_mut().privileges = None;
            }
        }
        if from.schemas.contains(ALWAYS_PRESENT) && !to.schemas.contains(ALWAYS_PRESENT) {
            to.to_mut().schemas.insert(ALWAYS_PRESENT.to_string());
        }
        if to.schemas.contains(ALWAYS_PRESENT)
            && !from.schemas.contains(ALWAYS_PRESENT)
            && from.tables.is_empty()
            && from.enums.is_empty()
        {
            from.to_mut().schemas.insert(ALWAYS_PRESENT.to_string());
        }
        (from, to)
    }
}

#[cfg(test)]
mod tests {
    use petal_ir::{Column, QualifiedName, SqlType, Table};

    use super::*;

    #[test]
    fn public_is_never_dropped() {
        let mut db = Database::default();
        db.schemas.insert("public".into());
        let diff = Scope::all().diff(&db, &Database::default());
        assert!(diff.is_empty(), "{:?}", diff.changes);
    }

    /// pg_dump prints them apart, so a diff between two databases changes
    /// one into the other.
    #[test]
    fn current_timestamp_is_not_now() {
        let mut t = Table::new(QualifiedName::new("public", "t"));
        let mut c = Column::new("at", SqlType::canonical("timestamp with time zone"));
        c.default = Some("CURRENT_TIMESTAMP".into());
        t.columns.push(c);
        let mut a = Database::default();
        a.add_table(t.clone());
        t.columns[0].default = Some("now()".into());
        let mut b = Database::default();
        b.add_table(t);
        assert_eq!(Scope::all().diff(&a, &b).changes.len(), 1);
    }

    #[test]
    fn a_scope_leaves_other_schemas_alone() {
        let mut a = Database::default();
        a.add_table(Table::new(QualifiedName::new("crm", "x")));
        let diff = Scope::only(["public"]).diff(&a, &Database::default());
        assert!(diff.is_empty(), "{:?}", diff.changes);
        assert!(
            !Scope::only(Vec::<String>::new())
                .diff(&a, &Database::default())
                .is_empty()
        );
    }
}
