//! `upgrade --sql`: the script a DBA runs with psql must leave the same
//! database as `petal upgrade`, and writing it needs no database at all.

use std::process::Command;

use petal_testkit::TestDb;

use crate::support::{Project, catalog, inspect_text, migration_file, run_petal};

/// A loopback port nothing listens on: any connection attempt fails at once.
pub fn unused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding a loopback port");
    listener
        .local_addr()
        .expect("the listener's address")
        .port()
}

/// Migrations exercising what the splitter and the step logic must get
/// right: a dollar-quoted body with semicolons, a quoted identifier, a label
/// added in one step and used in the next.
fn write_migrations(project: &Project) {
    project.write(
        "migrations/20260101000000_app.sql",
        &migration_file(
            "20260101000000",
            &[],
            "app",
            "CREATE SCHEMA app;\n\
             CREATE TYPE app.state AS ENUM ('new', 'done');\n\
             CREATE TABLE app.things (\n    id bigint PRIMARY KEY,\n    \"Name; odd\" text NOT NULL DEFAULT 'a;b',\n    state app.state NOT NULL DEFAULT 'new'\n);\n\
             CREATE INDEX things_state_idx ON app.things (state);",
            "DROP TABLE app.things;\nDROP TYPE app.state;\nDROP SCHEMA app;",
        ),
    );
    project.write(
        "migrations/20260102000000_urgent.sql",
        &migration_file(
            "20260102000000",
            &["20260101000000"],
            "urgent",
            "ALTER TYPE app.state ADD VALUE IF NOT EXISTS 'urgent';\n\n-- +petal step\n\
             ALTER TABLE app.things ALTER COLUMN state SET DEFAULT 'urgent';",
            "ALTER TABLE app.things ALTER COLUMN state SET DEFAULT 'new';",
        ),
    );
    project.write(
        "migrations/20260103000000_touch.sql",
        &migration_file(
            "20260103000000",
            &["20260102000000"],
            "touch",
            "CREATE FUNCTION app.touch() RETURNS integer LANGUAGE plpgsql AS $body$\n\
             BEGIN\n    PERFORM 1; -- a ; inside\n    RETURN 1;\nEND;\n$body$;\n\
             COMMENT ON TABLE app.things IS 'it''s; fine';",
            "DROP FUNCTION app.touch();\nCOMMENT ON TABLE app.things IS NULL;",
        ),
    );
}

#[tokio::test]
async fn sql_script_needs_no_database_and_equals_an_online_upgrade() {
    let project = Project::new().await;
    write_migrations(&project);
    let unreachable = format!("postgres://nobody@127.0.0.1:{}/nowhere", unused_port());

    let offline = run_petal(
        project.root(),
        &["--database-url", &unreachable, "upgrade", "head", "--sql"],
        &[],
    );
    offline.assert_ok();
    let script_path = project.path("upgrade.sql");
    std::fs::write(&script_path, &offline.stdout).expect("writing the script");

    let by_psql = TestDb::new().await;
    let psql = Command::new("psql")
        .args([
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            &by_psql.url(),
            "-f",
        ])
        .arg(&script_path)
        .env_remove("PGDATABASE")
        .output()
        .expect("running psql (is it installed?)");
    assert!(
        psql.status.success(),
        "psql failed on the --sql script:\n{}\n--- script\n{}",
        String::from_utf8_lossy(&psql.stderr),
        offline.stdout
    );

    project.petal(&["upgrade", "head"]).assert_ok();

    let online_schema = project.inspect_text();
    let offline_schema = inspect_text(project.root(), &by_psql.url());
    assert!(online_schema.contains("things"), "{online_schema}");
    assert_eq!(offline_schema, online_schema);
    // The script keeps the log too: petal sees both databases at head.
    assert_eq!(
        catalog::log(by_psql.client()).await,
        catalog::log(project.client()).await
    );
    assert_eq!(catalog::log(project.client()).await.len(), 3);
    project
        .petal(&[
            "diff",
            "--from",
            &by_psql.url(),
            "--to",
            &project.url(),
            "--exit-code",
        ])
        .assert_ok();
    run_petal(
        project.root(),
        &["--database-url", &by_psql.url(), "status"],
        &[],
    )
    .assert_ok();
}

#[tokio::test]
async fn inspect_json_of_a_database() {
    let project = Project::new().await;
    write_migrations(&project);
    project.petal(&["upgrade", "head"]).assert_ok();
    let run = project.petal(&["inspect", &project.url(), "--format", "json"]);
    run.assert_ok();
    let value: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("inspect --format json: {e}\n{}", run.stdout));
    let text = value["schema"].to_string();
    assert!(
        text.contains("things") && text.contains("urgent"),
        "{}",
        run.stdout
    );
    assert!(!text.contains("petal_migrations"), "{}", run.stdout);
}
