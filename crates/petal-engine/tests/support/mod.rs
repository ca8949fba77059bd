//! One convergence case: build A and B, fill A, apply up, compare, apply
//! down, compare.

mod privileges;
mod rows;

use std::collections::BTreeSet;

use petal_diff::{
    Diff, Mode, ReviewedStatement, ReviewedStep, diff, diff_with_rows, render_diff_as,
};
use petal_engine::compare::carry_hints;
use petal_ir::{Database, QualifiedName};
use petal_pg::{IntrospectOptions, introspect};
use petal_testkit::TestDb;
use tokio_postgres::Client;

pub enum Outcome {
    Converged,
    /// Up failed on the rows present, and petal had said it would; on
    /// empty tables the case converged.
    FlaggedAndConvergedEmpty,
    Failed(String),
}

pub async fn converge(a: &Database, b: &Database) -> Outcome {
    converge_copying(a, b, false).await
}

/// [`converge`], where `copy` says whether every table that cannot change
/// in place is recreated with its rows (`--allow-recreate`), rather than
/// dropped and created: its values are then compared as any kept
/// column's.
pub async fn converge_copying(a: &Database, b: &Database, copy: bool) -> Outcome {
    converge_case(&Case {
        a,
        b,
        copy,
        online: false,
    })
    .await
}

/// [`converge`], up and down written with the online recipes for the
/// server's version (`--online`), each step run as the runner runs it:
/// outside a transaction where it says so, a guarded statement only when
/// its query answers true.
pub async fn converge_online(a: &Database, b: &Database) -> Outcome {
    converge_case(&Case {
        a,
        b,
        copy: false,
        online: true,
    })
    .await
}

async fn converge_case(case: &Case<'_>) -> Outcome {
    match run(case, true).await {
        Ok(()) => Outcome::Converged,
        Err(Failure::Flagged(first)) => match run(case, false).await {
            Ok(()) if std::env::var_os("PETAL_CONVERGENCE_VERBOSE").is_some() => {
                eprintln!("flagged on the rows present: {first}");
                Outcome::FlaggedAndConvergedEmpty
            }
            Ok(()) => Outcome::FlaggedAndConvergedEmpty,
            Err(e) => Outcome::Failed(format!(
                "flagged failure on rows ({first}); on empty tables: {}",
                e.text()
            )),
        },
        Err(e) => Outcome::Failed(e.text()),
    }
}

enum Failure {
    /// A statement failed on the rows present and its notes said it could.
    Flagged(String),
    Other(String),
}

impl Failure {
    fn text(&self) -> String {
        match self {
            Failure::Flagged(s) | Failure::Other(s) => s.clone(),
        }
    }
}

fn ddl(db: &Database) -> String {
    petal_diff::render_schema(db)
        .into_iter()
        .map(|s| s.sql)
        .collect::<Vec<_>>()
        .join("\n")
}

async fn build(db: &Database, what: &str) -> Result<(TestDb, Database), Failure> {
    let test_db = TestDb::new().await;
    // The roles generated policies name are the cluster's.
    for role in petal_ir::arbitrary::POLICY_ROLES
        .iter()
        .filter(|r| **r != "public")
    {
        test_db.ensure_role(role).await;
    }
    test_db
        .client()
        .batch_execute(&ddl(db))
        .await
        .map_err(|e| {
            Failure::Other(format!(
                "{what} does not load: {}\n{}",
                describe(&e),
                ddl(db)
            ))
        })?;
    let canonical = read(test_db.client(), db.privileges.is_some()).await?;
    Ok((test_db, canonical))
}

/// The schema `client` holds, with its privileges when the case compares
/// them.
async fn read(client: &Client, privileges: bool) -> Result<Database, Failure> {
    let opts = IntrospectOptions {
        privileges,
        ..IntrospectOptions::default()
    };
    introspect(client, &opts)
        .await
        .map(|i| i.database)
        .map_err(|e| Failure::Other(format!("introspection: {e}")))
}

/// The catalogs' fingerprint of the database `client` is connected to.
async fn fingerprint(client: &Client) -> Result<String, Failure> {
    petal_pg::fingerprint::catalog_fingerprint(client)
        .await
        .map(|(_, fingerprint)| fingerprint)
        .map_err(|e| Failure::Other(format!("the catalogs' fingerprint: {e}")))
}

fn describe(e: &tokio_postgres::Error) -> String {
    petal_pg::error::describe(e)
}

/// One pair of schemas, and whether tables are recreated with their rows.
struct Case<'a> {
    a: &'a Database,
    b: &'a Database,
    copy: bool,
    /// Written with the online recipes.
    online: bool,
}

async fn run(case: &Case<'_>, with_rows: bool) -> Result<(), Failure> {
    let (a, b) = (case.a, case.b);
    let (work, a_canonical) = build(a, "A").await?;
    let (_b_db, mut b_canonical) = build(b, "B").await?;
    let context = |msg: String| {
        format!(
            "{msg}\n--- A as SQL:\n{}\n--- B as SQL:\n{}",
            ddl(a),
            ddl(b)
        )
    };
    carry_hints(&mut b_canonical, b);
    let recreate: BTreeSet<QualifiedName> = match case.copy {
        true => a_canonical.tables.keys().cloned().collect(),
        false => BTreeSet::new(),
    };
    let plan: Diff = diff_with_rows(&a_canonical, &b_canonical, &recreate);
    let client = work.client();
    let before = if with_rows {
        rows::fill(client, &a_canonical)
            .await
            .map_err(|e| Failure::Other(context(e)))?;
        rows::snapshot(client, &a_canonical, &b_canonical, &plan).await
    } else {
        Default::default()
    };

    if std::env::var_os("PETAL_CONVERGENCE_VERBOSE").is_some() {
        let filled = rows::filled_tables(client, &a_canonical).await;
        eprintln!(
            "case: {} tables ({} with rows), {} other objects, {} changes, {} kept columns \
             compared, {} tables recreated with their rows, {} partitions detached or \
             attached to stand alone, rows: {with_rows}",
            a_canonical.tables.len(),
            filled,
            other_objects(&a_canonical),
            plan.changes.len(),
            before.len(),
            plan.changes
                .iter()
                .filter(|c| matches!(
                    c,
                    petal_diff::Change::Alter(petal_diff::Alter::CopyRows { .. })
                ))
                .count(),
            rows::moving(&plan).len()
        );
    }
    let mode = match case.online {
        true => Mode::new(true, work.server_version_num().await),
        false => Mode::Plain,
    };
    let before_up = fingerprint(client).await?;
    apply(client, &render_diff_as(&plan, mode))
        .await
        .map_err(|e| match e {
            Failure::Flagged(s) => Failure::Flagged(s),
            Failure::Other(s) => Failure::Other(context(format!("up failed: {s}"))),
        })?;
    // A project keeps a database's read while this stands
    // (`live_cache.rs`): any migration must move it.
    let after_up_fingerprint = fingerprint(client).await?;
    if !plan.changes.is_empty() && after_up_fingerprint == before_up {
        return Err(Failure::Other(context(
            "the catalogs' fingerprint did not move with the up".into(),
        )));
    }
    let compared = a.privileges.is_some();
    let after_up = read(client, compared).await?;
    let remaining = diff(&after_up, &b_canonical.clone().without_hints());
    if !remaining.is_empty() {
        return Err(Failure::Other(context(format!(
            "after up, the database differs from B: {:#?}",
            remaining.changes
        ))));
    }
    // Compared, they are B's; else each is what the database had.
    let lost = privileges::lost(&after_up, &a_canonical, &b_canonical);
    if !compared && !lost.is_empty() {
        return Err(Failure::Other(context(format!(
            "after up, privileges were lost: {lost:#?}"
        ))));
    }
    if with_rows {
        let after = rows::values(client, &before, &rows::moving(&plan)).await;
        if after != before {
            return Err(Failure::Other(context(format!(
                "up changed kept values:\nbefore: {before:?}\nafter:  {after:?}"
            ))));
        }
    }

    // Down cannot bring back what up dropped (a NOT NULL column without a
    // default, over rows): like up, it may fail only where petal warned.
    apply(client, &petal_diff::render_down_as(&plan, mode))
        .await
        .map_err(|e| match e {
            Failure::Flagged(s) => Failure::Flagged(format!("down: {s}")),
            Failure::Other(s) => Failure::Other(context(format!("down failed: {s}"))),
        })?;
    if !plan.changes.is_empty() && fingerprint(client).await? == after_up_fingerprint {
        return Err(Failure::Other(context(
            "the catalogs' fingerprint did not move with the down".into(),
        )));
    }
    let after_down = read(client, compared).await?;
    let remaining = diff(&after_down, &a_canonical);
    if !remaining.is_empty() {
        return Err(Failure::Other(context(format!(
            "after down, the database differs from A: {:#?}",
            remaining.changes
        ))));
    }
    let lost = privileges::lost(&after_down, &a_canonical, &a_canonical);
    if !compared && !lost.is_empty() {
        return Err(Failure::Other(context(format!(
            "after down, privileges were lost: {lost:#?}"
        ))));
    }
    Ok(())
}

/// How many objects besides tables and enum types a schema holds.
fn other_objects(db: &Database) -> usize {
    db.extensions.len()
        + db.sequences.len()
        + db.views.len()
        + db.functions.len()
        + db.triggers.len()
        + db.domains.len()
        + db.composite_types.len()
        + db.range_types.len()
        + db.policies.len()
}

/// Runs steps as the runner does: one transaction each (a step marked
/// `no_transaction`: each statement on its own). A failing statement
/// whose notes warned of failure on existing rows is `Flagged`.
async fn apply(client: &Client, steps: &[ReviewedStep]) -> Result<(), Failure> {
    for step in steps {
        // Outside a transaction, each statement on its own, as the runner
        // runs such a step.
        let transactional = !step.no_transaction;
        if transactional {
            client
                .batch_execute("BEGIN")
                .await
                .map_err(|e| Failure::Other(describe(&e)))?;
        }
        // A change of several statements carries its notes on the first;
        // the others say they continue it. A statement carrying several
        // changes (folded) warns of what any of them may do.
        let mut change_notes: Vec<String> = Vec::new();
        for stmt in &step.statements {
            if !stmt.description.starts_with("continued") {
                change_notes = std::iter::once(stmt)
                    .chain(&stmt.folded)
                    .flat_map(|s| s.notes.iter().cloned())
                    .collect();
            }
            if !guard_answers_true(client, stmt).await? {
                continue;
            }
            if let Err(e) = client.batch_execute(&stmt.sql).await {
                if transactional {
                    let _ = client.batch_execute("ROLLBACK").await;
                }
                let text = format!(
                    "{}\n  in: {}\n  notes: {:?}",
                    describe(&e),
                    stmt.sql,
                    change_notes
                );
                let warned = change_notes.iter().any(|n| n.contains("fail"));
                return Err(if warned {
                    Failure::Flagged(text)
                } else {
                    Failure::Other(text)
                });
            }
        }
        if transactional {
            client
                .batch_execute("COMMIT")
                .await
                .map_err(|e| Failure::Other(describe(&e)))?;
        }
    }
    Ok(())
}

/// Whether `stmt` runs: it has no `-- +petal if` query, or the query
/// answers true.
async fn guard_answers_true(client: &Client, stmt: &ReviewedStatement) -> Result<bool, Failure> {
    let Some(guard) = &stmt.guard else {
        return Ok(true);
    };
    let row = client
        .query_opt(guard.as_str(), &[])
        .await
        .map_err(|e| Failure::Other(format!("the guard: {}\n  in: {guard}", describe(&e))))?;
    let answer: Option<bool> = match row {
        Some(row) => row
            .try_get(0)
            .map_err(|e| Failure::Other(format!("the guard: {e}\n  in: {guard}")))?,
        None => None,
    };
    Ok(answer == Some(true))
}
