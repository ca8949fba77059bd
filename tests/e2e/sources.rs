//! `petal diff` between sources: a hand-written database against the
//! models shows the differences as PostgreSQL prints them, applying petal's
//! own output leaves nothing to diff, and a model attribute PostgreSQL
//! refuses is reported at its source.

use crate::support::{Project, Run};

/// The script `petal diff` writes from the project's database to `other`'s.
fn diff_sql(project: &Project, other: &petal_testkit::TestDb) -> String {
    let run = diff_to(project, other, &[]);
    run.assert_ok();
    run.stdout
}

/// `petal diff` from the project's database to `other`'s.
fn diff_to(project: &Project, other: &petal_testkit::TestDb, extra: &[&str]) -> Run {
    let (from, to) = (project.url(), other.url());
    let mut args = vec!["diff", "--from", &from, "--to", &to];
    args.extend_from_slice(extra);
    project.petal(&args)
}

#[tokio::test]
async fn hand_written_ddl_shows_only_real_differences() {
    let project = Project::cvety().await;
    let ddl = include_str!("../fixtures/cvety_hand_written.sql");
    project
        .client()
        .batch_execute(ddl)
        .await
        .expect("fixture loads");

    let run = project.petal(&[
        "diff", "--from", "database", "--to", "models", "--format", "json",
    ]);
    run.assert_ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let changes = json["changes"].as_array().expect("changes");
    // The hand-written defaults say `CURRENT_TIMESTAMP` where the models say
    // `now()`: pg_dump prints them apart, so they are differences too (a
    // model matches such a database by taking its spelling).
    let (spelling, real): (Vec<&serde_json::Value>, Vec<&serde_json::Value>) =
        changes.iter().partition(|c| {
            c["property"] == "default" && c["from"] == "CURRENT_TIMESTAMP" && c["to"] == "now()"
        });
    assert_eq!(
        spelling.len(),
        6,
        "the six defaults of modelled columns: {json:#}"
    );
    assert_eq!(real.len(), 2, "and the two real differences: {json:#}");
    let text = json["changes"].to_string();
    assert!(text.contains("products_name_idx"), "{text}");
    assert!(text.contains("character varying(255)"), "{text}");
    // Every statement with its measured label: the index build takes SHARE
    // on products and reads it whole.
    let statements: Vec<&serde_json::Value> = json["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .flat_map(|step| step["statements"].as_array().into_iter().flatten())
        .collect();
    let build = statements
        .iter()
        .find(|s| {
            s["sql"]
                .as_str()
                .is_some_and(|sql| sql.starts_with("CREATE INDEX"))
        })
        .unwrap_or_else(|| panic!("the index build among {statements:#?}"));
    assert_eq!(
        build["impact"]["locks"],
        serde_json::json!([{"relation": {"schema": "public", "name": "products"}, "mode": "SHARE"}]),
        "{build:#}"
    );
    assert_eq!(
        build["impact"]["scans"],
        serde_json::json!([{"schema": "public", "name": "products"}])
    );

    // Apply petal's own SQL: nothing is left to diff.
    let sql = project.petal(&["diff", "--from", "database", "--to", "models"]);
    sql.assert_ok();
    project
        .client()
        .batch_execute(&sql.stdout)
        .await
        .expect("petal's SQL applies");
    project
        .diff_to_models()
        .assert_ok()
        .assert_mentions("no differences");
}

#[tokio::test]
async fn same_schema_from_every_source_has_no_diff() {
    let project = Project::cvety().await;
    project.petal(&["upgrade", "head"]).assert_ok();
    for (from, to) in [
        ("migrations", "models"),
        ("database", "models"),
        ("database", "migrations"),
        ("models", "models"),
    ] {
        project
            .petal(&["diff", "--from", from, "--to", to, "--exit-code"])
            .assert_ok()
            .assert_mentions("no differences");
    }
    // From empty, the diff is the whole schema.
    project
        .petal(&["diff", "--from", "empty", "--to", "models", "--exit-code"])
        .assert_code(1);
}

#[tokio::test]
async fn every_refused_model_attribute_is_reported_at_its_source() {
    let project = Project::new().await;
    project.write(
        "models/shop.rs",
        r#"use petal::Table;

#[derive(Table)]
#[petal(table = "things")]
pub struct Thing {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(sql_type = "numberic(10,2)")]
    pub price: f64,
}

#[derive(Table)]
#[petal(table = "others")]
pub struct Other {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(default = "'abc'")]
    pub count: i32,
}
"#,
    );
    project
        .petal(&["diff", "--from", "empty", "--to", "models"])
        .assert_code(2)
        .assert_mentions("models/shop.rs:8:24: PostgreSQL rejects the type of column `price`")
        .assert_mentions("type \"numberic\" does not exist")
        .assert_mentions("models/shop.rs:17:23: PostgreSQL rejects the default of column `count`");
}

/// Keywords inside a string literal or a quoted name (`DEFAULT`,
/// `CONSTRAINT`) must not lead the trace astray: the refused piece of SQL
/// is traced by where PostgreSQL says it failed, not by what it reads.
#[tokio::test]
async fn keywords_in_literals_do_not_mislead_the_trace() {
    let project = Project::new().await;
    project.write(
        "models/shop.rs",
        r#"use petal::Table;

#[derive(Table)]
#[petal(table = "notes")]
#[petal(check(name = "DEFAULT CONSTRAINT x", expr = "body <> 'CONSTRAINT y DEFAULT' AND nope(body)"))]
pub struct Note {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(default = "'a DEFAULT b CONSTRAINT c'")]
    pub body: String,
}

#[derive(Table)]
#[petal(table = "labels")]
pub struct Label {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(column = "CONSTRAINT DEFAULT", default = "'x' || missing_function()")]
    pub label: Option<String>,
}
"#,
    );
    project
        .petal(&["diff", "--from", "empty", "--to", "models"])
        .assert_code(2)
        .assert_mentions(
            "models/shop.rs:5:53: PostgreSQL rejects the expression of constraint \
             `DEFAULT CONSTRAINT x` of public.notes: function nope(text) does not exist",
        )
        .assert_mentions(
            "models/shop.rs:18:54: PostgreSQL rejects the default of column \
             `CONSTRAINT DEFAULT` of public.labels: function missing_function() does not exist",
        );
}

/// Both sides of a diff usually hold the same objects petal does not
/// compare: each is listed once.
#[tokio::test]
async fn what_is_not_compared_is_listed_once() {
    let project = Project::new().await;
    project
        .client()
        .batch_execute(
            "CREATE TABLE notes (id int PRIMARY KEY, body text);
             CREATE RULE keep AS ON DELETE TO notes DO INSTEAD NOTHING;
             CREATE STATISTICS notes_stats ON id, body FROM notes;",
        )
        .await
        .expect("fixture loads");
    let url = project.url();
    let text = project.petal(&["diff", "--from", &url, "--to", &url]);
    text.assert_ok().assert_mentions("no differences");
    let listed: Vec<&str> = text
        .stdout
        .lines()
        .filter(|l| l.starts_with("--   "))
        .collect();
    assert_eq!(
        listed,
        [
            "--   rule public.notes.keep",
            "--   statistics object public.notes_stats"
        ],
        "{}",
        text.stdout
    );
    let json = project.petal(&["diff", "--from", &url, "--to", &url, "--format", "json"]);
    json.assert_ok();
    let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let names: Vec<&str> = value["not_compared"]
        .as_array()
        .expect("not_compared")
        .iter()
        .filter_map(|n| n["name"].as_str())
        .collect();
    assert_eq!(names, ["public.notes.keep", "public.notes_stats"]);
}

/// crates.io's first tables, as its early migrations made them.
const PACKAGES: &str = "CREATE TABLE packages (id serial PRIMARY KEY, name varchar NOT NULL);
     CREATE TABLE versions (id serial PRIMARY KEY,
         package_id integer NOT NULL REFERENCES packages (id), num varchar NOT NULL);";

/// Between two databases a rename shows by its place: crates.io's
/// `ALTER TABLE packages RENAME TO crates` and `RENAME COLUMN package_id TO
/// crate_id` are renamed, said in warnings, and the rows stay.
#[tokio::test]
async fn renames_between_two_databases_are_told_by_their_place() {
    let project = Project::new().await;
    let other = petal_testkit::TestDb::new().await;
    project
        .client()
        .batch_execute(&format!(
            "{PACKAGES}
             INSERT INTO packages (name) VALUES ('serde');
             INSERT INTO versions (package_id, num) VALUES (1, '1.0.0');"
        ))
        .await
        .expect("A");
    other
        .client()
        .batch_execute(&format!(
            "{PACKAGES}
             ALTER TABLE packages RENAME TO crates;
             ALTER TABLE versions RENAME COLUMN package_id TO crate_id;"
        ))
        .await
        .expect("B");
    let sql = diff_sql(&project, &other);
    assert!(
        sql.contains(r#"ALTER TABLE "public"."packages" RENAME TO "crates";"#)
            && sql.contains(r#"RENAME COLUMN "package_id" TO "crate_id";"#)
            && !sql.contains("DROP TABLE")
            && !sql.contains("DROP COLUMN"),
        "{sql}"
    );
    assert!(
        sql.contains("is taken for public.packages renamed")
            && sql.contains("is taken for package_id renamed"),
        "{sql}"
    );
    project.client().batch_execute(&sql).await.expect("applies");
    let row = project
        .client()
        .query_one(
            "SELECT c.name, v.num FROM versions v JOIN crates c ON c.id = v.crate_id",
            &[],
        )
        .await
        .expect("the rows stay");
    assert_eq!(
        (row.get::<_, String>(0), row.get::<_, String>(1)),
        ("serde".into(), "1.0.0".into())
    );
    diff_to(&project, &other, &["--exit-code"]).assert_ok();
}

/// A collation of the user's own (outside `pg_catalog`) on a column and an
/// index key is written schema-qualified, each part quoted: the table is
/// created where the collation exists, and nothing is left to diff.
#[tokio::test]
async fn a_user_collation_is_written_qualified() {
    let project = Project::new().await;
    let other = petal_testkit::TestDb::new().await;
    let collation = "CREATE COLLATION public.\"Natural Sort\" (provider = libc, locale = 'C');";
    project.client().batch_execute(collation).await.expect("A");
    other
        .client()
        .batch_execute(&format!(
            "{collation}
             CREATE TABLE labels (code text COLLATE public.\"Natural Sort\", name text);
             CREATE INDEX labels_name ON labels (name COLLATE public.\"Natural Sort\" DESC);
             CREATE INDEX labels_code_c ON labels (code COLLATE \"C\");"
        ))
        .await
        .expect("B");
    let sql = diff_sql(&project, &other);
    assert!(
        sql.contains(r#""code" text COLLATE "public"."Natural Sort""#)
            && sql.contains(r#"("name" COLLATE "public"."Natural Sort" DESC)"#)
            && sql.contains(r#"("code" COLLATE "C")"#),
        "{sql}"
    );
    project.client().batch_execute(&sql).await.expect("applies");
    diff_to(&project, &other, &["--exit-code"]).assert_ok();
}
