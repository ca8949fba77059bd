//! Triggers: what a change of a kept trigger takes.

use petal_ir::Trigger;

use super::objects::Decision;
use crate::names::trigger_on;

/// Kept trigger `cur` (on `cur_table`) becoming `to`: nothing, or a drop
/// and a create (its state is altered on its own).
pub(super) fn decide(cur: &Trigger, to: &Trigger) -> Decision {
    let definition = trigger_on(&cur.definition, &cur.table, &to.table);
    if definition == to.definition {
        Decision::Keep
    } else {
        Decision::Recreate
    }
}
