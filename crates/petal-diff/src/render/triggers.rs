//! SQL of triggers.

use petal_ir::{ObjectKey, QualifiedName, Trigger, TriggerEnabled, quote_ident};

use super::{ReviewedStatement, extra, objects};

/// The definition PostgreSQL printed, then its state when it is not the
/// default, and its comment.
pub(super) fn create(trigger: &Trigger) -> (String, Vec<ReviewedStatement>) {
    let definition = trigger.definition.trim_end();
    let definition = definition.strip_suffix(';').unwrap_or(definition);
    let key = ObjectKey::trigger(&trigger.key());
    let mut rest = Vec::new();
    if trigger.enabled != TriggerEnabled::Origin {
        rest.push(extra(
            &key,
            set_enabled(&trigger.table, &trigger.name, trigger.enabled),
            format!(
                "set the state of trigger {} on {}",
                trigger.name, trigger.table
            ),
        ));
    }
    if trigger.comment.is_some() {
        rest.push(objects::comment_extra(&key, &trigger.comment));
    }
    (format!("{definition};"), rest)
}

pub(super) fn drop(trigger: &Trigger) -> String {
    format!(
        "DROP TRIGGER {} ON {};",
        quote_ident(&trigger.name),
        trigger.table.quoted()
    )
}

pub(super) fn rename(table: &QualifiedName, from: &str, to: &str) -> String {
    format!(
        "ALTER TRIGGER {} ON {} RENAME TO {};",
        quote_ident(from),
        table.quoted(),
        quote_ident(to)
    )
}

pub(super) fn set_enabled(table: &QualifiedName, name: &str, enabled: TriggerEnabled) -> String {
    format!(
        "ALTER TABLE {} {} {};",
        table.quoted(),
        enabled.action(),
        quote_ident(name)
    )
}
