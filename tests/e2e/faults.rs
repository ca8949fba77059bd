//! The runner under faults. A migration stopped in any step — by a failed
//! statement, a signal, `kill -9` of petal, a terminated connection, a
//! lock timeout — leaves the database at the old revision, at the new one,
//! or in a partial state the step journal records and `petal upgrade`
//! completes; never an unrecorded in-between, and no row of a table that
//! was there before is lost. To stop petal in step k deterministically,
//! step k waits on an advisory lock the test holds.

use std::time::{Duration, Instant};

use tokio_postgres::Client;

use crate::support::process::{finish, petal_command};
use crate::support::{Project, catalog, migration_file};

const BASE: &str = "20260101000000";
const REV: &str = "20260101000001";
/// The advisory lock a step waits on while the test holds it.
const GATE: i64 = 4242;
const GATE_SQL: &str = "SELECT pg_advisory_xact_lock(4242)";

/// A migration whose sections have several steps.
fn stepped(up: &[&str], down: &[&str]) -> String {
    let separator = "\n\n-- +petal step\n";
    migration_file(
        REV,
        &[BASE],
        "stepped",
        &up.join(separator),
        &down.join(separator),
    )
}

fn rev_path() -> String {
    format!("migrations/{REV}_stepped.sql")
}

/// A project at revision BASE: `kept`, 1,000 rows that must survive
/// everything.
async fn project_with_kept_rows() -> Project {
    let project = Project::new().await;
    project.write(
        &format!("migrations/{BASE}_kept.sql"),
        &migration_file(
            BASE,
            &[],
            "kept",
            "CREATE TABLE kept (id int PRIMARY KEY, v text);\n\
             INSERT INTO kept SELECT g, 'v' || g FROM generate_series(1, 1000) g;",
            "DROP TABLE kept;",
        ),
    );
    project.petal(&["upgrade"]).assert_ok();
    project
}

/// `kept`'s rows, summed so a lost or changed row shows.
async fn kept_rows(client: &Client) -> (i64, i64) {
    let row = client
        .query_one(
            "SELECT count(*), coalesce(sum(hashtext(v)), 0)::bigint FROM kept",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("reading kept: {e}"));
    (row.get(0), row.get(1))
}

async fn assert_kept_intact(client: &Client, before: (i64, i64)) {
    assert_eq!(before.0, 1000, "kept had its rows");
    assert_eq!(kept_rows(client).await, before, "rows of `kept` changed");
}

/// The journal as `revision direction step/steps`, in order.
async fn journal(client: &Client) -> Vec<String> {
    let rows = client
        .query(
            "SELECT revision || ' ' || direction || ' ' || step || '/' || steps \
             FROM public.petal_migration_steps ORDER BY revision, direction, step",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("reading petal_migration_steps: {e}"));
    rows.iter().map(|r| r.get(0)).collect()
}

async fn table_exists(client: &Client, name: &str) -> bool {
    client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])
        .await
        .unwrap_or_else(|e| panic!("looking for {name}: {e}"))
        .get(0)
}

/// petal's sessions on this database (other than the test's).
async fn petal_backends(client: &Client, filter: &str) -> Vec<i32> {
    let sql = format!(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
         AND application_name = 'petal' AND pid <> pg_backend_pid() {filter}"
    );
    let rows = client
        .query(&sql, &[])
        .await
        .unwrap_or_else(|e| panic!("reading pg_stat_activity: {e}"));
    rows.iter().map(|r| r.get(0)).collect()
}

/// Polls until `filter` finds a petal session (for up to 60 s): no timed
/// assertion, only a bound on a hang.
async fn wait_for_backend(client: &Client, filter: &str) -> i32 {
    let started = Instant::now();
    loop {
        if let Some(pid) = petal_backends(client, filter).await.first() {
            return *pid;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no petal session {filter}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Polls until no petal session is left, nor a lock of one (up to 10 s).
async fn wait_until_petal_is_gone(client: &Client) {
    let started = Instant::now();
    loop {
        let left = petal_backends(client, "").await;
        let locks: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
                 WHERE a.application_name = 'petal' AND a.datname = current_database()",
                &[],
            )
            .await
            .unwrap_or_else(|e| panic!("reading pg_locks: {e}"))
            .get(0);
        if left.is_empty() && locks == 0 {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "petal sessions left: {left:?}, holding {locks} lock(s)"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

const WAITING_AT_THE_GATE: &str =
    "AND wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock(4242)%'";

async fn hold_gate(client: &Client) {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&GATE])
        .await
        .unwrap_or_else(|e| panic!("taking the gate: {e}"));
}

async fn open_gate(client: &Client) {
    client
        .execute("SELECT pg_advisory_unlock($1)", &[&GATE])
        .await
        .unwrap_or_else(|e| panic!("opening the gate: {e}"));
}

#[tokio::test]
async fn a_failed_step_is_journalled_and_upgrade_resumes_after_the_committed_ones() {
    let project = project_with_kept_rows().await;
    let client = project.client();
    let before = kept_rows(client).await;
    let step_one = "CREATE TABLE big (id int);\nINSERT INTO big SELECT generate_series(1, 30000)";
    let broken = stepped(
        &[
            step_one,
            "ALTER TABLE big ADD COLUMN note text;\nSELECT 1 / 0",
        ],
        &["ALTER TABLE big DROP COLUMN note", "DROP TABLE big"],
    );
    project.write(&rev_path(), &broken);
    let run = project.petal(&["upgrade"]);
    run.assert_code(2)
        .assert_mentions("division by zero")
        .assert_mentions("step 1 of 2 stays committed, recorded in petal_migration_steps")
        .assert_mentions("`petal upgrade` resumes at step 2");
    assert!(!run.output().contains("harmless"), "{}", run.output());
    assert_eq!(
        journal(client).await,
        [format!("{BASE} up 1/1"), format!("{REV} up 1/2")]
    );
    assert_eq!(catalog::logged_revisions(client).await, [BASE]);

    project
        .petal(&["status"])
        .assert_code(2)
        .assert_mentions("partly applied")
        .assert_mentions("(1 of 2 steps committed)");
    let current = project.petal(&["current", "--format", "json"]);
    current
        .assert_ok()
        .assert_mentions("\"steps_committed\": 1");

    // An edit of the step that committed is refused: it ran as it was.
    project.write(&rev_path(), &broken.replace("30000", "40000"));
    project
        .petal(&["upgrade"])
        .assert_code(2)
        .assert_mentions("step 1 of revision 20260101000001")
        .assert_mentions("was edited after it committed");

    // A fix of the step that failed is what the journal allows.
    project.write(&rev_path(), &broken.replace("\nSELECT 1 / 0", ""));
    project
        .petal(&["upgrade"])
        .assert_ok()
        .assert_mentions("resuming after 1 of 2 committed steps");
    let count: i64 = client
        .query_one("SELECT count(*) FROM big", &[])
        .await
        .expect("counting big")
        .get(0);
    assert_eq!(count, 30000, "step 1 ran once");
    assert_eq!(catalog::logged_revisions(client).await, [BASE, REV]);
    project.petal(&["status"]).assert_ok();

    project.petal(&["downgrade", "-1"]).assert_ok();
    assert!(!table_exists(client, "big").await);
    assert_eq!(journal(client).await, [format!("{BASE} up 1/1")]);
    assert_kept_intact(client, before).await;
}

#[tokio::test]
async fn a_partly_applied_revision_is_undone_by_its_paired_down_steps_or_refused() {
    let project = project_with_kept_rows().await;
    let client = project.client();
    let before = kept_rows(client).await;
    let up = [
        "CREATE TABLE a (id int)",
        "CREATE TABLE b (id int)",
        "SELECT 1 / 0",
    ];
    // Down step i undoes up step 4 - i.
    let paired = stepped(&up, &["SELECT 1", "DROP TABLE b", "DROP TABLE a"]);
    project.write(&rev_path(), &paired);
    project.petal(&["upgrade"]).assert_code(2);
    assert!(table_exists(client, "a").await && table_exists(client, "b").await);

    // One down step for three up steps: which undoes what is unknown.
    let unpaired = stepped(&up, &["DROP TABLE b; DROP TABLE a"]);
    project.write(&rev_path(), &unpaired);
    project
        .petal(&["downgrade", "-1"])
        .assert_code(2)
        .assert_mentions("is partly applied (2 of 3 steps committed)")
        .assert_mentions("its down has 1 step(s) for the up's 3");
    assert!(table_exists(client, "a").await, "nothing ran");

    project.write(&rev_path(), &paired);
    project.petal(&["downgrade", "-1"]).assert_ok();
    assert!(!table_exists(client, "a").await && !table_exists(client, "b").await);
    assert_eq!(journal(client).await, [format!("{BASE} up 1/1")]);
    assert_eq!(catalog::logged_revisions(client).await, [BASE]);
    project
        .petal(&["status"])
        .assert_ok()
        .assert_mentions("pending");

    // Undone by hand instead: a stamp of where the database is clears the
    // journal.
    project.petal(&["upgrade"]).assert_code(2);
    client
        .batch_execute("DROP TABLE b; DROP TABLE a")
        .await
        .expect("undoing by hand");
    project.petal(&["stamp", BASE]).assert_ok();
    assert_eq!(journal(client).await, [format!("{BASE} up 1/1")]);
    assert_kept_intact(client, before).await;
}

#[tokio::test]
async fn a_fixed_down_of_an_applied_revision_needs_no_allow_modified() {
    let project = project_with_kept_rows().await;
    let client = project.client();
    let original = migration_file(
        REV,
        &[BASE],
        "stepped",
        "CREATE TABLE t (id int);",
        "DROP TABLE t;",
    );
    project.write(&rev_path(), &original);
    project.petal(&["upgrade"]).assert_ok();

    // Applied before petal kept per-step checksums: the first run under
    // the lock gives the journal the up's, from the unchanged file.
    client
        .batch_execute("DELETE FROM public.petal_migration_steps")
        .await
        .expect("forgetting the journal");
    project.petal(&["upgrade"]).assert_ok();
    assert_eq!(
        journal(client).await,
        [format!("{BASE} up 1/1"), format!("{REV} up 1/1")]
    );

    let fixed = original.replace(
        "DROP TABLE t;",
        "DROP TABLE t;\nCREATE TABLE down_ran (id int);",
    );
    project.write(&rev_path(), &fixed);
    project
        .petal(&["status"])
        .assert_ok()
        .assert_mentions("down changed");
    project
        .petal(&["upgrade"])
        .assert_ok()
        .assert_mentions("the down of 20260101000001")
        .assert_mentions("nothing to do");
    project
        .petal(&["status"])
        .assert_ok()
        .assert_mentions("applied");
    project.petal(&["downgrade", "-1"]).assert_ok();
    assert!(table_exists(client, "down_ran").await, "the fixed down ran");

    // An edit of what ran is still refused.
    project.petal(&["upgrade"]).assert_ok();
    project.write(
        &rev_path(),
        &fixed.replace("(id int);\n\n", "(id bigint);\n\n"),
    );
    project
        .petal(&["upgrade"])
        .assert_code(2)
        .assert_mentions("edited after they ran");
}

#[tokio::test]
async fn kill_9_of_petal_in_each_step_leaves_a_journalled_state_upgrade_completes() {
    for k in 1..=3 {
        let project = project_with_kept_rows().await;
        let client = project.client();
        let before = kept_rows(client).await;
        let up: Vec<String> = (1..=3)
            .map(|i| {
                let gate = if i == k { format!("{GATE_SQL};\n") } else { String::new() };
                format!(
                    "{gate}CREATE TABLE s{i} (id int);\nINSERT INTO s{i} SELECT generate_series(1, 1000)"
                )
            })
            .collect();
        let up: Vec<&str> = up.iter().map(String::as_str).collect();
        project.write(
            &rev_path(),
            &stepped(&up, &["DROP TABLE s3", "DROP TABLE s2", "DROP TABLE s1"]),
        );
        hold_gate(client).await;
        let mut child = petal_command(project.root(), &["upgrade"], &[])
            .spawn()
            .expect("starting petal");
        wait_for_backend(client, WAITING_AT_THE_GATE).await;
        child.kill().expect("kill -9 of petal");
        let _ = child.wait();
        open_gate(client).await;
        wait_until_petal_is_gone(client).await;

        let committed: Vec<String> = (1..k).map(|i| format!("{REV} up {i}/3")).collect();
        let mut expected = vec![format!("{BASE} up 1/1")];
        expected.extend(committed);
        assert_eq!(journal(client).await, expected, "killed in step {k}");
        assert_eq!(catalog::logged_revisions(client).await, [BASE]);
        for i in 1..=3 {
            let name = format!("s{i}");
            assert_eq!(
                table_exists(client, &name).await,
                i < k,
                "{name}, killed in step {k}"
            );
        }
        assert_kept_intact(client, before).await;

        project.petal(&["upgrade"]).assert_ok();
        for i in 1..=3 {
            let count: i64 = client
                .query_one(&format!("SELECT count(*) FROM s{i}"), &[])
                .await
                .expect("counting")
                .get(0);
            assert_eq!(
                count, 1000,
                "s{i} after the resumed run (killed in step {k})"
            );
        }
        assert_eq!(catalog::logged_revisions(client).await, [BASE, REV]);
    }
}

/// `petal upgrade`, its session terminated while it waits at the gate
/// (which the test holds, and which stays held).
async fn upgrade_with_its_session_terminated(project: &Project) -> crate::support::process::Run {
    let client = project.client();
    hold_gate(client).await;
    let child = petal_command(project.root(), &["upgrade"], &[])
        .spawn()
        .expect("starting petal");
    let pid = wait_for_backend(client, WAITING_AT_THE_GATE).await;
    client
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .await
        .expect("terminating petal's session");
    finish(child, &["upgrade"])
}

/// `petal upgrade`, sent `signal` (`-INT`, `-TERM`) once its session runs
/// `pg_sleep`.
async fn signalled_upgrade(project: &Project, signal: &str) -> crate::support::process::Run {
    let child = petal_command(project.root(), &["upgrade"], &[])
        .spawn()
        .expect("starting petal");
    wait_for_backend(
        project.client(),
        "AND state = 'active' AND query LIKE '%pg_sleep%'",
    )
    .await;
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("running kill");
    assert!(status.success());
    finish(child, &["upgrade"])
}

#[tokio::test]
async fn sigint_cancels_the_running_statement_on_the_server() {
    let project = project_with_kept_rows().await;
    let client = project.client();
    let before = kept_rows(client).await;
    project.write(
        &rev_path(),
        &stepped(
            &[
                "CREATE TABLE t1 (id int)",
                "LOCK TABLE kept;\nSELECT pg_sleep(600)",
            ],
            &["SELECT 1", "DROP TABLE t1"],
        ),
    );
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let run = signalled_upgrade(&project, signal).await;
        run.assert_code(code)
            .assert_mentions("stopped the run during revision 20260101000001")
            .assert_mentions("was cancelled on the server")
            .assert_mentions("step 1 of 2 stays committed");
        wait_until_petal_is_gone(client).await;
        assert_eq!(
            journal(client).await,
            [format!("{BASE} up 1/1"), format!("{REV} up 1/2")]
        );
        assert_eq!(catalog::logged_revisions(client).await, [BASE]);
        assert_kept_intact(client, before).await;
    }
}

/// A signal in a step outside a transaction: what the step ran stays and
/// is listed, nothing is said to be rolled back, and the next run starts
/// the step again from its first statement.
#[tokio::test]
async fn sigint_in_a_step_outside_a_transaction_says_what_stays() {
    let project = project_with_kept_rows().await;
    let client = project.client();
    let outside = |second: &str| {
        stepped(
            &[
                "CREATE TABLE t1 (id int)",
                &format!("CREATE TABLE IF NOT EXISTS t2 (id int);\n{second}"),
            ],
            &["DROP TABLE t2", "DROP TABLE t1"],
        )
        .replace(
            "-- +petal step\nCREATE TABLE IF NOT EXISTS t2",
            "-- +petal step no-transaction\nCREATE TABLE IF NOT EXISTS t2",
        )
    };
    project.write(&rev_path(), &outside("SELECT pg_sleep(600)"));
    let run = signalled_upgrade(&project, "-INT").await;
    run.assert_code(130)
        .assert_mentions("was cancelled on the server")
        .assert_mentions(&format!("the statements at {}:", rev_path()))
        .assert_mentions("ran and stay applied")
        .assert_mentions("step 2 of 2 runs outside a transaction: nothing of it was rolled back");
    assert!(
        !run.output().contains("was rolled back;"),
        "{}",
        run.output()
    );
    wait_until_petal_is_gone(client).await;
    assert!(
        table_exists(client, "t2").await,
        "the statement that ran stays"
    );
    project.write(&rev_path(), &outside("SELECT 1"));
    project.petal(&["upgrade"]).assert_ok();
    assert_eq!(catalog::logged_revisions(client).await, [BASE, REV]);
}

#[tokio::test]
async fn a_terminated_connection_leaves_the_journal_saying_what_committed() {
    let project = project_with_kept_rows().await;
    let client = project.client();
    let before = kept_rows(client).await;
    project.write(
        &rev_path(),
        &stepped(
            &[
                "CREATE TABLE t1 (id int)",
                &format!("{GATE_SQL};\nCREATE TABLE t2 (id int)"),
            ],
            &["DROP TABLE t2", "DROP TABLE t1"],
        ),
    );
    let run = upgrade_with_its_session_terminated(&project).await;
    run.assert_code(2);
    open_gate(client).await;
    wait_until_petal_is_gone(client).await;
    assert_eq!(
        journal(client).await,
        [format!("{BASE} up 1/1"), format!("{REV} up 1/2")]
    );
    project
        .petal(&["status"])
        .assert_code(2)
        .assert_mentions("(1 of 2 steps committed)");
    project.petal(&["upgrade"]).assert_ok();
    assert!(table_exists(client, "t2").await);
    assert_kept_intact(client, before).await;
}

#[tokio::test]
async fn a_step_behind_a_long_transaction_gives_up_after_its_attempts() {
    let project = project_with_kept_rows().await;
    let client = project.client();
    let before = kept_rows(client).await;
    let mut config = project.read("petal.toml");
    config.push_str("lock_attempts = 2\n");
    project.write("petal.toml", &config);
    let file = migration_file(
        REV,
        &[BASE],
        "stepped",
        "ALTER TABLE kept ADD COLUMN extra int;",
        "ALTER TABLE kept DROP COLUMN extra;",
    )
    .replace(
        "-- +petal up",
        "-- +petal lock-timeout 200ms\n\n-- +petal up",
    );
    project.write(&rev_path(), &file);

    let reader = project.connect().await;
    reader
        .batch_execute("BEGIN; SELECT count(*) FROM kept")
        .await
        .expect("a long transaction reading kept");
    project
        .petal(&["upgrade"])
        .assert_code(2)
        .assert_mentions("lock timeout")
        .assert_mentions("attempt 2 of 2")
        .assert_mentions("the step was tried 2 times");
    assert_eq!(catalog::columns(client, "public.kept").await, ["id", "v"]);
    assert_eq!(catalog::logged_revisions(client).await, [BASE]);

    // Waiting for another run's migration lock is bounded too, and says
    // who holds it.
    let holder = project.connect().await;
    holder
        .execute("SELECT pg_advisory_lock($1)", &[&0x70_65_74_61_6c_i64])
        .await
        .expect("holding the migration lock");
    project
        .petal(&["upgrade", "--lock-wait", "1500ms"])
        .assert_code(2)
        .assert_mentions("waiting for the migration lock")
        .assert_mentions("another petal run holds the migration lock");
    holder
        .execute("SELECT pg_advisory_unlock($1)", &[&0x70_65_74_61_6c_i64])
        .await
        .expect("releasing the migration lock");

    reader.batch_execute("COMMIT").await.expect("ending it");
    project.petal(&["upgrade"]).assert_ok();
    assert_eq!(
        catalog::columns(client, "public.kept").await,
        ["id", "v", "extra"]
    );
    assert_kept_intact(client, before).await;
}

/// The session ends in a step outside a transaction: the message says the
/// step's statements that ran stay, and the next run starts it again.
#[tokio::test]
async fn a_terminated_connection_in_a_step_outside_a_transaction_says_what_stays() {
    let project = project_with_kept_rows().await;
    let client = project.client();
    project.write(
        &rev_path(),
        &stepped(
            &[
                "CREATE TABLE t1 (id int)",
                &format!("CREATE TABLE IF NOT EXISTS t2 (id int);\n{GATE_SQL}"),
            ],
            &["DROP TABLE t2", "DROP TABLE t1"],
        )
        .replace(
            "-- +petal step\nCREATE TABLE IF NOT EXISTS t2",
            "-- +petal step no-transaction\nCREATE TABLE IF NOT EXISTS t2",
        ),
    );
    let run = upgrade_with_its_session_terminated(&project).await;
    run.assert_code(2)
        .assert_mentions("runs outside a transaction: what it ran stays");
    open_gate(client).await;
    wait_until_petal_is_gone(client).await;
    assert!(table_exists(client, "t2").await, "what the step ran stays");
    project.petal(&["upgrade"]).assert_ok();
    assert_eq!(catalog::logged_revisions(client).await, [BASE, REV]);
}

/// A signal in a file marked `-- +petal no-transaction` is an interrupt
/// (exit 130), not a failed statement, and says what ran and stays.
#[tokio::test]
async fn sigint_in_a_no_transaction_file_is_an_interrupt() {
    let project = project_with_kept_rows().await;
    let client = project.client();
    project.write(
        &rev_path(),
        &stepped(
            &["CREATE TABLE IF NOT EXISTS t2 (id int);\nSELECT pg_sleep(600)"],
            &["DROP TABLE t2"],
        )
        .replace("-- +petal up\n", "-- +petal no-transaction\n-- +petal up\n"),
    );
    let run = signalled_upgrade(&project, "-INT").await;
    run.assert_code(130)
        .assert_mentions("was cancelled on the server")
        .assert_mentions("ran and stay applied");
    wait_until_petal_is_gone(client).await;
    assert!(table_exists(client, "t2").await, "what ran stays");
}
