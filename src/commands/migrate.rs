//! `upgrade`, `downgrade`, `stamp` and the read-only views of the revision
//! log: `current`, `history`, `heads`, `status`.

use std::collections::BTreeSet;
use std::io::Write;

use std::time::Duration;

use petal_engine::migrate::{self, Event, Operation, RunSettings};
use petal_engine::runner::{StepEvent, listen_for_signals};
use petal_engine::{EngineError, Settings};
use petal_migrate::{Direction, PlanOptions, RevisionGraph, RevisionId, RevisionState};
use serde_json::json;

use crate::cli::Format;
use crate::failure::{ErrorKind, Failure};
use crate::output::{Style, print_json};

pub async fn run(
    settings: &Settings,
    operation: Operation,
    target: &str,
    options: PlanOptions,
    lock_wait: Option<Duration>,
    format: Format,
    style: Style,
) -> Result<(), Failure> {
    let how = RunSettings {
        lock_wait: lock_wait.unwrap_or(migrate::LOCK_WAIT),
        policy: settings.step_policy,
        interrupt: listen_for_signals(),
    };
    // Standard output holds nothing but JSON with `--format json` (an error
    // object, if it fails): the progress goes to standard error then.
    let mut out: Box<dyn Write> = match format {
        Format::Text
        | Format::Rust
        | Format::Markdown
        | Format::Mermaid
        | Format::Dot
        | Format::Svg => Box::new(std::io::stdout()),
        Format::Json => Box::new(std::io::stderr()),
    };
    // Whether a migration's "applying ... " line waits for its outcome: an
    // error before any migration started gets no dangling "failed".
    let mut line_open = false;
    // Who the run was last said to wait for: a word when the wait begins
    // and when another run takes the lock over, not every second.
    let mut waiting_for = None;
    let mut on_event = |event: Event<'_>| match event {
        Event::WaitingForLock(waiting) => {
            if waiting_for != Some(waiting.holder.pid()) {
                waiting_for = Some(waiting.holder.pid());
                let _ = writeln!(out, "waiting for the migration lock, {}", waiting.holder);
            }
        }
        Event::Started(step) => {
            line_open = true;
            let verb = match (operation, step.direction) {
                (Operation::Stamp | Operation::StampPurged, Direction::Up) => "stamping",
                (Operation::Stamp | Operation::StampPurged, Direction::Down) => "unstamping",
                (_, Direction::Up) => "applying",
                (_, Direction::Down) => "reverting",
            };
            let _ = write!(
                out,
                "{verb} {} {} ... ",
                step.revision.as_str(),
                step.file.message
            );
            let _ = out.flush();
        }
        Event::Step(StepEvent::Resumed { committed, of, .. }) => {
            let _ = write!(out, "(resuming after {committed} of {of} committed steps) ");
            let _ = out.flush();
        }
        Event::Step(StepEvent::LockTimeout {
            step,
            attempt,
            attempts,
            pause,
            ..
        }) => {
            let _ = write!(
                out,
                "\n  step {step} waited longer than lock_timeout for a lock and was rolled back; \
                 trying again in {} ms (attempt {} of {attempts}) ... ",
                pause.as_millis(),
                attempt + 1
            );
            let _ = out.flush();
        }
        Event::Finished(_, elapsed) => {
            line_open = false;
            let _ = writeln!(out, "{} ({} ms)", style.green("ok"), elapsed.as_millis());
        }
        Event::DownChanged { revision, path } => {
            let _ = writeln!(
                out,
                "note: the down of {} ({path}) changed since it was applied, its up did not; \
                 recorded: a downgrade runs it as it is now",
                revision.as_str()
            );
        }
    };
    let plan = migrate::run(settings, operation, target, options, &how, &mut on_event).await;
    let plan = match plan {
        Ok(plan) => plan,
        Err(e) => {
            if line_open {
                let word = if migrate::stopped_by(&e).is_some() {
                    "stopped"
                } else {
                    "failed"
                };
                let _ = writeln!(out, "{}", style.red(word));
            }
            return Err(e.into());
        }
    };
    if plan.is_empty() {
        let _ = writeln!(out, "nothing to do: the database is already at {target}");
    }
    Ok(())
}

pub fn sql(settings: &Settings, target: &str, direction: Direction) -> Result<(), Failure> {
    let script = migrate::offline_sql(settings, target, direction)?;
    print!("{script}");
    Ok(())
}

/// `stamp --sql`: the log's rows the stamp writes, as a script.
pub fn stamp_sql(settings: &Settings, target: &str) -> Result<(), Failure> {
    print!("{}", migrate::offline_stamp_sql(settings, target)?);
    Ok(())
}

pub async fn current(settings: &Settings, verbose: bool, format: Format) -> Result<(), Failure> {
    let graph = migrate::load_graph(settings)?;
    let (rows, journal) = migrate::read_log_and_journal(settings).await?;
    let current = migrate::current_revisions(&graph, &rows)?;
    let partial = journal.partial(&migrate::applied_revisions(&rows)?);
    if format == Format::Json {
        let partial: Vec<_> = partial
            .iter()
            .map(|(rev, progress)| {
                json!({
                    "revision": rev.as_str(),
                    "direction": progress.direction,
                    "steps_committed": progress.committed,
                    "steps": progress.of,
                })
            })
            .collect();
        let list: Vec<_> = current
            .iter()
            .map(|rev| {
                let row = rows.iter().find(|row| row.revision == rev.as_str());
                json!({
                    "revision": rev.as_str(),
                    "parents": row.map(|r| r.parents.split_whitespace().collect::<Vec<_>>()),
                    "message": row.map(|r| r.message.clone()),
                    "path": graph.get(rev).map(|f| f.path()),
                    "head": graph.heads().contains(&rev),
                    "applied_at": row.map(|r| r.applied_at.clone()),
                })
            })
            .collect();
        let ids: Vec<&str> = current.iter().map(|r| r.as_str()).collect();
        if verbose {
            return print_json(&json!({ "current": ids, "partial": partial, "revisions": list }));
        }
        return print_json(&json!({ "current": ids, "partial": partial }));
    }
    if current.is_empty() {
        println!("base (no revision applied)");
    }
    for rev in &current {
        let is_head = graph.heads().contains(&rev);
        let row = rows.iter().find(|row| row.revision == rev.as_str());
        let message = match graph.get(rev) {
            Some(file) => file.message.clone(),
            None => {
                let message = row.map_or("", |row| row.message.as_str());
                format!("{message} (file missing)").trim_start().to_string()
            }
        };
        println!(
            "{} {message}{}",
            rev.as_str(),
            if is_head { " (head)" } else { "" }
        );
        if verbose {
            if let Some(row) = row {
                let parents = if row.parents.is_empty() {
                    "<base>"
                } else {
                    row.parents.as_str()
                };
                println!("    parents: {parents}");
                println!("    applied at: {}", row.applied_at);
                println!("    checksum: {}", row.checksum);
            }
            match graph.get(rev) {
                Some(file) => println!("    path: {}", file.path()),
                None => println!("    path: none (no migration file holds it)"),
            }
        }
    }
    for (rev, progress) in &partial {
        let message = graph.get(rev).map_or("", |f| f.message.as_str());
        let what = match progress.direction {
            Direction::Up => "partly applied",
            Direction::Down => "partly reverted",
        };
        println!(
            "{} {message} ({what}: {})",
            rev.as_str(),
            progress.describe()
        );
    }
    Ok(())
}

pub fn heads(settings: &Settings, format: Format) -> Result<(), Failure> {
    let graph = migrate::load_graph(settings)?;
    let heads = graph.heads();
    if format == Format::Json {
        let ids: Vec<&str> = heads.iter().map(|r| r.as_str()).collect();
        return print_json(&json!({ "heads": ids }));
    }
    if heads.is_empty() {
        println!("no revisions yet");
    }
    for rev in &heads {
        let message = graph.get(rev).map(|f| f.message.as_str()).unwrap_or("");
        println!("{} {message}", rev.as_str());
    }
    if heads.len() > 1 {
        println!("{} heads: join them with `petal merge`", heads.len());
    }
    Ok(())
}

/// What `history` shows: `-v`, `-r A:B`, `-i`.
pub struct HistoryView {
    pub verbose: bool,
    pub range: Option<String>,
    pub indicate_current: bool,
}

pub async fn history(
    settings: &Settings,
    view: HistoryView,
    format: Format,
) -> Result<(), Failure> {
    let graph = migrate::load_graph(settings)?;
    let verbose = view.verbose;
    // History works without a database; applied marks are shown when one
    // answers. Marking the current revisions needs it.
    let rows = if view.indicate_current {
        migrate::read_log(settings).await?
    } else {
        migrate::read_log_if_running(settings)
            .await
            .unwrap_or_default()
    };
    let current: Vec<RevisionId> = if view.indicate_current {
        migrate::current_revisions(&graph, &rows)?
    } else {
        Vec::new()
    };
    let shown = match &view.range {
        Some(range) => Some(in_range(&graph, range)?),
        None => None,
    };
    let heads = graph.heads();
    let mut entries = Vec::new();
    for rev in graph.topological_order().iter().rev() {
        let Some(file) = graph.get(rev) else { continue };
        if shown.as_ref().is_some_and(|s| !s.contains(rev)) {
            continue;
        }
        let applied = rows.iter().find(|r| r.revision == rev.as_str());
        entries.push((rev, file, applied));
    }
    if format == Format::Json {
        let list: Vec<_> = entries
            .iter()
            .map(|(rev, file, applied)| {
                json!({
                    "revision": rev.as_str(),
                    "parents": file.parents.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                    "message": file.message,
                    "path": file.path(),
                    "checksum": file.checksum.as_str(),
                    "head": heads.contains(rev),
                    "current": view.indicate_current.then(|| current.contains(rev)),
                    "applied_at": applied.map(|a| a.applied_at.clone()),
                })
            })
            .collect();
        return print_json(&json!({ "history": list }));
    }
    for (rev, file, applied) in entries {
        let parents: Vec<&str> = file.parents.iter().map(|p| p.as_str()).collect();
        let from = if parents.is_empty() {
            "<base>".to_string()
        } else {
            parents.join(", ")
        };
        let mut tags = Vec::new();
        if heads.contains(&rev) {
            tags.push("head".to_string());
        }
        if current.contains(rev) {
            tags.push("current".to_string());
        }
        if file.is_merge() {
            tags.push("merge".to_string());
        }
        if let Some(a) = applied {
            tags.push(format!("applied {}", a.applied_at));
        }
        let tags = if tags.is_empty() {
            String::new()
        } else {
            format!(" ({})", tags.join(", "))
        };
        println!("{from} -> {}{tags}, {}", rev.as_str(), file.message);
        if verbose {
            println!("    path: {}", file.path());
            println!("    checksum: {}", file.checksum.as_str());
        }
    }
    Ok(())
}

/// The revisions of `A:B` (`graph.between`); an empty end is open.
fn in_range(graph: &RevisionGraph, range: &str) -> Result<BTreeSet<RevisionId>, Failure> {
    let Some((from, to)) = range.split_once(':') else {
        return Err(Failure::error(
            ErrorKind::Config,
            format!("-r takes a range A:B (either end may be empty), not `{range}`"),
        ));
    };
    let point = |text: &str| -> Result<Option<RevisionId>, Failure> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        Ok(petal_migrate::revision_at(graph, text).map_err(EngineError::from)?)
    };
    let (from, to) = (point(from)?, point(to)?);
    let between = graph.between(from.as_ref(), to.as_ref());
    if between.is_empty() && !graph.is_empty() {
        return Err(Failure::error(
            ErrorKind::Plan,
            format!(
                "no revisions lie from {range}: the first end is not an ancestor of the second"
            ),
        ));
    }
    Ok(between.into_iter().collect())
}

pub async fn status(settings: &Settings, format: Format, style: Style) -> Result<(), Failure> {
    let graph = migrate::load_graph(settings)?;
    let (rows, journal) = migrate::read_log_and_journal(settings).await?;
    let applied = migrate::applied_with_journal(&rows, &journal)?;
    let list = petal_migrate::status(&graph, &applied, &journal);
    let state_name = |s: RevisionState| match s {
        RevisionState::Applied => "applied",
        RevisionState::Pending => "pending",
        RevisionState::Modified => "modified",
        RevisionState::DownChanged => "down changed",
        RevisionState::PartlyApplied => "partly applied",
        RevisionState::PartlyReverted => "partly reverted",
        RevisionState::MissingFile => "missing file",
    };
    if format == Format::Json {
        let items: Vec<_> = list
            .iter()
            .map(|s| {
                let mut item = json!({
                    "revision": s.revision.as_str(),
                    "state": state_name(s.state).replace(' ', "_"),
                    "path": s.path,
                    "message": graph.get(&s.revision).map(|f| f.message.clone()),
                });
                if let Some(progress) = s.progress {
                    item["steps_committed"] = json!(progress.committed);
                    item["steps"] = json!(progress.of);
                }
                item
            })
            .collect();
        // No early return: the exit code must not depend on the format.
        print_json(&json!({ "status": items }))?;
    } else {
        if list.is_empty() {
            println!("no revisions and nothing applied");
        }
        for s in &list {
            let name = state_name(s.state);
            let painted = match s.state {
                RevisionState::Applied => style.green(name),
                RevisionState::Pending | RevisionState::DownChanged => style.yellow(name),
                RevisionState::Modified
                | RevisionState::MissingFile
                | RevisionState::PartlyApplied
                | RevisionState::PartlyReverted => style.red(name),
            };
            let message = graph
                .get(&s.revision)
                .map(|f| f.message.as_str())
                .unwrap_or("");
            let progress = s
                .progress
                .map(|p| format!(" ({})", p.describe()))
                .unwrap_or_default();
            println!(
                "{:<15} {} {message}{progress}",
                painted,
                s.revision.as_str()
            );
        }
    }
    let count =
        |states: &[RevisionState]| list.iter().filter(|s| states.contains(&s.state)).count();
    let broken = count(&[RevisionState::Modified, RevisionState::MissingFile]);
    let partial = count(&[RevisionState::PartlyApplied, RevisionState::PartlyReverted]);
    let mut said = Vec::new();
    if broken > 0 {
        said.push(format!(
            "{broken} applied revision(s) modified or missing their file"
        ));
    }
    if partial > 0 {
        said.push(format!(
            "{partial} revision(s) stopped between steps: `petal upgrade` (or `petal downgrade`) \
             resumes after the committed ones"
        ));
    }
    if !said.is_empty() {
        let failure = Failure::error(ErrorKind::Plan, said.join("; "));
        // The status object (JSON) already says which.
        return Err(failure.after_output());
    }
    Ok(())
}
