//! Changes under dependents. An enum type recreated under what reads it: a partial index, a check
//! and a view over the type's column. Adding a label and rolling it back
//! recreates the type (PostgreSQL cannot remove a label), and so does
//! removing one; both must go through, both ways, with the dependents put
//! back as they were.

use crate::support::{Project, catalog};

const POSTS: &str = r#"use petal::{DbEnum, Table};

#[derive(DbEnum)]
pub enum PostStatus {
    Draft,
    Published,
}

#[derive(Table)]
#[petal(table = "posts")]
#[petal(index(name = "posts_published_idx", columns(id), where = "status = 'published'"))]
#[petal(check(name = "posts_published_titled", expr = "status <> 'published' OR title <> ''"))]
pub struct Post {
    #[petal(primary_key)]
    pub id: i64,
    pub title: String,
    #[petal(default = "'draft'")]
    pub status: PostStatus,
}
"#;

const VIEW: &str = "CREATE VIEW public.published_posts AS\n    \
                    SELECT id, title FROM public.posts WHERE status = 'published';\n";

fn with_archived() -> String {
    POSTS.replace("    Published,\n", "    Published,\n    Archived,\n")
}

/// The dependents of the type, as the catalogs print them.
async fn dependents(project: &Project) -> Vec<String> {
    let rows = project
        .client()
        .query(
            "SELECT pg_get_indexdef('public.posts_published_idx'::regclass)
             UNION ALL
             SELECT pg_get_constraintdef(oid) FROM pg_constraint
              WHERE conname = 'posts_published_titled'
             UNION ALL
             SELECT pg_get_viewdef('public.published_posts'::regclass)",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("reading the dependents: {e}"));
    rows.iter().map(|r| r.get(0)).collect()
}

async fn initial(project: &Project) -> Vec<String> {
    project.write("models/posts.rs", POSTS);
    project.write("sql/views.sql", VIEW);
    project.generate_and_apply("posts");
    project
        .client()
        .batch_execute(
            "INSERT INTO posts (title, status) VALUES ('a', 'draft'), ('b', 'published')",
        )
        .await
        .unwrap_or_else(|e| panic!("rows: {e}"));
    dependents(project).await
}

#[tokio::test]
async fn a_label_added_under_a_partial_index_a_check_and_a_view_rolls_back() {
    let project = Project::new().await;
    let before = initial(&project).await;
    project.write("models/posts.rs", &with_archived());
    project.generate_and_apply("archived");

    // The down recreates the type without the label, around its readers.
    project.petal(&["downgrade", "-1"]).assert_ok();
    let client = project.client();
    assert_eq!(
        catalog::enum_labels(client, "public.post_status").await,
        ["draft", "published"]
    );
    assert_eq!(dependents(&project).await, before);
    project.petal(&["upgrade", "head"]).assert_ok();
    project.petal(&["check"]).assert_ok();
}

#[tokio::test]
async fn a_label_removed_under_a_partial_index_a_check_and_a_view_goes_both_ways() {
    let project = Project::new().await;
    project.write("models/posts.rs", &with_archived());
    project.write("sql/views.sql", VIEW);
    project.generate_and_apply("posts");
    let before = dependents(&project).await;
    project.write("models/posts.rs", POSTS);
    project
        .generate_and_apply("no archived")
        .assert_mentions("recreated around other changes (3): constraint posts_published_titled of public.posts, index posts_published_idx of public.posts, view public.published_posts");
    let file = project.read(&project.migration("_no_archived.sql"));
    assert!(
        file.contains("-- recreated: drop view public.published_posts, which depends on column public.posts.status, before it changes (created again below)"),
        "each object moved says why:\n{file}"
    );
    let client = project.client();
    assert_eq!(
        catalog::enum_labels(client, "public.post_status").await,
        ["draft", "published"]
    );
    project.petal(&["downgrade", "-1"]).assert_ok();
    assert_eq!(
        catalog::enum_labels(client, "public.post_status").await,
        ["draft", "published", "archived"]
    );
    assert_eq!(dependents(&project).await, before);
}

pub(crate) const ORDERS: &str = r#"use petal::Table;

#[derive(Table)]
#[petal(table = "orders")]
pub struct Order {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(sql_type = "numeric(12,2)")]
    pub total: rust_decimal::Decimal,
}
"#;

/// Three views over one another and a materialized view with an index,
/// all over `orders.total`.
const CHAIN: &str = "\
CREATE VIEW public.order_totals AS SELECT id, total FROM public.orders;
CREATE VIEW public.big_orders AS SELECT id, total FROM public.order_totals WHERE total > 100;
CREATE VIEW public.big_order_count AS SELECT count(*) AS n, sum(total) AS total FROM public.big_orders;
COMMENT ON VIEW public.big_orders IS 'orders over 100';
CREATE MATERIALIZED VIEW public.order_sums AS SELECT id, total * 2 AS doubled FROM public.big_orders;
CREATE UNIQUE INDEX order_sums_id_idx ON public.order_sums (id);
";

/// A column's type changes under a chain of three views and a
/// materialized view with an index: all are moved aside and put back, with
/// their comment, index and rows, up and down.
#[tokio::test]
async fn a_type_change_under_a_chain_of_views_and_a_materialized_view_goes_both_ways() {
    let project = Project::new().await;
    project.write("models/orders.rs", ORDERS);
    project.write("sql/views.sql", CHAIN);
    project.generate_and_apply("orders");
    let client = project.client();
    client
        .batch_execute(
            "INSERT INTO orders VALUES (1, 50), (2, 150.25), (3, 300);
             REFRESH MATERIALIZED VIEW order_sums",
        )
        .await
        .unwrap_or_else(|e| panic!("rows: {e}"));
    let sums = || async {
        client
            .query("SELECT id, doubled::text FROM order_sums ORDER BY id", &[])
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .iter()
            .map(|r| (r.get::<_, i64>(0), r.get::<_, String>(1)))
            .collect::<Vec<_>>()
    };
    let before = sums().await;
    assert_eq!(before.len(), 2);
    // Privileges are not compared, but what petal recreates gets them back.
    catalog::ensure_role(client, "petal reader").await;
    client
        .batch_execute(
            r#"GRANT SELECT, UPDATE ON public.big_orders TO "petal reader" WITH GRANT OPTION;
               GRANT SELECT ON public.order_sums TO PUBLIC"#,
        )
        .await
        .unwrap_or_else(|e| panic!("grants: {e}"));
    let grants = || async {
        (
            catalog::grants(client, "relation", "public.big_orders").await,
            catalog::grants(client, "relation", "public.order_sums").await,
        )
    };
    let granted = grants().await;
    assert_eq!(
        granted,
        (
            Some(vec![
                "petal reader SELECT true".to_string(),
                "petal reader UPDATE true".to_string()
            ]),
            Some(vec!["PUBLIC SELECT false".to_string()])
        )
    );

    project.write(
        "models/orders.rs",
        &ORDERS.replace("numeric(12,2)", "numeric(14,2)"),
    );
    project
        .generate_and_apply("wider totals")
        .assert_mentions("recreated around other changes (4)");
    assert_eq!(
        sums().await,
        before,
        "the materialized view is filled again"
    );
    let comment: Option<String> = client
        .query_one(
            "SELECT obj_description('public.big_orders'::regclass, 'pg_class')",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .get(0);
    assert_eq!(comment.as_deref(), Some("orders over 100"));
    assert_eq!(grants().await, granted, "the views' grants are back");

    project.petal(&["downgrade", "-1"]).assert_ok();
    assert_eq!(sums().await, before);
    assert_eq!(grants().await, granted, "and back after the down");
    let indexed: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'order_sums_id_idx'",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .get(0);
    assert_eq!(indexed, 1, "the materialized view's index is back");
    project.petal(&["upgrade", "head"]).assert_ok();
    project.petal(&["check"]).assert_ok();
}

const ITEMS: &str = r#"use petal::Table;

#[derive(Table)]
#[petal(table = "items")]
#[petal(check(name = "items_tag_known", expr = "public.tag(qty) <> 'none'"))]
#[petal(index(name = "items_tag_idx", expr = "public.tag(qty)"))]
pub struct Item {
    #[petal(primary_key)]
    pub id: i64,
    pub qty: i32,
    #[petal(default = "public.tag(0)")]
    pub code: String,
}
"#;

const TAG: &str = "CREATE FUNCTION public.tag(x integer) RETURNS text\n    \
                   LANGUAGE sql IMMUTABLE AS $$ SELECT 'q' || x $$;\n";

/// A function whose result type changes is dropped and created again; the
/// default, the check and the index that call it go first and come back.
#[tokio::test]
async fn a_function_recreated_under_a_default_a_check_and_an_index_goes_both_ways() {
    let project = Project::new().await;
    project.write("models/items.rs", ITEMS);
    project.write("sql/tag.sql", TAG);
    project.generate_and_apply("items");
    let client = project.client();
    catalog::ensure_role(client, "petal reader").await;
    client
        .batch_execute(
            r#"INSERT INTO items (id, qty) VALUES (1, 5), (2, 7);
               REVOKE EXECUTE ON FUNCTION public.tag(integer) FROM PUBLIC;
               GRANT EXECUTE ON FUNCTION public.tag(integer) TO "petal reader""#,
        )
        .await
        .unwrap_or_else(|e| panic!("rows and grants: {e}"));
    let grants = || catalog::grants(client, "routine", "public.tag(integer)");
    let granted = Some(vec!["petal reader EXECUTE false".to_string()]);
    assert_eq!(grants().await, granted);
    project.write(
        "sql/tag.sql",
        &TAG.replace("RETURNS text", "RETURNS character varying"),
    );
    project
        .generate_and_apply("tag as varchar")
        .assert_mentions("recreated around other changes (2): constraint items_tag_known of public.items, index items_tag_idx of public.items");
    let file = project.read(&project.migration("_tag_as_varchar.sql"));
    let at = |needle: &str| {
        file.find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in:\n{file}"))
    };
    assert!(at("DROP DEFAULT") < at("DROP ROUTINE") && at("DROP ROUTINE") < at("SET DEFAULT"));
    assert_eq!(grants().await, granted, "the function's grants are back");
    project.petal(&["downgrade", "-1"]).assert_ok();
    assert_eq!(grants().await, granted, "and back after the down");
    project.petal(&["upgrade", "head"]).assert_ok();
    project.petal(&["check"]).assert_ok();
    let codes: Vec<String> = client
        .query("SELECT code FROM items ORDER BY id", &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(codes, ["q0", "q0"]);
}

const ACCOUNTS: &str = r#"use petal::Table;

#[derive(Table)]
#[petal(table = "accounts")]
pub struct Account {
    #[petal(primary_key)]
    pub id: i64,
    pub balance: i64,
    pub token: Option<String>,
    pub touched: Option<i64>,
}
"#;

const TOUCH: &str = "CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$\n\
                     BEGIN NEW.touched := coalesce(NEW.touched, 0) + 1; RETURN NEW; END $$;\n";

/// A column a trigger lists in `UPDATE OF` is dropped: the trigger goes
/// first and comes back listing what is left, and the down puts the
/// column and the trigger's list back.
#[tokio::test]
async fn a_column_a_trigger_lists_is_dropped_both_ways() {
    let project = Project::new().await;
    project.write("models/accounts.rs", ACCOUNTS);
    let trigger = |columns: &str| {
        format!(
            "{TOUCH}CREATE TRIGGER accounts_touch BEFORE UPDATE OF {columns} ON public.accounts\n    \
             FOR EACH ROW EXECUTE FUNCTION public.touch();\n"
        )
    };
    project.write("sql/touch.sql", &trigger("balance, token"));
    project.generate_and_apply("accounts");
    let client = project.client();
    client
        .batch_execute("INSERT INTO accounts (id, balance, token) VALUES (1, 10, 'x')")
        .await
        .unwrap_or_else(|e| panic!("rows: {e}"));

    project.write(
        "models/accounts.rs",
        &ACCOUNTS.replace("    pub token: Option<String>,\n", ""),
    );
    project.write("sql/touch.sql", &trigger("balance"));
    project.generate_and_apply("no token").assert_mentions(
        "recreated around other changes (1): trigger accounts_touch on public.accounts",
    );
    project.petal(&["downgrade", "-1"]).assert_ok();
    let definition: String = client
        .query_one(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'accounts_touch'",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .get(0);
    assert!(
        definition.contains("UPDATE OF balance, token"),
        "{definition}"
    );
    client
        .batch_execute("UPDATE accounts SET token = 'y'")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let touched: Option<i64> = client
        .query_one("SELECT touched FROM accounts", &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .get(0);
    assert_eq!(
        touched,
        Some(1),
        "the trigger fires again on the column it lists"
    );
}

/// A stored generated column calls a function whose result type the SQL
/// files change: PostgreSQL will not drop the function under it, so the
/// column is moved aside and added back (its values computed again), with
/// the index over it, both ways, and the rows stay.
#[tokio::test]
async fn a_function_recreated_under_a_generated_column_moves_it_aside_and_back() {
    let project = Project::new().await;
    let norm = |result: &str| {
        format!(
            "CREATE FUNCTION public.norm(v text) RETURNS {result} LANGUAGE sql IMMUTABLE \
             AS $$ SELECT lower(v)::{result} $$;"
        )
    };
    project.write("sql/norm.sql", &norm("text"));
    project.write(
        "models/items.rs",
        r#"use petal::Table;

#[derive(Table)]
#[petal(table = "items")]
pub struct Item {
    #[petal(primary_key)]
    pub id: i64,
    pub label: String,
    #[petal(generated = "public.norm(label)", index)]
    pub key: Option<String>,
}
"#,
    );
    project.generate_and_apply("items");
    let client = project.client();
    client
        .batch_execute("INSERT INTO public.items (id, label) VALUES (1, 'Rose'), (2, 'Tulip');")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    project.write("sql/norm.sql", &norm("varchar"));
    project
        .generate_and_apply("varchar keys")
        .assert_mentions("recreated around other changes");
    let file = project.read(&project.migration("_varchar_keys.sql"));
    assert!(
        file.contains("recreated: drop generated column public.items.key")
            && file.contains("recreated: create index items_key_idx"),
        "{file}"
    );
    project.petal(&["check"]).assert_ok();
    let read = "SELECT key FROM public.items ORDER BY id";
    let keys = |rows: Vec<tokio_postgres::Row>| -> Vec<String> {
        rows.iter().map(|r| r.get::<_, String>(0)).collect()
    };
    let rows = client
        .query(read, &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(keys(rows), ["rose", "tulip"]);
    project.petal(&["downgrade", "-1"]).assert_ok();
    let rows = client
        .query(read, &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(keys(rows), ["rose", "tulip"]);
    project.petal(&["check", "--migrations"]).assert_ok();
}
