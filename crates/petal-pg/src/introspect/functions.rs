//! Rows of `sql/functions.sql` → IR [`Function`]s: functions, procedures,
//! window functions and aggregates, one IR kind keyed by name and
//! signature. Each keeps its oid for the dependency edges. A function's
//! definition is the server's `pg_get_functiondef`; no server function
//! prints an aggregate, so its `CREATE AGGREGATE` is put together here
//! from pg_aggregate, as pg_dump's `dumpAgg` does.

use petal_ir::{Acl, Function, FunctionKind, ObjectKey, QualifiedName, Volatility, quote_literal};
use tokio_postgres::Row;

use super::privileges::privileges;
use super::rows::{Rows, get, unknown};
use crate::error::PgError;

pub(super) fn functions(rows: Rows) -> Result<Vec<(u32, Function)>, PgError> {
    rows.iter()
        .map(|row| Ok((get(row, "oid")?, function(row)?)))
        .collect()
}

fn function(row: &Row) -> Result<Function, PgError> {
    let name = QualifiedName::new(get::<String>(row, "schema")?, get::<String>(row, "name")?);
    let signature: String = get(row, "signature")?;
    let context = || format!("function {name}({signature})");
    let kind = match get::<String>(row, "kind")?.as_str() {
        "f" => FunctionKind::Function,
        "p" => FunctionKind::Procedure,
        "a" => FunctionKind::Aggregate,
        "w" => FunctionKind::Window,
        other => return Err(unknown("prokind", other, &context())),
    };
    let volatility = match get::<String>(row, "volatility")?.as_str() {
        "i" => Volatility::Immutable,
        "s" => Volatility::Stable,
        "v" => Volatility::Volatile,
        other => return Err(unknown("provolatile", other, &context())),
    };
    let mut identity_arguments: String = get(row, "identity_arguments")?;
    let mut arguments: String = get(row, "arguments")?;
    let definition = if kind == FunctionKind::Aggregate {
        // `count(*)`: an aggregate of no arguments is named with a star,
        // in CREATE and DROP alike.
        if arguments.is_empty() {
            arguments = "*".into();
            identity_arguments = "*".into();
        }
        aggregate_definition(row, &arguments, &context())?
    } else {
        get::<Option<String>>(row, "definition")?
            .ok_or_else(|| PgError::Catalog(format!("{} has no definition", context())))?
    };
    let on = ObjectKey::Function {
        name: name.clone(),
        signature: signature.clone(),
    };
    let privileges = privileges(row, &Acl::default_grants(&on), &context())?;
    Ok(Function {
        signature,
        kind,
        identity_arguments,
        arguments,
        result: get(row, "result")?,
        language: get(row, "language")?,
        volatility,
        definition,
        comment: get(row, "comment")?,
        privileges,
        renamed_from: None,
        name,
    })
}

/// `CREATE OR REPLACE AGGREGATE s.name(args) (SFUNC = ..., ...)`, each
/// option only when it is not the default, in pg_dump's order and layout.
fn aggregate_definition(row: &Row, arguments: &str, context: &str) -> Result<String, PgError> {
    let text = |column: &str| get::<Option<String>>(row, column);
    let aggkind: String = get(row, "aggkind")?;
    // FINALFUNC_MODIFY's default depends on the kind (READ_ONLY for a
    // plain aggregate, READ_WRITE for ordered-set and hypothetical ones).
    let default_modify = if aggkind == "n" { "r" } else { "w" };
    let modify = |code: &str| -> Result<Option<&'static str>, PgError> {
        if code == default_modify {
            return Ok(None);
        }
        Ok(Some(match code {
            "r" => "READ_ONLY",
            "s" => "SHAREABLE",
            "w" => "READ_WRITE",
            other => return Err(unknown("aggfinalmodify", other, context)),
        }))
    };
    let required = |column: &str| {
        text(column)?.ok_or_else(|| PgError::Catalog(format!("{context}: no {column}")))
    };
    let mut options = vec![
        format!("SFUNC = {}", required("sfunc")?),
        format!("STYPE = {}", required("stype")?),
    ];
    state_options(&mut options, row, "", &modify)?;
    for (word, column) in [
        ("COMBINEFUNC", "combinefunc"),
        ("SERIALFUNC", "serialfunc"),
        ("DESERIALFUNC", "deserialfunc"),
    ] {
        if let Some(f) = text(column)? {
            options.push(format!("{word} = {f}"));
        }
    }
    if let Some(msfunc) = text("msfunc")? {
        options.push(format!("MSFUNC = {msfunc}"));
        options.push(format!("MINVFUNC = {}", required("minvfunc")?));
        options.push(format!("MSTYPE = {}", required("mstype")?));
    }
    state_options(&mut options, row, "m", &modify)?;
    if let Some(sortop) = text("sortop")? {
        options.push(format!("SORTOP = {sortop}"));
    }
    match aggkind.as_str() {
        "n" | "o" => {}
        "h" => options.push("HYPOTHETICAL".into()),
        other => return Err(unknown("aggkind", other, context)),
    }
    match get::<String>(row, "parallel")?.as_str() {
        "u" => {}
        "s" => options.push("PARALLEL = safe".into()),
        "r" => options.push("PARALLEL = restricted".into()),
        other => return Err(unknown("proparallel", other, context)),
    }
    Ok(format!(
        "CREATE OR REPLACE AGGREGATE {}({arguments}) (\n    {}\n)",
        get::<String>(row, "sql_name")?,
        options.join(",\n    ")
    ))
}

/// What follows the transition function of the plain state (`m` empty) or
/// of the moving-aggregate one (`m`: the `M`-prefixed options): its size,
/// initial value, final function and that function's flags.
fn state_options(
    options: &mut Vec<String>,
    row: &Row,
    m: &str,
    modify: &dyn Fn(&str) -> Result<Option<&'static str>, PgError>,
) -> Result<(), PgError> {
    let word = m.to_uppercase();
    let space: i32 = get(row, &format!("{m}sspace"))?;
    if space != 0 {
        options.push(format!("{word}SSPACE = {space}"));
    }
    if let Some(init) = get::<Option<String>>(row, &format!("{m}initcond"))? {
        options.push(format!("{word}INITCOND = {}", quote_literal(&init)));
    }
    if let Some(finalfunc) = get::<Option<String>>(row, &format!("{m}finalfunc"))? {
        options.push(format!("{word}FINALFUNC = {finalfunc}"));
        if get(row, &format!("{m}finalfunc_extra"))? {
            options.push(format!("{word}FINALFUNC_EXTRA"));
        }
        if let Some(how) = modify(&get::<String>(row, &format!("{m}finalfunc_modify"))?)? {
            options.push(format!("{word}FINALFUNC_MODIFY = {how}"));
        }
    }
    Ok(())
}
