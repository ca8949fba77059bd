//! A model with inheritance children declared in the SQL files: created,
//! given rows, changed under them (a column the child declares itself
//! dropped from the parent, one it only inherits added and retyped) and
//! rolled back, with `check` clean at each revision; what PostgreSQL
//! cannot do under an inheritance edge refused.

use crate::support::Project;

const ORDERS: &str = r#"
use petal::Table;

#[derive(Table)]
#[petal(table = "orders")]
pub struct Order {
    #[petal(primary_key)]
    pub id: i64,
    pub note: Option<String>,
    pub qty: i32,
}
"#;

/// The child declares `note` itself (it keeps its own copy when the
/// parent's goes) and inherits `id` and `qty`.
const CHILDREN: &str = "
CREATE TABLE orders_archive (
    note text,
    archived_on date NOT NULL,
    CONSTRAINT orders_archive_pkey PRIMARY KEY (id)
) INHERITS (orders);
CREATE INDEX orders_archive_archived_on ON orders_archive (archived_on);
";

async fn archived_notes(project: &Project) -> Vec<String> {
    let sql = "SELECT id::text || ':' || coalesce(note, '-') || ':' || qty::text \
               FROM orders_archive ORDER BY id";
    let rows = project
        .client()
        .query(sql, &[])
        .await
        .expect("reading rows");
    rows.iter().map(|r| r.get(0)).collect()
}

#[tokio::test]
async fn inheritance_children_from_sql_files_are_created_changed_and_rolled_back() {
    let project = Project::new().await;
    project.write("models/orders.rs", ORDERS);
    project.write("sql/inheritance.sql", CHILDREN);
    project.generate_and_apply("archive");
    let first = project.read(&project.migration("_archive.sql"));
    assert!(
        first.contains(r#") INHERITS ("public"."orders");"#),
        "{first}"
    );
    project
        .client()
        .batch_execute(
            "INSERT INTO orders VALUES (1, 'live', 2);
             INSERT INTO orders_archive VALUES (2, 'old', 3, '2024-01-01'), (3, NULL, 4, '2024-02-01');",
        )
        .await
        .unwrap();
    let before = archived_notes(&project).await;
    assert_eq!(before, ["2:old:3", "3:-:4"]);

    // The parent's note goes (the child keeps its own), qty widens
    // (PostgreSQL widens the child's with it), a new column comes to both.
    let changed = ORDERS
        .replace("    pub note: Option<String>,\n", "")
        .replace(
            "pub qty: i32,",
            "pub qty: i64,\n    pub placed_at: Option<chrono::NaiveDate>,",
        );
    project.write("models/orders.rs", &changed);
    project.generate_and_apply("no note");
    let text = project.read(&project.migration("_no_note.sql"));
    let up = text.split("-- +petal down").next().unwrap_or_default();
    for wanted in [
        r#"ALTER TABLE "public"."orders" DROP COLUMN "note";"#,
        r#"ALTER TABLE "public"."orders" ALTER COLUMN "qty" TYPE bigint;"#,
        r#"ALTER TABLE "public"."orders" ADD COLUMN "placed_at" date;"#,
    ] {
        assert!(up.contains(wanted), "{wanted} not in:\n{text}");
    }
    assert!(
        !up.contains(r#"ALTER TABLE "public"."orders_archive""#),
        "{text}"
    );
    assert_eq!(
        archived_notes(&project).await,
        before,
        "the child's rows kept"
    );

    project.rolled_back_to("models/orders.rs", ORDERS);
    assert_eq!(archived_notes(&project).await, before);
}

/// A child that comes to declare a column it inherits from a parent
/// keeping it: PostgreSQL has no statement for it, so autogenerate
/// refuses, naming the column, and writes no file.
#[tokio::test]
async fn an_inherited_column_redeclared_by_the_child_is_refused() {
    let project = Project::new().await;
    project.write("models/orders.rs", ORDERS);
    let only_inherits = "CREATE TABLE orders_archive (archived_on date) INHERITS (orders);\n";
    project.write("sql/inheritance.sql", only_inherits);
    project.generate_and_apply("archive");
    project.write(
        "sql/inheritance.sql",
        "CREATE TABLE orders_archive (qty integer, archived_on date) INHERITS (orders);\n",
    );
    let run = project.petal(&["revision", "--autogenerate", "-m", "redeclared"]);
    run.assert_code(2);
    run.assert_mentions(
        "column public.orders_archive.qty: inherited from public.orders already, so PostgreSQL \
         cannot add it to the child",
    );
    assert_eq!(project.migrations().len(), 1, "no file written");
}
