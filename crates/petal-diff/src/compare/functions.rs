//! Functions: what a change of a kept function takes.

use petal_ir::{Function, QualifiedName};

use super::objects::Decision;
use crate::names::type_spelling;

/// The definition with the function's name as `to` is named, so that a
/// renamed function compares by what it does.
fn definition_named(function: &Function, name: &QualifiedName) -> String {
    let old = format!("{}(", type_spelling(&function.name));
    let new = format!("{}(", type_spelling(name));
    function.definition.replacen(&old, &new, 1)
}

/// Kept function `cur` becoming `to`: nothing, `CREATE OR REPLACE` (same
/// kind, arguments with their names and defaults, and result), or a drop
/// and a create.
pub(super) fn decide(cur: &Function, to: &Function) -> Decision {
    if definition_named(cur, &to.name) == to.definition {
        return Decision::Keep;
    }
    let same_signature =
        cur.kind == to.kind && cur.arguments == to.arguments && cur.result == to.result;
    if same_signature {
        Decision::Replace
    } else {
        Decision::Recreate
    }
}
