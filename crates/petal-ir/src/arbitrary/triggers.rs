//! Triggers on tables, executing a PL/pgSQL trigger function: written as
//! `pg_get_triggerdef` prints them, and read back by [`parse`] when their
//! table or an `UPDATE OF` column is renamed or dropped.

use super::build::{ident, spelling};
use super::objects::{maybe_comment, set};
use super::spell::{take_ident, take_ident_list, take_qualified};
use super::{Rng, functions};
use crate::{Database, FunctionKey, QualifiedName, Trigger, TriggerEnabled, TriggerKey};

const TRIGGER_NAMES: &[&str] = &["stamp", "Audit", "журнал_изменений", "touch_row"];

/// What a generated trigger's definition says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Spec {
    pub name: String,
    pub before: bool,
    pub insert: bool,
    pub delete: bool,
    pub update: bool,
    /// `UPDATE OF` these columns (with `update`).
    pub update_of: Vec<String>,
    /// Only with `FOR EACH STATEMENT`.
    pub truncate: bool,
    pub table: QualifiedName,
    pub row: bool,
    pub function: QualifiedName,
}

pub(super) fn render(spec: &Spec) -> String {
    let mut events = Vec::new();
    if spec.insert {
        events.push("INSERT".to_string());
    }
    if spec.delete {
        events.push("DELETE".to_string());
    }
    if spec.update {
        let of: Vec<String> = spec.update_of.iter().map(|c| ident(c)).collect();
        events.push(if of.is_empty() {
            "UPDATE".to_string()
        } else {
            format!("UPDATE OF {}", of.join(", "))
        });
    }
    if spec.truncate {
        events.push("TRUNCATE".to_string());
    }
    format!(
        "CREATE TRIGGER {} {} {} ON {} FOR EACH {} EXECUTE FUNCTION {}()",
        ident(&spec.name),
        if spec.before { "BEFORE" } else { "AFTER" },
        events.join(" OR "),
        spelling(&spec.table),
        if spec.row { "ROW" } else { "STATEMENT" },
        spelling(&spec.function)
    )
}

/// The spec of a definition [`render`] wrote; `None` for any other text.
pub(super) fn parse(definition: &str) -> Option<Spec> {
    let (name, rest) = take_ident(definition.strip_prefix("CREATE TRIGGER ")?)?;
    let (before, mut rest) = match rest.strip_prefix(" BEFORE ") {
        Some(r) => (true, r),
        None => (false, rest.strip_prefix(" AFTER ")?),
    };
    let mut spec = Spec {
        name,
        before,
        insert: false,
        delete: false,
        update: false,
        update_of: Vec::new(),
        truncate: false,
        table: QualifiedName::new("", ""),
        row: false,
        function: QualifiedName::new("", ""),
    };
    loop {
        if let Some(r) = rest.strip_prefix("INSERT") {
            (spec.insert, rest) = (true, r);
        } else if let Some(r) = rest.strip_prefix("DELETE") {
            (spec.delete, rest) = (true, r);
        } else if let Some(r) = rest.strip_prefix("UPDATE OF ") {
            let (columns, r) = take_ident_list(r)?;
            (spec.update, spec.update_of, rest) = (true, columns, r);
        } else if let Some(r) = rest.strip_prefix("UPDATE") {
            (spec.update, rest) = (true, r);
        } else if let Some(r) = rest.strip_prefix("TRUNCATE") {
            (spec.truncate, rest) = (true, r);
        } else {
            return None;
        }
        match rest.strip_prefix(" OR ") {
            Some(r) => rest = r,
            None => break,
        }
    }
    let (table, rest) = take_qualified(rest.strip_prefix(" ON ")?)?;
    let (row, rest) = match rest.strip_prefix(" FOR EACH ROW") {
        Some(r) => (true, r),
        None => (false, rest.strip_prefix(" FOR EACH STATEMENT")?),
    };
    let (function, rest) = take_qualified(rest.strip_prefix(" EXECUTE FUNCTION ")?)?;
    (rest == "()").then_some(())?;
    Some(Spec {
        table,
        row,
        function,
        ..spec
    })
}

/// Random events: at least one; `TRUNCATE` only for statement triggers;
/// `UPDATE OF` some columns of the table.
fn events(rng: &mut Rng, spec: &mut Spec, columns: &[String]) {
    spec.insert = rng.chance(50);
    spec.delete = rng.chance(25);
    spec.update = rng.chance(50) || !(spec.insert || spec.delete);
    spec.update_of.clear();
    if spec.update && rng.chance(40) {
        for _ in 0..1 + rng.below(2) {
            if let Some(c) = rng.pick(columns)
                && !spec.update_of.contains(c)
            {
                spec.update_of.push(c.clone());
            }
        }
    }
    spec.truncate = !spec.row && rng.chance(20);
}

pub(super) fn trigger(spec: &Spec, function: FunctionKey) -> Trigger {
    Trigger {
        table: spec.table.clone(),
        name: spec.name.clone(),
        definition: render(spec),
        function,
        enabled: TriggerEnabled::Origin,
        comment: None,
        renamed_from: None,
    }
}

/// A trigger on a table of `db`, executing one of its trigger functions
/// (a new one when it has none).
pub(super) fn create_trigger(rng: &mut Rng, db: &mut Database) -> bool {
    let tables: Vec<QualifiedName> = db.tables.keys().cloned().collect();
    let (Some(table), Some(name)) = (rng.pick(&tables).cloned(), rng.pick(TRIGGER_NAMES)) else {
        return false;
    };
    let key = TriggerKey {
        table: table.clone(),
        name: name.to_string(),
    };
    if db.triggers.contains_key(&key) {
        return false;
    }
    let function = match rng.pick(&functions::trigger_functions(db)) {
        Some(f) => f.clone(),
        None => match rng.pick(functions::TRIGGER_FUNCTIONS) {
            Some(t) => match functions::add(rng, db, t) {
                Some(f) => f,
                None => return false,
            },
            None => return false,
        },
    };
    let columns: Vec<String> = db.tables.get(&table).map_or(Vec::new(), |t| {
        t.columns.iter().map(|c| c.name.clone()).collect()
    });
    let mut spec = Spec {
        name: name.to_string(),
        before: rng.chance(50),
        insert: false,
        delete: false,
        update: false,
        update_of: Vec::new(),
        truncate: false,
        table,
        row: rng.chance(70),
        function: function.name.clone(),
    };
    events(rng, &mut spec, &columns);
    let mut t = trigger(&spec, function);
    t.comment = maybe_comment(rng, 15);
    db.triggers.insert(key, t);
    true
}

fn pick_trigger(rng: &mut Rng, db: &Database) -> Option<TriggerKey> {
    let keys: Vec<&TriggerKey> = db.triggers.keys().collect();
    rng.pick(&keys).map(|k| (*k).clone())
}

pub(super) fn drop_trigger(rng: &mut Rng, db: &mut Database) -> bool {
    pick_trigger(rng, db).is_some_and(|k| db.triggers.remove(&k).is_some())
}

/// Enabled, disabled, for replicas or always.
pub(super) fn trigger_enabled(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(key) = pick_trigger(rng, db) else {
        return false;
    };
    let states = [
        TriggerEnabled::Origin,
        TriggerEnabled::Disabled,
        TriggerEnabled::Replica,
        TriggerEnabled::Always,
    ];
    let to = rng.pick(&states).copied().unwrap_or_default();
    match db.triggers.get_mut(&key) {
        Some(t) if t.enabled != to => {
            t.enabled = to;
            true
        }
        _ => false,
    }
}

/// Other events, timing or level: a new definition (recreated).
pub(super) fn trigger_events(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(key) = pick_trigger(rng, db) else {
        return false;
    };
    let columns: Vec<String> = db.tables.get(&key.table).map_or(Vec::new(), |t| {
        t.columns.iter().map(|c| c.name.clone()).collect()
    });
    let Some(t) = db.triggers.get_mut(&key) else {
        return false;
    };
    let Some(mut spec) = parse(&t.definition) else {
        return false;
    };
    match rng.below(3) {
        0 => spec.before = !spec.before,
        1 => {
            spec.row = !spec.row;
            spec.truncate &= !spec.row;
        }
        _ => events(rng, &mut spec, &columns),
    }
    let definition = render(&spec);
    if definition == t.definition {
        return false;
    }
    t.definition = definition;
    true
}

/// Another name on the same table, with a hint (kept from an earlier
/// rename in the same pair): renamed in place.
pub(super) fn rename_trigger(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(key) = pick_trigger(rng, db) else {
        return false;
    };
    let Some(name) = rng.pick(TRIGGER_NAMES).map(|n| n.to_string()) else {
        return false;
    };
    let new = TriggerKey {
        table: key.table.clone(),
        name,
    };
    if db.triggers.contains_key(&new) {
        return false;
    }
    let Some(mut t) = db.triggers.remove(&key) else {
        return false;
    };
    let Some(mut spec) = parse(&t.definition) else {
        db.triggers.insert(key, t);
        return false;
    };
    spec.name = new.name.clone();
    t.definition = render(&spec);
    t.renamed_from = t.renamed_from.take().or(Some(key.name));
    t.name = new.name.clone();
    db.triggers.insert(new, t);
    true
}

pub(super) fn comment_trigger(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(key) = pick_trigger(rng, db) else {
        return false;
    };
    let comment = maybe_comment(rng, 70);
    db.triggers
        .get_mut(&key)
        .is_some_and(|t| set(&mut t.comment, comment))
}
