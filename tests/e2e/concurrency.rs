//! Eight deploys racing on one fresh database (no `petal_migrations` yet):
//! the lock serializes them, so each migration runs exactly once.

use crate::support::process::{finish, petal_command};
use crate::support::{Project, catalog, migration_file};

const RUNS: usize = 8;

#[tokio::test]
async fn concurrent_upgrades_apply_each_migration_once() {
    let project = Project::new().await;
    let client = project.client();
    let revisions = ["20260101000000", "20260102000000", "20260103000000"];
    for (index, revision) in revisions.iter().enumerate() {
        let parents: Vec<&str> = revisions[..index].last().copied().into_iter().collect();
        // Not idempotent on purpose: a second run of any of them fails.
        let up = format!(
            "CREATE TABLE t{index} (id int);\nINSERT INTO t{index} VALUES ({index});\n\
             SELECT pg_sleep(0.05);"
        );
        project.write(
            &format!("migrations/{revision}_step_{index}.sql"),
            &migration_file(
                revision,
                &parents,
                &format!("step {index}"),
                &up,
                &format!("DROP TABLE t{index};"),
            ),
        );
    }

    let children: Vec<_> = (0..RUNS)
        .map(|_| {
            petal_command(project.root(), &["upgrade", "head"], &[])
                .spawn()
                .unwrap_or_else(|e| panic!("starting petal: {e}"))
        })
        .collect();
    let runs: Vec<_> = children
        .into_iter()
        .map(|child| finish(child, &["upgrade", "head"]))
        .collect();
    for run in &runs {
        run.assert_ok();
    }
    let applying = runs
        .iter()
        .map(|r| r.stdout.matches("applying ").count())
        .sum::<usize>();
    assert_eq!(applying, revisions.len(), "{runs:#?}");

    assert_eq!(catalog::logged_revisions(client).await, revisions);
    let orders: Vec<i64> = catalog::log(client)
        .await
        .iter()
        .map(|r| r.applied_order)
        .collect();
    assert_eq!(orders, [1, 2, 3]);
    for index in 0..revisions.len() {
        let rows: i64 = client
            .query_one(&format!("SELECT count(*) FROM t{index}"), &[])
            .await
            .map(|r| r.get(0))
            .unwrap_or_else(|e| panic!("t{index}: {e}"));
        assert_eq!(rows, 1, "t{index} was filled more than once");
    }
}

/// The advisory key petal's runner locks (the bytes of "petal").
const LOCK_KEY: i64 = 0x70_65_74_61_6c;

#[tokio::test]
async fn an_upgrade_waits_for_the_lock() {
    let project = Project::new().await;
    let client = project.client();
    project.write(
        "migrations/20260101000000_t.sql",
        &migration_file(
            "20260101000000",
            &[],
            "t",
            "CREATE TABLE t (id int);",
            "DROP TABLE t;",
        ),
    );
    client
        .query_one("SELECT pg_advisory_lock($1)", &[&LOCK_KEY])
        .await
        .expect("taking petal's lock");
    let child = petal_command(project.root(), &["upgrade"], &[])
        .spawn()
        .unwrap_or_else(|e| panic!("starting petal: {e}"));
    wait_for_a_lock_attempt(client).await;
    // Long enough for a word about whom it waits for (after a second of
    // waiting, at its next attempt, at most half a second later).
    tokio::time::sleep(std::time::Duration::from_millis(2000)).await;
    assert_eq!(
        catalog::tables(client).await,
        Vec::<String>::new(),
        "petal ran while another session held the lock"
    );
    client
        .query_one("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY])
        .await
        .expect("releasing petal's lock");
    let holder: i32 = client
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .expect("the holder's pid")
        .get(0);
    finish(child, &["upgrade"])
        .assert_ok()
        .assert_mentions(&format!(
            "waiting for the migration lock, held by pid {holder} "
        ));
    assert_eq!(catalog::logged_revisions(client).await, ["20260101000000"]);
}

/// Returns once another session of this database has tried to take the
/// lock (its last query), so a wait from then on is petal's.
async fn wait_for_a_lock_attempt(client: &tokio_postgres::Client) {
    let sql = "SELECT count(*) FROM pg_stat_activity \
               WHERE datname = current_database() AND pid <> pg_backend_pid() \
               AND query LIKE '%pg_try_advisory_lock%'";
    for _ in 0..600 {
        let row = client.query_one(sql, &[]).await.expect("pg_stat_activity");
        if row.get::<_, i64>(0) > 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("petal never tried to take the lock");
}

/// Commands that canonicalize the models share one canonical database per
/// project: an editor's `check` and a terminal's must not break each other.
#[tokio::test]
async fn concurrent_checks_share_the_canonical_database() {
    let project = Project::new().await;
    project.write(
        "models/m.rs",
        "use petal::{DbEnum, Table};\n\n#[derive(DbEnum)]\npub enum Mood {\n    Ok,\n    Meh,\n}\n\n\
         #[derive(Table)]\n#[petal(table = \"things\")]\npub struct Thing {\n\
         \x20   #[petal(primary_key)]\n    pub id: i64,\n    pub mood: Mood,\n}\n",
    );
    let children: Vec<_> = (0..6)
        .map(|_| {
            petal_command(project.root(), &["check"], &[])
                .spawn()
                .unwrap_or_else(|e| panic!("starting petal: {e}"))
        })
        .collect();
    let runs: Vec<_> = children
        .into_iter()
        .map(|child| finish(child, &["check"]))
        .collect();
    // The database is empty: every run finds the same drift.
    for run in &runs {
        run.assert_code(1);
        assert_eq!(run.stdout, runs[0].stdout);
    }
    assert!(runs[0].stdout.contains("things"), "{}", runs[0].stdout);
}

/// The session holding the migration lock is killed while eight runners
/// wait for it: the lock goes with the session, and the runners then take
/// turns, each migration applied once.
#[tokio::test]
async fn the_lock_holder_killed_while_eight_runners_wait() {
    let project = Project::new().await;
    let client = project.client();
    let revision = "20260101000000";
    project.write(
        &format!("migrations/{revision}_once.sql"),
        &migration_file(
            revision,
            &[],
            "once",
            "CREATE TABLE once (id int);\nINSERT INTO once VALUES (1);",
            "DROP TABLE once;",
        ),
    );
    let holder = project.connect().await;
    let holder_pid: i32 = holder
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .expect("holder pid")
        .get(0);
    holder
        .execute("SELECT pg_advisory_lock($1)", &[&LOCK_KEY])
        .await
        .expect("holding the migration lock");
    let children: Vec<_> = (0..RUNS)
        .map(|_| {
            petal_command(project.root(), &["upgrade"], &[])
                .spawn()
                .unwrap_or_else(|e| panic!("starting petal: {e}"))
        })
        .collect();
    // Every runner is trying the lock before the holder dies.
    let started = std::time::Instant::now();
    loop {
        let waiting: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                 AND application_name = 'petal' AND query LIKE '%pg_try_advisory_lock%'",
                &[],
            )
            .await
            .expect("reading pg_stat_activity")
            .get(0);
        if waiting >= RUNS as i64 {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "only {waiting} runners wait for the lock"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    client
        .execute("SELECT pg_terminate_backend($1)", &[&holder_pid])
        .await
        .expect("killing the holder's session");
    let runs: Vec<_> = children
        .into_iter()
        .map(|child| finish(child, &["upgrade"]))
        .collect();
    for run in &runs {
        run.assert_ok();
    }
    let applying: usize = runs
        .iter()
        .map(|r| r.stdout.matches("applying ").count())
        .sum();
    assert_eq!(applying, 1, "{runs:#?}");
    let rows: i64 = client
        .query_one("SELECT count(*) FROM once", &[])
        .await
        .expect("counting")
        .get(0);
    assert_eq!(rows, 1);
    assert_eq!(catalog::logged_revisions(client).await, [revision]);
}
