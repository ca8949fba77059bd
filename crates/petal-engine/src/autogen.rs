//! `petal revision [--autogenerate]` and `petal merge`: writing new
//! migration files.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use petal_diff::Diff;
use petal_migrate::{NewMigration, NotAtHead, RevisionGraph, RevisionId, new_revision_id, write};

use crate::compare::{Allowance, allowance_text, compare, version_warning};
use crate::error::{EngineError, Refusal};
use crate::migrate::{applied_revisions, load_graph, read_log_and_journal};
use crate::settings::Settings;
use crate::sources::{read_database, replay_migrations};

/// What `revision` wrote.
#[derive(Debug)]
pub struct Written {
    pub path: PathBuf,
    pub revision: RevisionId,
    /// The diff it holds (empty for a blank revision).
    pub diff: Diff,
    /// Things the user should know (a dev server of another version).
    pub warnings: Vec<String>,
    /// How its statements are written.
    pub mode: petal_diff::Mode,
}

/// Where the current schema comes from, for autogenerate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// The target database, which must be at head.
    Database,
    /// The migrations replayed on a scratch database.
    Migrations,
}

/// Writes a revision whose parent is the current head. With `autogenerate`,
/// it holds the diff from the baseline to the models; `Ok(None)` when there
/// is no difference (nothing is written).
pub async fn revision(
    settings: &Settings,
    message: &str,
    autogenerate: Option<Baseline>,
    now: DateTime<Utc>,
) -> Result<Option<Written>, EngineError> {
    let graph = load_graph(settings)?;
    let parents = single_head(&graph)?;
    let mut warnings = Vec::new();
    // The server the diff was taken against: the online recipes are its.
    let mut server_version_num = 0;
    let mut target = None;
    let diff = match autogenerate {
        None => Diff::default(),
        Some(baseline) => {
            let baseline_schema = async {
                match baseline {
                    Baseline::Database => {
                        ensure_at_head(settings, &graph).await?;
                        let cfg = settings.target().await?;
                        let read = read_database(&cfg, settings).await;
                        target = Some(cfg);
                        read
                    }
                    Baseline::Migrations => replay_migrations(settings).await,
                }
            };
            let (current, canonical) =
                tokio::try_join!(baseline_schema, crate::canonical::models(settings))?;
            warnings.extend(version_warning(
                current.server_version_num,
                Some(canonical.server_version_num),
            ));
            server_version_num = current
                .server_version_num
                .unwrap_or(canonical.server_version_num);
            let mut desired = canonical.database;
            // Reprinted on the database, or against the migrations on the
            // models' canonical copy: both hold the tables.
            if let Some(server) = target.as_ref().or(canonical.copy.as_ref()) {
                crate::respell::spell_expressions_alike(&current.database, &mut desired, server)
                    .await?;
            }
            let diff = compare(settings, &current.database, &desired);
            if diff.is_empty() {
                return Ok(None);
            }
            warnings.extend(refuse_unrunnable(
                &current,
                &desired,
                &diff,
                &settings.recreate_with_rows,
            )?);
            if let Some(target) = &target {
                warnings.extend(crate::policy_roles::missing(target, &diff).await?);
            }
            diff
        }
    };
    let draft = Draft {
        message,
        diff,
        server_version_num,
        warnings,
    };
    write_revision(settings, &graph, parents, draft, now).map(Some)
}

/// Writes a revision from the migrations to `desired`, a schema already
/// in canonical form (read from a database, as `petal init
/// --from-database` reads the one it adopts), without canonicalizing the
/// models: `desired` stands for them. `Ok(None)` when there is no
/// difference.
pub async fn revision_to(
    settings: &Settings,
    message: &str,
    desired: &crate::sources::Loaded,
    now: DateTime<Utc>,
) -> Result<Option<Written>, EngineError> {
    let graph = load_graph(settings)?;
    let parents = single_head(&graph)?;
    let current = replay_migrations(settings).await?;
    let mut warnings = Vec::new();
    // Nothing was canonicalized: the dev server (which replayed the
    // migrations, and canonicalizes the models from now on) is what may
    // differ.
    if let (Some(target), Some(dev)) = (desired.server_version_num, current.server_version_num)
        && target / 10_000 != dev / 10_000
    {
        warnings.push(format!(
            "the dev server runs PostgreSQL {} and the database PostgreSQL {}: `petal check` \
             canonicalizes the models there, and expressions can print differently between \
             versions; set dev_url to a server of version {} for an exact comparison",
            dev / 10_000,
            target / 10_000,
            target / 10_000
        ));
    }
    let diff = compare(settings, &current.database, &desired.database);
    if diff.is_empty() {
        return Ok(None);
    }
    warnings.extend(refuse_unrunnable(
        &current,
        &desired.database,
        &diff,
        &settings.recreate_with_rows,
    )?);
    let draft = Draft {
        message,
        server_version_num: current.server_version_num.unwrap_or_default(),
        diff,
        warnings,
    };
    write_revision(settings, &graph, parents, draft, now).map(Some)
}

/// Refuses a diff PostgreSQL cannot run from `current`: a table turned
/// partitioned or back, a partition key column retyped, a drop under an
/// object petal does not model. A down PostgreSQL would refuse, where the
/// up runs, is a warning (an enum label added under a partition key: its
/// down recreates the enum type).
fn refuse_unrunnable(
    current: &crate::sources::Loaded,
    desired: &petal_ir::Database,
    diff: &Diff,
    with_rows: &std::collections::BTreeSet<petal_ir::QualifiedName>,
) -> Result<Vec<String>, EngineError> {
    let mut warnings = Vec::new();
    let mut blocked = std::collections::BTreeMap::new();
    for allowance in crate::compare::allowances(&current.database, desired, diff, with_rows) {
        match allowance {
            Allowance::Unknown(name) => {
                return Err(EngineError::Config(allowance_text(&Allowance::Unknown(
                    name,
                ))));
            }
            idle @ Allowance::Idle(_) => warnings.push(allowance_text(&idle)),
            Allowance::Blocked(name, why) => {
                blocked.insert(name, why);
            }
        }
    }
    let recreated = petal_diff::recreated_tables(&diff.changes);
    if !recreated.is_empty() {
        let tables = recreated
            .into_iter()
            .map(|(name, line)| match blocked.get(&name) {
                Some(why) => format!("{line}; --allow-recreate cannot copy its rows: {why}"),
                None => line,
            })
            .collect();
        return Err(Refusal::Repartitioned { tables }.into());
    }
    let columns = petal_diff::partition_key_retypes(&current.database, desired, &diff.changes);
    if !columns.is_empty() {
        return Err(Refusal::PartitionKeyRetyped { columns }.into());
    }
    let columns = petal_diff::inherited_column_conflicts(&current.database, desired, &diff.changes);
    if !columns.is_empty() {
        return Err(Refusal::InheritedColumns { columns }.into());
    }
    // The down's changes keep the up's names: the same two sides.
    let mut down = petal_diff::partition_key_retypes(&current.database, desired, &diff.down());
    down.sort();
    down.dedup();
    let blocked = crate::unmodelled::blocked(&current.not_compared, diff);
    if !blocked.is_empty() {
        return Err(Refusal::UnmodelledDependents { blocked }.into());
    }
    let inherited =
        petal_diff::inherited_column_conflicts(desired, &current.database, &diff.down());
    Ok(warnings
        .into_iter()
        .chain(down.into_iter()
        .map(|column| {
            format!(
                "the down cannot run: PostgreSQL cannot change the type of a column in a \
                 partition key ({column}); write that part of the down by hand before rolling \
                 back"
            )
        })
        .chain(inherited.into_iter().map(|column| {
            format!(
                "the down cannot run as written: {column}; write that part of the down by hand \
                 before rolling back"
            )
        })))
        .collect())
}

/// What a revision file is written from.
struct Draft<'a> {
    message: &'a str,
    diff: Diff,
    /// The server the diff was taken against: the online recipes are its.
    server_version_num: i32,
    warnings: Vec<String>,
}

/// Writes `draft` as the next revision after `parents`.
fn write_revision(
    settings: &Settings,
    graph: &RevisionGraph,
    parents: Vec<RevisionId>,
    draft: Draft<'_>,
    now: DateTime<Utc>,
) -> Result<Written, EngineError> {
    let Draft {
        message,
        diff,
        server_version_num,
        mut warnings,
    } = draft;
    let revision = new_revision_id(now, graph.topological_order());
    let mode = settings.mode(server_version_num);
    let down = diff.down();
    let requires_server = mode
        .requires_server(&diff.changes)
        .max(mode.requires_server(&down));
    warnings.extend(older_server_warning(
        server_version_num,
        &diff.changes,
        &down,
    ));
    let up = generated_steps(&petal_diff::render_diff_as(&diff, mode));
    let down_unpaired = up.iter().filter(|step| !step.is_empty()).count() > 1;
    let file = NewMigration {
        revision: revision.clone(),
        parents,
        message: message.to_string(),
        requires_server,
        no_transaction: false,
        up,
        down: generated_steps(&petal_diff::render_down_as(&diff, mode)),
        // A generated down undoes the whole revision: its steps are the
        // inverse changes' own, not the up's undone one by one.
        down_unpaired,
    };
    let path = write_new(&settings.migrations_dir, &file)?;
    Ok(Written {
        path,
        revision,
        diff,
        warnings,
        mode,
    })
}

/// A warning when what the up or the down creates needs a newer server
/// than the one the diff was taken against (a function with a `BEGIN
/// ATOMIC` body declared for a database on 13, say): the file says so in
/// its header, and `upgrade` refuses it there before anything runs.
fn older_server_warning(
    server_version_num: i32,
    up: &[petal_diff::Change],
    down: &[petal_diff::Change],
) -> Option<String> {
    let major = u32::try_from(server_version_num / 10_000).ok()?;
    if major == 0 {
        return None;
    }
    let mut needs: Vec<petal_diff::Requirement> = petal_diff::requirements(up)
        .into_iter()
        .chain(petal_diff::requirements(down))
        .filter(|r| r.major > major)
        .collect();
    needs.sort();
    needs.dedup();
    let newest = needs.iter().map(|r| r.major).max()?;
    let list: Vec<String> = needs
        .iter()
        .map(|r| format!("{} ({}, PostgreSQL {})", r.object, r.what, r.major))
        .collect();
    Some(format!(
        "the migration needs PostgreSQL {newest}, and the database it was diffed against runs \
         {major}: {}; `petal upgrade` refuses it on a server older than {newest}",
        list.join(", ")
    ))
}

/// `petal merge`: a revision joining every head, running nothing.
pub fn merge(
    settings: &Settings,
    message: &str,
    now: DateTime<Utc>,
) -> Result<Written, EngineError> {
    let graph = load_graph(settings)?;
    let heads: Vec<RevisionId> = graph.heads().into_iter().cloned().collect();
    if heads.len() < 2 {
        return Err(Refusal::NothingToMerge { heads: heads.len() }.into());
    }
    let revision = new_revision_id(now, graph.topological_order());
    let file = NewMigration::merge(revision.clone(), heads, message);
    let path = write_new(&settings.migrations_dir, &file)?;
    Ok(Written {
        path,
        revision,
        diff: Diff::default(),
        warnings: Vec::new(),
        mode: petal_diff::Mode::Plain,
    })
}

fn single_head(graph: &RevisionGraph) -> Result<Vec<RevisionId>, EngineError> {
    let heads = graph.heads();
    if heads.len() > 1 {
        let heads = heads.iter().map(|h| h.to_string()).collect();
        return Err(Refusal::SeveralHeads { heads }.into());
    }
    Ok(heads.into_iter().cloned().collect())
}

/// Like Alembic, autogenerate refuses a database that is not at head: its
/// diff would repeat what the pending migrations already do.
pub(crate) async fn ensure_at_head(
    settings: &Settings,
    graph: &RevisionGraph,
) -> Result<(), EngineError> {
    let (rows, journal) = read_log_and_journal(settings).await?;
    let applied = applied_revisions(&rows)?;
    if let Some((revision, progress)) = journal.partial(&applied).first() {
        return Err(Refusal::StoppedBetweenSteps {
            revision: revision.to_string(),
            progress: progress.describe(),
        }
        .into());
    }
    match petal_migrate::at_head(graph, &applied) {
        Ok(()) => Ok(()),
        Err(NotAtHead::Unknown(missing)) => Err(Refusal::UnknownApplied {
            missing: missing.iter().map(RevisionId::to_string).collect(),
            dir: settings.migrations_dir.clone(),
        }
        .into()),
        Err(NotAtHead::Pending(_)) => Err(Refusal::NotAtHead.into()),
    }
}

fn write_new(dir: &Path, file: &NewMigration) -> Result<PathBuf, EngineError> {
    let io = |action, path: &Path| {
        let path = path.to_path_buf();
        move |source| EngineError::Io {
            action,
            path,
            source,
        }
    };
    std::fs::create_dir_all(dir).map_err(io("create", dir))?;
    let path = dir.join(file.file_name());
    let text = write(file);
    // create_new: never overwrite, even if a file appeared since we looked.
    let mut handle = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(io("create", &path))?;
    std::io::Write::write_all(&mut handle, text.as_bytes()).map_err(io("write", &path))?;
    Ok(path)
}

/// Rendered steps as migration statements, under the review comments
/// petal-diff writes for them.
pub fn generated_steps(steps: &[petal_diff::ReviewedStep]) -> Vec<petal_migrate::Step> {
    steps
        .iter()
        .map(|step| petal_migrate::Step {
            no_transaction: step.no_transaction,
            ..step.annotated().into_iter().collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::older_server_warning;
    use petal_diff::{Change, Object};

    fn view(security_invoker: bool) -> Change {
        let view = serde_json::from_value(serde_json::json!({
            "name": {"schema": "app", "name": "order_notes"},
            "definition": " SELECT 1;",
            "columns": [],
            "security_invoker": security_invoker,
        }))
        .expect("a view");
        Change::Create(Object::View { view })
    }

    #[test]
    fn a_migration_for_an_older_server_than_it_needs_is_said() {
        let up = [view(true)];
        let warning = older_server_warning(140_009, &up, &[]).expect("a warning");
        assert!(
            warning.contains("needs PostgreSQL 15")
                && warning.contains("runs 14")
                && warning.contains("view app.order_notes (the option security_invoker"),
            "{warning}"
        );
        // The down's creations count too.
        assert!(older_server_warning(140_009, &[], &up).is_some());
        assert_eq!(older_server_warning(150_000, &up, &up), None);
        assert_eq!(older_server_warning(140_009, &[view(false)], &[]), None);
    }
}
