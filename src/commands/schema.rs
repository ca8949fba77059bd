//! `inspect` and `diff`: looking at schemas from any source.

use std::collections::BTreeSet;

use petal_diff::ReviewedStep;
use petal_engine::Settings;
use petal_engine::compare::compare;
use petal_engine::sources::{self, Loaded, Source};
use petal_migrate::StepLayout;
use serde_json::json;

use crate::cli::Format;
use crate::commands::report::{self, Compared, Output, source_label};
use crate::failure::Failure;
use crate::output::print_json;

pub async fn inspect(
    settings: &Settings,
    source: &str,
    schemas: &[String],
    format: Format,
) -> Result<(), Failure> {
    let source = Source::parse(source)?;
    // `inspect models` shows the models as written: no database needed.
    let loaded = if source == Source::Models {
        Loaded {
            database: petal_engine::canonical::scan(settings)?.database,
            ..Loaded::default()
        }
    } else {
        sources::load(settings, &source).await?
    };
    let mut db = loaded.database.clone();
    if !schemas.is_empty() {
        db.retain_schemas(&schemas.iter().cloned().collect());
    }
    if format == Format::Rust {
        print_models(&db);
        return Ok(());
    }
    if format == Format::Json {
        let not_compared: Vec<_> = loaded
            .not_compared
            .iter()
            .map(|n| json!({ "kind": n.kind, "name": n.name }))
            .collect();
        return print_json(&json!({ "schema": db, "not_compared": not_compared }));
    }
    print!("{}", petal_ir::dump(&db));
    let not_compared: Vec<(&str, &str)> = loaded
        .not_compared
        .iter()
        .map(|n| (n.kind.as_str(), n.name.as_str()))
        .collect();
    print_not_compared(&not_compared);
    Ok(())
}

/// The tables and enum types of `db` as the model files `petal init
/// --from-database` writes, each after a line naming its path.
fn print_models(db: &petal_ir::Database) {
    let written = petal_engine::adopt::write_models(db);
    for (path, text) in &written.files {
        println!("// {}/{path}", petal_engine::adopt::MODELS_DIR);
        print!("{text}");
        println!();
    }
}

/// `(kind, name)` pairs, in the order given.
fn print_not_compared(not_compared: &[(&str, &str)]) {
    if not_compared.is_empty() {
        return;
    }
    println!("\n-- not compared (petal does not model these yet):");
    for (kind, name) in not_compared {
        println!("--   {kind} {name}");
    }
}

/// What either side holds that petal did not compare, each object once
/// (both sides usually hold the same ones), as `(kind, name)` sorted.
fn not_compared_of_both<'a>(from: &'a Loaded, to: &'a Loaded) -> Vec<(&'a str, &'a str)> {
    let both: BTreeSet<(&str, &str)> = from
        .not_compared
        .iter()
        .chain(&to.not_compared)
        .map(|n| (n.kind.as_str(), n.name.as_str()))
        .collect();
    both.into_iter().collect()
}

pub async fn diff(
    settings: &Settings,
    from: &str,
    to: &str,
    exit_code: bool,
    output: Output,
) -> Result<(), Failure> {
    let format = output.format;
    let from_source = Source::parse(from)?;
    let to_source = Source::parse(to)?;
    // Both sides at once: a live database and the models' canonicalization
    // run on different servers.
    let (mut from_loaded, mut to_loaded) = tokio::try_join!(
        sources::load(settings, &from_source),
        sources::load(settings, &to_source)
    )?;
    petal_engine::respell::spell_alike(&mut from_loaded, &mut to_loaded).await?;
    // Between two databases (a live one, the migrations replayed, or
    // nothing), columns keep the order they were made in: a rename shows
    // by its place. Models order their columns as the struct does.
    let inferred = if from_source != Source::Models && to_source != Source::Models {
        petal_diff::infer_renames(&from_loaded.database, &mut to_loaded.database)
    } else {
        Vec::new()
    };
    let compared = petal_engine::timings::phase("compare the two schemas");
    let mut diff = compare(settings, &from_loaded.database, &to_loaded.database);
    drop(compared);
    // Said on standard error, and in the JSON and Markdown a tool reads.
    let allowances: Vec<String> = petal_engine::compare::allowances(
        &from_loaded.database,
        &to_loaded.database,
        &diff,
        &settings.recreate_with_rows,
    )
    .iter()
    .map(petal_engine::compare::allowance_text)
    .collect();
    for allowance in &allowances {
        eprintln!("warning: {allowance}");
    }
    diff.warnings.splice(0..0, inferred);
    if let Some(warning) = version_warning((&from_source, &from_loaded), (&to_source, &to_loaded)) {
        eprintln!("warning: {warning}");
    }
    let not_compared = not_compared_of_both(&from_loaded, &to_loaded);
    let _printed = petal_engine::timings::phase("render and print the difference");
    if format.is_diagram() {
        // The report's picture: the changed tables and their neighbours,
        // marked; an empty diagram when no table changed.
        // A partition's marks go to the partitioned table it is drawn as.
        let marks = petal_report::markdown::folded(
            &petal_report::markdown::marks(&diff.changes),
            &from_loaded.database,
            &to_loaded.database,
        );
        let diagram =
            petal_report::markdown::of_change(&marks, &from_loaded.database, &to_loaded.database)
                .unwrap_or_default();
        crate::commands::erd::write_diagram(
            &diagram,
            &marks,
            crate::commands::erd::DiagramFormat::of(format),
            output.file.as_deref(),
        )?;
    } else if format == Format::Markdown {
        let (from_label, to_label) = (
            source_label(&from_source, &from_loaded),
            source_label(&to_source, &to_loaded),
        );
        let text = report::markdown(&Compared {
            full_command: format!("petal diff --from {from_label} --to {to_label}"),
            from: from_label,
            to: to_label,
            diff: &diff,
            mode: petal_diff::Mode::Plain,
            warnings: diff
                .warnings
                .iter()
                .map(ToString::to_string)
                .chain(allowances)
                .collect(),
            before: &from_loaded.database,
            after: &to_loaded.database,
            migrations: report::covered(settings, &from_source, &to_source)?,
        });
        output.write(&text)?;
    } else if format == Format::Json {
        print_json(&json!({
            "changes": diff.changes,
            "steps": petal_diff::render_diff_as(&diff, petal_diff::Mode::Plain),
            "warnings": diff.warnings.iter().map(|w| w.to_string()).chain(allowances)
                .collect::<Vec<_>>(),
            "not_compared": not_compared.iter()
                .map(|(kind, name)| json!({ "kind": kind, "name": name })).collect::<Vec<_>>(),
        }))?;
    } else {
        for warning in &diff.warnings {
            println!("-- warning: {warning}");
        }
        if diff.is_empty() {
            println!("-- no differences");
        } else {
            print!(
                "{}",
                render_steps(&petal_diff::render_diff_as(&diff, petal_diff::Mode::Plain))
            );
        }
        print_not_compared(&not_compared);
    }
    if exit_code && !diff.is_empty() {
        return Err(Failure::differences());
    }
    Ok(())
}

/// The warning that the models were canonicalized on a server of another
/// major version than the database's, when they were.
fn version_warning(from: (&Source, &Loaded), to: (&Source, &Loaded)) -> Option<String> {
    let side = |models: bool, (source, loaded): (&Source, &Loaded)| {
        ((*source == Source::Models) == models)
            .then_some(loaded.server_version_num)
            .flatten()
    };
    petal_engine::compare::version_warning(
        side(false, from).or(side(false, to)),
        side(true, from).or(side(true, to)),
    )
}

/// `petal diff`'s script: statements one under the other, steps separated
/// by a comment saying why.
const DIFF_LAYOUT: StepLayout = StepLayout {
    between_statements: "",
    between_steps: "\n-- next step: commit the one above first\n",
    before_step_outside_transaction: "\n-- next step: outside a transaction, each statement on its own\n",
};

/// Steps as a script, each statement under the same comment lines a
/// generated migration file gives it (the file's one statement writer).
pub fn render_steps(steps: &[ReviewedStep]) -> String {
    let mut out = String::new();
    let generated = petal_engine::autogen::generated_steps(steps);
    petal_migrate::write_steps(&mut out, &generated, &DIFF_LAYOUT);
    out
}
