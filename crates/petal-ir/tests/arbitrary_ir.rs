//! Properties of the IR over generated schemas (run with `--features
//! arbitrary`, which the workspace's test build turns on through
//! petal-diff's dev-dependencies).
#![cfg(feature = "arbitrary")]

use petal_ir::arbitrary::{database, database_pair, whole_database, whole_database_pair};
use petal_ir::{Database, MAX_IDENTIFIER_BYTES, QualifiedName, SqlType};
use proptest::prelude::*;

/// A child's parents stand, and a column it shares with one is of that
/// one's type (PostgreSQL merges them).
fn assert_valid_child(db: &Database, t: &petal_ir::Table) {
    for parent in &t.inherits {
        let parent = db
            .tables
            .get(parent)
            .unwrap_or_else(|| panic!("{}: inherits from {parent}, missing", t.name));
        assert!(parent.partition_by.is_none(), "{}", t.name);
        for column in &t.columns {
            if let Some(shared) = parent.column(&column.name) {
                assert_eq!(shared.ty, column.ty, "{}.{}", t.name, column.name);
            }
        }
    }
}

/// What PostgreSQL would refuse: dangling references, overlong names.
fn assert_valid(db: &Database) {
    for e in db.enums.values() {
        assert!(
            db.schemas.contains(&e.name.schema),
            "{} has no schema",
            e.name
        );
        assert!(!e.labels.is_empty(), "{} has no labels", e.name);
    }
    for t in db.tables.values() {
        assert!(
            db.schemas.contains(&t.name.schema),
            "{} has no schema",
            t.name
        );
        if let Some(of) = &t.partition_of {
            // A partition's columns are its parent's.
            let parent = db.tables.get(&of.parent);
            assert!(
                parent.is_some_and(|p| p.partition_by.is_some()),
                "{}: partition of {}, which is no partitioned table",
                t.name,
                of.parent
            );
            assert!(
                t.columns.is_empty() && t.primary_key.is_none(),
                "{}",
                t.name
            );
            continue;
        }
        assert_valid_child(db, t);
        // An inheritance child may declare no column of its own.
        assert!(
            !t.columns.is_empty() || !t.inherits.is_empty(),
            "{} has no columns",
            t.name
        );
        if let Some(key) = &t.partition_by {
            // PostgreSQL: every key holds the partition key's column.
            let column = t.columns.iter().find(|c| {
                key.contains(&format!("({})", c.name)) || key.contains(&format!("(\"{}\")", c.name))
            });
            let column = column.unwrap_or_else(|| panic!("{}: {key} names no column", t.name));
            let keys = t
                .uniques
                .iter()
                .map(|u| &u.columns)
                .chain(t.primary_key.iter().map(|p| &p.columns));
            for k in keys {
                assert!(
                    k.contains(&column.name),
                    "{}: key {k:?} without {key}",
                    t.name
                );
            }
            // Row-level security is a partitioned table's as well.
            let o = &t.options;
            assert!(
                !o.unlogged
                    && o.storage.is_empty()
                    && o.replica_identity.is_default()
                    && t.exclusions.is_empty(),
                "{}",
                t.name
            );
        }
        let columns: std::collections::BTreeSet<&str> =
            t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(columns.len(), t.columns.len(), "{}: a column twice", t.name);
        let names: Vec<&str> = t.object_names().collect();
        for name in names.iter().chain([&t.name.name.as_str()]) {
            assert!(name.len() <= MAX_IDENTIFIER_BYTES, "{name} is too long");
        }
        let has = |c: &String| t.column(c).is_some();
        if let Some(pk) = &t.primary_key {
            assert!(pk.columns.iter().all(has), "{}: {pk:?}", t.name);
        }
        for u in &t.uniques {
            assert!(u.columns.iter().all(has), "{}: {u:?}", t.name);
        }
        for fk in &t.foreign_keys {
            assert!(fk.columns.iter().all(has), "{}: {fk:?}", t.name);
            let target = db.tables.get(&fk.ref_table);
            let target = target.unwrap_or_else(|| panic!("{}: {fk:?} has no target", t.name));
            let keyed = target
                .primary_key
                .iter()
                .any(|p| p.columns == fk.ref_columns && p.deferrable.is_not())
                || target
                    .uniques
                    .iter()
                    .any(|u| u.columns == fk.ref_columns && u.deferrable.is_not());
            assert!(keyed, "{}: {fk:?} points at no key", t.name);
            // PostgreSQL: a logged table references only logged ones.
            assert!(
                t.options.unlogged || !target.options.unlogged,
                "{}: logged, references unlogged {}",
                t.name,
                target.name
            );
        }
        if let petal_ir::ReplicaIdentity::Index(index) = &t.options.replica_identity {
            let usable = t
                .primary_key
                .as_ref()
                .is_some_and(|p| p.name == *index && p.deferrable.is_not());
            assert!(
                usable,
                "{}: replica identity {index} is no usable key",
                t.name
            );
        }
        for c in &t.columns {
            assert!(
                known_type(db, &c.ty),
                "{}.{} has unknown type {}",
                t.name,
                c.name,
                c.ty
            );
        }
    }
    assert_objects_valid(db);
}

/// Whether a type is built in, or a user type `db` has (an enum, domain,
/// composite or range type, or an extension's).
fn known_type(db: &Database, ty: &SqlType) -> bool {
    let ty = ty.element();
    let text = ty.as_str();
    if !text.contains('.') {
        return true;
    }
    let named =
        |n: &QualifiedName| text.ends_with(&n.name) || text.ends_with(&format!("{}\"", n.name));
    db.enums.keys().any(named)
        || db.domains.keys().any(named)
        || db.composite_types.keys().any(named)
        || db.range_types.keys().any(named)
        || db
            .extensions
            .keys()
            .any(|e| text.ends_with(&format!(".{e}")))
}

/// The other kinds: in schemas that exist, over what exists.
fn assert_objects_valid(db: &Database) {
    // A policy is on a table that is no partition, over its columns, with
    // the expressions its command takes, to some role.
    for (key, p) in &db.policies {
        let table = db.tables.get(&key.table);
        assert!(
            table.is_some_and(|t| t.partition_of.is_none()),
            "policy {key}: no such table"
        );
        assert!(!p.roles.is_empty(), "policy {key}: no role");
        assert!(
            !p.roles.contains(&"public".to_string()) || p.roles.len() == 1,
            "policy {key}: PUBLIC beside other roles, which PostgreSQL drops"
        );
        use petal_ir::PolicyCommand as C;
        match p.command {
            C::Insert => assert!(p.using.is_none(), "policy {key}"),
            C::Select | C::Delete => assert!(p.with_check.is_none(), "policy {key}"),
            C::All | C::Update => {}
        }
        let mentioned = db
            .dependencies
            .iter()
            .filter(|d| d.dependent == petal_ir::ObjectKey::policy(key));
        for d in mentioned {
            if let petal_ir::ObjectKey::Column { table: t, column } = &d.referenced {
                let has = db.tables.get(t).is_some_and(|t| t.column(column).is_some());
                assert!(has, "policy {key} over missing column {t}.{column}");
            }
        }
    }
    let names = db
        .views
        .keys()
        .chain(db.sequences.keys())
        .chain(db.domains.keys())
        .chain(db.composite_types.keys())
        .chain(db.range_types.keys())
        .chain(db.functions.keys().map(|k| &k.name));
    for name in names {
        assert!(db.schemas.contains(&name.schema), "{name} has no schema");
        assert!(
            name.name.len() <= MAX_IDENTIFIER_BYTES,
            "{name} is too long"
        );
    }
    for v in db.views.values() {
        assert!(!v.columns.is_empty(), "view {} has no columns", v.name);
        for c in &v.columns {
            assert!(
                known_type(db, &c.ty),
                "view {} has unknown type {}",
                v.name,
                c.ty
            );
        }
        assert!(
            v.indexes.is_empty() || v.materialized,
            "{} has indexes",
            v.name
        );
    }
    for t in db.triggers.values() {
        assert!(
            db.tables.contains_key(&t.table),
            "trigger {} has no table",
            t.name
        );
        let f = db.functions.get(&t.function);
        assert!(
            f.is_some_and(|f| f.result.as_deref() == Some("trigger")),
            "{t:?}"
        );
    }
    for s in db.sequences.values() {
        if let Some(owner) = &s.owned_by {
            let table = db.tables.get(&owner.table);
            assert!(
                table.is_some_and(|t| t.column(&owner.column).is_some()),
                "{s:?}"
            );
            assert_eq!(owner.table.schema, s.name.schema, "{s:?}");
        }
    }
    for d in db.domains.values() {
        assert!(known_type(db, &d.base_type), "{d:?}");
    }
    for c in db.composite_types.values() {
        assert!(!c.attributes.is_empty(), "{c:?}");
        assert!(c.attributes.iter().all(|a| known_type(db, &a.ty)), "{c:?}");
    }
    for dep in &db.dependencies {
        assert_ne!(dep.dependent, dep.referenced, "{dep:?}");
    }
}

proptest! {
    // `Database` keys its maps by `QualifiedName`, a struct, which JSON
    // cannot use as an object key: serialization fails with "key must be a
    // string". Needs a change in `database.rs` (serialize those maps as
    // sequences), outside this module's remit: reported to the lead.
    #[test]
    fn json_round_trip(db in database()) {
        let text = serde_json::to_string(&db).unwrap();
        let back: Database = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, db);
    }

    #[test]
    fn json_round_trip_keeps_hints((_, after) in database_pair()) {
        let text = serde_json::to_string(&after).unwrap();
        let back: Database = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, after);
    }

    /// Tables and enum types, the IR's leaves, do round-trip through JSON.
    #[test]
    fn json_round_trip_of_tables_and_enums((_, after) in database_pair()) {
        for table in after.tables.values() {
            let back: petal_ir::Table =
                serde_json::from_str(&serde_json::to_string(table).unwrap()).unwrap();
            prop_assert_eq!(&back, table);
        }
        for e in after.enums.values() {
            let back: petal_ir::EnumType =
                serde_json::from_str(&serde_json::to_string(e).unwrap()).unwrap();
            prop_assert_eq!(&back, e);
        }
    }

    #[test]
    fn normalize_is_idempotent((before, after) in database_pair()) {
        for db in [before, after] {
            let mut once = db.clone();
            once.normalize();
            let mut twice = once.clone();
            twice.normalize();
            prop_assert_eq!(&once, &twice);
            prop_assert_eq!(petal_ir::dump(&once), petal_ir::dump(&twice));
        }
    }

    #[test]
    fn generated_schemas_are_valid((before, after) in database_pair()) {
        assert_valid(&before);
        assert_valid(&after);
    }

    #[test]
    fn whole_schemas_are_valid((before, after) in whole_database_pair()) {
        assert_valid(&before);
        assert_valid(&after);
    }

    #[test]
    fn whole_schemas_survive_json((before, after) in whole_database_pair()) {
        for db in [before, after] {
            let text = serde_json::to_string(&db).unwrap();
            let back: Database = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(back, db);
        }
    }

    #[test]
    fn whole_normalize_is_idempotent(db in whole_database()) {
        let mut once = db.clone();
        once.normalize();
        prop_assert_eq!(&once, &db);
    }
}
