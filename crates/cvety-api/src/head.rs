//! The start-up check: the API serves only a database at the migrations'
//! head, since its queries are written against exactly that schema.

use std::path::Path;

use petal_migrate::{AppliedRevision, RevisionGraph, RevisionId};

/// Why the database is not at head, in words for the operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAtHead {
    #[error("no migrations in {0}: nothing to check the database against")]
    NoMigrations(String),
    #[error("cannot read the migrations: {0}")]
    Migrations(String),
    /// The log cannot be read (its own message says so).
    #[error("{0}")]
    Log(String),
    #[error(
        "the database has {count} pending migration(s) ({list}); run `{command}` first",
        count = pending.len(),
        list = pending.join(", ")
    )]
    Pending {
        pending: Vec<String>,
        command: String,
    },
    #[error(
        "the database has revision(s) {list} that {dir} does not hold: it is newer than this \
         checkout; update the checkout, or run `petal downgrade` with the newer migrations",
        list = unknown.join(", ")
    )]
    Unknown { unknown: Vec<String>, dir: String },
}

/// The repository's migrations, built into the binary: `--migrate` applies
/// them at startup with petal's runner, so a deployed binary needs no
/// migrations directory beside it.
pub static EMBEDDED: petal::runner::EmbeddedMigrations = petal::migrate!("../../migrations");

/// How messages name the embedded migrations.
pub const EMBEDDED_SOURCE: &str = "the migrations built into cvety-api";

/// The migrations directory as a revision graph.
pub fn load_graph(dir: &Path) -> Result<RevisionGraph, NotAtHead> {
    let files =
        petal_migrate::load::load_dir(dir).map_err(|e| NotAtHead::Migrations(e.to_string()))?;
    let graph = RevisionGraph::build(files).map_err(|e| NotAtHead::Migrations(e.to_string()))?;
    if graph.is_empty() {
        return Err(NotAtHead::NoMigrations(dir.display().to_string()));
    }
    Ok(graph)
}

/// Whether the database is at head (every revision of the graph applied,
/// nothing else: petal-migrate's one definition). `source` names where the
/// graph came from (the migrations directory), `upgrade_command` is what
/// the message tells the operator to run.
pub async fn check(
    client: &tokio_postgres::Client,
    graph: &RevisionGraph,
    source: &str,
    upgrade_command: &str,
) -> Result<(), NotAtHead> {
    let applied = petal::runner::run::applied_on(client)
        .await
        .map_err(|e| NotAtHead::Log(e.to_string()))?;
    explain(graph, &applied, source, upgrade_command)
}

/// [`petal_migrate::at_head`]'s verdict in the operator's words.
fn explain(
    graph: &RevisionGraph,
    applied: &[AppliedRevision],
    source: &str,
    upgrade_command: &str,
) -> Result<(), NotAtHead> {
    let ids = |revisions: Vec<RevisionId>| -> Vec<String> {
        revisions.iter().map(|r| r.as_str().to_string()).collect()
    };
    match petal_migrate::at_head(graph, applied) {
        Ok(()) => Ok(()),
        Err(petal_migrate::NotAtHead::Unknown(unknown)) => Err(NotAtHead::Unknown {
            unknown: ids(unknown),
            dir: source.to_string(),
        }),
        Err(petal_migrate::NotAtHead::Pending(pending)) => Err(NotAtHead::Pending {
            pending: ids(pending),
            command: upgrade_command.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use petal_migrate::Checksum;

    fn graph() -> RevisionGraph {
        let first = "-- petal revision: 20260101000000\n-- petal parents:\n\n-- +petal up\nSELECT 1;\n\n-- +petal down\nSELECT 1;\n";
        let second = "-- petal revision: 20260102000000\n-- petal parents: 20260101000000\n\n-- +petal up\nSELECT 2;\n\n-- +petal down\nSELECT 2;\n";
        let files = vec![
            petal_migrate::parse("m/20260101000000_a.sql", first).ok(),
            petal_migrate::parse("m/20260102000000_b.sql", second).ok(),
        ];
        let files: Vec<_> = files.into_iter().flatten().collect();
        assert_eq!(files.len(), 2);
        match RevisionGraph::build(files) {
            Ok(g) => g,
            Err(e) => panic!("{e}"),
        }
    }

    fn applied(revisions: &[&str]) -> Vec<AppliedRevision> {
        revisions
            .iter()
            .zip(1..)
            .filter_map(|(revision, order)| {
                Some(AppliedRevision {
                    revision: RevisionId::parse(revision).ok()?,
                    checksum: Checksum::from_stored(""),
                    applied_order: order,
                    up_steps: None,
                })
            })
            .collect()
    }

    #[test]
    fn at_head_when_everything_is_applied() {
        let applied = applied(&["20260101000000", "20260102000000"]);
        assert_eq!(explain(&graph(), &applied, "m", "petal upgrade"), Ok(()));
    }

    #[test]
    fn pending_revisions_name_the_command() {
        let applied = applied(&["20260101000000"]);
        let err = explain(&graph(), &applied, "m", "petal upgrade head").err();
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("20260102000000"), "{message}");
        assert!(message.contains("run `petal upgrade head`"), "{message}");
    }

    #[test]
    fn unknown_revisions_mean_a_newer_database() {
        let applied = applied(&["20260101000000", "20260102000000", "20260103000000"]);
        let err = explain(&graph(), &applied, "m", "petal upgrade");
        assert!(
            matches!(err, Err(NotAtHead::Unknown { unknown, .. }) if unknown == ["20260103000000"])
        );
    }
}
