//! SQL of functions, procedures and aggregates.

use petal_ir::Function;

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
