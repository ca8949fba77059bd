//! Row-level security as read from a server: a table's two switches, and
//! its policies with their command, roles and expressions as PostgreSQL
//! prints them, the edges to what they use, and a near read that keeps
//! them whole.

mod common;

use std::collections::BTreeSet;

use common::{not_compared, read};
use petal_ir::{ObjectKey, PolicyCommand, PolicyKey, QualifiedName};
use petal_pg::{IntrospectOptions, Objects, refresh};
use petal_testkit::TestDb;

const SCHEMA: &str = "
    CREATE TABLE customers (id int PRIMARY KEY, region text);
    CREATE TABLE orders (id int PRIMARY KEY, customer int REFERENCES customers, owner text,
                         total numeric);
    ALTER TABLE orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
    ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
    CREATE POLICY mine ON orders FOR SELECT TO \"petal reader\", petal_writer
        USING (owner = current_user);
    CREATE POLICY eu ON orders AS RESTRICTIVE FOR INSERT TO petal_writer
        WITH CHECK (EXISTS (SELECT 1 FROM customers c WHERE c.id = customer AND c.region = 'eu'));
    CREATE POLICY everyone ON customers USING (true) WITH CHECK (region IS NOT NULL);
    COMMENT ON POLICY mine ON orders IS 'owners read theirs';";

async fn loaded() -> TestDb {
    let db = TestDb::new().await;
    db.ensure_role("petal reader").await;
    db.ensure_role("petal_writer").await;
    db.client().batch_execute(SCHEMA).await.unwrap();
    db
}

fn key(table: &str, name: &str) -> PolicyKey {
    PolicyKey {
        table: QualifiedName::new("public", table),
        name: name.into(),
    }
}

#[tokio::test]
async fn policies_and_row_level_security_are_read() {
    let db = loaded().await;
    let found = read(&db, &IntrospectOptions::default()).await;
    let ir = &found.database;
    let orders = &ir.tables[&QualifiedName::new("public", "orders")].options;
    assert!(orders.row_level_security && orders.force_row_level_security);
    let customers = &ir.tables[&QualifiedName::new("public", "customers")].options;
    assert!(customers.row_level_security && !customers.force_row_level_security);
    let mine = &ir.policies[&key("orders", "mine")];
    assert!(mine.permissive);
    assert_eq!(mine.command, PolicyCommand::Select);
    assert_eq!(mine.roles, ["petal reader", "petal_writer"]);
    assert_eq!(mine.using.as_deref(), Some("(owner = CURRENT_USER)"));
    assert_eq!(mine.with_check, None);
    assert_eq!(mine.comment.as_deref(), Some("owners read theirs"));
    let eu = &ir.policies[&key("orders", "eu")];
    assert!(!eu.permissive);
    assert_eq!(eu.command, PolicyCommand::Insert);
    assert!(eu.using.is_none());
    let check = eu.with_check.as_deref().unwrap();
    assert!(check.contains("FROM public.customers c"), "{check}");
    let everyone = &ir.policies[&key("customers", "everyone")];
    assert_eq!(everyone.roles, ["public"]);
    assert_eq!(everyone.command, PolicyCommand::All);
    // Neither is listed as not compared any more.
    assert!(not_compared(&found, "policy").is_empty());
    assert!(not_compared(&found, "row level security").is_empty());
    // What a policy uses, and nothing of its own table as a whole.
    let uses = |name: &str| -> BTreeSet<String> {
        let policy = ObjectKey::policy(&key("orders", name));
        ir.dependencies
            .iter()
            .filter(|d| d.dependent == policy)
            .map(|d| d.referenced.to_string())
            .collect()
    };
    assert_eq!(
        uses("mine"),
        BTreeSet::from(["column public.orders.owner".to_string()])
    );
    let eu_uses = uses("eu");
    for used in [
        "column public.customers.id",
        "column public.customers.region",
        "column public.orders.customer",
    ] {
        assert!(eu_uses.contains(used), "{used} missing from {eu_uses:?}");
    }
    assert!(!eu_uses.contains("table public.orders"), "{eu_uses:?}");
}

/// A read narrowed to one table reads its policies again and keeps the
/// others': the refreshed IR is what a whole read gives.
#[tokio::test]
async fn a_near_read_refreshes_the_policies_of_its_tables() {
    let db = loaded().await;
    let before = read(&db, &IntrospectOptions::default()).await.database;
    db.client()
        .batch_execute(
            "DROP POLICY mine ON orders;
             CREATE POLICY theirs ON orders FOR DELETE TO petal_writer USING (total > 0);
             ALTER TABLE orders NO FORCE ROW LEVEL SECURITY;",
        )
        .await
        .unwrap();
    let orders = QualifiedName::new("public", "orders");
    let tables = BTreeSet::from([orders.clone()]);
    let near = IntrospectOptions {
        tables: Some(tables.clone()),
        objects: Objects::NearTables,
        ..Default::default()
    };
    let near = read(&db, &near).await.database;
    let refreshed = refresh(before, near, &tables);
    let whole = read(&db, &IntrospectOptions::default()).await.database;
    assert_eq!(refreshed.policies, whole.policies);
    assert_eq!(refreshed.dependencies, whole.dependencies);
    assert!(!refreshed.tables[&orders].options.force_row_level_security);
    assert!(refreshed.policies.contains_key(&key("orders", "theirs")));
    assert!(
        refreshed
            .policies
            .contains_key(&key("customers", "everyone"))
    );
}

/// A near read of the table a policy on another table reads: the edge
/// from that policy is named by the query (the policy's table is not
/// read), and the refreshed IR is a whole read's.
#[tokio::test]
async fn a_near_read_names_the_policies_of_other_tables() {
    let db = loaded().await;
    let before = read(&db, &IntrospectOptions::default()).await.database;
    db.client()
        .batch_execute("ALTER TABLE customers ADD COLUMN note text")
        .await
        .unwrap();
    let customers = QualifiedName::new("public", "customers");
    let tables = BTreeSet::from([customers]);
    let near = IntrospectOptions {
        tables: Some(tables.clone()),
        objects: Objects::NearTables,
        ..Default::default()
    };
    let near = read(&db, &near).await.database;
    let eu = ObjectKey::policy(&key("orders", "eu"));
    assert!(
        near.dependencies.iter().any(|d| d.dependent == eu),
        "the edge from a policy on a table not read: {:?}",
        near.dependencies
    );
    let refreshed = refresh(before, near, &tables);
    let whole = read(&db, &IntrospectOptions::default()).await.database;
    assert_eq!(refreshed.policies, whole.policies);
    assert_eq!(refreshed.dependencies, whole.dependencies);
}

/// A policy on an inheritance child is compared with the child, and uses
/// the column the child only inherits as the parent's column of that name
/// (the child's is not in the IR), which a migration retyping it reaches.
#[tokio::test]
async fn a_policy_on_an_inheritance_child_uses_the_parents_column() {
    let db = loaded().await;
    db.client()
        .batch_execute(
            "CREATE TABLE old_orders () INHERITS (orders);
             CREATE POLICY archived ON old_orders USING (total > 0);",
        )
        .await
        .unwrap();
    let found = read(&db, &IntrospectOptions::default()).await;
    assert!(not_compared(&found, "policy").is_empty());
    let uses: Vec<String> = found
        .database
        .dependencies
        .iter()
        .filter(|d| {
            matches!(&d.dependent, petal_ir::ObjectKey::Policy { table, name }
                if table.name == "old_orders" && name == "archived")
        })
        .map(|d| d.referenced.to_string())
        .collect();
    assert_eq!(uses, ["column public.orders.total"]);
}
