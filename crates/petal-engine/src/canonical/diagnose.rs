//! Tracing a statement PostgreSQL refused back to the model attribute that
//! produced it, so a typo in a `default`, `check`, `where` or `sql_type`
//! is reported at the model field (`file:line:col`, with the line), with
//! PostgreSQL's message, detail and hint.
//!
//! No search through the SQL: every generated statement knows which object
//! (and which part of it) each piece of its text renders, and PostgreSQL
//! says where in the statement it failed; the scanner knows where each
//! object and part is written.

use petal_diff::ReviewedStatement;
use petal_ir::{ObjectKey, Origin, Part};
use petal_pg::error::ServerError;
use petal_source::{LineIndex, Report};
use petal_syntax::{ScannedModels, SourceLocation};

/// A report about `statement`, generated from the models, that PostgreSQL
/// refused with `error`: at the model attribute it comes from when one is
/// found, with the offending line of the SQL as a note.
pub fn diagnose(
    statement: &ReviewedStatement,
    error: &tokio_postgres::Error,
    scanned: &ScannedModels,
) -> Report {
    let server = ServerError::of(error);
    let sql = statement.sql.as_str();
    let at = server.offset_in(sql);
    let excerpt = match at {
        Some(at) => {
            let lines = LineIndex::new(sql);
            lines.line_text(sql, lines.line_of(at)).trim()
        }
        None => sql.lines().next().unwrap_or("").trim(),
    };
    let location = statement
        .origin_at_offset(at)
        .and_then(|origin| locate(origin, scanned));
    let report = match location {
        Some((loc, what)) => Report::at(
            &loc.source,
            loc.span,
            format!("PostgreSQL rejects {what}: {}", server.message),
        )
        .with_note(format!("in the generated SQL: {excerpt}")),
        None => Report::new(format!(
            "PostgreSQL rejects the models' SQL: {}",
            server.message
        ))
        .with_note(format!("in: {excerpt}")),
    };
    server.annotate(report)
}

/// Where the models write `origin`: the part itself, else its whole
/// object, else the table the object lives in; and how to name what is
/// found.
fn locate(origin: &Origin, scanned: &ScannedModels) -> Option<(SourceLocation, String)> {
    let whole = Origin::whole(origin.object.clone());
    let table = origin
        .object
        .in_table()
        .map(|t| Origin::whole(ObjectKey::table(t)));
    [Some(origin.clone()), Some(whole), table]
        .into_iter()
        .flatten()
        .find_map(|candidate| {
            let loc = scanned.locations.get(&candidate)?;
            Some((loc.clone(), name(&candidate)))
        })
}

/// `the default of column `total` of public.orders`, as the message says it.
fn name(origin: &Origin) -> String {
    let object = match &origin.object {
        ObjectKey::Column { table, column } => format!("column `{column}` of {table}"),
        ObjectKey::Constraint { table, name } => format!("constraint `{name}` of {table}"),
        ObjectKey::Index { table, name } => format!("index `{name}` of {table}"),
        other => other.to_string(),
    };
    let part = match origin.part {
        Part::Whole => return object,
        Part::Type => "the type",
        Part::Default => "the default",
        Part::Expression => "the expression",
        Part::Predicate => "the predicate",
    };
    format!("{part} of {object}")
}
