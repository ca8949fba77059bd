//! SQL of domains, composite types and range types.

use petal_ir::{
    Attribute, Check, CompositeType, Domain, ObjectKey, QualifiedName, RangeType, quote_ident,
    quote_literal,
};

use super::{ReviewedStatement, objects};

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
    let optional = [
        ("SUBTYPE_OPCLASS", &range.subtype_opclass),
        ("COLLATION", &collation),
        ("CANONICAL", &range.canonical),
        ("SUBTYPE_DIFF", &range.subtype_diff),
        ("MULTIRANGE_TYPE_NAME", &range.multirange),
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

/// After a range type's rename, what PostgreSQL named after the old name
/// and keeps: its multirange (14+), renamed after it when it bore the name
/// derived from the old one (a range created under the new name would have
/// the derived one; one named by hand is left alone), and the constructor
/// functions of both, which are named after their types. Left behind, they
/// keep the old names taken: a range created again under the old name
/// fails on them (`function "r_multirange" already exists`).
pub(super) fn rename_multirange(from: &QualifiedName, to: &QualifiedName) -> String {
    let old = QualifiedName::new(
        to.schema.clone(),
        petal_ir::naming::default_multirange_name(&from.name),
    );
    let new = QualifiedName::new(
        to.schema.clone(),
        petal_ir::naming::default_multirange_name(&to.name),
    );
    // The constructors depend on their type with deptype 'i'.
    let constructors = |ty: &QualifiedName, old_name: &str, new_name: &str| {
        format!(
            "    FOR f IN SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p\n\
             \x20       JOIN pg_catalog.pg_depend d ON d.objid = p.oid AND d.deptype = 'i'\n\
             \x20           AND d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass\n\
             \x20           AND d.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass\n\
             \x20       WHERE d.refobjid = pg_catalog.to_regtype({}) AND p.proname = {}\n\
             \x20   LOOP\n\
             \x20       EXECUTE pg_catalog.format('ALTER FUNCTION %s RENAME TO %I', f, {});\n\
             \x20   END LOOP;",
            quote_literal(&ty.quoted()),
            quote_literal(old_name),
            quote_literal(new_name)
        )
    };
    format!(
        "DO $petal$\n\
         DECLARE f pg_catalog.regprocedure;\n\
         BEGIN\n\
         \x20   IF pg_catalog.to_regtype({}) IS NOT NULL THEN\n\
         \x20       ALTER TYPE {} RENAME TO {};\n\
         \x20   END IF;\n\
         {}\n\
         {}\n\
         END $petal$;",
        quote_literal(&old.quoted()),
        old.quoted(),
        quote_ident(&new.name),
        constructors(to, &from.name, &to.name),
        constructors(&new, &old.name, &new.name),
    )
}
