//! `kill -9` of the server process running a migration's statement. The
//! postmaster then resets every session of its cluster and recovers, so
//! this test runs a cluster of its own, not the shared test cluster.

use std::time::{Duration, Instant};

use petal_pg::EmbeddedCluster;
use tokio_postgres::Client;

use crate::support::process::{finish, petal_command, run_petal};
use crate::support::{migration_file, toml_string, unused_port};

const BASE: &str = "20260101000000";
const REV: &str = "20260101000001";

/// Stops the cluster however the test ends.
struct OwnCluster(EmbeddedCluster);

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = self.0.stop();
    }
}

/// Connects, retrying while the server recovers (up to 60 s).
async fn connect_when_up(cluster: &EmbeddedCluster) -> Client {
    let started = Instant::now();
    loop {
        match petal_pg::connect(&cluster.conn_config("crash")).await {
            Ok(client) => return client,
            Err(e) => assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not come back: {e}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn strings(client: &Client, sql: &str) -> Vec<String> {
    let rows = client
        .query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter().map(|r| r.get(0)).collect()
}

// One scenario told in order (crash, restart, status, resume, rows): split,
// its steps would only pass the state to each other.
#[allow(clippy::too_many_lines)]
#[tokio::test]
async fn kill_9_of_the_server_mid_statement_leaves_a_journalled_state() {
    let dir = tempfile::Builder::new()
        .prefix("petal-crash-")
        .tempdir()
        .expect("temp dir");
    let cluster = EmbeddedCluster::in_dir(&dir.path().join("pg"), "crash")
        .expect("server binaries")
        .with_setting("fsync", "off")
        .with_port(unused_port());
    cluster
        .start()
        .await
        .expect("starting a cluster of its own");
    let cluster = OwnCluster(cluster);
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("migrations")).expect("mkdir");
    std::fs::write(
        project.join("petal.toml"),
        format!("database_url = {}\n", toml_string(&cluster.0.url())),
    )
    .expect("petal.toml");
    let write = |name: &str, text: String| {
        std::fs::write(project.join("migrations").join(name), text).expect("migration");
    };
    write(
        &format!("{BASE}_kept.sql"),
        migration_file(
            BASE,
            &[],
            "kept",
            "CREATE TABLE kept (id int PRIMARY KEY, v text);\n\
             INSERT INTO kept SELECT g, 'v' || g FROM generate_series(1, 1000) g;",
            "DROP TABLE kept;",
        ),
    );
    run_petal(&project, &["upgrade"], &[]).assert_ok();
    let up = [
        "CREATE TABLE s1 (id int)",
        "SELECT pg_advisory_xact_lock(4242);\nCREATE TABLE s2 (id int)",
        "CREATE TABLE s3 (id int)",
    ]
    .join("\n\n-- +petal step\n");
    let down = ["DROP TABLE s3", "DROP TABLE s2", "DROP TABLE s1"].join("\n\n-- +petal step\n");
    write(
        &format!("{REV}_stepped.sql"),
        migration_file(REV, &[BASE], "stepped", &up, &down),
    );

    let client = connect_when_up(&cluster.0).await;
    client
        .execute("SELECT pg_advisory_lock(4242)", &[])
        .await
        .expect("holding the gate");
    let child = petal_command(&project, &["upgrade"], &[])
        .spawn()
        .expect("starting petal");
    let started = Instant::now();
    let backend: i32 = loop {
        let rows = client
            .query(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'petal' \
                 AND wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock%'",
                &[],
            )
            .await
            .expect("pg_stat_activity");
        if let Some(row) = rows.first() {
            break row.get(0);
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "petal never reached step 2"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let killed = std::process::Command::new("kill")
        .args(["-9", &backend.to_string()])
        .status()
        .expect("kill -9");
    assert!(killed.success());
    let run = finish(child, &["upgrade"]);
    run.assert_code(2).assert_mentions("stopped in step 2 of 3");

    let client = connect_when_up(&cluster.0).await;
    assert_eq!(
        strings(
            &client,
            "SELECT revision || ' ' || step || '/' || steps FROM petal_migration_steps \
             WHERE direction = 'up' ORDER BY revision, step"
        )
        .await,
        [format!("{BASE} 1/1"), format!("{REV} 1/3")]
    );
    assert_eq!(
        strings(
            &client,
            "SELECT revision FROM petal_migrations ORDER BY applied_order"
        )
        .await,
        [BASE]
    );
    let kept = strings(
        &client,
        "SELECT count(*)::text || ' ' || sum(hashtext(v))::text FROM kept",
    )
    .await;
    let tables = strings(
        &client,
        "SELECT relname::text FROM pg_class WHERE relname IN ('s1', 's2', 's3') ORDER BY 1",
    )
    .await;
    assert_eq!(tables, ["s1"]);

    run_petal(&project, &["upgrade"], &[])
        .assert_ok()
        .assert_mentions("resuming after 1 of 3 committed steps");
    assert_eq!(
        strings(
            &client,
            "SELECT count(*)::text || ' ' || sum(hashtext(v))::text FROM kept"
        )
        .await,
        kept
    );
    assert!(kept[0].starts_with("1000 "), "{kept:?}");
    assert_eq!(
        strings(
            &client,
            "SELECT revision FROM petal_migrations ORDER BY applied_order"
        )
        .await,
        [BASE, REV]
    );
}
