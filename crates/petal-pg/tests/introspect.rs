//! Introspection against a real server (the shared test cluster).

use std::collections::BTreeSet;

use petal_ir::QualifiedName;
use petal_pg::{IntrospectOptions, Introspection, Objects, introspect};
use petal_testkit::TestDb;

const SHOP: &str = include_str!("fixtures/shop.sql");
const PG15: &str = include_str!("fixtures/pg15.sql");
const PG18: &str = include_str!("fixtures/pg18.sql");

async fn server_version(db: &TestDb) -> i32 {
    db.client()
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .await
        .unwrap()
        .get(0)
}

async fn load(db: &TestDb, ddl: &str) {
    if let Err(e) = db.client().batch_execute(ddl).await {
        panic!("loading fixture: {}", petal_pg::error::describe(&e));
    }
}

async fn read(db: &TestDb, opts: &IntrospectOptions) -> Introspection {
    match introspect(db.client(), opts).await {
        Ok(found) => found,
        Err(e) => panic!("{e}"),
    }
}

/// What a reviewer reads: the IR dump, then what was not compared.
fn report(found: &Introspection) -> String {
    let mut text = petal_ir::dump(&found.database);
    text.push_str("\nnot compared:\n");
    for item in &found.not_compared {
        text.push_str(&format!("  {} {}\n", item.kind, item.name));
    }
    text
}

#[tokio::test]
async fn shop_fixture() {
    let db = TestDb::new().await;
    load(&db, SHOP).await;
    let found = read(&db, &IntrospectOptions::default()).await;
    insta::assert_snapshot!("shop", report(&found));
    assert!(
        !found
            .database
            .tables
            .keys()
            .any(|t| t.name == "petal_migrations")
    );
}

#[tokio::test]
async fn nulls_not_distinct_from_15_on() {
    let db = TestDb::new().await;
    if server_version(&db).await < 150000 {
        return;
    }
    load(&db, PG15).await;
    let found = read(&db, &IntrospectOptions::default()).await;
    insta::assert_snapshot!("pg15", report(&found));
}

#[tokio::test]
async fn search_path_does_not_change_the_result() {
    let db = TestDb::new().await;
    load(&db, SHOP).await;
    let wide = db.connect().await;
    wide.batch_execute("SET search_path = crm, public")
        .await
        .unwrap();
    let empty = db.connect().await;
    empty.batch_execute("SET search_path = ''").await.unwrap();
    let opts = IntrospectOptions::default();
    let a = introspect(&wide, &opts).await.unwrap();
    let b = introspect(&empty, &opts).await.unwrap();
    assert_eq!(a, b);
    assert_eq!(petal_ir::dump(&a.database), petal_ir::dump(&b.database));
    // The caller's session is left as it was.
    let path: String = wide
        .query_one("SHOW search_path", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(path, "crm, public");
    // With search_path = crm, public, an unpinned pg_get_expr would have
    // printed the enum default unqualified.
    let orders = &a.database.tables[&petal_ir::QualifiedName::new("public", "orders")];
    let status = orders.column("status").unwrap();
    assert_eq!(
        status.default.as_deref(),
        Some("'new'::public.order_status")
    );
}

#[tokio::test]
async fn tables_option_reads_just_those_tables_as_a_full_read_does() {
    let db = TestDb::new().await;
    load(&db, SHOP).await;
    let full = read(&db, &IntrospectOptions::default()).await;
    let wanted = petal_ir::QualifiedName::new("crm", "customers");
    let opts = IntrospectOptions {
        tables: Some(BTreeSet::from([wanted.clone()])),
        ..IntrospectOptions::default()
    };
    let found = read(&db, &opts).await;
    let names: Vec<String> = found
        .database
        .tables
        .keys()
        .map(|t| t.to_string())
        .collect();
    assert_eq!(names, ["crm.customers"]);
    assert_eq!(
        found.database.tables.get(&wanted),
        full.database.tables.get(&wanted)
    );
    // Schemas and enum types are read whole.
    assert_eq!(found.database.schemas, full.database.schemas);
    assert_eq!(found.database.enums, full.database.enums);
}

#[tokio::test]
async fn schemas_option_narrows() {
    let db = TestDb::new().await;
    load(&db, SHOP).await;
    let opts = IntrospectOptions {
        schemas: Some(BTreeSet::from(["crm".to_string()])),
        ..IntrospectOptions::default()
    };
    let found = read(&db, &opts).await;
    assert_eq!(found.database.schemas, BTreeSet::from(["crm".to_string()]));
    let tables: Vec<String> = found
        .database
        .tables
        .keys()
        .map(|t| t.to_string())
        .collect();
    assert_eq!(tables, ["crm.addresses", "crm.customers"]);
    assert_eq!(found.database.enums.len(), 1);
    let not_compared: Vec<String> = found.not_compared.iter().map(|n| n.name.clone()).collect();
    // Its policy and row-level security are compared now.
    assert_eq!(not_compared, ["crm"]);
}

#[tokio::test]
async fn query_count_does_not_grow_with_the_schema() {
    async fn with_objects(n: usize) -> (Introspection, Introspection) {
        let db = TestDb::new().await;
        let ddl = format!(
            "DO $$ BEGIN FOR i IN 1..{n} LOOP EXECUTE format(\
             'CREATE TABLE t%s (id int PRIMARY KEY, v text NOT NULL DEFAULT ''x'', \
             parent int REFERENCES t1 (id)); CREATE INDEX ON t%s (v); \
             CREATE VIEW v%s AS SELECT id, v FROM t%s; \
             CREATE FUNCTION f%s() RETURNS trigger LANGUAGE plpgsql AS ''BEGIN RETURN NEW; END''; \
             CREATE TRIGGER g%s BEFORE UPDATE ON t%s FOR EACH ROW EXECUTE FUNCTION f%s(); \
             CREATE SEQUENCE s%s', i, i, i, i, i, i, i, i, i); END LOOP; END $$"
        );
        load(&db, &ddl).await;
        let full = read(&db, &IntrospectOptions::default()).await;
        let tables_only = IntrospectOptions {
            objects: Objects::None,
            ..IntrospectOptions::default()
        };
        (full, read(&db, &tables_only).await)
    }
    let (small, small_tables) = with_objects(5).await;
    let (large, large_tables) = with_objects(300).await;
    let ir = &large.database;
    assert_eq!(small.database.tables.len(), 5);
    assert_eq!(ir.tables.len(), 300);
    assert!(
        ir.tables
            .values()
            .all(|t| t.indexes.len() == 1 && t.foreign_keys.len() == 1)
    );
    let counts = [
        ir.views.len(),
        ir.functions.len(),
        ir.triggers.len(),
        ir.sequences.len(),
    ];
    assert_eq!(counts, [300; 4]);
    assert_eq!(small.queries, large.queries);
    assert_eq!(small.queries, 20);
    assert_eq!(small_tables.queries, large_tables.queries);
    assert_eq!(small_tables.queries, 9);
}

#[tokio::test]
async fn two_connections_read_the_same_as_one() {
    let db = TestDb::new().await;
    load(&db, SHOP).await;
    let opts = IntrospectOptions::default();
    let one = read(&db, &opts).await;
    let two = match petal_pg::introspect_parallel(db.config(), &opts).await {
        Ok(found) => found,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(one, two);
    assert_eq!(two.queries, 20);
}

#[tokio::test]
async fn virtual_generated_columns_and_not_null_constraints_from_18_on() {
    let db = TestDb::new().await;
    if server_version(&db).await < 180000 {
        return;
    }
    load(&db, PG18).await;
    let found = read(&db, &IntrospectOptions::default()).await;
    insta::assert_snapshot!("pg18", report(&found));
}

#[tokio::test]
async fn an_invalid_index_is_flagged() {
    let db = TestDb::new().await;
    load(
        &db,
        "CREATE TABLE t (x int); INSERT INTO t VALUES (1), (1);",
    )
    .await;
    // CONCURRENTLY cannot run in the implicit transaction of a batch.
    let failed = db
        .client()
        .batch_execute("CREATE UNIQUE INDEX CONCURRENTLY t_x_key ON t (x)")
        .await;
    assert!(failed.is_err(), "duplicates make the build fail");
    let found = read(&db, &IntrospectOptions::default()).await;
    let table = &found.database.tables[&petal_ir::QualifiedName::new("public", "t")];
    assert_eq!(table.indexes.len(), 1);
    assert!(
        found
            .not_compared
            .iter()
            .any(|n| n.kind == "invalid index" && n.name == "public.t_x_key")
    );
}

/// What the not-compared object of `kind` depends on, as keys are shown.
fn uses(found: &Introspection, kind: &str) -> Vec<String> {
    found
        .not_compared
        .iter()
        .find(|n| n.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} in {:?}", found.not_compared))
        .depends_on
        .iter()
        .map(|k| k.to_string())
        .collect()
}

/// A rule names what it uses that petal models, so that a migration
/// dropping or retyping it can be refused; its own table is left out (it
/// goes with it), its columns are not. A policy is compared: its edges
/// are the IR's.
#[tokio::test]
async fn rules_name_what_they_use_and_policies_have_edges() {
    let db = TestDb::new().await;
    load(
        &db,
        "CREATE TYPE public.tier AS ENUM ('a', 'b');
         CREATE FUNCTION public.limit_of(t public.tier) RETURNS numeric
             LANGUAGE sql IMMUTABLE AS $$ SELECT 100 $$;
         CREATE TABLE public.orders (id int PRIMARY KEY, total numeric, tier public.tier);
         CREATE TABLE public.audit (order_id int, at timestamptz);
         CREATE POLICY small ON public.orders USING (total < public.limit_of(tier));
         CREATE RULE audit_insert AS ON INSERT TO public.orders
             DO ALSO INSERT INTO public.audit (order_id, at) VALUES (NEW.id, now());",
    )
    .await;
    let found = read(&db, &IntrospectOptions::default()).await;
    let uses = |kind: &str| uses(&found, kind);
    let policy = petal_ir::ObjectKey::Policy {
        table: petal_ir::QualifiedName::new("public", "orders"),
        name: "small".into(),
    };
    let policy_uses: Vec<String> = found
        .database
        .dependencies
        .iter()
        .filter(|d| d.dependent == policy)
        .map(|d| d.referenced.to_string())
        .collect();
    assert_eq!(
        policy_uses,
        [
            "column public.orders.tier",
            "column public.orders.total",
            "function public.limit_of(public.tier)"
        ]
    );
    assert!(found.not_compared.iter().all(|n| n.kind != "policy"));
    assert_eq!(
        uses("rule"),
        [
            "column public.audit.at",
            "column public.audit.order_id",
            "column public.orders.id"
        ]
    );
}

/// An inheritance child in a schema not compared uses its parents and the
/// types of its own columns (an array's element type; a domain over an
/// array itself); a column of a multirange type (PostgreSQL 14+) uses its
/// range, which goes (and is moved aside) with it.
#[tokio::test]
async fn a_child_names_its_parent_and_its_own_columns_types() {
    let db = TestDb::new().await;
    let multirange = db.server_version_num().await >= 140000;
    load(
        &db,
        "CREATE DOMAIN public.code AS text;
         CREATE DOMAIN public.tags AS text[];
         CREATE TYPE public.span AS RANGE (SUBTYPE = integer);
         CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
         CREATE SCHEMA archive;
         CREATE TABLE archive.old_orders (c public.code[], t public.tags)
             INHERITS (public.orders);",
    )
    .await;
    let mut expected = vec![
        "table public.orders",
        "domain public.code",
        "domain public.tags",
    ];
    if multirange {
        load(
            &db,
            "ALTER TABLE archive.old_orders ADD COLUMN m public.span_multirange[];",
        )
        .await;
        expected.push("range type public.span");
    }
    let public = IntrospectOptions {
        schemas: Some(BTreeSet::from(["public".to_string()])),
        ..IntrospectOptions::default()
    };
    let found = read(&db, &public).await;
    assert_eq!(uses(&found, "inheritance child table"), expected);
    // In a compared schema, a child is a table of the IR, with its parent
    // and the columns it declares itself.
    let found = read(&db, &IntrospectOptions::default()).await;
    assert!(
        !found
            .not_compared
            .iter()
            .any(|n| n.kind == "inheritance child table"),
        "{:?}",
        found.not_compared
    );
    let child = &found.database.tables[&QualifiedName::new("archive", "old_orders")];
    assert_eq!(child.inherits, [QualifiedName::new("public", "orders")]);
    let columns: Vec<&str> = child.columns.iter().map(|c| c.name.as_str()).collect();
    let mut own = vec!["c", "t"];
    if multirange {
        own.push("m");
    }
    assert_eq!(columns, own);
}

/// An event trigger uses its function, and (PostgreSQL 15 on) a table's
/// publication the columns of its column list and row filter: PostgreSQL
/// refuses to drop or retype them, so the dependents are read with them.
#[tokio::test]
async fn event_triggers_and_publications_name_what_they_use() {
    let db = TestDb::new().await;
    load(
        &db,
        "CREATE FUNCTION public.on_ddl() RETURNS event_trigger LANGUAGE plpgsql
             AS $$ BEGIN END $$;
         CREATE TABLE public.orders (id int PRIMARY KEY, total numeric, note text);",
    )
    .await;
    // A name of this test's own, so the message names it alone.
    let trigger = format!("audit_ddl_{}", db.name());
    load(
        &db,
        &format!(
            "CREATE EVENT TRIGGER \"{trigger}\" ON ddl_command_end EXECUTE FUNCTION public.on_ddl();"
        ),
    )
    .await;
    let version: i32 = db
        .client()
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .await
        .map(|row| row.get(0))
        .unwrap_or_default();
    if version >= 150_000 {
        load(
            &db,
            "CREATE PUBLICATION shop_orders FOR TABLE public.orders (id, total) WHERE (total > 0);",
        )
        .await;
    }
    let found = read(&db, &IntrospectOptions::default()).await;
    let drop_trigger = format!("DROP EVENT TRIGGER \"{trigger}\"");
    let _ = db.client().batch_execute(&drop_trigger).await;
    let uses = |kind: &str| uses(&found, kind);
    assert_eq!(uses("event trigger"), ["function public.on_ddl()"]);
    if version >= 150_000 {
        assert_eq!(
            uses("publication of a table"),
            ["column public.orders.id", "column public.orders.total"]
        );
    }
}

/// A schema's comment is not compared: it is listed, but `public`'s, which
/// every database has, is not.
#[tokio::test]
async fn a_comment_on_a_schema_is_listed() {
    let db = TestDb::new().await;
    load(
        &db,
        "CREATE SCHEMA crm; COMMENT ON SCHEMA crm IS 'customers';
         COMMENT ON SCHEMA public IS 'standard public schema';",
    )
    .await;
    let listed = |found: &Introspection| -> Vec<String> {
        found
            .not_compared
            .iter()
            .filter(|n| n.kind == "comment on a schema")
            .map(|n| n.name.clone())
            .collect()
    };
    assert_eq!(
        listed(&read(&db, &IntrospectOptions::default()).await),
        ["crm"]
    );
    load(&db, "COMMENT ON SCHEMA public IS 'the shop'").await;
    assert_eq!(
        listed(&read(&db, &IntrospectOptions::default()).await),
        ["crm", "public"]
    );
}
