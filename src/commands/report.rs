//! `--format markdown` of `check` and `diff`: the pull-request report
//! (`petal_report::markdown`) over what the command computed, written to
//! standard output or to `-o FILE`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use petal_diff::{Diff, Mode};
use petal_engine::Settings;
use petal_engine::sources::{Loaded, Source, replayed_revisions};
use petal_migrate::{RevisionGraph, RevisionId};
use petal_report::markdown::{self, Commands, MigrationEntry, Migrations};

use crate::cli::Format;
use crate::commands::schema::render_steps;
use crate::failure::{ErrorKind, Failure};

/// Where and how a command's answer goes: `--format`, and the file of
/// `-o`, which only the Markdown report is written to.
#[derive(Debug, Clone)]
pub struct Output {
    pub format: Format,
    pub file: Option<PathBuf>,
}

impl Output {
    pub fn new(format: Format, file: Option<PathBuf>) -> Result<Output, Failure> {
        if file.is_some() && format != Format::Markdown && !format.is_diagram() {
            return Err(Failure::error(
                ErrorKind::Config,
                "`-o FILE` writes the Markdown report or a diagram: add `--format markdown` \
                 (or `mermaid`, `dot`, `svg` with `petal diff`)",
            ));
        }
        Ok(Output { format, file })
    }

    /// The report on standard output, or in the file.
    pub fn write(&self, text: &str) -> Result<(), Failure> {
        match &self.file {
            None => {
                print!("{text}");
                Ok(())
            }
            Some(path) => std::fs::write(path, text).map_err(|e| {
                Failure::error(
                    ErrorKind::Io,
                    format!("cannot write the report to {}: {e}", path.display()),
                )
            }),
        }
    }
}

/// What a report is made of, as `check` or `diff` computed it.
pub struct Compared<'a> {
    pub from: String,
    pub to: String,
    pub diff: &'a Diff,
    pub mode: Mode,
    pub warnings: Vec<String>,
    pub before: &'a petal_ir::Database,
    pub after: &'a petal_ir::Database,
    pub migrations: Migrations,
    /// The command the report is of (`petal check --migrations`, `petal
    /// diff --from A --to B`): it lists every change and the warnings.
    pub full_command: String,
}

/// The Markdown report of a comparison: the diff's own labels and SQL,
/// written by the one statement writer `petal diff` prints with.
pub fn markdown(compared: &Compared<'_>) -> String {
    let diff = compared.diff;
    let labels = petal_diff::change_labels(diff, compared.mode);
    let up = render_steps(&petal_diff::render_diff_as(diff, compared.mode));
    let down = render_steps(&petal_diff::render_down_as(diff, compared.mode));
    // `from` and `to` name sources as `petal diff` takes them (`check`'s
    // are `migrations` or `database`, and `models`): its SQL, both ways.
    let commands = Commands::between(&compared.from, &compared.to, &compared.full_command);
    markdown::render(&markdown::Input {
        from: &compared.from,
        to: &compared.to,
        changes: &diff.changes,
        labels: &labels,
        warnings: &compared.warnings,
        up_sql: &up,
        down_sql: &down,
        before: compared.before,
        after: compared.after,
        migrations: &compared.migrations,
        commands: &commands,
    })
}

/// A source as a report names it: a URL without its password (the
/// connection settings redact it), the others as the user typed them.
pub fn source_label(source: &Source, loaded: &Loaded) -> String {
    match source {
        // The settings print the redacted password URL-encoded
        // (`%2A%2A%2A`): a reader reads `***`.
        Source::Url(_) => loaded.live.as_ref().map_or_else(
            || "a database".to_string(),
            |cfg| cfg.to_string().replace(":%2A%2A%2A@", ":***@"),
        ),
        Source::Database => "database".to_string(),
        Source::Models => "models".to_string(),
        Source::Migrations => "migrations".to_string(),
        Source::MigrationsAt(revision) => format!("migrations@{revision}"),
        Source::Empty => "empty".to_string(),
    }
}

/// The migration files a diff between two sources covers: between two
/// replays (or nothing and a replay), the files the `to` one runs that
/// the `from` one does not, and those it undoes (the `from` one runs them,
/// the `to` one not: going back, or to another branch); from a replay to
/// the models, the files the models are compared with; none otherwise.
pub fn covered(settings: &Settings, from: &Source, to: &Source) -> Result<Migrations, Failure> {
    let replay = |s: &Source| matches!(s, Source::Migrations | Source::MigrationsAt(_));
    if !replay(from) && !replay(to) {
        return Ok(Migrations::None);
    }
    let graph = petal_engine::migrate::load_graph(settings)?;
    let from_set = replayed_revisions(&graph, from)?;
    let to_set = replayed_revisions(&graph, to)?;
    Ok(match (from_set, to_set) {
        (Some(before), Some(after)) => {
            let runs: BTreeSet<RevisionId> = after.difference(&before).cloned().collect();
            let undoes: BTreeSet<RevisionId> = before.difference(&after).cloned().collect();
            Migrations::Making {
                runs: entries(&graph, &runs),
                undoes: entries(&graph, &undoes),
            }
        }
        (Some(replayed), None) if *to == Source::Models => {
            Migrations::ComparedWith(entries(&graph, &replayed))
        }
        _ => Migrations::None,
    })
}

/// Every migration file, for `check --migrations`, which replays them all
/// (the report shows the last few and folds the rest away).
pub fn all_files(settings: &Settings) -> Result<Migrations, Failure> {
    let graph = petal_engine::migrate::load_graph(settings)?;
    let all = graph.topological_order().iter().cloned().collect();
    Ok(Migrations::ComparedWith(entries(&graph, &all)))
}

/// `revisions`' files in the order they run.
fn entries(graph: &RevisionGraph, revisions: &BTreeSet<RevisionId>) -> Vec<MigrationEntry> {
    graph
        .topological_order()
        .iter()
        .filter(|id| revisions.contains(*id))
        .filter_map(|id| graph.get(id))
        .map(|file| MigrationEntry {
            file: std::path::Path::new(file.source.path())
                .file_name()
                .map_or_else(|| file.revision.to_string(), |n| n.to_string_lossy().into()),
            message: file.message.clone(),
        })
        .collect()
}
