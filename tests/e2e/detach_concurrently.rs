//! A partition detached `CONCURRENTLY` by an online revision, and the
//! `-- +petal if` lines its step runs under: a lock timeout while the
//! detach waits leaves it pending, and the next `petal upgrade` finishes it
//! by the guarded `FINALIZE`, never by a second detach.

use crate::partitions::{EVENTS, OLD_ALONE};
use crate::support::{Project, migration_file};

const PARTITIONS: &str = "
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_old PARTITION OF events FOR VALUES FROM ('2000-01-01') TO ('2025-01-01');
";

async fn scalar(project: &Project, sql: &str) -> i64 {
    let row = project.client().query_one(sql, &[]).await;
    row.map_or(-1, |r| r.get(0))
}

async fn pending(project: &Project) -> i64 {
    scalar(
        project,
        "SELECT count(*) FROM pg_inherits WHERE inhrelid = 'events_old'::regclass AND inhdetachpending",
    )
    .await
}

#[tokio::test]
async fn a_detach_left_pending_by_a_lock_timeout_is_finished_by_the_next_upgrade() {
    let project = Project::new().await;
    if scalar(
        &project,
        "SELECT current_setting('server_version_num')::int8",
    )
    .await
        < 140000
    {
        eprintln!("DETACH PARTITION ... CONCURRENTLY needs PostgreSQL 14");
        return;
    }
    project.write("models/events.rs", EVENTS);
    project.write("sql/partitions.sql", PARTITIONS);
    project.generate_and_apply("partitioned");
    let insert = "INSERT INTO events SELECT g, date '2024-12-01' + g, 'k' \
                  FROM generate_series(1, 100) g;";
    project.client().batch_execute(insert).await.unwrap();

    project.write("models/events.rs", &format!("{EVENTS}{OLD_ALONE}"));
    let partitions = PARTITIONS.replace(
        "CREATE TABLE events_old PARTITION OF events FOR VALUES FROM ('2000-01-01') TO ('2025-01-01');\n",
        "",
    );
    project.write("sql/partitions.sql", &partitions);
    let revision = ["revision", "--autogenerate", "--online", "-m", "old alone"];
    project.petal(&revision).assert_ok();
    let text = project.read(&project.migration("_old_alone.sql"));
    let up = text.split("-- +petal down").next().unwrap_or_default();
    for wanted in [
        "-- petal requires: PostgreSQL 14",
        r#"LOCK TABLE ONLY "public"."events" IN SHARE UPDATE EXCLUSIVE MODE;"#,
        "-- +petal step no-transaction",
        r#"ALTER TABLE "public"."events" DETACH PARTITION "public"."events_old" FINALIZE;"#,
        r#"ALTER TABLE "public"."events" DETACH PARTITION "public"."events_old" CONCURRENTLY;"#,
        "AND inhdetachpending)\nALTER TABLE",
        "AND NOT inhdetachpending)\nALTER TABLE",
    ] {
        assert!(up.contains(wanted), "{wanted} not in:\n{text}");
    }
    assert!(
        !up.contains(r#"DETACH PARTITION "public"."events_old";"#),
        "{text}"
    );

    // A session reading the parent alone: the detach's first transaction
    // commits, and its wait for that session times out.
    let mut config = project.read("petal.toml");
    config.push_str("lock_timeout = \"300ms\"\nlock_attempts = 1\n");
    project.write("petal.toml", &config);
    let reader = project.connect().await;
    reader
        .batch_execute("BEGIN; SELECT FROM ONLY events LIMIT 0")
        .await
        .expect("a transaction using the parent");
    project
        .petal(&["upgrade"])
        .assert_code(2)
        .assert_mentions("lock timeout");
    assert_eq!(pending(&project).await, 1, "the detach is left pending");

    reader.batch_execute("COMMIT").await.expect("ending it");
    project.petal(&["upgrade"]).assert_ok();
    assert_eq!(pending(&project).await, 0);
    assert_eq!(
        scalar(
            &project,
            "SELECT count(*) FROM pg_inherits WHERE inhrelid = 'events_old'::regclass"
        )
        .await,
        0,
        "events_old stands alone"
    );
    assert_eq!(
        scalar(&project, "SELECT count(*) FROM events_old").await,
        30
    );
    assert_eq!(scalar(&project, "SELECT count(*) FROM events").await, 70);
    // The check PostgreSQL gave it on its bound is gone: the database is
    // what the models say.
    assert_eq!(
        scalar(
            &project,
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'events_old'::regclass AND contype = 'c'"
        )
        .await,
        0
    );
    project.diff_to_models().assert_ok();

    project.petal(&["downgrade", "-1"]).assert_ok();
    assert_eq!(scalar(&project, "SELECT count(*) FROM events").await, 100);
}

/// The runner takes a guarded statement only when its query answers true
/// (false and NULL skip it), and a query that fails is shown at its own
/// line of the file.
#[tokio::test]
async fn guarded_statements_run_only_when_their_query_answers_true() {
    let project = Project::new().await;
    let up = "-- +petal if SELECT true\nCREATE TABLE yes (id int);\n\
              -- +petal if SELECT false\nCREATE TABLE no (id int);\n\
              -- +petal if SELECT NULL::boolean\nCREATE TABLE unknown (id int);\n\
              \n-- +petal step no-transaction\n\
              -- +petal if SELECT to_regclass('yes') IS NOT NULL\nCREATE TABLE outside (id int);";
    project.write(
        "migrations/20260101000000_guarded.sql",
        &migration_file(
            "20260101000000",
            &[],
            "guarded",
            up,
            "DROP TABLE yes, outside;",
        ),
    );
    project.petal(&["upgrade"]).assert_ok();
    let tables =
        "SELECT count(*) FROM pg_class WHERE relname IN ('yes', 'no', 'unknown', 'outside')";
    assert_eq!(scalar(&project, tables).await, 2);
    assert_eq!(
        scalar(
            &project,
            "SELECT count(*) FROM pg_class WHERE relname IN ('yes', 'outside')"
        )
        .await,
        2
    );

    let bad = "-- +petal if SELECT 1\nCREATE TABLE never (id int);";
    project.write(
        "migrations/20260101000001_bad_guard.sql",
        &migration_file("20260101000001", &["20260101000000"], "bad guard", bad, ""),
    );
    let run = project.petal(&["upgrade"]);
    run.assert_code(2)
        .assert_mentions("20260101000001_bad_guard.sql:6:14:")
        .assert_mentions("SELECT 1")
        .assert_mentions("must answer a boolean");
    assert_eq!(
        scalar(
            &project,
            "SELECT count(*) FROM pg_class WHERE relname = 'never'"
        )
        .await,
        0
    );
}
