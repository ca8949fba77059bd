//! The names PostgreSQL gives unnamed constraints and indexes.
//!
//! petal names every constraint and index explicitly in the DDL it writes, so
//! it must pick the very names PostgreSQL would have picked: then a database
//! created by hand, with default names, shows no diff. This follows
//! `makeObjectName`, `ChooseRelationName`, `ChooseIndexColumnNames` and
//! `ChooseIndexNameAddition` in PostgreSQL's `indexcmds.c`/`namespace.c`.

use std::collections::BTreeSet;

use crate::{IndexKey, IndexKeyExpr, MAX_IDENTIFIER_BYTES};

/// `makeObjectName`: `name1_name2_label`, with the longer of the two names
/// shortened first until the whole fits in 63 bytes, cut on a character
/// boundary.
pub fn make_object_name(name1: &str, name2: Option<&str>, label: Option<&str>) -> String {
    let mut overhead = 0;
    let mut name1_len = name1.len();
    let mut name2_len = 0;
    if let Some(n2) = name2 {
        name2_len = n2.len();
        overhead += 1;
    }
    if let Some(l) = label {
        overhead += l.len() + 1;
    }
    let avail = MAX_IDENTIFIER_BYTES.saturating_sub(overhead);
    while name1_len + name2_len > avail {
        if name1_len > name2_len {
            name1_len -= 1;
        } else {
            name2_len -= 1;
        }
    }
    let mut out = clip(name1, name1_len).to_string();
    if let Some(n2) = name2 {
        out.push('_');
        out.push_str(clip(n2, name2_len));
    }
    if let Some(l) = label {
        out.push('_');
        out.push_str(l);
    }
    out
}

/// `name` as PostgreSQL keeps it (63 bytes at most). A longer one is cut
/// and ends with a hash of the whole, so two long names that share their
/// first 54 bytes stay two names.
pub fn hashed_identifier(name: String) -> String {
    if name.len() <= MAX_IDENTIFIER_BYTES {
        return name;
    }
    let cut = clip(&name, MAX_IDENTIFIER_BYTES - 9);
    format!("{cut}_{:08x}", fnv1a(&name))
}

/// The name `name` is set aside under while its replacement is built
/// (`orders_petal_old` for `label` `petal_old`): `makeObjectName`'s, when
/// it keeps the whole of `name`; else `name` cut, a hash of all of it and
/// the label, so that two long names sharing their first bytes are set
/// aside under two names.
pub fn aside_name(name: &str, label: &str) -> String {
    if name.len() + 1 + label.len() <= MAX_IDENTIFIER_BYTES {
        return make_object_name(name, None, Some(label));
    }
    let room = MAX_IDENTIFIER_BYTES.saturating_sub(label.len() + 10);
    format!("{}_{:08x}_{label}", clip(name, room), fnv1a(name))
}

/// FNV-1a, folded to 32 bits: stable across runs and builds, so the
/// files that print it are too.
fn fnv1a(text: &str) -> u32 {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    hash as u32
}

/// `pg_mbcliplen` for UTF-8: at most `len` bytes, never splitting a character.
pub fn clip(text: &str, len: usize) -> &str {
    if len >= text.len() {
        return text;
    }
    let mut end = len;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Truncates an identifier the way the server does when it is too long.
pub fn truncate_identifier(ident: &str) -> &str {
    clip(ident, MAX_IDENTIFIER_BYTES)
}

/// `ChooseIndexNameAddition`/`ChooseForeignKeyConstraintNameAddition`: the
/// column names joined by `_`, stopping once 63 bytes are reached.
pub fn name_addition<S: AsRef<str>>(names: &[S]) -> String {
    let mut out = String::new();
    for name in names {
        if !out.is_empty() {
            out.push('_');
        }
        // strlcpy into a NAMEDATALEN buffer: at most 63 bytes in all.
        let room = MAX_IDENTIFIER_BYTES.saturating_sub(out.len());
        out.push_str(clip(name.as_ref(), room));
        if out.len() >= MAX_IDENTIFIER_BYTES {
            break;
        }
    }
    out
}

/// `ChooseIndexColumnNames`: a key's column name, `expr` for an expression,
/// made unique within the index by a numeric suffix; INCLUDE columns count.
pub fn index_column_names(keys: &[IndexKey], include: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let originals: Vec<String> = keys
        .iter()
        .map(|k| match &k.expr {
            IndexKeyExpr::Column(c) => c.clone(),
            IndexKeyExpr::Expression(e) => expression_column_name(e),
        })
        .chain(include.iter().cloned())
        .collect();
    for orig in originals.iter().map(String::as_str) {
        let mut candidate = orig.to_string();
        let mut i = 1;
        while out.contains(&candidate) {
            let suffix = i.to_string();
            // Like PostgreSQL, keep room for the suffix within NAMEDATALEN.
            let keep = MAX_IDENTIFIER_BYTES.saturating_sub(suffix.len());
            candidate = format!("{}{}", clip(orig, keep), suffix);
            i += 1;
        }
        out.push(candidate);
    }
    out
}

/// `FigureIndexColname`: an expression key is named after its function
/// (`lower(email)` → `lower`, `COALESCE(a, b)` → `coalesce`, a `CASE` →
/// `case`), and `expr` otherwise (an operator, a cast of a column).
pub fn expression_column_name(expr: &str) -> String {
    let text = expr.trim().trim_start_matches('(').trim_start();
    let (parts, rest) = dotted_name(text);
    let rest = rest.trim_start();
    let bare_case =
        matches!(parts.as_slice(), [(word, false)] if word.eq_ignore_ascii_case("case"));
    if bare_case && !rest.starts_with('(') {
        return "case".to_string();
    }
    // A cast of a column is named after the column (`x::varchar` → `x`).
    let is_cast = rest.trim_start_matches(')').trim_start().starts_with("::");
    match parts.last() {
        // A qualified function is named after its last part, as written
        // (unquoted identifiers fold to lower case).
        Some((last, quoted)) if rest.starts_with('(') || is_cast => {
            if *quoted {
                last.clone()
            } else {
                last.to_lowercase()
            }
        }
        _ => "expr".to_string(),
    }
}

/// The parts of a dotted name at the start of `text` (each with whether
/// it was quoted: a quoted part may hold spaces, dots and doubled quotes),
/// and the rest of the text.
fn dotted_name(text: &str) -> (Vec<(String, bool)>, &str) {
    let mut parts = Vec::new();
    let mut rest = text;
    loop {
        let part = match rest.strip_prefix('"') {
            Some(quoted) => {
                let mut name = String::new();
                let mut end = None;
                let mut chars = quoted.char_indices().peekable();
                while let Some((at, c)) = chars.next() {
                    if c != '"' {
                        name.push(c);
                    } else if chars.peek().is_some_and(|(_, next)| *next == '"') {
                        chars.next();
                        name.push('"');
                    } else {
                        end = Some(at + 1);
                        break;
                    }
                }
                end.map(|end| ((name, true), &quoted[end..]))
            }
            None => {
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                    .unwrap_or(rest.len());
                (end > 0).then(|| ((rest[..end].to_string(), false), &rest[end..]))
            }
        };
        let Some((part, after)) = part else {
            return (parts, rest);
        };
        parts.push(part);
        match after.strip_prefix('.') {
            Some(next) => rest = next,
            None => return (parts, after),
        }
    }
}

/// The names already taken in one schema: relations (tables, indexes,
/// sequences) and constraints. PostgreSQL picks a default name that is free
/// in both, appending 1, 2, ... to the label on a clash.
#[derive(Debug, Clone, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    pub fn new() -> Self {
        Namespace::default()
    }

    /// Marks a name as taken.
    pub fn take(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// `ChooseRelationName`/`ChooseConstraintName`: the first free name among
    /// `name1_name2_label`, `name1_name2_label1`, ...; the result is taken.
    pub fn choose(&mut self, name1: &str, name2: Option<&str>, label: &str) -> String {
        let mut pass = 0;
        loop {
            let modlabel = if pass == 0 {
                label.to_string()
            } else {
                format!("{label}{pass}")
            };
            let candidate = make_object_name(name1, name2, Some(&modlabel));
            if !self.taken.contains(&candidate) {
                self.taken.insert(candidate.clone());
                return candidate;
            }
            pass += 1;
        }
    }

    /// `orders_pkey`
    pub fn primary_key(&mut self, table: &str) -> String {
        self.choose(table, None, "pkey")
    }

    /// `customers_phone_key`
    pub fn unique<S: AsRef<str>>(&mut self, table: &str, columns: &[S]) -> String {
        self.choose(table, Some(&name_addition(columns)), "key")
    }

    /// `bookings_room_during_excl`; an expression element is named as an
    /// index's expression key is (`lower(email)`: `lower`).
    pub fn exclusion<S: AsRef<str>>(&mut self, table: &str, columns: &[S]) -> String {
        self.choose(table, Some(&name_addition(columns)), "excl")
    }

    /// `orders_customer_id_fkey`
    pub fn foreign_key<S: AsRef<str>>(&mut self, table: &str, columns: &[S]) -> String {
        self.choose(table, Some(&name_addition(columns)), "fkey")
    }

    /// `orders_total_check` when the expression uses one column,
    /// `orders_check` otherwise.
    pub fn check(&mut self, table: &str, single_column: Option<&str>) -> String {
        self.choose(table, single_column, "check")
    }

    /// `orders_customer_phone_idx`, `orders_expr_idx`.
    pub fn index(&mut self, table: &str, keys: &[IndexKey], include: &[String]) -> String {
        let names = index_column_names(keys, include);
        self.choose(table, Some(&name_addition(&names)), "idx")
    }
}

/// `makeMultirangeTypeName`: the first `range` in the name becomes
/// `multirange`; a name without one gets `_multirange` (the name cut to
/// 52 bytes first); the whole cut to 63 bytes.
pub fn default_multirange_name(range: &str) -> String {
    let name = match range.find("range") {
        Some(at) => format!("{}multi{}", &range[..at], &range[at..]),
        None => format!(
            "{}_multirange",
            clip(range, crate::MAX_IDENTIFIER_BYTES - 11)
        ),
    };
    truncate_identifier(&name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names() {
        let mut ns = Namespace::new();
        ns.take("orders");
        assert_eq!(ns.primary_key("orders"), "orders_pkey");
        assert_eq!(
            ns.foreign_key("orders", &["customer_id"]),
            "orders_customer_id_fkey"
        );
        assert_eq!(ns.unique("customers", &["phone"]), "customers_phone_key");
        assert_eq!(
            ns.index("orders", &[IndexKey::column("customer_phone")], &[]),
            "orders_customer_phone_idx"
        );
        assert_eq!(ns.check("orders", Some("total")), "orders_total_check");
        assert_eq!(ns.check("orders", None), "orders_check");
        assert_eq!(ns.check("orders", None), "orders_check1");
        assert_eq!(
            ns.index("orders", &[IndexKey::expression("lower(address)")], &[]),
            "orders_lower_idx"
        );
        assert_eq!(
            ns.index("orders", &[IndexKey::expression("(total + fee)")], &[]),
            "orders_expr_idx"
        );
        assert_eq!(expression_column_name("COALESCE(a, b)"), "coalesce");
        assert_eq!(
            expression_column_name("CASE WHEN a THEN 1 ELSE 2 END"),
            "case"
        );
        assert_eq!(expression_column_name("public.f(x)"), "f");
        assert_eq!(
            expression_column_name(r#"public."Is Positive"(qty)"#),
            "Is Positive"
        );
        assert_eq!(expression_column_name(r#""Склад".norm(x)"#), "norm");
        assert_eq!(expression_column_name("(x)::character varying"), "x");
        assert_eq!(
            ns.index(
                "orders",
                &[IndexKey::expression("a"), IndexKey::expression("b")],
                &[]
            ),
            "orders_expr_expr1_idx"
        );
    }

    #[test]
    fn truncation_shortens_the_longer_name_first() {
        let table = "t".repeat(40);
        let column = "c".repeat(40);
        let name = make_object_name(&table, Some(&column), Some("fkey"));
        assert_eq!(name.len(), 63);
        // 63 - 6 bytes of overhead = 57, split 29 + 28.
        assert_eq!(name, format!("{}_{}_fkey", "t".repeat(29), "c".repeat(28)));
    }

    #[test]
    fn truncation_respects_characters() {
        // Cyrillic letters are two bytes each: never split one.
        let table = "заказы".repeat(8);
        let name = make_object_name(&table, None, Some("pkey"));
        assert!(name.len() <= 63);
        assert!(name.ends_with("_pkey"));
        assert_eq!(truncate_identifier(&"я".repeat(40)).len(), 62);
    }
}

#[cfg(test)]
mod multirange_tests {
    use super::{aside_name, default_multirange_name};

    #[test]
    fn long_names_set_aside_stay_apart() {
        assert_eq!(aside_name("orders", "petal_old"), "orders_petal_old");
        let first = format!("{}_first", "n".repeat(50));
        let second = format!("{}_other", "n".repeat(50));
        let (a, b) = (
            aside_name(&first, "petal_old"),
            aside_name(&second, "petal_old"),
        );
        assert_ne!(a, b, "two long names share their first 50 bytes");
        for aside in [&a, &b] {
            assert!(
                aside.len() <= 63 && aside.ends_with("_petal_old"),
                "{aside}"
            );
        }
        let multibyte = aside_name(&"ä".repeat(40), "petal_old");
        assert!(multibyte.len() <= 63 && multibyte.ends_with("_petal_old"));
    }

    #[test]
    fn multirange_names_follow_postgresql() {
        assert_eq!(default_multirange_name("floatrange"), "floatmultirange");
        assert_eq!(default_multirange_name("textrange_c"), "textmultirange_c");
        assert_eq!(
            default_multirange_name("rangeish_range"),
            "multirangeish_range"
        );
        assert_eq!(default_multirange_name("span"), "span_multirange");
        let long = "x".repeat(63);
        assert_eq!(
            default_multirange_name(&long),
            format!("{}_multirange", "x".repeat(52))
        );
        let long_range = format!("{}range", "y".repeat(58));
        assert_eq!(default_multirange_name(&long_range).len(), 63);
    }
}
