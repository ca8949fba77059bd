//! `petal check`: do the models and the database (or the migrations) agree?

use petal_diff::Diff;

use crate::autogen::Baseline;
use crate::compare::{scoped, version_warning};
use crate::error::{EngineError, Refusal};
use crate::migrate::load_graph;
use crate::settings::Settings;
use crate::sources::{read_database, replay_migrations};

/// The outcome of a check: the changes a new revision would hold, and both
/// schemas as text for a readable drift view.
#[derive(Debug)]
pub struct CheckReport {
    pub diff: Diff,
    /// The baseline (database or migrations), as the IR's text dump.
    pub actual: String,
    /// The models, canonicalized, as the IR's text dump, each table's
    /// columns in the baseline's order (order is no change petal makes).
    pub expected: String,
    /// Things the user should know that do not change the verdict.
    pub warnings: Vec<String>,
    /// How a revision of the changes would be written (the project's
    /// mode, for the baseline's server).
    pub mode: petal_diff::Mode,
    /// The baseline's schema and the models', as compared (for the
    /// report's diagram).
    pub before: petal_ir::Database,
    pub after: petal_ir::Database,
}

impl CheckReport {
    pub fn agrees(&self) -> bool {
        self.diff.is_empty()
    }
}

pub async fn check(settings: &Settings, baseline: Baseline) -> Result<CheckReport, EngineError> {
    let graph = load_graph(settings)?;
    let heads = graph.heads();
    if heads.len() > 1 {
        let heads = heads.iter().map(|h| h.to_string()).collect();
        return Err(Refusal::SeveralHeads { heads }.into());
    }
    // A database behind head (or ahead of the files) differs from the
    // models by what is pending: say that, and how to resolve it, rather
    // than a drift and advice to autogenerate, which would refuse.
    if baseline == Baseline::Database {
        crate::autogen::ensure_at_head(settings, &graph).await?;
    }
    // The baseline and the models are read at the same time: one on the
    // target, the other on the dev server.
    let target = match baseline {
        Baseline::Database => Some(settings.target().await?),
        Baseline::Migrations => None,
    };
    let baseline_schema = async {
        match &target {
            Some(target) => read_database(target, settings).await,
            None => replay_migrations(settings).await,
        }
    };
    let (current, canonical) =
        tokio::try_join!(baseline_schema, crate::canonical::models(settings))?;
    let mut warnings: Vec<String> = version_warning(
        current.server_version_num,
        Some(canonical.server_version_num),
    )
    .into_iter()
    .collect();
    let mode = settings.mode(
        current
            .server_version_num
            .unwrap_or(canonical.server_version_num),
    );
    let mut desired = canonical.database;
    // Reprinted on the database, or against the migrations on the models'
    // canonical copy: both hold the tables.
    if let Some(server) = target.as_ref().or(canonical.copy.as_ref()) {
        crate::respell::spell_expressions_alike(&current.database, &mut desired, server).await?;
    }
    let (actual, expected) = scoped(settings, &current.database, &desired);
    let diff = petal_diff::diff(&actual, &expected);
    // A role the models' policies or grants name that the database's
    // cluster lacks fails the upgrade: said now, not found then.
    if let Some(target) = &target {
        warnings.extend(crate::policy_roles::missing(target, &diff).await?);
    }
    let mut shown = expected.clone();
    petal_ir::align_columns(&mut shown, &actual);
    // The models name no partition's copy of an index: not compared, so
    // not shown either.
    let mut printed = actual.clone();
    if !expected.names_index_copies() {
        printed.clear_index_copies();
    }
    Ok(CheckReport {
        diff,
        actual: petal_ir::dump(&printed),
        expected: petal_ir::dump(&shown.without_hints()),
        warnings,
        mode,
        before: actual,
        after: expected,
    })
}
