//! Renames between two live databases, told from the catalogs alone.
//!
//! Models name their renames (`renamed_from`); two databases cannot. Yet a
//! database keeps its columns in the order they were made, and a rename
//! keeps a column's place and a table's parts: where only a rename
//! explains what the two sides hold, dropping and adding instead would
//! lose data and move columns, and the result would not be the other
//! database. So, for a diff between two databases (never with models,
//! whose column order is the struct's):
//!
//! - a column that goes and one that comes between the same kept
//!   neighbours (not after the last kept column: `ADD COLUMN` appends
//!   there, so a drop and an add there look alike) are one column renamed,
//!   its type changed or not (an added column could not stand there);
//!   several in one such gap pair in order, when their types do;
//! - a table that goes and one that comes in the same schema, with the
//!   same columns and the same keys, checks and indexes under the same
//!   names (PostgreSQL keeps their names when it renames a table), are one
//!   table renamed.
//!
//! Each inference is a hint on the desired side, as a model's would be,
//! and a warning says it, for the reviewer to confirm.

use std::collections::BTreeSet;

use petal_ir::naming::make_object_name;
use petal_ir::{Column, Database, QualifiedName, Table};

use crate::compare::Warning;

/// Sets `renamed_from` on `to` wherever only a rename explains the
/// difference from `from`; the warnings say each.
pub fn infer_renames(from: &Database, to: &mut Database) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for (old, new) in renamed_tables(from, to) {
        if let Some(table) = to.tables.get_mut(&new) {
            table.renamed_from = Some(old.clone());
            warnings.push(Warning::InferredRename {
                object: format!("table {new}"),
                renamed_from: old.to_string(),
            });
        }
    }
    for table in to.tables.values_mut() {
        let old_name = table
            .renamed_from
            .clone()
            .unwrap_or_else(|| table.name.clone());
        let Some(before) = from.tables.get(&old_name) else {
            continue;
        };
        for (old, new) in renamed_columns(before, table) {
            if let Some(column) = table.columns.iter_mut().find(|c| c.name == new) {
                column.renamed_from = Some(old.clone());
                warnings.push(Warning::InferredRename {
                    object: format!("column {}.{new}", table.name),
                    renamed_from: old,
                });
            }
        }
    }
    warnings
}

/// Tables that go and come with the same parts: one pair per schema only
/// where nothing else could match.
fn renamed_tables(from: &Database, to: &Database) -> Vec<(QualifiedName, QualifiedName)> {
    let gone: Vec<&Table> = from
        .tables
        .values()
        .filter(|t| !to.tables.contains_key(&t.name) && !hinted_away(to, &t.name))
        .collect();
    let come: Vec<&Table> = to
        .tables
        .values()
        .filter(|t| !from.tables.contains_key(&t.name) && t.renamed_from.is_none())
        .collect();
    let mut pairs = Vec::new();
    for old in &gone {
        let alike: Vec<&&Table> = come
            .iter()
            .filter(|new| new.name.schema == old.name.schema && same_parts(old, new))
            .collect();
        let [new] = alike.as_slice() else { continue };
        let rivals = gone
            .iter()
            .filter(|other| other.name.schema == new.name.schema && same_parts(other, new))
            .count();
        if rivals == 1 {
            pairs.push((old.name.clone(), new.name.clone()));
        }
    }
    pairs
}

/// Whether a desired table already says it was renamed from `name`.
fn hinted_away(to: &Database, name: &QualifiedName) -> bool {
    to.tables
        .values()
        .any(|t| t.renamed_from.as_ref() == Some(name))
}

/// The same columns, keys, checks and indexes, names and all; foreign
/// keys aside (they name the renamed tables).
fn same_parts(a: &Table, b: &Table) -> bool {
    // A serial or identity column's sequence keeps its name when the
    // table is renamed: compared by the name it has, said or implied.
    let columns = |t: &Table| -> Vec<Column> {
        t.columns
            .iter()
            .map(|c| Column {
                renamed_from: None,
                sequence: (c.serial || c.identity.is_some()).then(|| {
                    c.sequence.clone().unwrap_or_else(|| {
                        let name = make_object_name(&t.name.name, Some(&c.name), Some("seq"));
                        QualifiedName::new(t.name.schema.clone(), name)
                    })
                }),
                ..c.clone()
            })
            .collect()
    };
    // Partitions and inheritance children hold little of their own:
    // alike, they are still not one another (a rolling window drops one
    // and adds the next).
    !a.is_declared_in_sql()
        && !b.is_declared_in_sql()
        && a.partition_by == b.partition_by
        && columns(a) == columns(b)
        && a.primary_key == b.primary_key
        && a.uniques == b.uniques
        && a.checks == b.checks
        && a.indexes == b.indexes
}

/// `(old, new)` column names of `before` and `after` (one table) that only
/// a rename explains.
fn renamed_columns(before: &Table, after: &Table) -> Vec<(String, String)> {
    if after.columns.iter().any(|c| c.renamed_from.is_some()) {
        // Hinted already: the hints say it.
        return Vec::new();
    }
    let kept: BTreeSet<&str> = before
        .columns
        .iter()
        .filter(|c| after.column(&c.name).is_some())
        .map(|c| c.name.as_str())
        .collect();
    let gaps_before = gaps(&before.columns, &kept);
    let gaps_after = gaps(&after.columns, &kept);
    let mut pairs = Vec::new();
    for (next, gone) in &gaps_before {
        // After the last kept column, a drop and an add look alike.
        let Some(next) = next else { continue };
        let Some((_, come)) = gaps_after.iter().find(|(n, _)| n.as_ref() == Some(next)) else {
            continue;
        };
        // A column standing between kept ones cannot have been added (an
        // added column comes last): alone in its gap, it is the one that
        // stood there renamed, its type changed or not. Several pair in
        // order where their types do.
        let alike = gone.len() == come.len()
            && (gone.len() == 1
                || gone
                    .iter()
                    .zip(come)
                    .all(|(g, c)| g.ty == c.ty && g.collation == c.collation));
        if alike {
            pairs.extend(
                gone.iter()
                    .zip(come)
                    .map(|(g, c)| (g.name.clone(), c.name.clone())),
            );
        }
    }
    pairs
}

/// The runs of columns that are not kept, each with the kept column that
/// follows it (`None`: the run ends the table).
fn gaps<'a>(
    columns: &'a [Column],
    kept: &BTreeSet<&str>,
) -> Vec<(Option<String>, Vec<&'a Column>)> {
    let mut out = Vec::new();
    let mut run: Vec<&Column> = Vec::new();
    for column in columns {
        if kept.contains(column.name.as_str()) {
            if !run.is_empty() {
                out.push((Some(column.name.clone()), std::mem::take(&mut run)));
            }
        } else {
            run.push(column);
        }
    }
    if !run.is_empty() {
        out.push((None, run));
    }
    out
}

#[cfg(test)]
mod tests {
    use petal_ir::{PrimaryKey, SqlType};

    use super::*;

    fn table(name: &str, columns: &[(&str, &str)]) -> Table {
        let mut t = Table::new(QualifiedName::new("public", name));
        for (column, ty) in columns {
            t.columns
                .push(Column::new(*column, SqlType::from_canonical(*ty)));
        }
        t.primary_key = Some(PrimaryKey {
            deferrable: Default::default(),
            name: "packages_pkey".into(),
            columns: vec!["id".into()],
            comment: None,
        });
        t
    }

    fn db(tables: Vec<Table>) -> Database {
        let mut db = Database::default();
        db.schemas.insert("public".into());
        for t in tables {
            db.add_table(t);
        }
        db
    }

    #[test]
    fn a_column_in_its_place_is_renamed() {
        let from = db(vec![table(
            "versions",
            &[
                ("id", "integer"),
                ("package_id", "integer"),
                ("num", "text"),
            ],
        )]);
        let mut to = db(vec![table(
            "versions",
            &[("id", "integer"), ("crate_id", "integer"), ("num", "text")],
        )]);
        let warnings = infer_renames(&from, &mut to);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let versions = &to.tables[&QualifiedName::new("public", "versions")];
        assert_eq!(
            versions
                .column("crate_id")
                .and_then(|c| c.renamed_from.clone()),
            Some("package_id".to_string())
        );
    }

    #[test]
    fn at_the_end_or_of_other_types_in_a_row_nothing_is_inferred() {
        let columns = |names: [(&'static str, &'static str); 5]| table("t", &names);
        let from = db(vec![columns([
            ("id", "integer"),
            ("a", "integer"),
            ("c", "text"),
            ("b", "text"),
            ("z", "text"),
        ])]);
        // `a`, `c` -> `x`, `w` change types in a row; `z` -> `y` is at the
        // end.
        let mut to = db(vec![columns([
            ("id", "integer"),
            ("x", "bigint"),
            ("w", "integer"),
            ("b", "text"),
            ("y", "text"),
        ])]);
        assert!(infer_renames(&from, &mut to).is_empty());
        // Alone in its place, a column retyped is still the one renamed.
        let mut to = db(vec![columns([
            ("id", "integer"),
            ("x", "bigint"),
            ("c", "text"),
            ("b", "text"),
            ("z", "text"),
        ])]);
        assert_eq!(infer_renames(&from, &mut to).len(), 1);
    }

    #[test]
    fn a_table_with_the_same_parts_is_renamed_once() {
        let columns = [("id", "integer"), ("name", "text")];
        let from = db(vec![table("packages", &columns)]);
        let mut to = db(vec![table("crates", &columns)]);
        let warnings = infer_renames(&from, &mut to);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(
            to.tables[&QualifiedName::new("public", "crates")].renamed_from,
            Some(QualifiedName::new("public", "packages"))
        );
        // Two tables alike on the new side: no telling which.
        let mut to = db(vec![table("crates", &columns), table("boxes", &columns)]);
        assert!(infer_renames(&from, &mut to).is_empty());
    }
}
