//! Privileges as read from a server, when asked for: every compared kind's
//! grants to others than the owner, the grantor and the owner left out, a
//! NULL ACL and one equal to its kind's default read alike (no entry), a
//! view's and a function's beside the rest, and a near read that keeps
//! them whole.

mod common;

use std::collections::BTreeSet;

use common::read;
use petal_ir::{Acls, DefaultObjects, FunctionKey, Grant, ObjectKey, QualifiedName};
use petal_pg::{IntrospectOptions, Objects, refresh};
use petal_testkit::TestDb;

const SCHEMA: &str = "
    CREATE SCHEMA crm;
    CREATE TYPE crm.status AS ENUM ('new', 'paid');
    CREATE DOMAIN crm.positive AS numeric CHECK (VALUE > 0);
    CREATE TYPE crm.pair AS (a int, b int);
    CREATE TYPE crm.span AS RANGE (subtype = int4);
    CREATE TABLE crm.orders (id serial PRIMARY KEY, total crm.positive, note text,
                             status crm.status);
    CREATE TABLE crm.plain (id int);
    CREATE SEQUENCE crm.numbers;
    CREATE VIEW crm.open_orders AS SELECT id, total FROM crm.orders;
    CREATE FUNCTION crm.twice(a int) RETURNS int LANGUAGE sql AS 'SELECT a * 2';
    CREATE FUNCTION crm.thrice(a int) RETURNS int LANGUAGE sql AS 'SELECT a * 3';
    GRANT USAGE ON SCHEMA crm TO \"petal reader\";
    GRANT SELECT, UPDATE ON crm.orders TO \"petal reader\";
    GRANT INSERT ON crm.orders TO petal_writer WITH GRANT OPTION;
    GRANT UPDATE (note) ON crm.orders TO petal_writer;
    GRANT USAGE ON SEQUENCE crm.orders_id_seq TO petal_writer;
    GRANT USAGE, SELECT ON SEQUENCE crm.numbers TO PUBLIC;
    REVOKE USAGE ON TYPE crm.status FROM PUBLIC;
    GRANT USAGE ON TYPE crm.status TO petal_writer;
    REVOKE USAGE ON DOMAIN crm.positive FROM PUBLIC;
    GRANT SELECT ON crm.open_orders TO \"petal reader\";
    REVOKE EXECUTE ON FUNCTION crm.twice(int) FROM PUBLIC;
    -- Set, but the default again: no entry, as for a NULL ACL.
    GRANT SELECT ON crm.plain TO petal_writer;
    REVOKE SELECT ON crm.plain FROM petal_writer;
    GRANT EXECUTE ON FUNCTION crm.thrice(int) TO PUBLIC;
    GRANT USAGE ON TYPE crm.pair TO PUBLIC;
    -- Default privileges: in no schema the role's own entry is left out,
    -- in a schema there is none; the default again is no entry.
    ALTER DEFAULT PRIVILEGES FOR ROLE petal_writer
        GRANT SELECT ON TABLES TO \"petal reader\";
    ALTER DEFAULT PRIVILEGES FOR ROLE petal_writer REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
    ALTER DEFAULT PRIVILEGES FOR ROLE petal_writer IN SCHEMA crm
        GRANT USAGE ON SEQUENCES TO \"petal reader\" WITH GRANT OPTION;
    ALTER DEFAULT PRIVILEGES FOR ROLE \"petal reader\" REVOKE USAGE ON TYPES FROM PUBLIC;
    ALTER DEFAULT PRIVILEGES FOR ROLE \"petal reader\" GRANT USAGE ON TYPES TO PUBLIC;";

async fn loaded() -> TestDb {
    let db = TestDb::new().await;
    db.ensure_role("petal reader").await;
    db.ensure_role("petal_writer").await;
    db.client().batch_execute(SCHEMA).await.unwrap();
    db
}

fn grant(grantee: Option<&str>, privilege: &str, grantable: bool) -> Grant {
    Grant {
        grantee: grantee.map(str::to_string),
        privilege: privilege.into(),
        grantable,
    }
}

fn crm(name: &str) -> QualifiedName {
    QualifiedName::new("crm", name)
}

fn default_of(role: &str, schema: Option<&str>, objects: DefaultObjects) -> ObjectKey {
    ObjectKey::DefaultPrivileges {
        role: role.into(),
        schema: schema.map(str::to_string),
        objects,
    }
}

fn with_privileges() -> IntrospectOptions {
    IntrospectOptions {
        privileges: true,
        ..IntrospectOptions::default()
    }
}

/// Each entry as `key: grants`, for one assertion over all of them.
fn entries(acls: &Acls) -> Vec<(ObjectKey, Vec<Grant>)> {
    acls.objects
        .values()
        .map(|acl| (acl.on.clone(), acl.grants.clone()))
        .collect()
}

#[tokio::test]
async fn every_compared_kind_is_read_without_the_owner_and_defaults_are_no_entry() {
    let db = loaded().await;
    let found = read(&db, &with_privileges()).await;
    assert_eq!(found.queries, 21, "one query more than a read without them");
    let acls = found.database.privileges.expect("asked for");
    let reader = Some("petal reader");
    let writer = Some("petal_writer");
    let twice = FunctionKey {
        name: crm("twice"),
        signature: "integer".into(),
    };
    assert_eq!(
        entries(&acls),
        vec![
            (
                ObjectKey::Schema { name: "crm".into() },
                vec![grant(reader, "USAGE", false)]
            ),
            (
                ObjectKey::Enum {
                    name: crm("status")
                },
                vec![grant(writer, "USAGE", false)]
            ),
            (
                ObjectKey::table(&crm("orders")),
                vec![
                    grant(reader, "SELECT", false),
                    grant(reader, "UPDATE", false),
                    grant(writer, "INSERT", true),
                ]
            ),
            (
                ObjectKey::column(&crm("orders"), "note"),
                vec![grant(writer, "UPDATE", false)]
            ),
            (
                ObjectKey::Sequence {
                    name: crm("numbers")
                },
                vec![grant(None, "SELECT", false), grant(None, "USAGE", false)]
            ),
            (
                ObjectKey::Sequence {
                    name: crm("orders_id_seq")
                },
                vec![grant(writer, "USAGE", false)]
            ),
            (
                ObjectKey::View {
                    name: crm("open_orders")
                },
                vec![grant(reader, "SELECT", false)]
            ),
            (ObjectKey::function(&twice), vec![]),
            (
                ObjectKey::Domain {
                    name: crm("positive")
                },
                vec![]
            ),
            (
                default_of("petal_writer", None, DefaultObjects::Tables),
                vec![grant(reader, "SELECT", false)]
            ),
            (
                default_of("petal_writer", None, DefaultObjects::Functions),
                vec![]
            ),
            (
                default_of("petal_writer", Some("crm"), DefaultObjects::Sequences),
                vec![grant(reader, "USAGE", true)]
            ),
        ]
    );
}

#[tokio::test]
async fn they_are_read_only_when_asked_for() {
    let db = loaded().await;
    let found = read(&db, &IntrospectOptions::default()).await;
    assert_eq!(found.database.privileges, None);
    assert_eq!(found.queries, 20);
    // A view's own are read either way: a recreated view gets them back.
    let view = &found.database.views[&crm("open_orders")];
    assert_eq!(
        view.privileges,
        Some(vec![grant(Some("petal reader"), "SELECT", false)])
    );
}

#[tokio::test]
async fn a_near_read_keeps_them_whole_and_reads_a_changed_table_again() {
    let db = loaded().await;
    let whole = read(&db, &with_privileges()).await.database;
    db.client()
        .batch_execute("REVOKE UPDATE ON crm.orders FROM \"petal reader\"")
        .await
        .unwrap();
    let tables = BTreeSet::from([crm("orders")]);
    let near = IntrospectOptions {
        tables: Some(tables.clone()),
        objects: Objects::NearTables,
        privileges: true,
        ..IntrospectOptions::default()
    };
    let near = read(&db, &near).await.database;
    let refreshed = refresh(whole.clone(), near, &tables);
    let again = read(&db, &with_privileges()).await.database;
    assert_eq!(refreshed.privileges, again.privileges);
    assert_ne!(refreshed.privileges, whole.privileges);
}
