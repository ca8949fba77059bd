//! Privileges through the binary, compared because the project says so
//! (`privileges = true`): grants in a SQL file naming a role the dev
//! server does not have yet (made there as a placeholder, and dropped
//! again), generated, applied (default privileges too), narrowed, kept on
//! a view recreated under a type change, and rolled back, with `check`
//! clean at each revision and what the role may do measured. Without the setting, a database's grants are no
//! difference and a `GRANT` in a SQL file is refused.

use crate::support::Project;
use crate::support::catalog::grants;

const ORDERS: &str = r#"
use petal::Table;

#[derive(Table)]
#[petal(table = "orders")]
pub struct Order {
    #[petal(primary_key)]
    pub id: i64,
    pub total: i32,
    pub note: Option<String>,
}
"#;

const OBJECTS: &str = "
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM orders';
";

/// `petal_e2e_clerk` and `petal_e2e_owner`: no other test names them,
/// and this one creates them only after the canonicalizer made and
/// dropped them.
const GRANTS: &str = "
GRANT SELECT ON orders TO petal_e2e_clerk;
GRANT UPDATE (note) ON orders TO petal_e2e_clerk;
GRANT SELECT ON big_orders TO petal_e2e_clerk;
REVOKE EXECUTE ON FUNCTION order_count() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION order_count() TO petal_e2e_clerk;
ALTER DEFAULT PRIVILEGES FOR ROLE petal_e2e_owner GRANT SELECT ON TABLES TO petal_e2e_clerk;
";

async fn compared_project() -> Project {
    let project = Project::new().await;
    let config = project.read("petal.toml");
    project.write("petal.toml", &format!("{config}privileges = true\n"));
    project.write("models/orders.rs", ORDERS);
    project.write("sql/objects.sql", OBJECTS);
    project
}

/// Whether `sql` runs as `role` (in a transaction rolled back).
async fn may(project: &Project, role: &str, sql: &str) -> bool {
    let client = project.client();
    client
        .batch_execute(&format!("BEGIN; SET LOCAL ROLE {role}"))
        .await
        .unwrap();
    let ran = client.batch_execute(sql).await.is_ok();
    client.batch_execute("ROLLBACK").await.unwrap();
    ran
}

#[tokio::test]
async fn grants_from_sql_files_are_granted_narrowed_kept_and_rolled_back() {
    let project = compared_project().await;
    project.write("sql/grants.sql", GRANTS);
    for role in ["petal_e2e_clerk", "petal_e2e_owner"] {
        crate::support::catalog::drop_role(project.client(), role).await;
    }
    // Made as placeholders on the shared dev server, and dropped again:
    // the target's cluster lacks them, as said, until they are created
    // there.
    let run = project.petal(&["revision", "--autogenerate", "-m", "orders"]);
    run.assert_ok();
    run.assert_mentions("role petal_e2e_clerk does not exist in the database's cluster");
    run.assert_mentions("role petal_e2e_owner does not exist in the database's cluster");
    for role in ["petal_e2e_clerk", "petal_e2e_owner"] {
        crate::support::catalog::ensure_role(project.client(), role).await;
    }
    project.petal(&["upgrade", "head"]).assert_ok();
    project.petal(&["check"]).assert_ok();
    let first = project.read(&project.migration("_orders.sql"));
    for wanted in [
        r#"GRANT SELECT ON TABLE "public"."orders" TO "petal_e2e_clerk";"#,
        r#"GRANT UPDATE ("note") ON TABLE "public"."orders" TO "petal_e2e_clerk";"#,
        r#"GRANT SELECT ON TABLE "public"."big_orders" TO "petal_e2e_clerk";"#,
        r#"REVOKE EXECUTE ON ROUTINE "public"."order_count"() FROM PUBLIC;"#,
        r#"ALTER DEFAULT PRIVILEGES FOR ROLE "petal_e2e_owner" GRANT SELECT ON TABLES TO "petal_e2e_clerk";"#,
    ] {
        assert!(first.contains(wanted), "{wanted} not in:\n{first}");
    }
    let clerk = "petal_e2e_clerk";
    crate::support::catalog::ensure_role(project.client(), "petal_e2e_nobody").await;
    assert!(may(&project, clerk, "SELECT * FROM orders").await);
    assert!(may(&project, clerk, "UPDATE orders SET note = 'x'").await);
    assert!(!may(&project, clerk, "UPDATE orders SET total = 1").await);
    assert!(may(&project, clerk, "SELECT order_count()").await);
    assert!(!may(&project, "petal_e2e_nobody", "SELECT order_count()").await);

    // The clerk may no longer write notes, and may insert: the revoke is
    // destructive and says who loses what.
    let narrower = GRANTS.replace(
        "GRANT UPDATE (note) ON orders TO petal_e2e_clerk;",
        "GRANT INSERT ON orders TO petal_e2e_clerk;",
    );
    project.write("sql/grants.sql", &narrower);
    project.generate_and_apply("narrower");
    let text = project.read(&project.migration("_narrower.sql"));
    assert!(
        text.contains(
            "-- destructive: privileges on column public.orders.note: revoke UPDATE from \
             petal_e2e_clerk"
        ) && text.contains("-- petal_e2e_clerk loses UPDATE on column public.orders.note"),
        "{text}"
    );
    assert!(!may(&project, clerk, "UPDATE orders SET note = 'x'").await);
    assert!(may(&project, clerk, "INSERT INTO orders VALUES (1, 1)").await);

    // The view is dropped and created again around a retyped column: it
    // keeps its grant.
    project.write(
        "models/orders.rs",
        &ORDERS.replace("total: i32", "total: i64"),
    );
    project.generate_and_apply("bigger totals");
    let view = grants(project.client(), "relation", "public.big_orders").await;
    assert_eq!(view, Some(vec!["petal_e2e_clerk SELECT false".to_string()]));
    assert!(may(&project, clerk, "SELECT * FROM big_orders").await);

    // Rolled back, one revision at a time, each leaving the database as
    // its project says.
    project.rolled_back_to("models/orders.rs", ORDERS);
    project.rolled_back_to("sql/grants.sql", GRANTS);
    assert!(may(&project, clerk, "UPDATE orders SET note = 'x'").await);
    assert!(!may(&project, clerk, "INSERT INTO orders VALUES (1, 1)").await);
}

#[tokio::test]
async fn without_the_setting_grants_are_no_difference_and_a_grant_is_refused() {
    let project = Project::new().await;
    project.write("models/orders.rs", ORDERS);
    project.write("sql/objects.sql", OBJECTS);
    project.generate_and_apply("orders");
    // Granted by hand, as a team managing grants elsewhere does.
    crate::support::catalog::ensure_role(project.client(), "petal_e2e_hand_reader").await;
    project
        .client()
        .batch_execute("GRANT SELECT ON orders TO petal_e2e_hand_reader")
        .await
        .unwrap();
    project.petal(&["check"]).assert_ok();
    project.diff_to_models().assert_ok();
    // Asked for, they are one.
    let run = project.petal(&[
        "diff",
        "--privileges",
        "--from",
        "database",
        "--to",
        "models",
        "--exit-code",
    ]);
    run.assert_code(1);
    run.assert_mentions(
        r#"REVOKE SELECT ON TABLE "public"."orders" FROM "petal_e2e_hand_reader";"#,
    );
    // A GRANT in a SQL file says where it is and what to set.
    project.write(
        "sql/grants.sql",
        "\nGRANT SELECT ON orders TO petal_e2e_hand_reader;\n",
    );
    let run = project.petal(&["revision", "--autogenerate", "-m", "grants"]);
    run.assert_code(2);
    run.assert_mentions("grants.sql:2:1");
    run.assert_mentions("privileges = true");
}
