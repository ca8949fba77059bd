//! Triggers: what a change of a kept trigger takes.

use petal_ir::{QualifiedName, Trigger};

use super::objects::Decision;
use crate::names::type_spelling;

/// Kept trigger `cur` (on `cur_table`) becoming `to`: nothing, or a drop
/// and a create (its state is altered on its own).
pub(super) fn decide(cur: &Trigger, to: &Trigger) -> Decision {
    let definition = renamed_table(&cur.definition, &cur.table, &to.table);
    if definition == to.definition {
        Decision::Keep
    } else {
        Decision::Recreate
    }
}

/// The definition as it reads after its table is renamed from `from` to
/// `to` (PostgreSQL prints the table's current name).
fn renamed_table(definition: &str, from: &QualifiedName, to: &QualifiedName) -> String {
    if from == to {
        return definition.to_string();
    }
    let old = format!(" ON {} ", type_spelling(from));
    let new = format!(" ON {} ", type_spelling(to));
    definition.replacen(&old, &new, 1)
}
