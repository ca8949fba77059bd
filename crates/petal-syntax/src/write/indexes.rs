//! Indexes (each on its field when it is one column's, else on the
//! struct), their keys' operator classes, collations and orders, and the
//! table's options: what the models can say of them, the rest noted.

use petal_ir::{IndexKey, IndexKeyExpr, ReplicaIdentity};

use super::plan::{Placement, TablePlan};

/// `opclass`/`collation`/`order` of an index as the model says it: a
/// value for every key, then values for column keys by column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct KeyOptions {
    pub every: Option<String>,
    pub by_column: Vec<(String, String)>,
}

impl KeyOptions {
    /// How `index(...)` sets `get` of `keys` (`opclass`, `collation`):
    /// `opclass = "..."` sets every key's, `opclass(column = "...")` one
    /// column key's (the first on that column), and nothing unsets one.
    /// `None` when that cannot give `keys`.
    pub(super) fn of(keys: &[IndexKey], get: impl Fn(&IndexKey) -> Option<String>) -> Option<Self> {
        key_options(keys, get, None)
    }
}

/// `order = "..."` and `order(column = "...")` of `keys`: as
/// [`KeyOptions::of`], but `asc` gives a column key the default order back.
pub(super) fn order(keys: &[IndexKey]) -> Option<KeyOptions> {
    key_options(keys, key_order, Some("asc"))
}

/// A key's order as `order` spells it; `None` for the default (ascending,
/// NULLs last).
fn key_order(key: &IndexKey) -> Option<String> {
    // NULLS FIRST is a descending key's default, NULLS LAST an ascending
    // one's.
    match (key.descending, key.nulls_first) {
        (false, false) => None,
        (false, true) => Some("asc nulls first".into()),
        (true, true) => Some("desc".into()),
        (true, false) => Some("desc nulls last".into()),
    }
}

/// The settings that give each key its `get` value: one for every key,
/// then one per column key that differs (`reset` spells the lack of a
/// value, where a setting can say it). `None` when they cannot.
fn key_options(
    keys: &[IndexKey],
    get: impl Fn(&IndexKey) -> Option<String>,
    reset: Option<&str>,
) -> Option<KeyOptions> {
    let values: Vec<Option<String>> = keys.iter().map(&get).collect();
    if values.iter().all(Option::is_none) {
        return Some(KeyOptions::default());
    }
    let column = |k: &IndexKey| match &k.expr {
        IndexKeyExpr::Column(c) => Some(c.clone()),
        IndexKeyExpr::Expression(_) => None,
    };
    let expression_values: Vec<Option<String>> = keys
        .iter()
        .filter(|k| column(k).is_none())
        .map(&get)
        .collect();
    let every = match expression_values.first() {
        // An expression key's value can only come from `every`: then every
        // key has it, but the column keys set apart.
        Some(Some(first)) => Some(first.clone()),
        _ if values.iter().all(|v| v.is_some() && *v == values[0]) => values[0].clone(),
        _ => None,
    };
    if expression_values.iter().any(|v| *v != every) {
        return None;
    }
    let mut by_column = Vec::new();
    for key in keys {
        let (Some(name), value) = (column(key), get(key)) else {
            continue;
        };
        if value == every {
            continue;
        }
        let value = value.or_else(|| reset.map(str::to_string))?;
        // `opclass(a = "...")` reaches the first key on `a` only.
        let on_same = keys.iter().filter(|k| column(k).as_ref() == Some(&name));
        if on_same.count() > 1 {
            return None;
        }
        by_column.push((name, value));
    }
    Some(KeyOptions { every, by_column })
}

/// Each index adjusted to what the models say of it, and placed.
pub(super) fn indexes(plan: &mut TablePlan) {
    let mut placement = Placement::default();
    for at in 0..plan.table.indexes.len() {
        for note in adjust(&mut plan.table.indexes[at]) {
            plan.note(note);
        }
        let index = &plan.table.indexes[at];
        let field = match index.keys.as_slice() {
            [key] => match &key.expr {
                IndexKeyExpr::Column(c) => plan.table.columns.iter().position(|col| col.name == *c),
                IndexKeyExpr::Expression(_) => None,
            },
            _ => None,
        };
        placement.place(at, field);
    }
    plan.indexes = placement.in_order();
}

/// Takes out of `index` what `index(...)` cannot say, and says what.
fn adjust(index: &mut petal_ir::Index) -> Vec<String> {
    let mut notes = Vec::new();
    let name = index.name.clone();
    if order(&index.keys).is_none() {
        let ordered: Vec<String> = (index.keys.iter())
            .filter_map(|k| {
                let key = match &k.expr {
                    IndexKeyExpr::Column(c) => c.clone(),
                    IndexKeyExpr::Expression(e) => format!("({e})"),
                };
                key_order(k).map(|order| format!("{key} {}", order.to_uppercase()))
            })
            .collect();
        for key in &mut index.keys {
            key.descending = false;
            key.nulls_first = false;
        }
        notes.push(format!(
            "index `{name}`'s key order ({}) is not written: `order` sets every key's or a column \
             key's, which cannot give these, so it is written ascending",
            ordered.join(", ")
        ));
    }
    if index.only {
        index.only = false;
        notes.push(format!(
            "index `{name}` is made ON ONLY the partitioned table (invalid until each partition \
             has one attached): the models say a whole index, which the next migration builds on \
             every partition"
        ));
    }
    if index.nulls_not_distinct && !index.unique {
        index.nulls_not_distinct = false;
        notes.push(format!(
            "index `{name}`'s NULLS NOT DISTINCT is not written: `index(...)` takes it on a unique \
             index, where it means something"
        ));
    }
    if KeyOptions::of(&index.keys, |k| k.opclass.clone()).is_none() {
        index.keys.iter_mut().for_each(|k| k.opclass = None);
        notes.push(format!(
            "index `{name}`'s operator classes are not written: `opclass` sets every key's or a \
             column key's, which cannot give these"
        ));
    }
    if KeyOptions::of(&index.keys, |k| k.collation.clone()).is_none() {
        index.keys.iter_mut().for_each(|k| k.collation = None);
        notes.push(format!(
            "index `{name}`'s collations are not written: `collation` sets every key's or a \
             column key's, which cannot give these"
        ));
    }
    let (kept, refused) = storage(&index.storage);
    if !refused.is_empty() {
        index.storage = kept;
        notes.push(format!(
            "index `{name}`'s storage parameters {} are not written: `with = \"...\"` takes \
             `name = value` pairs without spaces or commas",
            refused.join(", ")
        ));
    }
    notes
}

/// Storage parameters (`name=value`) split into those `with = "..."` can
/// give back and those it cannot.
fn storage(parameters: &[String]) -> (Vec<String>, Vec<String>) {
    parameters.iter().cloned().partition(|p| {
        p.split_once('=').is_some_and(|(name, value)| {
            let plain =
                |t: &str| !t.is_empty() && !t.contains(|c: char| c.is_whitespace() || c == ',');
            plain(name) && plain(value) && !name.contains('.') && name == name.to_ascii_lowercase()
        })
    })
}

/// `with = "..."` of storage parameters: `name = value`, a value with
/// capitals quoted (an unquoted one is folded to lower case).
pub(super) fn with_text(parameters: &[String]) -> String {
    parameters
        .iter()
        .filter_map(|p| p.split_once('='))
        .map(|(name, value)| {
            if value == value.to_ascii_lowercase() {
                format!("{name} = {value}")
            } else {
                format!("{name} = '{value}'")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The table's options, but those the models cannot say.
pub(super) fn options(plan: &mut TablePlan) {
    let partitioned = plan.table.partition_by.is_some();
    let (kept, refused) = storage(&plan.table.options.storage);
    let mut notes = Vec::new();
    if !refused.is_empty() {
        notes.push(format!(
            "storage parameters {} are not written: `with = \"...\"` takes `name = value` pairs \
             without spaces or commas, and no TOAST table's",
            refused.join(", ")
        ));
    }
    plan.table.options.storage = kept;
    if partitioned && !plan.table.options.storage.is_empty() {
        notes.push("storage parameters are not written: a partitioned table takes none".into());
        plan.table.options.storage.clear();
    }
    if partitioned && plan.table.options.unlogged {
        notes.push("UNLOGGED is not written: a partitioned table cannot be".into());
        plan.table.options.unlogged = false;
    }
    if let Some(key) = &plan.table.partition_by
        && partition_by(key).is_none()
    {
        notes.push(format!(
            "its partition key `{key}` is not written: `partition_by` takes `range`, `list` or \
             `hash` and the key in parentheses"
        ));
        plan.table.partition_by = None;
    }
    for note in notes {
        plan.note(note);
    }
}

/// `partition_by = "..."`: the strategy in lower case, as the README
/// writes it, and the key as the database prints it.
pub(super) fn partition_by(key: &str) -> Option<String> {
    let (strategy, rest) = key.trim().split_once(' ')?;
    let rest = rest.trim();
    let known = ["range", "list", "hash"]
        .iter()
        .any(|s| strategy.eq_ignore_ascii_case(s));
    (known && rest.starts_with('(') && rest.ends_with(')') && rest.len() >= 3)
        .then(|| format!("{} {rest}", strategy.to_ascii_lowercase()))
}

/// The replica identity once the names are settled: an index one must be
/// the name of a key or unique index the model declares.
pub(super) fn replica_identity(plan: &mut TablePlan) {
    let ReplicaIdentity::Index(index) = &plan.table.options.replica_identity else {
        return;
    };
    let t = &plan.table;
    let declared = t
        .primary_key
        .iter()
        .map(|p| &p.name)
        .chain(t.uniques.iter().map(|u| &u.name))
        .chain(t.indexes.iter().filter(|i| i.unique).map(|i| &i.name))
        .any(|n| n == index);
    if declared {
        return;
    }
    let why = "the model does not declare that index under that name";
    let note = format!(
        "its replica identity (using index `{index}`) is not written, so it is the default: {why}"
    );
    plan.table.options.replica_identity = ReplicaIdentity::Default;
    plan.note(note);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(column: &str, opclass: Option<&str>) -> IndexKey {
        let mut k = if column.contains('(') {
            IndexKey::expression(column)
        } else {
            IndexKey::column(column)
        };
        k.opclass = opclass.map(str::to_string);
        k
    }

    #[test]
    fn key_options_say_what_they_can() {
        let opclass = |keys: &[IndexKey]| KeyOptions::of(keys, |k| k.opclass.clone());
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        assert_eq!(opclass(&[key("a", None)]), Some(KeyOptions::default()));
        assert_eq!(
            opclass(&[key("a", Some("x")), key("b", Some("x"))]),
            Some(KeyOptions {
                every: Some("x".into()),
                by_column: Vec::new()
            })
        );
        assert_eq!(
            opclass(&[key("a", None), key("b", Some("y"))]),
            Some(KeyOptions {
                every: None,
                by_column: pairs(&[("b", "y")])
            })
        );
        assert_eq!(
            opclass(&[key("lower(a)", Some("x")), key("b", Some("y"))]),
            Some(KeyOptions {
                every: Some("x".into()),
                by_column: pairs(&[("b", "y")])
            })
        );
        assert_eq!(opclass(&[key("lower(a)", Some("x")), key("b", None)]), None);
        assert_eq!(opclass(&[key("a", Some("x")), key("a", Some("y"))]), None);
    }

    fn ordered(column: &str, descending: bool, nulls_first: bool) -> IndexKey {
        IndexKey {
            descending,
            nulls_first,
            ..key(column, None)
        }
    }

    #[test]
    fn key_orders_say_what_they_can() {
        let options = |every: Option<&str>, by_column: &[(&str, &str)]| {
            Some(KeyOptions {
                every: every.map(str::to_string),
                by_column: (by_column.iter())
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect(),
            })
        };
        assert_eq!(order(&[ordered("a", false, false)]), options(None, &[]));
        assert_eq!(
            order(&[ordered("a", true, true), ordered("b", true, true)]),
            options(Some("desc"), &[])
        );
        assert_eq!(
            order(&[ordered("a", true, false), ordered("b", false, true)]),
            options(None, &[("a", "desc nulls last"), ("b", "asc nulls first")])
        );
        // An expression key's order comes from `order = "..."`: a column
        // key of the default order says `asc`.
        assert_eq!(
            order(&[ordered("lower(a)", true, true), ordered("b", false, false)]),
            options(Some("desc"), &[("b", "asc")])
        );
        assert_eq!(
            order(&[ordered("a", true, true), ordered("a", false, false)]),
            None
        );
        assert_eq!(
            order(&[
                ordered("lower(a)", true, true),
                ordered("upper(b)", false, false)
            ]),
            None
        );
    }

    #[test]
    fn storage_and_partition_keys() {
        let (kept, refused) = storage(&["fillfactor=70".into(), "toast.x=1".into()]);
        assert_eq!((kept.len(), refused.len()), (1, 1));
        assert_eq!(
            with_text(&["autosummarize=on".into(), "x=Mixed".into()]),
            "autosummarize = on, x = 'Mixed'"
        );
        assert_eq!(partition_by("LIST (code)").as_deref(), Some("list (code)"));
        assert_eq!(partition_by("RANGE").as_deref(), None);
    }
}
