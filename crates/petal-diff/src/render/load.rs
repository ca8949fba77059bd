//! The DDL creating a whole database from empty, cut into units that
//! several sessions can run at once: what canonicalization loads on the dev
//! server, where the load is most of a cold run's time.
//!
//! [`render_schema`](super::render_schema) adds every foreign key with
//! `ALTER TABLE ... ADD` after all the tables, and PostgreSQL validates each
//! of those with a query, even on an empty table (a third of the time of
//! adding a thousand keys). A key inline in `CREATE TABLE` is not validated:
//! the table is new, so empty. So here tables come in dependency order, a
//! key goes inline whenever the table it references comes earlier, and only
//! the keys closing a cycle of references are added at the end.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::naming::{make_object_name, truncate_identifier};
use petal_ir::{Database, ForeignKey, ObjectKey, QualifiedName, Table};

use super::{create_table_sql, ddl, render_change, table_extras};
use crate::change::{Change, Object};
use crate::compare::diff;

/// A database's DDL as [`render_load`] cuts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Load {
    /// Schemas and enum types: first, in one transaction.
    pub prelude: Vec<String>,
    /// One unit per table, in dependency order.
    pub tables: Vec<TableUnit>,
    /// Foreign keys closing a cycle of references, and anything else that
    /// comes after the tables: last, once every unit is complete.
    pub epilogue: Vec<String>,
}

/// One table's statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableUnit {
    pub table: QualifiedName,
    /// `CREATE TABLE` with its foreign keys inline, ordered by the table
    /// they reference: PostgreSQL locks referenced tables in that order, so
    /// sessions creating tables at once cannot deadlock. Commit it alone,
    /// to hold those locks briefly.
    pub create: String,
    /// Indexes, comments, fix-ups, and keys referencing the table itself
    /// through a unique index (which exists only after `create`).
    pub rest: Vec<String>,
    /// The units (indexes into [`Load::tables`]) to complete before this
    /// one: the tables its inline foreign keys reference.
    pub after: Vec<usize>,
}

/// The DDL creating `db` in a new database (whose `public` schema exists),
/// as [`render_schema`](super::render_schema) gives it but in [`Load`]
/// units. Running the prelude, then every unit after its `after` units,
/// then the epilogue builds the same database.
pub fn render_load(db: &Database) -> Load {
    let mut empty = Database::default();
    if db.schemas.contains("public") {
        empty.schemas.insert("public".to_string());
    }
    let changes = diff(&empty, db).changes;
    let mut prelude = Vec::new();
    let mut epilogue = Vec::new();
    let mut tables: BTreeMap<&QualifiedName, &Table> = BTreeMap::new();
    let mut keys: BTreeMap<&QualifiedName, Vec<&ForeignKey>> = BTreeMap::new();
    for change in &changes {
        match change {
            Change::Create(Object::Table { table, .. }) => {
                tables.insert(&table.name, table);
            }
            Change::Create(Object::ForeignKey {
                table, foreign_key, ..
            }) => keys.entry(table).or_default().push(foreign_key),
            other => {
                // Schemas and types come before the tables that use them;
                // whatever the diff orders after a table stays after them all.
                let sink = if tables.is_empty() {
                    &mut prelude
                } else {
                    &mut epilogue
                };
                sink.extend(render_change(other).into_iter().map(|s| s.sql));
            }
        }
    }
    for list in keys.values_mut() {
        list.sort_by(|a, b| (&a.ref_table, &a.name).cmp(&(&b.ref_table, &b.name)));
    }
    let order = dependency_order(&tables, &keys);
    let position: BTreeMap<&QualifiedName, usize> =
        order.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let name_clashes = name_clashes(&tables, &position);
    let mut cycle_keys = Vec::new();
    let units = order
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let table = tables[name];
            let mut inline = Vec::new();
            let mut self_keys = Vec::new();
            let mut after: BTreeSet<usize> = name_clashes.get(&i).cloned().unwrap_or_default();
            // A key's comment follows the key: in the table's unit when
            // the key is made there, after it in the epilogue otherwise.
            let mut comments = Vec::new();
            for fk in keys.get(name).into_iter().flatten() {
                let comment = fk
                    .comment
                    .is_some()
                    .then(|| ddl::comment_on(&ObjectKey::constraint(name, &fk.name), &fk.comment));
                let later = || {
                    [ddl::add_foreign_key(name, fk).text]
                        .into_iter()
                        .chain(comment.clone())
                };
                // Inline, `CREATE TABLE` would mark it valid.
                if fk.not_valid {
                    cycle_keys.extend(later());
                    continue;
                }
                if &fk.ref_table == *name {
                    if keyed_by_constraint(table, fk) {
                        inline.push(*fk);
                        comments.extend(comment);
                    } else {
                        self_keys.extend(later());
                    }
                    continue;
                }
                match position.get(&fk.ref_table) {
                    Some(&p) if p < i => {
                        after.insert(p);
                        inline.push(*fk);
                        comments.extend(comment);
                    }
                    Some(_) => cycle_keys.extend(later()),
                    // Not a table of this database: PostgreSQL's refusal
                    // names the key, as it would in `render_schema`'s DDL.
                    None => {
                        inline.push(*fk);
                        comments.extend(comment);
                    }
                }
            }
            let mut rest: Vec<String> = table_extras(table).into_iter().map(|s| s.sql).collect();
            rest.extend(comments);
            rest.extend(self_keys);
            TableUnit {
                table: (*name).clone(),
                create: create_table_sql(table, &inline).text,
                rest,
                after: after.into_iter().collect(),
            }
        })
        .collect();
    cycle_keys.extend(epilogue);
    Load {
        prelude,
        tables: units,
        epilogue: cycle_keys,
    }
}

/// Tables that must not be created at the same moment, because
/// PostgreSQL picks a name for each that another may pick or hold too:
/// table `t`'s row type `t` and array type `_t`, and the sequences of its
/// serial and identity columns (`t_id_seq`). Two units picking one name
/// would collide in `pg_type` or `pg_class` (a table `_t` beside a table
/// `t`; `a.b_id` and `a_b.id`, both serial). Keyed by the later unit, with
/// the earlier ones it must wait for (as `TableUnit::after` goes).
fn name_clashes(
    tables: &BTreeMap<&QualifiedName, &Table>,
    position: &BTreeMap<&QualifiedName, usize>,
) -> BTreeMap<usize, BTreeSet<usize>> {
    let mut claims: BTreeMap<QualifiedName, BTreeSet<usize>> = BTreeMap::new();
    for (name, &i) in position {
        let mut claim = |n: String| {
            claims
                .entry(QualifiedName::new(name.schema.clone(), n))
                .or_default()
                .insert(i);
        };
        claim(name.name.clone());
        // PostgreSQL's makeArrayTypeName: `_` and the name, cut to length.
        claim(truncate_identifier(&format!("_{}", name.name)).to_string());
        for column in tables.get(name).into_iter().flat_map(|t| &t.columns) {
            if column.serial || column.identity.is_some() {
                claim(make_object_name(
                    &name.name,
                    Some(&column.name),
                    Some("seq"),
                ));
            }
        }
    }
    let mut clashes: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for units in claims.values().filter(|u| u.len() > 1) {
        let units: Vec<usize> = units.iter().copied().collect();
        for pair in units.windows(2) {
            clashes.entry(pair[1]).or_default().insert(pair[0]);
        }
    }
    clashes
}

/// Whether a key referencing its own table references the primary key or a
/// unique constraint, which `CREATE TABLE` creates before its foreign keys
/// (a unique index comes only after). Not a deferrable one, which
/// PostgreSQL refuses as a key's target: a unique index on the same columns
/// is the target then.
fn keyed_by_constraint(table: &Table, fk: &ForeignKey) -> bool {
    let referenced: BTreeSet<&String> = fk.ref_columns.iter().collect();
    let same = |columns: &[String]| columns.iter().collect::<BTreeSet<_>>() == referenced;
    table
        .primary_key
        .iter()
        .any(|pk| pk.deferrable.is_not() && same(&pk.columns))
        || table
            .uniques
            .iter()
            .any(|u| u.deferrable.is_not() && same(&u.columns))
}

/// The tables in an order where each comes after the tables it references,
/// but for references closing a cycle: a depth-first search in name order,
/// tables listed as they finish. Iterative, so a long chain of references
/// cannot overflow the stack.
fn dependency_order<'a>(
    tables: &BTreeMap<&'a QualifiedName, &'a Table>,
    keys: &BTreeMap<&'a QualifiedName, Vec<&'a ForeignKey>>,
) -> Vec<&'a QualifiedName> {
    let references = |t: &QualifiedName| -> Vec<&'a QualifiedName> {
        let mut refs: Vec<&'a QualifiedName> = keys
            .get(t)
            .into_iter()
            .flatten()
            .map(|fk| &fk.ref_table)
            .filter(|r| *r != t)
            .filter_map(|r| tables.get_key_value(r).map(|(k, _)| *k))
            .collect();
        refs.dedup();
        refs
    };
    let mut order = Vec::with_capacity(tables.len());
    let mut seen: BTreeSet<&QualifiedName> = BTreeSet::new();
    for &root in tables.keys() {
        if !seen.insert(root) {
            continue;
        }
        let mut stack = vec![(root, references(root), 0usize)];
        while let Some((table, refs, next)) = stack.last_mut() {
            if let Some(&r) = refs.get(*next) {
                *next += 1;
                // A table already seen is either finished (listed earlier)
                // or on the stack: a cycle, whose key `render_load` defers.
                if seen.insert(r) {
                    stack.push((r, references(r), 0));
                }
            } else {
                order.push(*table);
                stack.pop();
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use petal_ir::{Column, PrimaryKey, SqlType};

    fn table(name: &str, refs: &[&str]) -> Table {
        let mut t = Table::new(QualifiedName::new("public", name));
        t.columns
            .push(Column::new("id", SqlType::canonical("integer")));
        t.primary_key = Some(PrimaryKey {
            deferrable: Default::default(),
            comment: None,
            name: format!("{name}_pkey"),
            columns: vec!["id".into()],
        });
        for r in refs {
            let column = format!("{r}_id");
            t.columns
                .push(Column::new(&column, SqlType::canonical("integer")));
            t.foreign_keys.push(ForeignKey {
                not_valid: false,
                comment: None,
                name: format!("{name}_{column}_fkey"),
                columns: vec![column],
                ref_table: QualifiedName::new("public", *r),
                ref_columns: vec!["id".into()],
                on_delete: Default::default(),
                on_update: Default::default(),
                deferrable: Default::default(),
            });
        }
        t
    }

    fn database(tables: Vec<Table>) -> Database {
        let mut db = Database::default();
        db.schemas.insert("public".into());
        for t in tables {
            db.tables.insert(t.name.clone(), t);
        }
        db
    }

    fn names(load: &Load) -> Vec<&str> {
        load.tables.iter().map(|u| u.table.name.as_str()).collect()
    }

    #[test]
    fn referenced_tables_come_first_and_keys_go_inline() {
        let load = render_load(&database(vec![
            table("a", &["b", "c"]),
            table("b", &["c"]),
            table("c", &[]),
        ]));
        assert_eq!(names(&load), ["c", "b", "a"]);
        assert_eq!(load.tables[1].after, [0]);
        assert_eq!(load.tables[2].after, [0, 1]);
        assert!(load.epilogue.is_empty());
        let a = &load.tables[2].create;
        let (b_key, c_key) = (a.find("\"a_b_id_fkey\""), a.find("\"a_c_id_fkey\""));
        assert!(
            b_key.is_some() && b_key < c_key,
            "keys in referenced order: {a}"
        );
        assert!(load.tables.iter().all(|u| !u.create.contains("ALTER")));
    }

    #[test]
    fn a_cycle_defers_exactly_one_key() {
        let load = render_load(&database(vec![
            table("a", &["b"]),
            table("b", &["c"]),
            table("c", &["a"]),
        ]));
        assert_eq!(load.tables.len(), 3);
        assert_eq!(load.epilogue.len(), 1, "{:?}", load.epilogue);
        assert!(load.epilogue[0].starts_with("ALTER TABLE \"public\"."));
        let inline = load
            .tables
            .iter()
            .filter(|u| u.create.contains("FOREIGN KEY"))
            .count();
        assert_eq!(inline, 2);
    }

    /// Found by the canonical cache's property: a key made inline lost
    /// its comment on the cold path.
    #[test]
    fn a_keys_comment_follows_it_inline_or_in_the_epilogue() {
        let comment = "COMMENT ON CONSTRAINT";
        let mut node = table("node", &["node"]);
        node.foreign_keys[0].comment = Some("parent".into());
        let mut a = table("a", &["b"]);
        a.foreign_keys[0].comment = Some("to b".into());
        let mut b = table("b", &["a"]);
        b.foreign_keys[0].comment = Some("to a".into());
        let load = render_load(&database(vec![node, a, b]));
        let node = load.tables.iter().find(|u| u.table.name == "node");
        let rest = node.map(|u| u.rest.join("\n")).unwrap_or_default();
        assert!(
            rest.contains(&format!("{comment} \"node_node_id_fkey\"")),
            "{rest}"
        );
        let all: Vec<&String> = load
            .tables
            .iter()
            .flat_map(|u| &u.rest)
            .chain(&load.epilogue)
            .filter(|s| s.contains(comment))
            .collect();
        assert_eq!(all.len(), 3, "{all:?}");
        // The key closing the cycle is added in the epilogue, its comment
        // right after it.
        let at = load.epilogue.iter().position(|s| s.contains("FOREIGN KEY"));
        let next = at.and_then(|i| load.epilogue.get(i + 1));
        assert!(
            next.is_some_and(|s| s.contains(comment)),
            "{:?}",
            load.epilogue
        );
    }

    #[test]
    fn a_self_reference_is_inline_to_the_primary_key_and_after_a_unique_index() {
        let mut t = table("node", &["node"]);
        let load = render_load(&database(vec![t.clone()]));
        assert!(
            load.tables[0]
                .create
                .contains("REFERENCES \"public\".\"node\"")
        );
        assert!(load.tables[0].after.is_empty());

        t.columns
            .push(Column::new("code", SqlType::canonical("text")));
        t.foreign_keys[0].ref_columns = vec!["code".into()];
        t.indexes.push(petal_ir::Index {
            name: "node_code_key".into(),
            unique: true,
            method: "btree".into(),
            keys: vec![petal_ir::IndexKey::column("code")],
            include: Vec::new(),
            predicate: None,
            nulls_not_distinct: false,
            comment: None,
            storage: Vec::new(),
            concurrently: false,
            only: false,
        });
        let load = render_load(&database(vec![t]));
        let unit = &load.tables[0];
        assert!(!unit.create.contains("FOREIGN KEY"));
        let last = unit.rest.last().map(String::as_str).unwrap_or_default();
        assert!(last.contains("ADD CONSTRAINT \"node_node_id_fkey\" FOREIGN KEY"));
        assert!(unit.rest[0].starts_with("CREATE UNIQUE INDEX"));
    }

    #[test]
    fn a_table_named_like_another_tables_array_type_waits_for_it() {
        let load = render_load(&database(vec![
            table("p", &[]),
            table("t", &["p"]),
            table("_t", &["p"]),
        ]));
        assert_eq!(names(&load), ["p", "_t", "t"]);
        assert_eq!(load.tables[2].after, [0, 1], "t after p and _t");
    }

    #[test]
    fn serial_columns_wanting_one_sequence_name_are_not_created_at_once() {
        let mut a = table("a", &[]);
        let mut b_id = Column::new("b_id", SqlType::canonical("integer"));
        b_id.serial = true;
        a.columns.push(b_id);
        let mut a_b = table("a_b", &[]);
        a_b.columns[0].serial = true;
        let load = render_load(&database(vec![a, a_b, table("c", &[])]));
        assert_eq!(names(&load), ["a", "a_b", "c"]);
        assert_eq!(load.tables[1].after, [0], "both want a_b_id_seq");
        assert!(load.tables[2].after.is_empty());
    }

    #[test]
    fn the_units_hold_every_statement_of_the_schema() {
        let db = database(vec![
            table("a", &["b"]),
            table("b", &["a"]),
            table("c", &["a", "c"]),
        ]);
        let load = render_load(&db);
        let script: usize = super::super::render_schema(&db).len();
        let units: usize = load.prelude.len()
            + load.epilogue.len()
            + load.tables.iter().map(|u| 1 + u.rest.len()).sum::<usize>();
        let inline: usize = load
            .tables
            .iter()
            .map(|u| u.create.matches("FOREIGN KEY").count())
            .sum();
        assert_eq!(units + inline, script);
    }
}
