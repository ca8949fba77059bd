//! What a statement did, observed on the server: the locks its backend
//! holds before COMMIT (`pg_locks`), the relations it wrote again
//! (`relfilenode` changed) and the tables it read (`pg_stat_xact_user_tables`
//! counts the transaction's own scans, flushed or not).

use std::collections::{BTreeMap, BTreeSet};

use petal_diff::{Impact, LockMode, ReviewedStep, Safety};
use petal_ir::QualifiedName;
use petal_testkit::TestDb;
use tokio_postgres::Client;

/// A relation as the catalog has it at one moment.
#[derive(Debug, Clone)]
struct Relation {
    name: QualifiedName,
    kind: char,
    file: i64,
    /// An index's table.
    table: Option<i64>,
}

type Snapshot = BTreeMap<i64, Relation>;

const RELATIONS: &str = "
    SELECT c.oid::int8, n.nspname::text, c.relname::text, c.relkind::text,
           c.relfilenode::int8, i.indrelid::int8
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index i ON i.indexrelid = c.oid
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'
      AND c.relkind IN ('r', 'p', 'm', 'v', 'i', 'I')";

const LOCKS: &str = "
    SELECT relation::int8, mode FROM pg_locks
    WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

const SCANS: &str = "
    SELECT relid::int8, (seq_scan + coalesce(idx_scan, 0))::int8
    FROM pg_stat_xact_user_tables";

async fn snapshot(client: &Client) -> Result<Snapshot, String> {
    let rows = client
        .query(RELATIONS, &[])
        .await
        .map_err(|e| e.to_string())?;
    Ok(rows
        .iter()
        .map(|r| {
            let kind: String = r.get(3);
            (
                r.get::<_, i64>(0),
                Relation {
                    name: QualifiedName::new(r.get::<_, String>(1), r.get::<_, String>(2)),
                    kind: kind.chars().next().unwrap_or('?'),
                    file: r.get(4),
                    table: r.get(5),
                },
            )
        })
        .collect())
}

async fn scan_counts(client: &Client) -> Result<BTreeMap<i64, i64>, String> {
    let rows = client.query(SCANS, &[]).await.map_err(|e| e.to_string())?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// One statement whose label disagrees with what it did.
pub struct Mismatch {
    pub sql: String,
    pub labelled: Impact,
    pub observed: Impact,
    pub indexes: Option<String>,
    pub classified: Safety,
}

/// Whether writers wait for the whole time the statement reads or rewrites
/// a table.
fn holds_writes_long(impact: &Impact) -> bool {
    impact
        .scans
        .iter()
        .chain(&impact.rewrites)
        .any(|r| impact.locks.get(r).is_some_and(|m| m.blocks_writes()))
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let line = |i: &Impact| i.line().unwrap_or_else(|| "nothing waits".to_string());
        writeln!(
            f,
            "  statement: {}",
            self.sql.replace('\n', "\n             ")
        )?;
        writeln!(f, "  labelled:  {}", line(&self.labelled))?;
        writeln!(f, "  observed:  {}", line(&self.observed))?;
        if self.labelled == self.observed && self.indexes.is_none() {
            writeln!(
                f,
                "  classified {} although writers wait while it reads the table",
                self.classified
            )?;
        }
        if let Some(indexes) = &self.indexes {
            writeln!(f, "  indexes:   {indexes}")?;
        }
        Ok(())
    }
}

/// Runs `steps` statement by statement, each in a transaction of its own
/// (or, in a step outside transactions, on its own, observed from a second
/// session), and compares each statement's label with what it did to the
/// relations that existed when its step began.
pub async fn run(db: &TestDb, steps: &[ReviewedStep]) -> Result<Vec<Mismatch>, String> {
    let client = db.client();
    let mut mismatches = Vec::new();
    for step in steps {
        let existed: BTreeSet<i64> = snapshot(client)
            .await?
            .into_iter()
            .filter(|(_, r)| matches!(r.kind, 'r' | 'p' | 'm' | 'v'))
            .map(|(oid, _)| oid)
            .collect();
        for statement in &step.statements {
            // A guarded statement the server would skip is not run: its
            // label is that of a state this run is not in.
            if let Some(guard) = &statement.guard {
                let answer: Option<bool> = client
                    .query_one(guard.as_str(), &[])
                    .await
                    .and_then(|row| row.try_get(0))
                    .map_err(|e| format!("the guard failed: {e}\n  in: {guard}"))?;
                if answer != Some(true) {
                    continue;
                }
            }
            let observed = if step.no_transaction {
                observe_outside(db, &statement.sql, &existed).await?
            } else {
                observe(client, &statement.sql, &existed).await?
            };
            let labelled = statement.total_impact();
            let classified = std::iter::once(statement)
                .chain(&statement.folded)
                .map(|part| part.safety)
                .max()
                .unwrap_or(Safety::Safe);
            if let Some(mut mismatch) = compare(&statement.sql, labelled, observed) {
                mismatch.classified = classified;
                mismatches.push(mismatch);
            } else if classified < Safety::Locks && holds_writes_long(&statement.total_impact()) {
                // The classification must agree with the measured label: a
                // statement that reads or rewrites a table while writers
                // wait is never called safe.
                mismatches.push(Mismatch {
                    sql: statement.sql.clone(),
                    labelled: statement.total_impact(),
                    observed: statement.total_impact(),
                    indexes: None,
                    classified,
                });
            }
        }
    }
    Ok(mismatches)
}

struct Observed {
    impact: Impact,
    /// Whether the tables read were seen (not from another session).
    scans_seen: bool,
    /// Per table, how many of its kept indexes were written again, of how
    /// many.
    reindexed: BTreeMap<QualifiedName, (usize, usize)>,
}

async fn observe(client: &Client, sql: &str, existed: &BTreeSet<i64>) -> Result<Observed, String> {
    let fail = |what: &str, e: tokio_postgres::Error| {
        format!("{what}: {}\n  in: {sql}", petal_pg::error::describe(&e))
    };
    client
        .batch_execute("BEGIN")
        .await
        .map_err(|e| fail("BEGIN", e))?;
    let before = snapshot(client).await?;
    // The counts a backend has not flushed yet include earlier
    // transactions': the statement's reads are the difference.
    let scans_before = scan_counts(client).await?;
    if let Err(e) = client.batch_execute(sql).await {
        let _ = client.batch_execute("ROLLBACK").await;
        return Err(fail("the statement failed", e));
    }
    let locks = client
        .query(LOCKS, &[])
        .await
        .map_err(|e| fail("pg_locks", e))?;
    let scans_after = scan_counts(client).await?;
    let after = snapshot(client).await?;
    client
        .batch_execute("COMMIT")
        .await
        .map_err(|e| fail("COMMIT", e))?;

    let mut impact = Impact::default();
    held_locks(&mut impact, &locks, &before, existed);
    for (oid, count) in &scans_after {
        if *count > scans_before.get(oid).copied().unwrap_or(0)
            && existed.contains(oid)
            && let Some(relation) = before.get(oid)
        {
            impact.scans.insert(relation.name.clone());
        }
    }
    for (oid, relation) in &before {
        let written = after
            .get(oid)
            .is_some_and(|now| relation.file != 0 && now.file != relation.file);
        if written && existed.contains(oid) {
            impact.rewrites.insert(relation.name.clone());
        }
    }
    let mut reindexed: BTreeMap<QualifiedName, (usize, usize)> = BTreeMap::new();
    for (oid, index) in before.iter().filter(|(_, r)| r.kind == 'i') {
        let (Some(table), Some(now)) = (index.table, after.get(oid)) else {
            continue;
        };
        let Some(table) = before.get(&table).filter(|_| existed.contains(&table)) else {
            continue;
        };
        let counts = reindexed.entry(table.name.clone()).or_default();
        counts.0 += usize::from(now.file != index.file);
        counts.1 += 1;
    }
    Ok(Observed {
        impact,
        scans_seen: true,
        reindexed,
    })
}

/// The label against the observation. Reads are compared where a lock
/// makes someone wait (a view's query reads its tables under `ACCESS
/// SHARE`, which blocks no one); a rewrite reads the table too.
fn compare(sql: &str, labelled: Impact, observed: Observed) -> Option<Mismatch> {
    let Observed {
        mut impact,
        scans_seen,
        reindexed,
    } = observed;
    if !scans_seen {
        impact.scans = labelled.scans.clone();
    }
    let waited: BTreeSet<&QualifiedName> =
        labelled.locks.keys().chain(impact.locks.keys()).collect();
    let reads = |i: &Impact| -> BTreeSet<QualifiedName> {
        i.scans
            .iter()
            .chain(&i.rewrites)
            .filter(|r| waited.contains(r))
            .cloned()
            .collect()
    };
    let mut index_trouble = Vec::new();
    for (table, (written, of)) in &reindexed {
        if impact.rewrites.contains(table) && written < of {
            index_trouble.push(format!(
                "{table} was rewritten, {written} of its {of} indexes"
            ));
        } else if !impact.rewrites.contains(table) && *written > 0 {
            index_trouble.push(format!(
                "{written} of the {of} indexes of {table} were rebuilt, the table was not"
            ));
        }
    }
    let same = labelled.locks == impact.locks
        && labelled.rewrites == impact.rewrites
        && reads(&labelled) == reads(&impact)
        && index_trouble.is_empty();
    (!same).then(|| Mismatch {
        sql: sql.to_string(),
        labelled,
        observed: impact,
        indexes: (!index_trouble.is_empty()).then(|| index_trouble.join("; ")),
        classified: Safety::Safe,
    })
}

/// A statement that refuses a transaction block (`CREATE INDEX
/// CONCURRENTLY`, `DETACH PARTITION ... CONCURRENTLY`), run on the test's
/// session while other sessions, one per table, each hold an old snapshot
/// and a `ROW EXCLUSIVE` lock on their table, as writers would: a lock the
/// statement asks for that writers wait on waits on them, and a watching
/// session reads the locks the statement holds then and the one it asks
/// for. At a wait for a table's lock, that table's holder lets go; at a
/// wait for the sessions that came before (such a statement runs in
/// several transactions, waiting between them), fresh holders take every
/// table before the old ones let go, so that the next transaction waits
/// too (at most `ROUNDS` times). Its reads are not seen from there: only
/// its locks and rewrites are compared.
async fn observe_outside(
    db: &TestDb,
    sql: &str,
    existed: &BTreeSet<i64>,
) -> Result<Observed, String> {
    const ROUNDS: usize = 4;
    let client = db.client();
    let before = snapshot(client).await?;
    let watcher = db.connect().await;
    let tables: Vec<(i64, QualifiedName, char)> = before
        .iter()
        .filter(|(oid, r)| existed.contains(oid) && matches!(r.kind, 'r' | 'p' | 'm'))
        .map(|(oid, r)| (*oid, r.name.clone(), r.kind))
        .collect();
    let mut holders = hold_every_table(db, &tables).await?;
    let mut rounds = 1;
    let pid: i32 = client
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .map_err(|e| e.to_string())?
        .get(0);
    let run = client.batch_execute(sql);
    tokio::pin!(run);
    let mut held = Vec::new();
    let mut last_wait = None;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let result = loop {
        tokio::select! {
            result = &mut run => break result,
            _ = tokio::time::sleep(std::time::Duration::from_millis(10)) => {}
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("{sql} did not finish in 60 s"));
        }
        // What it waits for, if it waits: a table's lock, or a session.
        let wait: Option<(String, Option<i64>, Option<String>)> = watcher
            .query_opt(
                "SELECT locktype, relation::int8, coalesce(virtualxid, transactionid::text) \
                 FROM pg_locks WHERE pid = $1 AND NOT granted LIMIT 1",
                &[&pid],
            )
            .await
            .map_err(|e| e.to_string())?
            .map(|row| (row.get(0), row.get(1), row.get(2)));
        let Some(wait) = wait.filter(|w| last_wait.as_ref() != Some(w)) else {
            continue;
        };
        held.extend(
            watcher
                .query(
                    "SELECT relation::int8, mode FROM pg_locks \
                     WHERE pid = $1 AND locktype = 'relation'",
                    &[&pid],
                )
                .await
                .map_err(|e| e.to_string())?,
        );
        match wait.1 {
            Some(table) => {
                if let Some(holder) = holders.remove(&table) {
                    holder
                        .batch_execute("COMMIT")
                        .await
                        .map_err(|e| e.to_string())?;
                }
            }
            None => {
                let fresh = if rounds < ROUNDS {
                    rounds += 1;
                    hold_every_table(db, &tables).await?
                } else {
                    BTreeMap::new()
                };
                for holder in std::mem::replace(&mut holders, fresh).into_values() {
                    holder
                        .batch_execute("COMMIT")
                        .await
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        last_wait = Some(wait);
    };
    for holder in holders.into_values() {
        let _ = holder.batch_execute("COMMIT").await;
    }
    result.map_err(|e| {
        format!(
            "the statement failed: {}\n  in: {sql}",
            petal_pg::error::describe(&e)
        )
    })?;
    let after = snapshot(client).await?;
    let mut impact = Impact::default();
    held_locks(&mut impact, &held, &before, existed);
    for (oid, relation) in &before {
        let written = after
            .get(oid)
            .is_some_and(|now| relation.file != 0 && now.file != relation.file);
        if written && existed.contains(oid) {
            impact.rewrites.insert(relation.name.clone());
        }
    }
    Ok(Observed {
        impact,
        scans_seen: false,
        reindexed: BTreeMap::new(),
    })
}

/// A session per table holding a snapshot and `ROW EXCLUSIVE` on it (on
/// it alone: `ONLY`), as a writer in a long transaction does; a
/// materialized view, which takes no `LOCK`, read as a reader does. A
/// table the statement holds a lock on that writers wait for (`DETACH
/// ... FINALIZE` waits for old snapshots holding one) is not held: the
/// holder gives up after `lock_timeout` rather than wait behind it.
async fn hold_every_table(
    db: &TestDb,
    tables: &[(i64, QualifiedName, char)],
) -> Result<BTreeMap<i64, Client>, String> {
    let mut out = BTreeMap::new();
    for (oid, name, kind) in tables {
        let holder = db.connect().await;
        let lock = match kind {
            'm' => String::new(),
            _ => format!("LOCK TABLE ONLY {} IN ROW EXCLUSIVE MODE;", name.quoted()),
        };
        let held = holder
            .batch_execute(&format!(
                "SET lock_timeout = '200ms'; BEGIN ISOLATION LEVEL REPEATABLE READ; \
                 {lock} SELECT FROM ONLY {} LIMIT 0;",
                name.quoted()
            ))
            .await;
        if held.is_ok() {
            out.insert(*oid, holder);
        }
    }
    Ok(out)
}

/// The labelled locks of `pg_locks` rows (relation oid, mode) on the
/// relations that existed before, the strongest per relation, named as
/// they were before the statement.
fn held_locks<'r>(
    impact: &mut Impact,
    rows: impl IntoIterator<Item = &'r tokio_postgres::Row>,
    before: &Snapshot,
    existed: &BTreeSet<i64>,
) {
    for row in rows {
        let oid: i64 = row.get(0);
        let Some(mode) = LockMode::from_pg_locks(row.get(1)) else {
            continue;
        };
        if let (true, Some(relation), true) =
            (existed.contains(&oid), before.get(&oid), mode.is_labelled())
        {
            let held = impact.locks.entry(relation.name.clone()).or_insert(mode);
            *held = (*held).max(mode);
        }
    }
}
