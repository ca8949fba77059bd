//! Migrations carried in a service's binary (`petal::migrate!("migrations")`
//! embeds a directory at compile time) and applied at startup by the same
//! planner, lock, journal and checksums as `petal upgrade`: a service and
//! the CLI can run against one database, in any order, at once.

use petal_migrate::{Anchor, Plan, PlanError, PlanOptions, RevisionGraph, Target, load::parse_all};
use petal_pg::ConnConfig;

use crate::error::RunnerError;
use crate::run::{Event, Operation, RunSettings, run_on};

/// One migration file as the binary carries it.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedFile {
    /// Where it was read from at compile time, relative to the crate that
    /// embedded it (`migrations/20260728093000_init.sql`): errors name it.
    pub path: &'static str,
    pub text: &'static str,
}

/// A migrations directory embedded at compile time, in file-name order.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedMigrations {
    files: &'static [EmbeddedFile],
}

impl EmbeddedMigrations {
    /// What `petal::migrate!` expands to; the files in file-name order.
    pub const fn new(files: &'static [EmbeddedFile]) -> Self {
        EmbeddedMigrations { files }
    }

    pub fn files(&self) -> &'static [EmbeddedFile] {
        self.files
    }

    /// The files as a revision graph. The macro parsed them when it embedded
    /// them, so this fails only if petal's file format changed in between.
    pub fn graph(&self) -> Result<RevisionGraph, RunnerError> {
        let files = parse_all(self.files.iter().map(|f| (f.path, f.text)))?;
        Ok(RevisionGraph::build(files)?)
    }

    /// Upgrades the database `url` names (a `postgres://` URL or libpq
    /// key-value string) to head, waiting for another run's lock as
    /// `petal upgrade` does. Returns the migrations that ran (none when the
    /// database was at head already).
    pub async fn upgrade(&self, url: &str) -> Result<Plan, RunnerError> {
        let cfg = ConnConfig::parse(url)?;
        self.upgrade_with(&cfg, &RunSettings::default(), &mut |_| {})
            .await
    }

    /// [`upgrade`](Self::upgrade) with the run's settings (lock wait, step
    /// policy, a signal that stops it) and its progress events.
    pub async fn upgrade_with(
        &self,
        cfg: &ConnConfig,
        how: &RunSettings,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Plan, RunnerError> {
        let graph = self.graph()?;
        let head = Target::Anchor(Anchor::Head);
        run_on(
            cfg,
            &graph,
            Operation::Upgrade,
            &head,
            PlanOptions::default(),
            how,
            on_event,
        )
        .await
        .map_err(older_than_the_database)
    }
}

/// A binary older than the database (a rollback of the service after a
/// newer release migrated it): the planner, under the lock and before any
/// step runs, calls the revisions it lacks missing files and suggests
/// purging the log, which is advice for a checkout, not for a deployed
/// binary. Said as what it is.
fn older_than_the_database(error: RunnerError) -> RunnerError {
    match error {
        RunnerError::Migrations(petal_migrate::Error::Plan(PlanError::MissingFile {
            revisions,
        })) => RunnerError::AppliedNotCarried {
            revisions: revisions.iter().map(|r| r.as_str().to_string()).collect(),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INIT: &str = "-- petal revision: 20260728093000\n-- petal parents:\n\
        -- petal message: init\n\n-- +petal up\nCREATE TABLE t (id int);\n\
        -- +petal down\nDROP TABLE t;\n";

    #[test]
    fn graph_of_embedded_files() {
        static FILES: &[EmbeddedFile] = &[EmbeddedFile {
            path: "migrations/20260728093000_init.sql",
            text: INIT,
        }];
        let graph = EmbeddedMigrations::new(FILES).graph().expect("parses");
        assert_eq!(graph.heads().len(), 1);
    }

    #[test]
    fn a_malformed_file_names_its_path() {
        static FILES: &[EmbeddedFile] = &[EmbeddedFile {
            path: "migrations/20260728093000_init.sql",
            text: "-- +petal up\nCREATE TABLE t (id int);\n",
        }];
        let error = EmbeddedMigrations::new(FILES).graph().unwrap_err();
        assert!(
            error
                .to_string()
                .contains("migrations/20260728093000_init.sql"),
            "{error}"
        );
    }
}
