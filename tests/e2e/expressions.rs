//! Expressions PostgreSQL does not print back as it printed them: a check
//! `IN (...)` over a `varchar` column, an index predicate and a domain's
//! check alike, read back from the database a migration wrote them to as
//! another text.
//! petal prints both texts again on the database and takes them as one
//! where the reprints agree, so `check` stays clean after `upgrade`, and
//! a diff between two databases settles once applied.

use crate::support::Project;

const ORDERS: &str = r#"
use petal::Table;

#[derive(Table)]
#[petal(table = "orders")]
#[petal(check(name = "orders_status_known", expr = "status IN ('new', 'paid', 'sent')"))]
#[petal(index(columns(status), name = "orders_open", where = "status IN ('new', 'paid')"))]
pub struct Order {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(sql_type = "varchar(10)")]
    pub status: String,
}
"#;

/// The models' check and predicate and the SQL files' domain, written by a migration, are read back
/// under other texts: `check` (run by `generate_and_apply`) finds nothing,
/// and so do the next autogenerate and a diff to the models.
#[tokio::test]
async fn a_varchar_in_list_check_and_predicate_leave_nothing_to_report() {
    let project = Project::new().await;
    project.write("models/orders.rs", ORDERS);
    project.write(
        "sql/domains.sql",
        "CREATE DOMAIN code AS varchar(10) CONSTRAINT code_known CHECK (VALUE IN ('a', 'b'));",
    );
    project.generate_and_apply("orders");
    let printed = "SELECT pg_get_constraintdef(oid) FROM pg_constraint \
                   WHERE conname = 'orders_status_known'";
    let row = project.client().query_one(printed, &[]).await.unwrap();
    let text: String = row.get(0);
    assert!(
        text.contains("ARRAY[('new'::character varying)::text"),
        "{text}"
    );
    project.diff_to_models().assert_ok();
    // The migrations replayed on the dev server read back the other texts
    // too: the models' canonical copy reprints both.
    project.petal(&["check", "--migrations"]).assert_ok();
    let run = project.petal(&["revision", "--autogenerate", "-m", "again"]);
    run.assert_ok();
    assert_eq!(project.migrations().len(), 1, "{}", run.output());
}
