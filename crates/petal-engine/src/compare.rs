//! Comparing two schemas: scoping them to the same schemas, carrying the
//! models' rename hints over to their canonical form, and diffing.

use std::collections::BTreeSet;

use petal_diff::Diff;
use petal_ir::Database;

use crate::settings::Settings;

/// Every new database has a `public` schema, and petal never drops it:
/// removing all of one's models from `public` must not try to.
const ALWAYS_PRESENT: &str = "public";

/// Diffs `from` into `to`, both restricted to the configured schemas (all
/// when none are configured).
pub fn compare(settings: &Settings, from: &Database, to: &Database) -> Diff {
    let (from, to) = scoped(settings, from, to);
    petal_diff::diff(&from, &to)
}

/// The two schemas as they are compared.
pub fn scoped(settings: &Settings, from: &Database, to: &Database) -> (Database, Database) {
    let mut from = from.clone();
    let mut to = to.clone();
    if !settings.schemas.is_empty() {
        let keep: BTreeSet<String> = settings.schemas.iter().cloned().collect();
        from.retain_schemas(&keep);
        to.retain_schemas(&keep);
    }
    same_spelling(&mut from);
    same_spelling(&mut to);
    if from.schemas.contains(ALWAYS_PRESENT) {
        to.schemas.insert(ALWAYS_PRESENT.to_string());
    }
    if to.schemas.contains(ALWAYS_PRESENT) && from.tables.is_empty() && from.enums.is_empty() {
        from.schemas.insert(ALWAYS_PRESENT.to_string());
    }
    (from, to)
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

/// Default expressions that PostgreSQL keeps as written although they mean
/// the same: `CURRENT_TIMESTAMP` and `transaction_timestamp()` are `now()`.
/// Spelling them one way on both sides keeps them from showing as changes.
const SAME_AS_NOW: &[&str] = &["CURRENT_TIMESTAMP", "transaction_timestamp()"];

fn same_spelling(db: &mut Database) {
    for table in db.tables.values_mut() {
        for column in &mut table.columns {
            if let Some(default) = &column.default
                && SAME_AS_NOW.contains(&default.as_str())
            {
                column.default = Some("now()".to_string());
            }
        }
    }
}

/// Copies the models' rename hints (tables, columns, enum types and labels)
/// onto their canonical form, which came out of a database and has none.
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
    }
    for (name, model) in &models.enums {
        let Some(e) = canonical.enums.get_mut(name) else {
            continue;
        };
        e.renamed_from = model.renamed_from.clone();
        e.renamed_labels = model.renamed_labels.clone();
    }
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
            schemas: Vec::new(),
        }
    }

    #[test]
    fn public_is_never_dropped() {
        let mut db = Database::default();
        db.schemas.insert("public".into());
        let empty_models = Database::default();
        let diff = compare(&settings(), &db, &empty_models);
        assert!(diff.is_empty(), "{:?}", diff.changes);
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
