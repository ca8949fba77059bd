//! SQL files as a schema source: every mistake is reported at its
//! `file:line:col`, in file order (what is no declaration, what PostgreSQL
//! refuses, the same object twice, with the first place), none hides another, and the order of statements
//! and files does not matter.

use serde_json::Value;

use crate::support::{Project, Run};

const ORDERS: &str = r#"use petal::Table;

#[derive(Table)]
#[petal(table = "orders")]
pub struct Order {
    #[petal(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub total: i64,
}
"#;

/// A project with the `orders` model.
async fn orders_project() -> Project {
    let project = Project::new().await;
    project.write("models/orders.rs", ORDERS);
    project
}

/// The error object of a failed `petal diff ... --format json`.
fn diff_error(project: &Project) -> Value {
    let run = project.petal(&[
        "diff", "--from", "empty", "--to", "models", "--format", "json",
    ]);
    run.assert_code(2);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("one JSON object ({e}): {run:?}"))
}

/// `(path, line, column)` of every report, sorted by path then line.
fn places(error: &Value) -> Vec<(String, u64, u64)> {
    let mut places: Vec<(String, u64, u64)> = error["reports"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let path = r["path"].as_str().unwrap_or_default();
            let file = path.rsplit('/').next().unwrap_or_default().to_string();
            (
                file,
                r["line"].as_u64().unwrap_or_default(),
                r["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    places.sort();
    places
}

#[tokio::test]
async fn statements_that_are_no_declarations_are_each_reported() {
    let project = orders_project().await;
    project.write(
        "sql/a.sql",
        "CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 1000;\n\
         \n\
         INSERT INTO orders VALUES (1, 1, 1);\n",
    );
    project.write(
        "sql/nested/b.sql",
        "-- the same view again\n  CREATE VIEW big_orders AS SELECT id FROM orders;\n\
         CREATE TABLE extra (id int);\n",
    );
    let error = diff_error(&project);
    assert_eq!(error["kind"], "sql_file", "{error:#}");
    assert_eq!(
        places(&error),
        vec![
            ("a.sql".to_string(), 3, 1),
            ("b.sql".to_string(), 2, 3),
            ("b.sql".to_string(), 3, 1),
        ],
        "the INSERT, the second view and the table, in file order: {error:#}"
    );
    let text = error.to_string();
    assert!(text.contains("first declared at sql/a.sql:1:1"), "{text}");
    assert!(
        text.contains("#[derive(Table)]"),
        "a table is a model: {text}"
    );
}

/// A model's table is the model's alone: an index, a comment or a column
/// default on it in a SQL file is refused at its place, saying where it
/// belongs; those of a materialized view, and a trigger on the table, are
/// the SQL files'.
#[tokio::test]
async fn an_index_a_comment_or_a_default_on_a_model_table_is_refused() {
    let project = orders_project().await;
    project.write(
        "sql/a.sql",
        "CREATE MATERIALIZED VIEW totals AS SELECT customer_id, sum(total) AS total\n\
         FROM orders GROUP BY customer_id;\n\
         CREATE INDEX totals_customer ON totals (customer_id);\n\
         COMMENT ON COLUMN totals.total IS 'per customer';\n\
         CREATE INDEX orders_total ON public.orders (total);\n\
         COMMENT ON TABLE orders IS 'what customers bought';\n\
         COMMENT ON COLUMN public.orders.total IS 'in tiyn';\n\
         COMMENT ON CONSTRAINT orders_pkey ON orders IS 'the key';\n\
         COMMENT ON INDEX orders_pkey IS 'its index';\n\
         ALTER TABLE orders ALTER COLUMN total SET DEFAULT 0;\n",
    );
    let error = diff_error(&project);
    assert_eq!(error["kind"], "sql_file", "{error:#}");
    assert_eq!(
        places(&error),
        vec![
            ("a.sql".to_string(), 5, 1),
            ("a.sql".to_string(), 6, 1),
            ("a.sql".to_string(), 7, 1),
            ("a.sql".to_string(), 8, 1),
            ("a.sql".to_string(), 9, 1),
            ("a.sql".to_string(), 10, 1),
        ],
        "the index and the comments on orders, not the materialized view's: {error:#}"
    );
    let text = error.to_string();
    assert!(
        text.contains("an index on table public.orders, which the models declare")
            && text.contains("#[petal(index(...))]")
            && text.contains("the model's `comment` attribute")
            && text.contains("a column default of table public.orders, which the models declare"),
        "{text}"
    );
}

#[tokio::test]
async fn every_statement_postgres_refuses_is_reported_in_any_order() {
    let project = orders_project().await;
    // `chain_top` stands on `chain_bottom`, declared after it in another
    // file; both load. The two broken statements are each reported.
    project.write(
        "sql/a.sql",
        "CREATE VIEW chain_top AS SELECT id FROM chain_bottom;\n\
         CREATE VIEW broken AS\n  SELECT no_such_column FROM orders;\n",
    );
    project.write(
        "sql/b.sql",
        "CREATE VIEW chain_bottom AS SELECT id, total FROM orders;\n\
         CREATE FUNCTION orders_touch() RETURNS trigger LANGUAGE plpgsql AS $$\n\
         BEGIN RETURN NEW; END $$;\n\
         CREATE TRIGGER orders_touch BEFORE UPDATE ON orders\n\
         FOR EACH ROW EXECUTE FUNCTION no_such_function();\n",
    );
    let error = diff_error(&project);
    assert_eq!(error["kind"], "sql_file", "{error:#}");
    assert_eq!(
        places(&error),
        vec![("a.sql".to_string(), 3, 10), ("b.sql".to_string(), 4, 1)],
        "{error:#}"
    );
    let text = error.to_string();
    assert!(text.contains("no_such_column"), "{text}");
    assert!(text.contains("no_such_function"), "{text}");

    // Mended, the same files load, and a second run reads the cache.
    project.write(
        "sql/a.sql",
        "CREATE VIEW chain_top AS SELECT id FROM chain_bottom;\n",
    );
    project.write(
        "sql/b.sql",
        "CREATE VIEW chain_bottom AS SELECT id, total FROM orders;\n",
    );
    let run: Run = project.petal(&["diff", "--from", "empty", "--to", "models"]);
    run.assert_ok();
}

/// A function declared twice, with its argument types spelled apart
/// (`integer`, `int4`), is found by PostgreSQL, and the report names the
/// other declaration's place.
#[tokio::test]
async fn a_function_declared_twice_names_both_places() {
    let project = orders_project().await;
    project.write(
        "sql/a.sql",
        "CREATE FUNCTION cents(amount integer) RETURNS bigint\n\
         LANGUAGE sql IMMUTABLE AS $$ SELECT amount * 100 $$;\n",
    );
    project.write(
        "sql/b.sql",
        "CREATE FUNCTION cents(text) RETURNS bigint\n\
         LANGUAGE sql IMMUTABLE AS $$ SELECT 0 $$;\n\
         CREATE OR REPLACE FUNCTION public.cents(int4) RETURNS bigint\n\
         LANGUAGE sql IMMUTABLE AS $$ SELECT $1 * 100 $$;\n",
    );
    let error = diff_error(&project);
    assert_eq!(error["kind"], "sql_file", "{error:#}");
    assert_eq!(
        places(&error),
        vec![("b.sql".to_string(), 3, 1)],
        "{error:#}"
    );
    let text = error.to_string();
    assert!(text.contains("already exists"), "{text}");
    assert!(
        text.contains("function public.cents is declared at sql/a.sql:1:1 too"),
        "{text}"
    );
}

/// A `LANGUAGE sql` function with a string body is checked against the
/// catalogs when a migration creates it, yet records no dependency: the
/// first migration must create it after the table it reads, and the whole
/// schema must come back to nothing on the way down.
#[tokio::test]
async fn a_sql_function_reading_a_new_table_is_created_after_it() {
    let project = orders_project().await;
    project.write(
        "sql/totals.sql",
        "CREATE FUNCTION order_total(order_id bigint) RETURNS bigint LANGUAGE sql STABLE\n\
         AS $$ SELECT total FROM orders WHERE id = order_id $$;\n\
         CREATE VIEW big_orders AS SELECT id FROM orders WHERE order_total(id) > 1000;\n",
    );
    project
        .petal(&["revision", "--autogenerate", "-m", "initial"])
        .assert_ok();
    project.petal(&["upgrade", "head"]).assert_ok();
    project.petal(&["check"]).assert_ok();
    project.petal(&["downgrade", "base"]).assert_ok();
    let left: i64 = project
        .client()
        .query_one(
            "SELECT (SELECT count(*) FROM pg_class WHERE relname IN ('orders', 'big_orders')) \
                  + (SELECT count(*) FROM pg_proc WHERE proname = 'order_total')",
            &[],
        )
        .await
        .map(|row| row.get(0))
        .unwrap_or_else(|e| panic!("counting relations: {e}"));
    assert_eq!(left, 0, "down to base leaves no table, view or function");
}

/// A PL/pgSQL body naming a table's row type (`orders%ROWTYPE`) records
/// no dependency on it either, and PostgreSQL checks the declaration when
/// the function is created: the migration creates it whatever the order,
/// its step checking bodies when they run (found on a real service's
/// history, where the function came first and the migration failed).
#[tokio::test]
async fn a_plpgsql_function_declaring_a_new_tables_row_type_is_created() {
    let project = orders_project().await;
    project.write(
        "sql/audit.sql",
        "CREATE FUNCTION order_seen() RETURNS trigger LANGUAGE plpgsql AS $$\n\
         DECLARE seen orders%ROWTYPE;\n\
         BEGIN seen := NEW; RETURN NEW; END $$;\n\
         CREATE TRIGGER orders_seen BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION order_seen();\n",
    );
    project
        .petal(&["revision", "--autogenerate", "-m", "initial"])
        .assert_ok();
    project.petal(&["upgrade", "head"]).assert_ok();
    project
        .client()
        .batch_execute("INSERT INTO orders VALUES (1, 2, 3)")
        .await
        .unwrap_or_else(|e| panic!("the trigger runs: {e}"));
    project.petal(&["check"]).assert_ok();
    project.petal(&["downgrade", "base"]).assert_ok();
}

/// A trigger renamed in a SQL file with a hint above it is renamed in
/// place (its comment and state go with it), not dropped and created.
#[tokio::test]
async fn a_trigger_renamed_with_a_hint_is_renamed_in_place() {
    let project = orders_project().await;
    let function = "CREATE FUNCTION keep() RETURNS trigger LANGUAGE plpgsql\n\
                    AS $$ BEGIN RETURN NEW; END $$;\n";
    project.write(
        "sql/triggers.sql",
        &format!(
            "{function}CREATE TRIGGER keep_row BEFORE UPDATE ON orders\n\
             FOR EACH ROW EXECUTE FUNCTION keep();\n\
             COMMENT ON TRIGGER keep_row ON orders IS 'kept';\n"
        ),
    );
    project
        .petal(&["revision", "--autogenerate", "-m", "trigger"])
        .assert_ok();
    project.petal(&["upgrade", "head"]).assert_ok();
    project.write(
        "sql/triggers.sql",
        &format!(
            "{function}-- petal: renamed_from = keep_row\n\
             CREATE TRIGGER \"Keep Row\" BEFORE UPDATE ON orders\n\
             FOR EACH ROW EXECUTE FUNCTION keep();\n\
             COMMENT ON TRIGGER \"Keep Row\" ON orders IS 'kept';\n"
        ),
    );
    let diff = project.petal(&["diff", "--from", "database", "--to", "models"]);
    diff.assert_ok();
    assert!(
        diff.stdout
            .contains(r#"ALTER TRIGGER "keep_row" ON "public"."orders" RENAME TO "Keep Row";"#),
        "{}",
        diff.stdout
    );
    assert!(!diff.stdout.contains("DROP TRIGGER"), "{}", diff.stdout);
    project
        .petal(&["revision", "--autogenerate", "-m", "renamed"])
        .assert_ok();
    project.petal(&["upgrade", "head"]).assert_ok();
    project.petal(&["check"]).assert_ok();
    project.petal(&["downgrade", "-1"]).assert_ok();
    let name: String = project
        .client()
        .query_one(
            "SELECT tgname::text FROM pg_trigger WHERE tgrelid = 'orders'::regclass AND NOT tgisinternal",
            &[],
        )
        .await
        .map(|row| row.get(0))
        .unwrap_or_else(|e| panic!("reading the trigger: {e}"));
    assert_eq!(name, "keep_row", "the down renames it back");
}

/// A collation declared in a SQL file and used by a model's column (and
/// an index key): created before the table, its locale changed later
/// (recreated under the column, the rows kept), and rolled back.
#[tokio::test]
async fn a_collation_a_model_column_uses_is_declared_in_a_sql_file() {
    let project = Project::new().await;
    let model = |column_collation: &str| {
        format!(
            "use petal::Table;\n\n\
             #[derive(Table)]\n\
             #[petal(table = \"customers\", index(columns(email), name = \"customers_email\"))]\n\
             pub struct Customer {{\n\
             \x20   #[petal(primary_key)]\n\
             \x20   pub id: i64,\n\
             \x20   #[petal(collation = r#\"{column_collation}\"#)]\n\
             \x20   pub email: String,\n\
             }}\n"
        )
    };
    project.write(
        "models/customers.rs",
        &model(r#""public"."case_insensitive""#),
    );
    let collation = |locale: &str| {
        format!(
            "-- e-mail addresses compare without case\n\
             CREATE COLLATION case_insensitive (provider = icu, locale = '{locale}',\n\
             \x20   deterministic = false);\n\
             COMMENT ON COLLATION case_insensitive IS 'emails';\n"
        )
    };
    project.write("sql/collations.sql", &collation("und-u-ks-level2"));
    project.generate_and_apply("customers").assert_ok();
    let first = project.read(&project.migration("customers"));
    let create = first
        .find("CREATE COLLATION")
        .unwrap_or_else(|| panic!("no collation:\n{first}"));
    let table = first.find("CREATE TABLE").expect("the table is created");
    assert!(create < table, "the collation comes first:\n{first}");
    project
        .client()
        .batch_execute("INSERT INTO customers VALUES (1, 'Ann@Example.com')")
        .await
        .unwrap();
    let found: i64 = project
        .client()
        .query_one(
            "SELECT id FROM customers WHERE email = 'ann@example.com'",
            &[],
        )
        .await
        .map(|row| row.get(0))
        .unwrap_or_else(|e| panic!("a case-insensitive match: {e}"));
    assert_eq!(found, 1);
    project.petal(&["check"]).assert_ok();

    // Accents ignored too: PostgreSQL cannot alter a collation, so it is
    // recreated, and the column moved onto the new one.
    project.write("sql/collations.sql", &collation("und-u-ks-level1"));
    project.generate_and_apply("accents").assert_ok();
    let second = project.read(&project.migration("accents"));
    assert!(
        second.contains(r#"ALTER COLLATION "public"."case_insensitive" RENAME TO"#),
        "{second}"
    );
    project.petal(&["check"]).assert_ok();
    let kept: i64 = project
        .client()
        .query_one(
            "SELECT count(*) FROM customers WHERE email = 'ANN@EXAMPLE.COM'",
            &[],
        )
        .await
        .map(|row| row.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept, 1, "the row is kept");
    project.petal(&["downgrade", "base"]).assert_ok();
    let left: i64 = project
        .client()
        .query_one(
            "SELECT count(*) FROM pg_collation WHERE collname = 'case_insensitive'",
            &[],
        )
        .await
        .map(|row| row.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(left, 0, "the downgrade drops it");
}
