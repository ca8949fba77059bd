//! One imported migration as a petal file: its SQL split into statements
//! (with the comment lines above each), a statement petal would refuse
//! reported at the source file's line, the file written by petal's one
//! writer with the lines saying where it came from, and parsed back.

use petal_source::{Report, Span};

use super::{Found, IdMapping, Imported, SourceDir, Tool};
use crate::file::{Statement, Step};
use crate::parse::parse;
use crate::revision::RevisionId;
use crate::split::{split, transaction_control};
use crate::write::{GENERATED_BY, NewMigration, write};

/// The ids one migration gets.
pub(crate) struct Ids {
    pub(crate) revision: RevisionId,
    pub(crate) parent: Option<RevisionId>,
    pub(crate) mapping: IdMapping,
}

/// The petal file of `found`.
pub(crate) fn build(
    tool: Tool,
    dir: &SourceDir,
    found: &Found,
    ids: Ids,
    migrations_dir: &str,
) -> Result<Imported, Vec<Report>> {
    let mut reports = Vec::new();
    let up = statements(dir, &found.up, found.up_no_transaction).unwrap_or_else(|mut r| {
        reports.append(&mut r);
        Vec::new()
    });
    let down = match &found.down {
        Some(down) => statements(dir, down, found.down_no_transaction).unwrap_or_else(|mut r| {
            reports.append(&mut r);
            Vec::new()
        }),
        None => vec![refusing_down(tool, &found.up, &ids)],
    };
    // The tool sends a file it runs outside a transaction as one query
    // string: PostgreSQL runs two statements or more of it all or nothing,
    // in an implicit transaction, which petal's own transaction matches;
    // only a single statement runs outside any.
    let up_no_transaction = found.up_no_transaction && up.len() <= 1;
    let down_no_transaction = found.down.is_some() && found.down_no_transaction && down.len() <= 1;
    if !reports.is_empty() {
        return Err(reports);
    }
    let migration = NewMigration {
        revision: ids.revision.clone(),
        parents: ids.parent.clone().into_iter().collect(),
        message: found.name.replace('_', " "),
        requires_server: None,
        no_transaction: false,
        up: vec![Step {
            no_transaction: up_no_transaction,
            statements: up,
        }],
        down: vec![Step {
            no_transaction: down_no_transaction,
            statements: down,
        }],
        down_unpaired: false,
    };
    let file_name = migration.file_name();
    let steps = [&migration.up[0], &migration.down[0]];
    let text = with_origin(&write(&migration), &origin_lines(tool, found, &ids, steps));
    let path = format!("{}/{file_name}", migrations_dir.trim_end_matches('/'));
    let file = parse(&path, &text).map_err(|e| {
        vec![
            e.report()
                .with_note(format!("written from {tool}'s {}", dir.path_of(&found.up))),
        ]
    })?;
    Ok(Imported {
        tool,
        version: found.version.clone(),
        name: found.name.clone(),
        up_path: found.up.clone(),
        down_path: found.down.clone(),
        mapping: ids.mapping.clone(),
        file,
        file_name,
        text,
        up_text: dir.text(&found.up).to_owned(),
        unversioned: found.unversioned,
    })
}

/// The statements of the file `relative`, each with the comment lines
/// above it. Transaction control is refused where it stands: petal runs
/// the file in its own transaction, which a `COMMIT` would end early, and
/// writes its journal on the same session, which a `BEGIN` left open (in
/// a file run outside a transaction) would put in the file's transaction.
fn statements(
    dir: &SourceDir,
    relative: &str,
    no_transaction: bool,
) -> Result<Vec<Statement>, Vec<Report>> {
    let text = dir.text(relative);
    // A byte order mark is no SQL: petal's parser skips one only at the
    // start of its own file.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let source = || dir.source(relative);
    let statements = split(&text[bom..]).map_err(|e| {
        vec![Report::at(
            &source(),
            Span::at(e.offset + bom),
            format!("does not split into statements: {}", e.message),
        )]
    })?;
    let (why, help) = if no_transaction {
        (
            "petal writes its journal on the migration's session after it, which the file's \
             own transaction control would leave inside a transaction or end early",
            "make the file one migration petal runs in a transaction (remove BEGIN and COMMIT, \
             keep what is between), or one statement per migration outside one",
        )
    } else {
        (
            "petal runs each imported migration in one transaction, which it would end early",
            "remove the transaction control from the file (the migration is one transaction \
             already), then import again",
        )
    };
    let refused: Vec<Report> = statements
        .iter()
        .filter_map(|statement| {
            let span = statement.span?;
            let keyword = transaction_control(&text[bom..], span)?;
            Some(
                Report::at(
                    &source(),
                    span.shifted(bom),
                    if no_transaction {
                        format!("`{keyword}` in a migration run outside a transaction: {why}")
                    } else {
                        format!("`{keyword}` in a migration run in a transaction: {why}")
                    },
                )
                .with_help(help),
            )
        })
        .collect();
    if refused.is_empty() {
        Ok(statements)
    } else {
        Err(refused)
    }
}

/// The down of a migration its tool had none for: a statement that stops
/// a downgrade there, rather than one that silently does nothing.
fn refusing_down(tool: Tool, up: &str, ids: &Ids) -> Statement {
    let literal = |text: &str| format!("'{}'", text.replace('\'', "''"));
    let message = format!(
        "revision {} has no down: it was imported from {tool}'s {up}, which has none",
        ids.revision
    );
    let back = ids
        .parent
        .as_ref()
        .map_or("base".to_owned(), RevisionId::to_string);
    let hint = format!(
        "undo it by hand (or restore a backup), then record it as not applied with \
         `petal stamp {back}`; or write this down section before it is needed"
    );
    Statement::annotated(
        vec![format!(
            "no down: {tool} had none for {up}; this statement stops a downgrade here"
        )],
        format!(
            "DO $petal$ BEGIN RAISE EXCEPTION USING MESSAGE = {}, HINT = {}; END $petal$",
            literal(&message),
            literal(&hint)
        ),
    )
}

/// The lines under the header saying where the file came from, and how
/// its id was made.
fn origin_lines(tool: Tool, found: &Found, ids: &Ids, steps: [&Step; 2]) -> Vec<String> {
    let mapping = ids.mapping.describe();
    let mut lines = vec![format!(
        "-- imported from: {tool} {} (version {}: {mapping})",
        found.up, found.version
    )];
    if let Some(down) = &found.down {
        lines.push(format!("-- down imported from: {tool} {down}"));
    } else {
        lines.push(format!(
            "-- no down: {tool} has no down migration for it; a downgrade over it stops at its down"
        ));
    }
    let sections = [
        (Some(&found.up), found.up_no_transaction, steps[0]),
        (found.down.as_ref(), found.down_no_transaction, steps[1]),
    ];
    for (file, tool_no_transaction, step) in sections {
        let Some(file) = file.filter(|_| tool_no_transaction) else {
            continue;
        };
        lines.push(if step.no_transaction {
            format!("-- {tool} ran {file} outside a transaction: its step is marked no-transaction")
        } else {
            format!(
                "-- {tool} ran {file} outside a transaction, as one query string: PostgreSQL ran \
                 its {} statements all or nothing, in an implicit transaction; petal runs them \
                 in its own transaction, all or nothing too (a statement that refuses a \
                 transaction block, like CREATE INDEX CONCURRENTLY, fails under both)",
                step.statements.len()
            )
        });
    }
    lines
}

/// `text` with `lines` after the line `write` ends the header with.
fn with_origin(text: &str, lines: &[String]) -> String {
    let marker = format!("{GENERATED_BY}\n");
    let at = text.find(&marker).map_or(0, |at| at + marker.len());
    let mut out = String::with_capacity(text.len() + 200);
    out.push_str(&text[..at]);
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&text[at..]);
    out
}
