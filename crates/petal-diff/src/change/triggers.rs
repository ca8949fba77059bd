//! What creating, dropping and enabling a trigger means.

use petal_ir::{QualifiedName, Trigger, TriggerEnabled};

use crate::classify::Review;

pub(super) fn create(trigger: &Trigger) -> Review {
    Review::safe(format!(
        "create trigger {} on {} (executes {})",
        trigger.name, trigger.table, trigger.function
    ))
}

pub(super) fn drop(trigger: &Trigger) -> Review {
    Review::safe(format!(
        "drop trigger {} on {}",
        trigger.name, trigger.table
    ))
}

pub(super) fn enabled(table: &QualifiedName, name: &str, to: TriggerEnabled) -> Review {
    let how = match to {
        TriggerEnabled::Origin => "enable",
        TriggerEnabled::Disabled => "disable",
        TriggerEnabled::Replica => "enable for replicas only",
        TriggerEnabled::Always => "enable always (replicas too)",
    };
    Review::safe(format!("{how} trigger {name} on {table}"))
}
