//! The daily loop: models → autogenerate → upgrade → check → edit → check
//! fails → autogenerate → upgrade → downgrade base → upgrade again.

use crate::support::{Project, catalog};

/// A schema of its own (so `downgrade base` must drop a schema too), an
/// enum used as a default, a foreign key across schemas.
const MODELS_V1: &str = r#"use petal::{DbEnum, Table};

#[derive(DbEnum)]
#[petal(schema = "shop")]
pub enum OrderStatus {
    New,
    Paid,
}

#[derive(Table)]
#[petal(table = "customers")]
pub struct Customer {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(unique)]
    pub phone: String,
}

#[derive(Table)]
#[petal(table = "orders", schema = "shop")]
pub struct Order {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(references = "public.customers.id", on_delete = "cascade")]
    pub customer_id: i64,
    #[petal(default = "'new'")]
    pub status: OrderStatus,
    #[petal(default = "0")]
    pub total: i32,
}
"#;

/// V1 with a new nullable column and another default.
fn models_v2() -> String {
    MODELS_V1
        .replace(
            "    #[petal(default = \"0\")]\n    pub total: i32,\n",
            "    #[petal(default = \"1\")]\n    pub total: i32,\n    pub note: Option<String>,\n",
        )
        .to_string()
}

#[tokio::test]
async fn models_to_database_and_back() {
    // `petal init`'s example model (a `posts` table and a `status` enum)
    // takes part in everything below too.
    let project = Project::init().await;
    let client = project.client();
    project.write("src/models/shop.rs", MODELS_V1);
    // A file of the models is a module of them, as for the compiler.
    let root = project.read("src/models/mod.rs");
    project.write("src/models/mod.rs", &format!("{root}\npub mod shop;\n"));
    assert_ne!(models_v2(), MODELS_V1, "the edit must change the models");

    let run = project.petal(&["revision", "--autogenerate", "-m", "initial"]);
    run.assert_ok().assert_mentions("wrote migrations/");
    let initial = project.migration("_initial.sql");
    let text = project.read(&initial);
    let (up, down) = text
        .split_once("-- +petal down")
        .unwrap_or_else(|| panic!("{initial} has no down section:\n{text}"));
    assert!(up.contains("CREATE TABLE"), "{initial}:\n{text}");
    // From an empty database there is nothing to drop.
    assert!(!up.contains("DROP"), "{initial}:\n{text}");
    assert!(down.contains("DROP TABLE"), "{initial}:\n{text}");

    // Like Alembic: autogenerate against a database behind head would repeat
    // the pending migration.
    let run = project.petal(&["revision", "--autogenerate", "-m", "too early"]);
    run.assert_code(2).assert_mentions("not at head");
    assert_eq!(project.migrations(), vec![initial.clone()]);

    project.petal(&["upgrade", "head"]).assert_ok();
    assert_eq!(
        catalog::tables(client).await,
        [
            "public.customers",
            "public.petal_migration_steps",
            "public.petal_migrations",
            "public.posts",
            "shop.orders"
        ]
    );
    assert_eq!(
        catalog::enum_types(client).await,
        ["public.status", "shop.order_status"]
    );
    assert_eq!(catalog::logged_revisions(client).await.len(), 1);

    project
        .petal(&["check"])
        .assert_ok()
        .assert_mentions("agree");
    project.petal(&["check", "--migrations"]).assert_ok();

    let run = project.petal(&["revision", "--autogenerate", "-m", "nothing"]);
    run.assert_ok().assert_mentions("no changes");
    assert_eq!(
        project.migrations(),
        vec![initial.clone()],
        "autogenerate without changes wrote a file"
    );

    project.write("src/models/shop.rs", &models_v2());
    let run = project.petal(&["check"]);
    run.assert_code(1);
    let added = run
        .stdout
        .lines()
        .any(|l| l.starts_with('+') && l.contains("\"note\""));
    let new_default = run
        .stdout
        .lines()
        .any(|l| l.starts_with('+') && l.contains("\"total\"") && l.contains("default 1"));
    let old_default = run
        .stdout
        .lines()
        .any(|l| l.starts_with('-') && l.contains("\"total\"") && l.contains("default 0"));
    assert!(
        added && new_default && old_default,
        "check's diff should show the new column and both defaults:\n{}",
        run.stdout
    );
    // CI's check: the migrations no longer build the models either.
    project.petal(&["check", "--migrations"]).assert_code(1);
    let json = project.petal(&["check", "--format", "json"]);
    json.assert_code(1);
    let value: serde_json::Value = serde_json::from_str(&json.stdout)
        .unwrap_or_else(|e| panic!("check --format json: {e}\n{}", json.stdout));
    assert_eq!(value["agrees"], serde_json::Value::Bool(false), "{value}");
    assert_eq!(
        value["changes"].as_array().map(Vec::len),
        Some(2),
        "one added column, one changed default: {value}"
    );
    // Like `git diff`: changes alone are no failure, `--exit-code` makes them one.
    let diff = project.petal(&["diff", "--from", "database", "--to", "models"]);
    diff.assert_ok().assert_mentions("ADD COLUMN");
    project.diff_to_models().assert_code(1);

    project
        .petal(&["revision", "--autogenerate", "-m", "add note"])
        .assert_ok();
    let second = project.migration("_add_note.sql");
    assert!(project.read(&second).contains("note"));
    project.petal(&["upgrade"]).assert_ok();
    assert_eq!(
        catalog::columns(client, "shop.orders").await,
        ["id", "customer_id", "status", "total", "note"]
    );
    assert_eq!(
        catalog::column_default(client, "shop.orders", "total").await,
        Some("1".to_string())
    );
    project.petal(&["check"]).assert_ok();
    project.petal(&["check", "--migrations"]).assert_ok();

    project.petal(&["downgrade", "base"]).assert_ok();
    assert_eq!(
        catalog::tables(client).await,
        ["public.petal_migration_steps", "public.petal_migrations"],
        "downgrade base left tables behind"
    );
    assert_eq!(catalog::enum_types(client).await, Vec::<String>::new());
    assert_eq!(catalog::schemas(client).await, ["public"]);
    assert_eq!(catalog::log(client).await, Vec::new());

    project.petal(&["upgrade", "head"]).assert_ok();
    assert_eq!(catalog::logged_revisions(client).await.len(), 2);
    project
        .petal(&["check"])
        .assert_ok()
        .assert_mentions("agree");
}

#[tokio::test]
async fn model_errors_point_at_the_model_source() {
    let project = Project::new().await;
    // PostgreSQL refuses this type only when the models are canonicalized.
    project.write(
        "models/shop.rs",
        "use petal::Table;\n\n#[derive(Table)]\n#[petal(table = \"orders\")]\n\
         pub struct Order {\n    #[petal(primary_key)]\n    pub id: i64,\n\
         \x20   #[petal(sql_type = \"numerik(12,2)\")]\n    pub amount: f64,\n}\n",
    );
    for args in [vec!["check"], vec!["revision", "--autogenerate"]] {
        project
            .petal(&args)
            .assert_code(2)
            .assert_mentions("models/shop.rs:8:")
            .assert_mentions("numerik");
    }
    // A misspelt attribute is found without a database.
    let text = project
        .read("models/shop.rs")
        .replace("primary_key", "primary_ky");
    project.write("models/shop.rs", &text);
    for args in [vec!["check"], vec!["inspect", "models"]] {
        project
            .petal(&args)
            .assert_code(2)
            .assert_mentions("models/shop.rs:6:13:")
            .assert_mentions("primary_key");
    }
    assert_eq!(project.migrations(), Vec::<String>::new());
}

#[tokio::test]
async fn destructive_changes_are_marked_for_review() {
    let project = Project::new().await;
    let client = project.client();
    project.write("models/shop.rs", &models_v2());
    project
        .petal(&["revision", "--autogenerate", "-m", "initial"])
        .assert_ok();
    project.petal(&["upgrade"]).assert_ok();
    client
        .batch_execute(
            "INSERT INTO public.customers (phone) VALUES ('1');
             INSERT INTO shop.orders (customer_id, note) SELECT id, 'keep me' FROM public.customers;",
        )
        .await
        .expect("inserting rows");

    project.write("models/shop.rs", MODELS_V1);
    let run = project.petal(&["revision", "--autogenerate", "-m", "drop note"]);
    run.assert_ok();
    let summary: Vec<&str> = run.stdout.lines().collect();
    assert!(
        summary
            .first()
            .is_some_and(|l| l.contains("destructive:") && l.contains("note")),
        "the destructive change is listed first:\n{}",
        run.stdout
    );
    let path = project.migration("_drop_note.sql");
    let text = project.read(&path);
    let up = text.split("-- +petal down").next().unwrap_or_default();
    let marked = up
        .lines()
        .position(|l| l.starts_with("-- destructive:"))
        .zip(up.lines().position(|l| l.contains("DROP COLUMN")));
    assert!(
        marked.is_some_and(|(mark, drop)| mark < drop),
        "the DROP COLUMN is not marked destructive above it:\n{text}"
    );

    project.petal(&["upgrade"]).assert_ok();
    assert!(
        !catalog::columns(client, "shop.orders")
            .await
            .contains(&"note".to_string())
    );
    // The down brings the column back; its values are gone, as the mark said.
    project.petal(&["downgrade", "-1"]).assert_ok();
    let notes: Vec<Option<String>> = client
        .query("SELECT note FROM shop.orders", &[])
        .await
        .map(|rows| rows.iter().map(|r| r.get(0)).collect())
        .unwrap_or_else(|e| panic!("reading shop.orders.note: {e}"));
    assert_eq!(notes, [None]);
}

/// `--from-migrations` diffs against the migrations replayed on a scratch
/// database, so a developer can write the next revision before applying the
/// previous one.
#[tokio::test]
async fn autogenerate_from_migrations_needs_no_upgraded_database() {
    let project = Project::new().await;
    let client = project.client();
    project.write("models/shop.rs", MODELS_V1);
    project
        .petal(&["revision", "--autogenerate", "-m", "initial"])
        .assert_ok();
    project.write("models/shop.rs", &models_v2());
    project
        .petal(&["revision", "--autogenerate", "-m", "add note"])
        .assert_code(2)
        .assert_mentions("not at head");

    project
        .petal(&[
            "revision",
            "--autogenerate",
            "--from-migrations",
            "-m",
            "add note",
        ])
        .assert_ok();
    let text = project.read(&project.migration("_add_note.sql"));
    let up = text.split("-- +petal down").next().unwrap_or_default();
    assert!(up.contains("\"note\""), "{text}");
    assert!(
        !up.contains("CREATE TABLE"),
        "the initial revision's work repeated:\n{text}"
    );
    assert_eq!(
        catalog::log(client).await,
        Vec::new(),
        "nothing is applied by writing"
    );

    project.petal(&["upgrade"]).assert_ok();
    assert_eq!(catalog::log(client).await.len(), 2);
    project.petal(&["check"]).assert_ok();
    project
        .petal(&[
            "revision",
            "--autogenerate",
            "--from-migrations",
            "-m",
            "none",
        ])
        .assert_ok()
        .assert_mentions("no changes: the models and the migrations agree");
}
