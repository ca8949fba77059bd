//! SQL of domains, composite types and range types.

use petal_ir::{
    Attribute, Check, CompositeType, Domain, ObjectKey, QualifiedName, RangeType, quote_ident,
    quote_literal,
};

use super::{ReviewedStatement, objects};
use crate::change::Delta;

fn collate(collation: &Option<String>) -> String {
    collation
        .as_deref()
        .map(|c| format!(" COLLATE {}", petal_ir::collation_sql(c)))
        .unwrap_or_default()
}

fn check_clause(check: &Check) -> String {
    format!(
        "CONSTRAINT {} CHECK ({})",
        quote_ident(&check.name),
        check.expr
    )
}

pub(super) fn create_domain(domain: &Domain) -> (String, Vec<ReviewedStatement>) {
    let mut sql = format!(
        "CREATE DOMAIN {} AS {}{}",
        domain.name.quoted(),
        domain.base_type,
        collate(&domain.collation)
    );
    if let Some(default) = &domain.default {
        sql.push_str(&format!(" DEFAULT {default}"));
    }
    if domain.not_null {
        sql.push_str(" NOT NULL");
    }
    for check in &domain.checks {
        sql.push(' ');
        sql.push_str(&check_clause(check));
    }
    sql.push(';');
    let key = ObjectKey::Domain {
        name: domain.name.clone(),
    };
    (sql, objects::comment_if_any(&key, &domain.comment))
}

pub(super) fn alter_domain(domain: &QualifiedName, action: &str) -> String {
    format!("ALTER DOMAIN {} {action};", domain.quoted())
}

pub(super) fn add_domain_check(domain: &QualifiedName, check: &Check) -> String {
    alter_domain(domain, &format!("ADD {}", check_clause(check)))
}

fn attribute(a: &Attribute) -> String {
    format!("{} {}{}", quote_ident(&a.name), a.ty, collate(&a.collation))
}

pub(super) fn create_composite(composite: &CompositeType) -> (String, Vec<ReviewedStatement>) {
    let attributes: Vec<String> = composite.attributes.iter().map(attribute).collect();
    let sql = format!(
        "CREATE TYPE {} AS ({});",
        composite.name.quoted(),
        attributes.join(", ")
    );
    let key = ObjectKey::CompositeType {
        name: composite.name.clone(),
    };
    let mut rest = objects::comment_if_any(&key, &composite.comment);
    for a in composite.attributes.iter().filter(|a| a.comment.is_some()) {
        let on = ObjectKey::column(&composite.name, &a.name);
        rest.push(objects::comment_extra(&on, &a.comment));
    }
    (sql, rest)
}

pub(super) fn alter_type(name: &QualifiedName, action: &str) -> String {
    format!("ALTER TYPE {} {action};", name.quoted())
}

pub(super) fn add_attribute(composite: &QualifiedName, a: &Attribute) -> String {
    alter_type(composite, &format!("ADD ATTRIBUTE {}", attribute(a)))
}

pub(super) fn create_range(range: &RangeType) -> (String, Vec<ReviewedStatement>) {
    let mut parts = vec![format!("SUBTYPE = {}", range.subtype)];
    let collation = range.collation.as_deref().map(petal_ir::collation_sql);
    // Qualified as petal reads it (a bare name is in the range's schema):
    // PostgreSQL would put a bare one in `search_path`'s first schema.
    let multirange = range.multirange.as_ref().map(|spelling| {
        range
            .multirange_name()
            .map_or_else(|| spelling.clone(), |name| petal_ir::type_spelling(&name))
    });
    let optional = [
        ("SUBTYPE_OPCLASS", &range.subtype_opclass),
        ("COLLATION", &collation),
        ("CANONICAL", &range.canonical),
        ("SUBTYPE_DIFF", &range.subtype_diff),
        ("MULTIRANGE_TYPE_NAME", &multirange),
    ];
    for (word, value) in optional {
        if let Some(v) = value {
            parts.push(format!("{word} = {v}"));
        }
    }
    let sql = format!(
        "CREATE TYPE {} AS RANGE ({});",
        range.name.quoted(),
        parts.join(", ")
    );
    let key = ObjectKey::RangeType {
        name: range.name.clone(),
    };
    (sql, objects::comment_if_any(&key, &range.comment))
}

pub(super) fn drop_type(name: &QualifiedName) -> String {
    format!("DROP TYPE {};", name.quoted())
}

/// After a range type's rename `name`, what PostgreSQL named after the old
/// name and keeps: the range's constructor functions, named after it; and
/// `multirange`'s rename, when the range brings one along, with its own
/// constructors. The multirange is found in the catalogs (by the range, on
/// PostgreSQL 14+), so a server without it is no error. Left behind, they
/// keep the old names taken: a range created again under the old name
/// fails on them (`function "r_multirange" already exists`).
pub(super) fn rename_multirange(
    name: &Delta<QualifiedName>,
    multirange: Option<&Delta<QualifiedName>>,
) -> String {
    let range = constructors(
        &format!(
            "pg_catalog.to_regtype({})",
            quote_literal(&name.to.quoted())
        ),
        &quote_literal(&name.from.name),
        &quote_literal(&name.to.name),
        "    ",
    );
    let Some(multirange) = multirange else {
        return format!(
            "DO $petal$\n\
             DECLARE f pg_catalog.regprocedure;\n\
             BEGIN\n\
             {range}\n\
             END $petal$;"
        );
    };
    let new = quote_literal(&multirange.to.name);
    format!(
        "DO $petal$\n\
         DECLARE\n\
         \x20   f pg_catalog.regprocedure;\n\
         \x20   m pg_catalog.oid;\n\
         \x20   m_name pg_catalog.text;\n\
         BEGIN\n\
         {range}\n\
         \x20   -- Its multirange: PostgreSQL 14+ (pg_range has no column for it before).\n\
         \x20   IF pg_catalog.current_setting('server_version_num')::pg_catalog.int4 >= 140000 THEN\n\
         \x20       SELECT r.rngmultitypid, t.typname::pg_catalog.text INTO m, m_name\n\
         \x20       FROM pg_catalog.pg_range r\n\
         \x20       JOIN pg_catalog.pg_type t ON t.oid = r.rngmultitypid\n\
         \x20       WHERE r.rngtypid = pg_catalog.to_regtype({});\n\
         \x20       IF m IS NOT NULL AND m_name <> {new} THEN\n\
         \x20           EXECUTE pg_catalog.format('ALTER TYPE %s RENAME TO %I', m::pg_catalog.regtype, {new});\n\
         {}\n\
         \x20       END IF;\n\
         \x20   END IF;\n\
         END $petal$;",
        quote_literal(&name.to.quoted()),
        constructors("m", "m_name", &new, "            "),
    )
}

/// The loop renaming the constructor functions of the type `ty` (they
/// depend on it with deptype 'i') named `old` to `new`, each line
/// indented by `indent`.
fn constructors(ty: &str, old: &str, new: &str, indent: &str) -> String {
    [
        "FOR f IN SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p".to_string(),
        "    JOIN pg_catalog.pg_depend d ON d.objid = p.oid AND d.deptype = 'i'".to_string(),
        "        AND d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass".to_string(),
        "        AND d.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass".to_string(),
        format!("    WHERE d.refobjid = {ty} AND p.proname = {old}"),
        "LOOP".to_string(),
        format!("    EXECUTE pg_catalog.format('ALTER FUNCTION %s RENAME TO %I', f, {new});"),
        "END LOOP;".to_string(),
    ]
    .iter()
    .map(|line| format!("{indent}{line}"))
    .collect::<Vec<_>>()
    .join("\n")
}
