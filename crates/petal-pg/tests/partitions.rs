//! Partitioned tables and partitions as read from a server: a partition
//! with its parent and bound and what it holds of its own, never what it
//! inherits.

mod common;

use common::{not_compared, read};
use petal_ir::{ObjectKey, QualifiedName};
use petal_pg::IntrospectOptions;
use petal_testkit::TestDb;

/// A partition is read with its parent and bound, without columns, and
/// with what it holds of its own alone: the copies of its parent's keys,
/// checks, indexes and triggers are the parent's, and so are the foreign
/// keys PostgreSQL adds to each partition of a referenced partitioned
/// table; a generated column's copy is its parent's too.
#[tokio::test]
async fn partitions_are_read_without_what_they_inherit() {
    let db = TestDb::new().await;
    db.client()
        .batch_execute(
            "CREATE TABLE ev (id bigint NOT NULL, at date NOT NULL, note text,
                 twice bigint GENERATED ALWAYS AS (id * 2) STORED,
                 PRIMARY KEY (id, at), CHECK (id > 0)) PARTITION BY RANGE (at);
             CREATE INDEX ev_note ON ev (note);
             CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
             CREATE TRIGGER ev_touch BEFORE INSERT ON ev FOR EACH ROW EXECUTE FUNCTION touch();
             CREATE TABLE ev_2024 PARTITION OF ev (CONSTRAINT ev_2024_recent CHECK (id > 10))
                 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY HASH (id);
             CREATE TABLE ev_2024_0 PARTITION OF ev_2024 FOR VALUES WITH (modulus 1, remainder 0);
             CREATE TABLE ev_rest PARTITION OF ev DEFAULT;
             CREATE INDEX ev_rest_own ON ev_rest (note);
             ALTER INDEX ev_rest_note_idx RENAME TO ev_rest_note;
             ALTER TABLE ev ALTER COLUMN note SET DEFAULT 'ev';
             ALTER TABLE ev_rest ALTER COLUMN note SET DEFAULT 'rest';
             ALTER TABLE ev_2024_0 ALTER COLUMN note DROP DEFAULT;
             COMMENT ON COLUMN ev_rest.note IS 'its own';
             CREATE TABLE numbered (id serial, at int NOT NULL) PARTITION BY RANGE (at);
             CREATE TABLE numbered_0 (id int NOT NULL, at int NOT NULL);
             ALTER TABLE numbered ATTACH PARTITION numbered_0 FOR VALUES FROM (0) TO (10);
             CREATE TABLE refs (e bigint, at date, FOREIGN KEY (e, at) REFERENCES ev (id, at));",
        )
        .await
        .unwrap();
    let found = read(&db, &IntrospectOptions::default()).await;
    let table = |name: &str| &found.database.tables[&QualifiedName::new("public", name)];
    assert_eq!(table("ev").partition_by.as_deref(), Some("RANGE (at)"));
    let ev_2024 = table("ev_2024");
    let of = ev_2024.partition_of.as_ref().unwrap();
    assert_eq!(of.parent, QualifiedName::new("public", "ev"));
    assert_eq!(of.bound, "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
    assert_eq!(ev_2024.partition_by.as_deref(), Some("HASH (id)"));
    assert!(ev_2024.columns.is_empty() && ev_2024.primary_key.is_none());
    let checks: Vec<&str> = ev_2024.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(checks, ["ev_2024_recent"]);
    let leaf = table("ev_2024_0");
    assert_eq!(
        leaf.partition_of.as_ref().map(|of| of.parent.name.as_str()),
        Some("ev_2024")
    );
    let rest = table("ev_rest");
    assert_eq!(
        rest.partition_of.as_ref().map(|of| of.bound.as_str()),
        Some("DEFAULT")
    );
    let indexes: Vec<&str> = rest.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(indexes, ["ev_rest_own"]);
    // Its copies of its parent's indexes are named, by the index they copy
    // (a key's are the key's): below a sub-partitioned partition, by its
    // copy.
    let copies = |name: &str| {
        let copies = &table(name).index_copies;
        copies
            .iter()
            .map(|(i, c)| (i.as_str(), c.as_str()))
            .collect::<Vec<_>>()
    };
    assert_eq!(copies("ev_rest"), [("ev_note", "ev_rest_note")]);
    assert_eq!(copies("ev_2024"), [("ev_note", "ev_2024_note_idx")]);
    assert_eq!(
        copies("ev_2024_0"),
        [("ev_2024_note_idx", "ev_2024_0_note_idx")]
    );
    assert!(table("ev").index_copies.is_empty());
    assert!(rest.checks.is_empty() && rest.foreign_keys.is_empty());
    let refs: Vec<&str> = table("refs")
        .foreign_keys
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        refs,
        ["refs_e_at_fkey"],
        "one foreign key, not one per partition"
    );
    let triggers: Vec<String> = found
        .database
        .triggers
        .keys()
        .map(|k| format!("{}.{}", k.table.name, k.name))
        .collect();
    assert_eq!(triggers, ["ev.ev_touch"]);
    // Its own column defaults are read, each against its parent's (a
    // partition's below a sub-partitioned one's); its other settings
    // are listed, not lost.
    let own = |name: &str| {
        let defaults = &table(name).own_defaults;
        defaults
            .iter()
            .map(|(c, d)| (c.as_str(), d.as_deref()))
            .collect::<Vec<_>>()
    };
    assert_eq!(own("ev_rest"), [("note", Some("'rest'::text"))]);
    assert_eq!(own("ev_2024_0"), [("note", None)]);
    assert_eq!(own("ev_2024"), []);
    // A serial column's default is its parent's business, even where a
    // partition attached without it has none.
    assert_eq!(own("numbered_0"), []);
    assert_eq!(
        not_compared(&found, "partition column setting"),
        ["public.ev_rest.note"]
    );
    let partitions = found.not_compared.iter().filter(|o| o.kind == "partition");
    assert_eq!(partitions.count(), 0, "{:?}", found.not_compared);
    let edges_between_tables = found.database.dependencies.iter().filter(|d| {
        matches!(
            (&d.dependent, &d.referenced),
            (ObjectKey::Table { .. }, ObjectKey::Table { .. })
        )
    });
    assert_eq!(edges_between_tables.count(), 0);
}

/// An index made `ON ONLY` a partitioned table is read so while some
/// partition has none attached to it (PostgreSQL holds it invalid), and
/// as a plain index once each has; it is never listed as an invalid one
/// not compared.
#[tokio::test]
async fn an_index_on_only_a_partitioned_table_is_read_so_until_complete() {
    let db = TestDb::new().await;
    db.client()
        .batch_execute(
            "CREATE TABLE ev (id bigint NOT NULL, at date NOT NULL, note text) PARTITION BY RANGE (at);
             CREATE TABLE ev_2024 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
             CREATE TABLE ev_2025 PARTITION OF ev FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
             CREATE INDEX ev_note ON ONLY ev (note);
             CREATE INDEX ev_2024_note ON ev_2024 (note);
             ALTER INDEX ev_note ATTACH PARTITION ev_2024_note;",
        )
        .await
        .unwrap();
    let only = |found: &petal_pg::Introspection| {
        let ev = &found.database.tables[&QualifiedName::new("public", "ev")];
        ev.indexes
            .iter()
            .map(|i| (i.name.clone(), i.only))
            .collect::<Vec<_>>()
    };
    let found = read(&db, &IntrospectOptions::default()).await;
    assert_eq!(only(&found), [("ev_note".to_string(), true)]);
    assert!(not_compared(&found, "invalid index").is_empty());
    db.client()
        .batch_execute(
            "CREATE INDEX ev_2025_note ON ev_2025 (note);
             ALTER INDEX ev_note ATTACH PARTITION ev_2025_note;",
        )
        .await
        .unwrap();
    let found = read(&db, &IntrospectOptions::default()).await;
    assert_eq!(only(&found), [("ev_note".to_string(), false)]);
}
