//! `revision`, `merge` and `check`.

use std::collections::BTreeSet;

use chrono::Utc;
use petal_diff::{Change, Diff, Mode, Safety};
use petal_engine::Settings;
use petal_engine::autogen::{self, Baseline};
use petal_report::markdown::{Migrations, Summary};
use serde_json::json;
use similar::TextDiff;

use crate::cli::Format;
use crate::commands::report::{Compared, Output};
use crate::failure::Failure;
use crate::output::{Style, print_json};

pub async fn revision(
    settings: &Settings,
    message: Option<String>,
    autogenerate: bool,
    from_migrations: bool,
    style: Style,
) -> Result<(), Failure> {
    let message = message.unwrap_or_default();
    let baseline = match (autogenerate, from_migrations) {
        (false, _) => None,
        (true, false) => Some(Baseline::Database),
        (true, true) => Some(Baseline::Migrations),
    };
    match autogen::revision(settings, &message, baseline, Utc::now()).await? {
        None => {
            let against = if from_migrations {
                "the migrations"
            } else {
                "the database"
            };
            println!("no changes: the models and {against} agree; nothing written");
            Ok(())
        }
        Some(written) => {
            for warning in &written.warnings {
                eprintln!("{} {warning}", style.yellow("warning:"));
            }
            summarize(&written.diff, written.mode, style);
            println!("wrote {}", written.path.display());
            if autogenerate {
                // The line the pull-request report opens with.
                let labels = petal_diff::change_labels(&written.diff, written.mode);
                println!("{}", Summary::of(&labels));
            }
            if !autogenerate {
                println!("(empty: fill in the up and down sections)");
            }
            Ok(())
        }
    }
}

/// The changes, destructive ones first, so they cannot be missed; the
/// objects only moved out of another change's way and put back are
/// counted on one line (unless moving them risks something: then each
/// step has its own).
fn summarize(diff: &Diff, mode: Mode, style: Style) {
    let moved = |c: &Change| matches!(c, Change::MoveAside(_) | Change::PutBack(_));
    let labels = petal_diff::change_labels(diff, mode);
    let mut lines: Vec<(Safety, String)> = diff
        .changes
        .iter()
        .zip(labels)
        .filter(|(c, (safety, _))| !moved(c) || *safety != Safety::Safe)
        .map(|(c, (safety, impacts))| {
            let mut text = c.description();
            for line in impacts.iter().filter_map(|impact| impact.line()) {
                text.push_str(&format!("\n      {line}"));
            }
            (safety, text)
        })
        .collect();
    let recreated: BTreeSet<String> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::MoveAside(m) => Some(m.object.key().to_string()),
            _ => None,
        })
        .collect();
    if !recreated.is_empty() {
        let list: Vec<&str> = recreated.iter().map(String::as_str).collect();
        lines.push((
            Safety::Safe,
            format!(
                "recreated around other changes ({}): {}",
                recreated.len(),
                list.join(", ")
            ),
        ));
    }
    lines.sort_by_key(|line| std::cmp::Reverse(line.0));
    for (safety, text) in &lines {
        match safety {
            Safety::Destructive => println!("  {} {text}", style.red("destructive:")),
            Safety::Breaking => println!("  {} {text}", style.red("breaks:")),
            Safety::Locks => println!("  {} {text}", style.yellow("locks:")),
            Safety::Safe => println!("  {text}"),
        }
    }
    for warning in &diff.warnings {
        println!("  {} {warning}", style.yellow("warning:"));
    }
}

pub fn merge(settings: &Settings, message: Option<String>) -> Result<(), Failure> {
    let message = message.unwrap_or_else(|| "merge heads".to_string());
    let written = autogen::merge(settings, &message, Utc::now())?;
    println!("wrote {}", written.path.display());
    Ok(())
}

pub async fn check(
    settings: &Settings,
    migrations: bool,
    output: Output,
    style: Style,
) -> Result<(), Failure> {
    let format = output.format;
    let baseline = if migrations {
        Baseline::Migrations
    } else {
        Baseline::Database
    };
    let against = if migrations {
        "the migrations"
    } else {
        "the database"
    };
    let report = petal_engine::check::check(settings, baseline).await?;
    for warning in &report.warnings {
        eprintln!("{} {warning}", style.yellow("warning:"));
    }
    if format == Format::Markdown {
        let baseline = if migrations { "migrations" } else { "database" };
        let text = crate::commands::report::markdown(&Compared {
            from: baseline.to_string(),
            to: "models".to_string(),
            diff: &report.diff,
            mode: report.mode,
            warnings: report
                .warnings
                .iter()
                .cloned()
                .chain(report.diff.warnings.iter().map(ToString::to_string))
                .collect(),
            before: &report.before,
            after: &report.after,
            migrations: if migrations {
                crate::commands::report::all_files(settings)?
            } else {
                Migrations::None
            },
            full_command: format!(
                "petal check{}",
                if migrations { " --migrations" } else { "" }
            ),
        });
        output.write(&text)?;
    } else if format == Format::Json {
        print_json(&json!({
            "agrees": report.agrees(),
            "against": if migrations { "migrations" } else { "database" },
            "changes": report.diff.changes,
            "steps": petal_diff::render_diff_as(&report.diff, report.mode),
            "warnings": report.diff.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        }))?;
    } else if report.agrees() {
        println!("{} the models and {against} agree", style.green("ok:"));
    } else {
        println!(
            "{} the models and {against} differ ({} change(s) needed)\n",
            style.red("drift:"),
            report.diff.changes.len()
        );
        let text = TextDiff::from_lines(&report.actual, &report.expected);
        let unified = text
            .unified_diff()
            .context_radius(2)
            .header(against, "the models")
            .to_string();
        for line in unified.lines() {
            if line.starts_with('+') && !line.starts_with("+++") {
                println!("{}", style.green(line));
            } else if line.starts_with('-') && !line.starts_with("---") {
                println!("{}", style.red(line));
            } else {
                println!("{line}");
            }
        }
        println!("\nchanges a new revision would hold:");
        summarize(&report.diff, report.mode, style);
        println!("\nrun `petal revision --autogenerate -m \"...\"` to write them");
    }
    if report.agrees() {
        Ok(())
    } else {
        Err(Failure::differences())
    }
}
