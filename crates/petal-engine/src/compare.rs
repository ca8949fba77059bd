//! Comparing two schemas as the project is configured: the scope (its
//! `schemas` setting) and the comparability rules are `petal_diff::Scope`'s;
//! here they meet the settings, the server versions and the models' rename
//! hints.

use std::collections::BTreeSet;

use petal_diff::{Diff, Scope};
use petal_ir::{Database, QualifiedName};

use crate::error::EngineError;
use crate::settings::Settings;

/// The project's comparison scope.
pub fn scope(settings: &Settings) -> Scope {
    Scope::only(settings.schemas.iter().cloned())
        .with_privileges(settings.privileges)
        .with_rows_of(settings.recreate_with_rows.clone())
}

/// Diffs `from` into `to`, both restricted to the configured schemas (all
/// when none are configured).
pub fn compare(settings: &Settings, from: &Database, to: &Database) -> Diff {
    scope(settings).diff(from, to)
}

/// The two schemas as they are compared.
pub fn scoped(settings: &Settings, from: &Database, to: &Database) -> (Database, Database) {
    scope(settings).apply(from, to)
}

/// What became of a table `--allow-recreate` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allowance {
    /// No table of that name on either side: a typo, most likely.
    Unknown(QualifiedName),
    /// It changes in place, or not at all: nothing to recreate.
    Idle(QualifiedName),
    /// Recreated, but its rows cannot be copied, for the reason given: it
    /// is dropped and created.
    Blocked(QualifiedName, String),
}

/// What became of each table `with_rows` names in `diff`, from `current`
/// to `desired`; tables copied as asked are not listed.
pub fn allowances(
    current: &Database,
    desired: &Database,
    diff: &Diff,
    with_rows: &BTreeSet<QualifiedName>,
) -> Vec<Allowance> {
    let recreated = petal_diff::recreated_tables(&diff.changes);
    let copied = |name: &QualifiedName| {
        diff.changes.iter().any(|change| {
            matches!(change, petal_diff::Change::Alter(petal_diff::Alter::CopyRows { rows })
                if rows.to.table == *name)
        })
    };
    with_rows
        .iter()
        .filter_map(|name| {
            let known = |db: &Database| db.tables.contains_key(name);
            if !known(current) && !known(desired) {
                return Some(Allowance::Unknown(name.clone()));
            }
            if copied(name) {
                return None;
            }
            if !recreated.iter().any(|(table, _)| table == name) {
                return Some(Allowance::Idle(name.clone()));
            }
            petal_diff::copy_obstacle(current, desired, name)
                .map(|why| Allowance::Blocked(name.clone(), why))
        })
        .collect()
}

/// An allowance said to the user.
pub fn allowance_text(allowance: &Allowance) -> String {
    match allowance {
        Allowance::Unknown(name) => format!(
            "--allow-recreate {name}: there is no table {name} on either side (the database or \
             the models)"
        ),
        Allowance::Idle(name) => format!(
            "--allow-recreate {name}: {name} is not recreated (it changes in place, or not at \
             all), so the flag does nothing"
        ),
        Allowance::Blocked(name, why) => format!(
            "--allow-recreate {name}: its rows cannot be copied ({why}), so it is dropped and \
             created"
        ),
    }
}

/// A server's `server_version_num` (180004 for 18.4); `whose` names the
/// server in an error ("the dev server's").
pub(crate) async fn server_version_num(
    client: &tokio_postgres::Client,
    whose: &str,
) -> Result<i32, EngineError> {
    let row = client
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .await
        .map_err(|e| EngineError::pg_query(&format!("reading {whose} version"), e))?;
    Ok(row.get(0))
}

/// A warning when the models were canonicalized on a server of another
/// major version than the one they are compared with: catalogs and the
/// spelling of expressions can differ between versions (set `dev_url` to a
/// server of the target's version).
pub fn version_warning(target: Option<i32>, dev: Option<i32>) -> Option<String> {
    let (target, dev) = (target?, dev?);
    (target / 10000 != dev / 10000).then(|| {
        format!(
            "the models were canonicalized on PostgreSQL {} but are compared with PostgreSQL {}; \
             set dev_url to a server of version {} for an exact comparison",
            dev / 10000,
            target / 10000,
            target / 10000
        )
    })
}

/// Copies the declared rename hints (tables, columns, enum types and labels,
/// and the hints of every other kind a declared database carries) onto
/// their canonical form, which came out of a database and has none. An
/// object the declared database lacks keeps what it has: the SQL files'
/// `-- petal: renamed_from` hints are set on the canonical form directly.
pub fn carry_hints(canonical: &mut Database, models: &Database) {
    for (name, model) in &models.tables {
        let Some(table) = canonical.tables.get_mut(name) else {
            continue;
        };
        table.renamed_from = model.renamed_from.clone();
        for model_col in &model.columns {
            if let Some(col) = table.columns.iter_mut().find(|c| c.name == model_col.name) {
                col.renamed_from = model_col.renamed_from.clone();
            }
        }
        for model_index in &model.indexes {
            if let Some(index) = table
                .indexes
                .iter_mut()
                .find(|i| i.name == model_index.name)
            {
                index.concurrently = model_index.concurrently;
            }
        }
    }
    for (name, model) in &models.enums {
        let Some(e) = canonical.enums.get_mut(name) else {
            continue;
        };
        e.renamed_from = model.renamed_from.clone();
        e.renamed_labels = model.renamed_labels.clone();
    }
    // Every other kind: the same field on the same keys. Only a hint
    // present is carried, so one set from the SQL files stays.
    macro_rules! carry {
        ($($kind:ident),*) => {$(
            for (key, object) in canonical.$kind.iter_mut() {
                if let Some(hint) = models.$kind.get(key).and_then(|d| d.renamed_from.as_ref()) {
                    object.renamed_from = Some(hint.clone());
                }
            }
        )*};
    }
    carry!(
        sequences,
        views,
        functions,
        domains,
        composite_types,
        range_types,
        collations
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use petal_ir::{Column, QualifiedName, SqlType, Table};

    fn settings() -> Settings {
        Settings {
            root: ".".into(),
            database_url: None,
            dev_url: None,
            database: "x".into(),
            models_dir: "m".into(),
            migrations_dir: "mig".into(),
            sql_dir: None,
            project_file: None,
            schemas: Vec::new(),
            features: None,
            step_policy: Default::default(),
            online: false,
            recreate_with_rows: Default::default(),
            privileges: false,
        }
    }

    #[test]
    fn the_configured_schemas_are_the_scope() {
        let mut db = Database::default();
        db.add_table(Table::new(QualifiedName::new("crm", "t")));
        let mut s = settings();
        assert!(!compare(&s, &db, &Database::default()).is_empty());
        s.schemas = vec!["public".into()];
        assert!(compare(&s, &db, &Database::default()).is_empty());
    }

    #[test]
    fn hints_reach_the_canonical_form() {
        let name = QualifiedName::new("public", "t");
        let mut model = Table::new(name.clone());
        let mut col = Column::new("b", SqlType::canonical("int"));
        col.renamed_from = Some("a".into());
        model.columns.push(col);
        let mut models = Database::default();
        models.add_table(model.clone());
        let mut canonical = models.clone().without_hints();
        carry_hints(&mut canonical, &models);
        assert_eq!(canonical, models);
    }
}
