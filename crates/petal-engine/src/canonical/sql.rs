//! Loading the SQL files beside the models into the canonical database,
//! so PostgreSQL prints their objects as it prints the tables.
//!
//! The order inside and across files must not matter to the user: a
//! statement that fails because something it names is not there yet (a
//! view over a view declared later, a function returning a table's row
//! type) waits for the next round, and rounds go on while they make
//! progress. Statements run in a fixed order (files by path, statements by
//! place), so the result is the same every time. Each statement runs under
//! a savepoint, so every statement PostgreSQL refuses is reported, at its
//! `file:line:col`, not only the first. Function bodies are not checked at
//! creation (`check_function_bodies = off`, as pg_dump loads them): a
//! body may use what is created later.

use std::collections::BTreeSet;

use petal_ir::{Database, Extension, PolicyKey, QualifiedName, TriggerKey, quote_ident};
use petal_pg::error::ServerError;
use petal_source::Report;
use petal_sql::{Declared, Kind, Phase, SqlFiles};
use sha2::{Digest, Sha256};
use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

/// The statements of `phases` that did not load: each with the error of
/// its last try, for a report once every phase is done. `waiting` are the
/// statements carried over from earlier phases, tried again first.
pub(super) struct Loaded<'a> {
    pub waiting: Vec<(&'a Declared, ServerError)>,
}

/// What the cache compares to know the SQL files unchanged: every
/// statement's file, text and rename hint (the hints are carried onto the
/// cached IR, so a changed hint is a change too).
pub(super) fn fingerprint(files: &SqlFiles) -> String {
    let mut hasher = Sha256::new();
    for statement in &files.statements {
        for part in [
            statement.source.path(),
            statement.sql.as_str(),
            statement.renamed_from.as_deref().unwrap_or(""),
        ] {
            hasher.update(part.len().to_le_bytes());
            hasher.update(part.as_bytes());
        }
    }
    format!("{:x}", hasher.finalize())
}

/// Errors that may go away once another statement has run: something
/// named is missing.
fn may_wait(error: &ServerError) -> bool {
    let waits = [
        SqlState::UNDEFINED_TABLE,
        SqlState::UNDEFINED_OBJECT,
        SqlState::UNDEFINED_FUNCTION,
        SqlState::UNDEFINED_COLUMN,
        SqlState::INVALID_SCHEMA_NAME,
        SqlState::WRONG_OBJECT_TYPE,
    ];
    error.code.as_ref().is_some_and(|code| waits.contains(code))
}

/// Runs the statements of `phase` (and those still waiting from earlier
/// phases) on `client`, in one transaction already open, until a round
/// loads nothing more. What still fails waits for a later phase, or, after
/// the last one, is reported by [`refusals`].
pub(super) async fn load_phase<'a>(
    client: &Client,
    files: &'a SqlFiles,
    phase: Phase,
    waiting: Vec<(&'a Declared, ServerError)>,
) -> Result<Loaded<'a>, tokio_postgres::Error> {
    let mut pending: Vec<&Declared> = waiting.into_iter().map(|(s, _)| s).collect();
    pending.extend(files.statements.iter().filter(|s| s.kind.phase() == phase));
    let mut failed: Vec<(&Declared, ServerError)> = Vec::new();
    loop {
        let mut next = Vec::new();
        let mut progress = false;
        for statement in pending {
            // One round trip for the three: tokio-postgres pipelines
            // requests polled together. After a refused statement the
            // release fails too (the transaction is aborted) and the
            // rollback to the savepoint follows.
            let sql = statement.load_sql();
            let (saved, ran, released) = futures_util::join!(
                client.batch_execute("SAVEPOINT petal_sql"),
                client.batch_execute(&sql),
                client.batch_execute("RELEASE SAVEPOINT petal_sql"),
            );
            saved?;
            match ran {
                Ok(()) => {
                    released?;
                    progress = true;
                }
                Err(e) => {
                    client
                        .batch_execute("ROLLBACK TO SAVEPOINT petal_sql")
                        .await?;
                    next.push((statement, ServerError::of(&e)));
                }
            }
        }
        let (retry, refused): (Vec<_>, Vec<_>) =
            next.into_iter().partition(|(_, error)| may_wait(error));
        failed.extend(refused);
        if !progress || retry.is_empty() {
            failed.extend(retry);
            break;
        }
        pending = retry.into_iter().map(|(s, _)| s).collect();
    }
    Ok(Loaded { waiting: failed })
}

/// Every statement that did not load, reported at its place with
/// PostgreSQL's message, detail and hint; one refused because its object
/// exists names the other statements of `files` declaring that name (a
/// function's overloads share it: PostgreSQL's message says which
/// arguments clash).
pub(super) fn refusals(failed: &[(&Declared, ServerError)], files: &SqlFiles) -> Vec<Report> {
    let mut reports: Vec<(String, Report)> = failed
        .iter()
        .map(|(statement, error)| {
            let offset = error.offset_in(&statement.load_sql()).unwrap_or(0);
            let what = format!("PostgreSQL refuses this {}", statement.kind.noun());
            let mut report = statement.report_at(offset, format!("{what}: {}", error.message));
            if exists_already(error) {
                for other in same_name(files, statement) {
                    report = report.with_note(format!(
                        "{} {} is declared at {} too",
                        other.kind.noun(),
                        other
                            .name
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                        other.place()
                    ));
                }
            }
            (statement.place(), error.annotate(report))
        })
        .collect();
    reports.sort_by(|a, b| a.0.cmp(&b.0));
    reports.into_iter().map(|(_, r)| r).collect()
}

/// PostgreSQL refused a creation because the object exists.
fn exists_already(error: &ServerError) -> bool {
    let exists = [
        SqlState::DUPLICATE_FUNCTION,
        SqlState::DUPLICATE_OBJECT,
        SqlState::DUPLICATE_TABLE,
        SqlState::DUPLICATE_SCHEMA,
    ];
    error
        .code
        .as_ref()
        .is_some_and(|code| exists.contains(code))
}

/// The other statements of `files` declaring an object of `statement`'s
/// kind and name (functions, procedures and aggregates share one
/// namespace of names).
fn same_name<'a>(files: &'a SqlFiles, statement: &Declared) -> Vec<&'a Declared> {
    let routine = |kind: Kind| matches!(kind, Kind::Function | Kind::Procedure | Kind::Aggregate);
    let alike = |kind: Kind| kind == statement.kind || (routine(kind) && routine(statement.kind));
    files
        .statements
        .iter()
        .filter(|other| {
            !std::ptr::eq(*other, statement)
                && alike(other.kind)
                && other.name.is_some()
                && other.name == statement.name
        })
        .collect()
}

/// Creates the roles the SQL files' policies and grants name that the dev
/// server lacks (`placeholders::create`; on a `shared` one,
/// dropped when the run settles). Returns a report at each statement
/// naming a role the dev user may not create.
pub(super) async fn create_roles(
    admin: &Client,
    files: &SqlFiles,
    shared: Option<&petal_pg::ConnConfig>,
) -> Result<Vec<Report>, tokio_postgres::Error> {
    let refused = crate::placeholders::create(admin, &roles_named(files), shared).await?;
    let mut reports = Vec::new();
    for (role, error) in refused {
        for statement in files.statements.iter().filter(|s| s.roles.contains(&role)) {
            reports.push(
                statement
                    .report(format!(
                        "role {} does not exist on the dev server, and petal could not create \
                         it there as a NOLOGIN placeholder: {}",
                        quote_ident(&role),
                        error.message
                    ))
                    .with_help(
                        "give the dev user CREATEROLE, create the role on the dev server, or use \
                         the embedded dev cluster (no `dev_url`)",
                    ),
            );
        }
    }
    Ok(reports)
}

/// The roles the SQL files' policies and grants name.
pub(super) fn roles_named(files: &SqlFiles) -> BTreeSet<String> {
    files
        .statements
        .iter()
        .flat_map(|s| s.roles.iter().cloned())
        .collect()
}

/// What the SQL files say that the catalogs do not: an extension whose
/// statement pins no `VERSION` is compared without one (the server
/// installs what it ships), and `-- petal: renamed_from` hints name the
/// objects' previous names.
pub(super) fn carry_declarations(canonical: &mut Database, files: &SqlFiles) {
    for statement in &files.statements {
        match statement.kind {
            Kind::Extension => pin_version(canonical, statement),
            _ => carry_hint(canonical, statement),
        }
    }
}

fn pin_version(canonical: &mut Database, statement: &Declared) {
    let Some(name) = &statement.name else { return };
    if let Some(Extension { version, .. }) = canonical.extensions.get_mut(&name.name) {
        *version = statement.version.clone();
    }
}

/// Sets the rename hint of the object a statement declares (every
/// overload of a function name: each pairs with the same arguments under
/// the old name).
fn carry_hint(canonical: &mut Database, statement: &Declared) {
    let (Some(name), Some(old)) = (&statement.name, &statement.renamed_from) else {
        return;
    };
    if statement.kind == Kind::Trigger {
        // A trigger's name is its table's alone: the old one is a name.
        let key = statement.table.as_ref().map(|table| TriggerKey {
            table: table.clone(),
            name: name.name.clone(),
        });
        if let Some(trigger) = key.and_then(|k| canonical.triggers.get_mut(&k)) {
            trigger.renamed_from = Some(old.clone());
        }
        return;
    }
    if statement.kind == Kind::Policy {
        // So is a policy's.
        let key = statement.table.as_ref().map(|table| PolicyKey {
            table: table.clone(),
            name: name.name.clone(),
        });
        if let Some(policy) = key.and_then(|k| canonical.policies.get_mut(&k)) {
            policy.renamed_from = Some(old.clone());
        }
        return;
    }
    let old = QualifiedName::parse(old, &name.schema);
    match statement.kind {
        Kind::View | Kind::MaterializedView => {
            if let Some(view) = canonical.views.get_mut(name) {
                view.renamed_from = Some(old);
            }
        }
        Kind::Function | Kind::Procedure | Kind::Aggregate => {
            for function in canonical.functions.values_mut() {
                if &function.name == name {
                    function.renamed_from = Some(old.clone());
                }
            }
        }
        Kind::Partition | Kind::InheritanceChild => {
            if let Some(table) = canonical.tables.get_mut(name) {
                table.renamed_from = Some(old);
            }
        }
        Kind::Sequence => {
            if let Some(sequence) = canonical.sequences.get_mut(name) {
                sequence.renamed_from = Some(old);
            }
        }
        Kind::Domain => {
            if let Some(domain) = canonical.domains.get_mut(name) {
                domain.renamed_from = Some(old);
            }
        }
        Kind::CompositeType => {
            if let Some(composite) = canonical.composite_types.get_mut(name) {
                composite.renamed_from = Some(old);
            }
        }
        Kind::RangeType => {
            if let Some(range) = canonical.range_types.get_mut(name) {
                range.renamed_from = Some(old);
            }
        }
        Kind::Collation => {
            if let Some(collation) = canonical.collations.get_mut(name) {
                collation.renamed_from = Some(old);
            }
        }
        Kind::Schema
        | Kind::Extension
        | Kind::Trigger
        | Kind::Policy
        | Kind::Index
        | Kind::TriggerState
        | Kind::SequenceOwner
        | Kind::RowSecurity
        | Kind::ColumnDefault
        | Kind::Comment
        | Kind::Grant => {}
    }
}
