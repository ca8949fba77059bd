//! Triggers: what a change of a kept trigger takes.

use petal_ir::Trigger;

use super::objects::Decision;
use crate::names::{trigger_named, trigger_on};

/// Kept trigger `cur` becoming `to` (perhaps on a renamed table, under
/// another name: renamed on its own): nothing, or a drop and a create (its
/// state is altered on its own).
pub(super) fn decide(cur: &Trigger, to: &Trigger) -> Decision {
    let definition = trigger_on(&cur.definition, &cur.table, &to.table);
    let definition = trigger_named(&definition, &cur.name, &to.name);
    if definition == to.definition {
        Decision::Keep
    } else {
        Decision::Recreate
    }
}
