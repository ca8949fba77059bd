//! Helpers of the model writer's round trip: decorations the schema
//! generator does not make, and one spelling of exclusion constraints.

use petal_ir::arbitrary::Rng;
use petal_ir::{
    Database, Deferrable, FkAction, Identity, Index, IndexKey, IndexKeyExpr, QualifiedName, Table,
};

/// Texts that need escaping in a Rust literal, one way or another.
const TEXTS: &[&str] = &[
    "a \"quoted\" word",
    r"back\slash",
    "line\nbreak\ttab",
    "it's \"# raw",
    "Цена",
];

/// `db` with what the generator does not make, at random: collations,
/// comments (quotes, backslashes, newlines), identity columns with named
/// sequences, generated columns, NOT VALID NOT NULLs, deferrable keys,
/// NULLS NOT DISTINCT, operator classes, collations and orders on index
/// keys, expression indexes, names PostgreSQL did not pick, odd enum
/// labels.
pub fn decorate(mut db: Database, rng: &mut Rng) -> Database {
    let names: Vec<QualifiedName> = db
        .tables
        .values()
        .filter(|t| !t.is_declared_in_sql())
        .map(|t| t.name.clone())
        .collect();
    for name in names {
        if let Some(t) = db.tables.get_mut(&name) {
            decorate_table(t, rng);
        }
    }
    for e in db.enums.values_mut() {
        if rng.chance(30) {
            for label in ["Done!", "in_progress", "IN PROGRESS", "a\"b", "ünïcode"] {
                if rng.chance(50) && !e.labels.iter().any(|l| l == label) {
                    e.labels.push(label.to_string());
                }
            }
        }
    }
    db.normalize();
    db
}

fn text(rng: &mut Rng) -> Option<String> {
    rng.pick(TEXTS).map(|t| t.to_string())
}

fn decorate_table(t: &mut Table, rng: &mut Rng) {
    if rng.chance(30) {
        t.comment = text(rng);
    }
    t.options.row_level_security |= rng.chance(15);
    t.options.force_row_level_security |= rng.chance(10);
    decorate_columns(t, rng);
    if let Some(pk) = &mut t.primary_key {
        if rng.chance(20) {
            pk.comment = text(rng);
        }
        if rng.chance(10) {
            pk.deferrable = Deferrable::InitiallyImmediate;
        }
    }
    for u in &mut t.uniques {
        u.nulls_not_distinct |= rng.chance(20);
        if rng.chance(15) {
            u.comment = text(rng);
        }
        if rng.chance(10) {
            u.deferrable = Deferrable::InitiallyImmediate;
        }
    }
    for c in &mut t.checks {
        if rng.chance(20) {
            c.comment = text(rng);
        }
        c.no_inherit |= rng.chance(10);
    }
    for x in &mut t.exclusions {
        if rng.chance(30) {
            x.comment = text(rng);
        }
    }
    for fk in &mut t.foreign_keys {
        if rng.chance(20) {
            fk.on_update = FkAction::Cascade;
        }
        if rng.chance(10) {
            fk.deferrable = Deferrable::InitiallyImmediate;
        }
        if rng.chance(10) {
            fk.comment = text(rng);
        }
    }
    decorate_indexes(t, rng);
    decorate_names(t, rng);
    t.normalize();
}

/// Names PostgreSQL did not pick, or picked in another order: two
/// constraints' names swapped, one renamed, a second unique constraint on
/// the same columns (`t_a_key1`), a second foreign key on the same columns,
/// a primary key named by hand, a check name other tables share.
fn decorate_names(t: &mut Table, rng: &mut Rng) {
    if let Some(first) = t.uniques.first().cloned()
        && rng.chance(15)
    {
        t.uniques.push(petal_ir::Unique {
            name: format!("{}1", first.name),
            comment: None,
            ..first
        });
    }
    let table = t.name.name.clone();
    if let Some(first) = t.foreign_keys.first().cloned()
        && rng.chance(15)
    {
        t.foreign_keys.push(petal_ir::ForeignKey {
            name: format!("{table} fk2"),
            on_delete: FkAction::Restrict,
            ..first
        });
    }
    if let Some(pk) = &mut t.primary_key
        && rng.chance(15)
    {
        let name = format!("{table} odd pkey");
        // The replica identity names the index, whatever its name.
        if t.options.replica_identity.is_index(&pk.name) {
            t.options.replica_identity = petal_ir::ReplicaIdentity::Index(name.clone());
        }
        pk.name = name;
    }
    if let Some(check) = t.checks.first_mut()
        && rng.chance(30)
    {
        // PostgreSQL keeps a check's name unique in its table only.
        check.name = "positive".into();
    }
    macro_rules! shuffle {
        ($list:expr, $kind:literal) => {
            if $list.len() >= 2 && rng.chance(20) {
                let name = std::mem::take(&mut $list[0].name);
                $list[0].name = std::mem::replace(&mut $list[1].name, name);
            }
            if let Some(first) = $list.first_mut()
                && rng.chance(15)
            {
                first.name = format!("{table} odd {}", $kind);
            }
        };
    }
    shuffle!(t.uniques, "key");
    shuffle!(t.checks, "check");
    shuffle!(t.foreign_keys, "fkey");
    shuffle!(t.indexes, "index");
    shuffle!(t.exclusions, "excl");
}

fn decorate_columns(t: &mut Table, rng: &mut Rng) {
    let keys: Vec<String> = t
        .primary_key
        .iter()
        .flat_map(|p| p.columns.clone())
        .collect();
    let schema = t.name.schema.clone();
    for c in &mut t.columns {
        if c.ty.as_str() == "text" && rng.chance(20) {
            c.collation = rng
                .pick(&["C", "en_US.utf8", r#""public"."numeric""#])
                .map(|s| s.to_string());
        }
        if rng.chance(15) {
            c.comment = text(rng);
        }
        let plain = !keys.contains(&c.name)
            && c.default.is_none()
            && c.identity.is_none()
            && !c.serial
            && c.generated.is_none();
        let integer = matches!(c.ty.as_str(), "integer" | "bigint" | "smallint");
        if plain && integer && rng.chance(20) {
            c.identity = Some(if rng.chance(50) {
                Identity::Always
            } else {
                Identity::ByDefault
            });
            c.nullable = false;
            c.sequence = match rng.below(4) {
                0 => Some(QualifiedName::new(schema.clone(), "numbers")),
                1 => Some(QualifiedName::new("elsewhere", "numbers")),
                2 => Some(QualifiedName::new(schema.clone(), "dotted.name")),
                _ => None,
            };
        } else if plain && rng.chance(8) {
            c.generated = Some("(6 * 7)".to_string());
        } else if !c.nullable && !keys.contains(&c.name) && rng.chance(5) {
            c.not_null_not_valid = Some(format!("{}_not_null", c.name));
        }
    }
}

fn decorate_indexes(t: &mut Table, rng: &mut Rng) {
    for index in &mut t.indexes {
        if rng.chance(15) {
            index.comment = text(rng);
        }
        if rng.chance(15) {
            index
                .keys
                .iter_mut()
                .for_each(|k| k.opclass = Some("text_pattern_ops".into()));
        } else if rng.chance(10)
            && let [key] = index.keys.as_mut_slice()
            && matches!(key.expr, IndexKeyExpr::Column(_))
        {
            key.opclass = Some("int4_ops".into());
        }
        if rng.chance(10) {
            index
                .keys
                .iter_mut()
                .for_each(|k| k.collation = Some("C".into()));
        }
        // PostgreSQL orders no hash index's keys.
        let ordered = index.keys.iter().any(|k| k.descending || k.nulls_first);
        if rng.chance(10) && index.keys.len() == 1 && !index.unique && !ordered {
            index.method = "hash".into();
        }
        if rng.chance(10) {
            index.storage = vec!["deduplicate_items=off".into(), "x=Mixed".into()];
        }
        index.nulls_not_distinct |= index.unique && rng.chance(20);
    }
    if rng.chance(20)
        && let Some(first) = t.columns.first()
    {
        t.indexes.push(Index {
            name: format!("{} odd idx", t.name.name),
            unique: rng.chance(30),
            method: "btree".into(),
            keys: vec![
                IndexKey {
                    descending: rng.chance(50),
                    nulls_first: rng.chance(50),
                    ..IndexKey::expression("lower((id)::text)")
                },
                IndexKey {
                    descending: rng.chance(50),
                    nulls_first: rng.chance(50),
                    ..IndexKey::column(first.name.clone())
                },
            ],
            include: Vec::new(),
            predicate: Some("(1 = 1)".into()),
            nulls_not_distinct: false,
            storage: Vec::new(),
            comment: text(rng),
            concurrently: false,
            only: false,
        });
    }
}

/// An exclusion constraint's definition with each element's key in one
/// spelling: a column bare when it can be, an expression without the
/// parentheses the scanner adds (`("code" WITH =)` and `(code WITH =)` are
/// one definition, as PostgreSQL prints both).
pub fn exclusion_spelling(definition: &str) -> String {
    let Some(open) = definition.find('(') else {
        return definition.to_string();
    };
    let Some(close) = matching(definition, open) else {
        return definition.to_string();
    };
    let elements: Vec<String> = split_top_level(&definition[open + 1..close])
        .into_iter()
        .map(|element| match element.rsplit_once(" WITH ") {
            Some((key, operator)) => format!("{} WITH {operator}", key_spelling(key.trim())),
            None => element.to_string(),
        })
        .collect();
    format!(
        "{}({}){}",
        &definition[..open],
        elements.join(", "),
        &definition[close + 1..]
    )
}

fn key_spelling(key: &str) -> String {
    if key.starts_with('(') && matching(key, 0) == Some(key.len() - 1) {
        return key[1..key.len() - 1].to_string();
    }
    if let Some(inner) = key.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
        let bare = inner.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && inner
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if bare {
            return inner.to_string();
        }
    }
    key.to_string()
}

/// The position of the parenthesis closing the one at `open`.
fn matching(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (at, c) in text.char_indices().skip_while(|(at, _)| *at < open) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                parts.push(text[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}
