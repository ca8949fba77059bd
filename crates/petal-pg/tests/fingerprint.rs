//! The catalogs' fingerprint against a real server: it covers every
//! catalog of the version at hand, it moves with every kind of change an
//! introspection reads, and it holds still under what changes data alone.

use std::collections::BTreeSet;

use petal_pg::fingerprint::{CATALOGS, LATER_CATALOGS, LEFT_OUT, catalog_fingerprint};
use petal_pg::{IntrospectOptions, introspect};
use petal_testkit::TestDb;

const BASE: &str = "
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE DOMAIN positive AS integer CONSTRAINT positive_check CHECK (VALUE > 0);
CREATE SEQUENCE counter;
CREATE TABLE shop (id integer PRIMARY KEY, name text NOT NULL, price numeric DEFAULT 1, m mood);
CREATE INDEX shop_name ON shop (name);
CREATE VIEW cheap AS SELECT id, name FROM shop WHERE price < 10;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER shop_touch BEFORE UPDATE ON shop FOR EACH ROW EXECUTE FUNCTION touch();
";

async fn fingerprint(db: &TestDb) -> String {
    match catalog_fingerprint(db.client()).await {
        Ok((_, fingerprint)) => fingerprint,
        Err(e) => panic!("{e}"),
    }
}

async fn run(db: &TestDb, sql: &str) {
    if let Err(e) = db.client().batch_execute(sql).await {
        panic!("{sql}: {}", petal_pg::error::describe(&e));
    }
}

/// One test, its parts in turn: roles are the cluster's, so a part
/// changing one must not run beside a part expecting none to change.
#[tokio::test]
async fn catalog_fingerprint_on_a_real_server() {
    covers_every_catalog_of_the_database().await;
    holds_still_when_only_data_changes().await;
    the_reads_fingerprint_is_the_standalone_one().await;
    the_reads_fingerprint_is_of_its_snapshot().await;
    moves_with_the_sessions_settings().await;
    moves_with_every_kind_of_change().await;
}

async fn covers_every_catalog_of_the_database() {
    let db = TestDb::new().await;
    let (version, _) = catalog_fingerprint(db.client()).await.unwrap();
    let rows = db
        .client()
        .query(
            "SELECT relname::text FROM pg_class
             WHERE relnamespace = 'pg_catalog'::regnamespace AND relkind = 'r' AND NOT relisshared",
            &[],
        )
        .await
        .unwrap();
    let present: BTreeSet<String> = rows.iter().map(|r| r.get(0)).collect();
    let mut known: BTreeSet<String> = CATALOGS.iter().map(|c| c.to_string()).collect();
    known.extend(
        LATER_CATALOGS
            .iter()
            .filter(|(_, from)| version >= *from)
            .map(|(c, _)| c.to_string()),
    );
    known.extend(LEFT_OUT.iter().map(|c| c.to_string()));
    assert_eq!(
        present, known,
        "the catalogs of PostgreSQL {version} against the fingerprint's lists"
    );
}

/// Each statement changes something an introspection reads: the
/// fingerprint must move, and the read taken with it must say so too.
async fn moves_with_every_kind_of_change() {
    let changes = [
        "ALTER TABLE shop ADD COLUMN note text",
        "ALTER TABLE shop RENAME COLUMN name TO title",
        "ALTER TABLE shop ALTER COLUMN m TYPE text",
        "ALTER TABLE shop ALTER COLUMN price SET DEFAULT 2",
        "ALTER TABLE shop ALTER COLUMN name DROP NOT NULL",
        "COMMENT ON COLUMN shop.name IS 'the name'",
        "CREATE INDEX shop_price ON shop (price)",
        "DROP INDEX shop_name",
        "ALTER INDEX shop_name RENAME TO shop_by_name",
        "ALTER TABLE shop ADD CONSTRAINT cheap_enough CHECK (price < 100) NOT VALID",
        "CREATE OR REPLACE VIEW cheap AS SELECT id, name FROM shop WHERE price < 20",
        "CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN OLD; END$$",
        "ALTER TABLE shop DISABLE TRIGGER shop_touch",
        "ALTER TYPE mood ADD VALUE 'glad'",
        "ALTER DOMAIN positive DROP CONSTRAINT positive_check",
        "ALTER SEQUENCE counter INCREMENT BY 5",
        "GRANT INSERT ON shop TO fingerprint_reader",
        "ALTER ROLE fingerprint_reader RENAME TO fingerprint_viewer",
        "ALTER TABLE shop OWNER TO fingerprint_reader",
        "ALTER TABLE shop ENABLE ROW LEVEL SECURITY",
        "CREATE SCHEMA extra",
        "DROP EXTENSION citext",
        "ALTER TABLE shop SET (fillfactor = 70)",
        "ALTER TABLE shop SET UNLOGGED",
        "CLUSTER shop USING shop_pkey",
    ];
    for change in changes {
        let db = TestDb::new().await;
        run(&db, BASE).await;
        // A role of this database's own: roles are the cluster's.
        let role = format!("{}_reader", db.name());
        run(
            &db,
            &format!("CREATE ROLE {role}; GRANT SELECT ON shop TO {role}"),
        )
        .await;
        let change = change
            .replace("fingerprint_reader", &role)
            .replace("fingerprint_viewer", &format!("{}_viewer", db.name()));
        let change = change.as_str();
        let before = fingerprint(&db).await;
        let read = IntrospectOptions {
            privileges: true,
            ..IntrospectOptions::default()
        };
        let read_before = introspect(db.client(), &read).await.unwrap();
        run(&db, change).await;
        let after = fingerprint(&db).await;
        assert_ne!(
            before, after,
            "the fingerprint did not move with `{change}`"
        );
        // Everything but the clustering changes the read itself: the
        // fingerprint moved for a reason.
        let read_after = introspect(db.client(), &read).await.unwrap();
        if !change.starts_with("CLUSTER") {
            assert!(
                read_before.database != read_after.database,
                "`{change}` changed nothing the introspection reads: not a case of this test"
            );
        }
    }
}

/// Rows written, statistics gathered, a sequence advanced, a change rolled
/// back: the schema is the same, and so is the fingerprint.
async fn holds_still_when_only_data_changes() {
    let db = TestDb::new().await;
    run(&db, BASE).await;
    let before = fingerprint(&db).await;
    let read_before = introspect(db.client(), &IntrospectOptions::default())
        .await
        .unwrap();
    for statement in [
        "INSERT INTO shop SELECT g, 'n' || g, g FROM generate_series(1, 500) g",
        "UPDATE shop SET price = price + 1",
        "DELETE FROM shop WHERE id > 400",
        "SELECT nextval('counter')",
        "ANALYZE shop",
        "VACUUM shop",
        "BEGIN; ALTER TABLE shop ADD COLUMN gone int; ROLLBACK",
    ] {
        run(&db, statement).await;
    }
    assert_eq!(before, fingerprint(&db).await);
    // And the read is the same, as a kept one would be.
    let read_after = introspect(db.client(), &IntrospectOptions::default())
        .await
        .unwrap();
    assert!(read_before.database == read_after.database);
}

/// Taken in an introspection's snapshot, it is what a read of its own
/// gives while nothing changes.
async fn the_reads_fingerprint_is_the_standalone_one() {
    let db = TestDb::new().await;
    run(&db, BASE).await;
    let opts = IntrospectOptions {
        fingerprint: true,
        ..IntrospectOptions::default()
    };
    let without = introspect(db.client(), &IntrospectOptions::default())
        .await
        .unwrap();
    let with = introspect(db.client(), &opts).await.unwrap();
    assert_eq!(with.queries, without.queries + 1);
    assert_eq!(without.fingerprint, None);
    assert_eq!(with.fingerprint, Some(fingerprint(&db).await));
}

/// A change committed while a read waits (here on a table's lock, which
/// printing a check's expression takes) is not in the read's fingerprint:
/// it is the one of the read's snapshot, taken before.
async fn the_reads_fingerprint_is_of_its_snapshot() {
    let db = TestDb::new().await;
    run(&db, "CREATE TABLE guarded (id integer CHECK (id > 0))").await;
    let before = fingerprint(&db).await;
    let holder = db.connect().await;
    holder
        .batch_execute("BEGIN; LOCK TABLE guarded IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let reader = db.connect().await;
    let read = tokio::spawn(async move {
        let opts = IntrospectOptions {
            fingerprint: true,
            ..IntrospectOptions::default()
        };
        introspect(&reader, &opts)
            .await
            .map(|found| found.fingerprint)
    });
    let waiting = "SELECT count(*) FROM pg_stat_activity \
                   WHERE datname = current_database() AND wait_event_type = 'Lock'";
    let mut tries = 0;
    while db
        .client()
        .query_one(waiting, &[])
        .await
        .unwrap()
        .get::<_, i64>(0)
        == 0
    {
        tries += 1;
        assert!(tries < 500, "the read never waited for the lock");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    holder
        .batch_execute("ALTER TABLE guarded ADD COLUMN late integer; COMMIT")
        .await
        .unwrap();
    let of_the_read = read.await.unwrap().unwrap();
    let after = fingerprint(&db).await;
    assert_ne!(before, after);
    assert_eq!(of_the_read, Some(before));
}

/// The settings that change how a constant prints are the session's,
/// which a database's or role's settings give each new connection.
async fn moves_with_the_sessions_settings() {
    let db = TestDb::new().await;
    let before = fingerprint(&db).await;
    for setting in [
        "DateStyle = 'SQL, DMY'",
        "TimeZone = 'Asia/Almaty'",
        "quote_all_identifiers = on",
    ] {
        run(
            &db,
            &format!("ALTER DATABASE \"{}\" SET {setting}", db.name()),
        )
        .await;
        let fresh = db.connect().await;
        let (_, now) = catalog_fingerprint(&fresh).await.unwrap();
        assert_ne!(before, now, "the fingerprint did not move with {setting}");
        run(&db, &format!("ALTER DATABASE \"{}\" RESET ALL", db.name())).await;
    }
}
