//! How PostgreSQL spells a user type inside column types and expressions,
//! and the text rewrites that follow an enum type's or label's rename.
//!
//! The IR holds types and expressions as the server prints them
//! (`format_type`, `pg_get_expr` with `search_path` pinned to `pg_catalog`),
//! where an identifier is quoted only when it must be: `public.order_status`,
//! `"Sales"."Order Status"`. Renaming the type or a label changes that text
//! on the server, so the in-memory model must change it the same way.

use petal_ir::{Collation, Database, FunctionKey, QualifiedName, SqlType, quote_literal};
pub use petal_ir::{quote_ident_if_needed, type_spelling};

/// Whether a type is a user-defined one (in the IR: an enum). With
/// `search_path` pinned to `pg_catalog`, `format_type` qualifies every type
/// outside it, and no built-in spelling holds a dot or starts with a quote.
pub fn is_user_type(ty: &SqlType) -> bool {
    let element = ty.element();
    let text = element.as_str();
    !text.contains('(') && (text.contains('.') || text.starts_with('"'))
}

/// The spellings of one enum type, computed once for many columns.
pub struct EnumSpelling {
    bare: String,
    quoted: String,
}

impl EnumSpelling {
    pub fn new(name: &QualifiedName) -> Self {
        EnumSpelling {
            bare: type_spelling(name),
            quoted: name.quoted(),
        }
    }

    /// Whether `ty` is this type (`Some(false)`) or an array of it
    /// (`Some(true)`).
    pub fn used_by(&self, ty: &SqlType) -> Option<bool> {
        let text = ty.as_str();
        let element = text.strip_suffix("[]").unwrap_or(text);
        (element == self.bare || element == self.quoted).then(|| ty.is_array())
    }
}

/// Whether the argument list or result `text` (`v public.code, integer`,
/// `OUT s public.span`, `n integer DEFAULT 0`, `SETOF public.code`,
/// `TABLE(a public.code[])`) names the type spelled
/// `spelling` as `format_type` spells it: one of its parts is the type, or
/// an array of it, after any argument name or mode.
pub fn names_type(text: &str, spelling: &str) -> bool {
    let mut parts = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (at, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' | '(' | ')' if !quoted => {
                parts.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().any(|part| {
        // An argument's default is no part of its type.
        let part = part.split(" DEFAULT ").next().unwrap_or(part).trim();
        let ty = part.strip_suffix("[]").unwrap_or(part);
        ty == spelling
            || ty
                .strip_suffix(spelling)
                .is_some_and(|head| head.ends_with(' '))
    })
}

/// The column type of an enum (or its array).
pub fn enum_type(name: &QualifiedName, array: bool) -> SqlType {
    let spelling = type_spelling(name);
    if array {
        SqlType::from_canonical(format!("{spelling}[]"))
    } else {
        SqlType::from_canonical(spelling)
    }
}

/// Replaces `needle` in `text` wherever it is not followed by a character
/// that would make it part of a longer identifier.
fn replace_token(text: &str, needle: &str, replacement: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(needle) {
        let after = &rest[at + needle.len()..];
        let continues = after
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '"');
        out.push_str(&rest[..at]);
        out.push_str(if continues { needle } else { replacement });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Every SQL expression text of the database, for rewriting.
fn for_each_expression(db: &mut Database, mut f: impl FnMut(&mut String)) {
    for table in db.tables.values_mut() {
        for column in &mut table.columns {
            if let Some(d) = &mut column.default {
                f(d);
            }
            if let Some(g) = &mut column.generated {
                f(g);
            }
        }
        for check in &mut table.checks {
            f(&mut check.expr);
        }
        for exclusion in &mut table.exclusions {
            f(&mut exclusion.definition);
        }
        for index in &mut table.indexes {
            if let Some(p) = &mut index.predicate {
                f(p);
            }
            for key in &mut index.keys {
                if let petal_ir::IndexKeyExpr::Expression(e) = &mut key.expr {
                    f(e);
                }
            }
        }
    }
    // A policy's, which PostgreSQL prints anew after a rename under it:
    // an `ALTER POLICY` planned for the new text then finds it there.
    for policy in db.policies.values_mut() {
        for expression in [&mut policy.using, &mut policy.with_check]
            .into_iter()
            .flatten()
        {
            f(expression);
        }
    }
}

/// What the server shows after a type (an enum, domain, composite or
/// range type) is renamed from `from` to `to`: the columns, view columns,
/// attributes and domains of it, and casts in expressions, name the new
/// type.
pub fn rename_type_references(db: &mut Database, from: &QualifiedName, to: &QualifiedName) {
    let spelling = EnumSpelling::new(from);
    let retype = |ty: &mut SqlType| {
        if let Some(array) = spelling.used_by(ty) {
            *ty = enum_type(to, array);
        }
    };
    let columns = db.tables.values_mut().flat_map(|t| &mut t.columns);
    columns.for_each(|c| retype(&mut c.ty));
    let view_columns = db.views.values_mut().flat_map(|v| &mut v.columns);
    view_columns.for_each(|c| retype(&mut c.ty));
    let attributes = db
        .composite_types
        .values_mut()
        .flat_map(|c| &mut c.attributes);
    attributes.for_each(|a| retype(&mut a.ty));
    db.domains
        .values_mut()
        .for_each(|d| retype(&mut d.base_type));
    db.range_types
        .values_mut()
        .for_each(|r| retype(&mut r.subtype));
    let old = format!("::{}", type_spelling(from));
    let new = format!("::{}", type_spelling(to));
    for_each_expression(db, |e| {
        if e.contains(&old) {
            *e = replace_token(e, &old, &new);
        }
    });
}

/// What the server shows after `ALTER COLLATION from RENAME TO to`: the
/// columns, index keys, domains, attributes and ranges of it, and the
/// `COLLATE` clauses in expressions (spelled as `format_type` spells a
/// type), name the new name.
pub fn rename_collation_references(db: &mut Database, from: &QualifiedName, to: &QualifiedName) {
    let old_clause = format!("COLLATE {}", type_spelling(from));
    let new_clause = format!("COLLATE {}", type_spelling(to));
    for_each_expression(db, |e| {
        if e.contains(&old_clause) {
            *e = replace_token(e, &old_clause, &new_clause);
        }
    });
    let (old, new) = (Collation::spelling(from), Collation::spelling(to));
    let follow = |collation: &mut Option<String>| {
        if collation.as_deref() == Some(old.as_str()) {
            *collation = Some(new.clone());
        }
    };
    for table in db.tables.values_mut() {
        table
            .columns
            .iter_mut()
            .for_each(|c| follow(&mut c.collation));
        let keys = table.indexes.iter_mut().flat_map(|i| &mut i.keys);
        keys.for_each(|k| follow(&mut k.collation));
    }
    let view_keys = db
        .views
        .values_mut()
        .flat_map(|v| &mut v.indexes)
        .flat_map(|i| &mut i.keys);
    view_keys.for_each(|k| follow(&mut k.collation));
    db.domains
        .values_mut()
        .for_each(|d| follow(&mut d.collation));
    db.range_types
        .values_mut()
        .for_each(|r| follow(&mut r.collation));
    let attributes = db
        .composite_types
        .values_mut()
        .flat_map(|c| &mut c.attributes);
    attributes.for_each(|a| follow(&mut a.collation));
}

/// What the server shows after `ALTER TYPE t RENAME VALUE from TO to`:
/// constants of the type print the new label.
pub fn rename_label_references(db: &mut Database, name: &QualifiedName, from: &str, to: &str) {
    let spelling = type_spelling(name);
    let old = format!("{}::{spelling}", quote_literal(from));
    let new = format!("{}::{spelling}", quote_literal(to));
    for_each_expression(db, |e| {
        if e.contains(&old) {
            *e = replace_token(e, &old, &new);
        }
    });
}

/// Replaces `needle` in `text` wherever it is not preceded by a character
/// that would make it part of a longer name.
fn replace_name(text: &str, needle: &str, replacement: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(needle) {
        let joined = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '"' || c == '.');
        out.push_str(&rest[..at]);
        out.push_str(if joined { needle } else { replacement });
        rest = &rest[at + needle.len()..];
    }
    out.push_str(rest);
    out
}

/// What the server prints after `ALTER ROUTINE from(...) RENAME TO to`:
/// the function's own definition, the expressions and view queries calling
/// it, and the triggers executing it (the function under key `to`) name it
/// anew.
pub fn rename_function_references(db: &mut Database, to: &FunctionKey, from: &QualifiedName) {
    let old = format!("{}(", type_spelling(from));
    let new = format!("{}(", type_spelling(&to.name));
    let call = |text: &mut String| {
        if text.contains(&old) {
            *text = replace_name(text, &old, &new);
        }
    };
    for_each_expression(db, call);
    db.views.values_mut().for_each(|v| call(&mut v.definition));
    let executes = |name: &str| format!("EXECUTE FUNCTION {name}");
    for t in db.triggers.values_mut().filter(|t| t.function == *to) {
        t.definition = t.definition.replace(&executes(&old), &executes(&new));
    }
    if let Some(f) = db.functions.get_mut(to) {
        f.definition = f.definition.replacen(&old, &new, 1);
    }
}

/// What the server prints after a sequence is renamed: defaults and view
/// queries name the new one in their `'...'::regclass` constants.
pub fn rename_sequence_references(db: &mut Database, from: &QualifiedName, to: &QualifiedName) {
    let constant =
        |name: &QualifiedName| format!("{}::regclass", quote_literal(&type_spelling(name)));
    let (old, new) = (constant(from), constant(to));
    let rename = |text: &mut String| {
        if text.contains(&old) {
            *text = text.replace(&old, &new);
        }
    };
    for_each_expression(db, rename);
    db.views
        .values_mut()
        .for_each(|v| rename(&mut v.definition));
}

/// A trigger's definition after its table (or view) is renamed from `from`
/// to `to`: `pg_get_triggerdef` prints the relation's current name.
/// A trigger's definition with its name `from` spelled `to` (the name
/// follows `TRIGGER` at its start, quoted as `pg_get_triggerdef` quotes).
pub fn trigger_named(definition: &str, from: &str, to: &str) -> String {
    if from == to {
        return definition.to_string();
    }
    let old = format!("TRIGGER {} ", quote_ident_if_needed(from));
    let new = format!("TRIGGER {} ", quote_ident_if_needed(to));
    definition.replacen(&old, &new, 1)
}

pub fn trigger_on(definition: &str, from: &QualifiedName, to: &QualifiedName) -> String {
    if from == to {
        return definition.to_string();
    }
    let old = format!(" ON {} ", type_spelling(from));
    let new = format!(" ON {} ", type_spelling(to));
    definition.replacen(&old, &new, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_is_named_by_whole_parts_only() {
        assert!(names_type("v public.code, integer", "public.code"));
        assert!(names_type("public.code[]", "public.code"));
        assert!(names_type("SETOF public.code", "public.code"));
        assert!(names_type("TABLE(a integer, b public.code)", "public.code"));
        assert!(names_type("VARIADIC vs public.stays[]", "public.stays"));
        assert!(!names_type("v public.codes", "public.code"));
        assert!(!names_type("v xpublic.code", "public.code"));
        assert!(names_type(r#"v "a, b"."c d""#, r#""a, b"."c d""#));
        assert!(names_type("i integer, OUT s public.span", "public.span"));
        assert!(names_type(
            "v public.code DEFAULT 'x'::public.code",
            "public.code"
        ));
        assert!(!names_type(
            "v integer DEFAULT 'x'::public.code",
            "public.code"
        ));
    }

    #[test]
    fn keywords_are_sorted_for_binary_search() {}

    #[test]
    fn spelling_quotes_only_when_needed() {
        assert_eq!(
            type_spelling(&QualifiedName::new("public", "order_status")),
            "public.order_status"
        );
        assert_eq!(
            type_spelling(&QualifiedName::new("Sales", "user")),
            r#""Sales"."user""#
        );
        assert_eq!(
            type_spelling(&QualifiedName::new("crm", "статус")),
            r#"crm."статус""#
        );
    }

    #[test]
    fn token_replacement_respects_identifier_boundaries() {
        assert_eq!(
            replace_token(
                "'a'::public.st, 'b'::public.status",
                "::public.st",
                "::public.x"
            ),
            "'a'::public.x, 'b'::public.status"
        );
        assert_eq!(
            replace_token("'{a}'::public.st[]", "::public.st", "::public.x"),
            "'{a}'::public.x[]"
        );
    }
}
