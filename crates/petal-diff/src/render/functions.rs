//! SQL of functions, procedures and aggregates.

use petal_ir::{Function, ObjectKey};

use super::{ReviewedStatement, ReviewedStep};

/// The definition PostgreSQL printed (`CREATE OR REPLACE ...`), as one
/// statement.
pub(super) fn create(function: &Function) -> String {
    let definition = function.definition.trim_end();
    let definition = definition.strip_suffix(';').unwrap_or(definition);
    format!("{definition};")
}

/// `ROUTINE` names a function, a procedure or an aggregate alike.
pub(super) fn drop(function: &Function) -> String {
    format!(
        "DROP ROUTINE {}({});",
        function.name.quoted(),
        function.signature
    )
}

/// A step that creates a routine with a body PostgreSQL checks as it
/// creates it (PL/pgSQL, or SQL quoted as a string), and runs anything
/// after it, starts by `SET LOCAL check_function_bodies = off`, as pg_dump
/// does: no dependency names what a body refers to (`r t%ROWTYPE`, a
/// column a query reads), so the order may create the routine before it.
/// The body is checked when it first runs, as every routine's is. A
/// `BEGIN ATOMIC` body is parsed either way, and its references are
/// dependencies the order follows.
pub(super) fn bodies_checked_when_run(steps: &mut [ReviewedStep]) {
    for step in steps.iter_mut().filter(|s| !s.no_transaction) {
        let first = step.statements.iter().position(|s| checked_body(&s.sql));
        let Some(at) = first.filter(|at| at + 1 < step.statements.len()) else {
            continue;
        };
        // Traced to the routine it is first for.
        if let Some(routine) = step.statements[at].object().cloned() {
            step.statements.insert(0, unchecked_bodies(&routine));
        }
    }
}

/// `CREATE OR REPLACE FUNCTION|PROCEDURE` as `pg_get_functiondef` prints
/// it, with a quoted body (`AS $function$...`, `AS 'file', 'symbol'`).
fn checked_body(sql: &str) -> bool {
    let routine = sql.starts_with("CREATE OR REPLACE FUNCTION ")
        || sql.starts_with("CREATE OR REPLACE PROCEDURE ");
    routine && sql.contains("\nAS ")
}

/// The statement a step checking routine bodies when they run starts
/// with: a setting, not a declaration of anything.
pub const UNCHECKED_BODIES: &str = "SET LOCAL check_function_bodies = off;";

fn unchecked_bodies(routine: &ObjectKey) -> ReviewedStatement {
    super::extra(
        routine,
        UNCHECKED_BODIES.to_string(),
        "routine bodies checked when they first run, not as they are created: one may name a \
         table, type or column made later in this step"
            .to_string(),
    )
}
