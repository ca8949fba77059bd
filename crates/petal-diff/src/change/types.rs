//! What creating, dropping and altering domains, composite types and
//! range types means.

use petal_ir::{Attribute, Check, CompositeType, Domain, QualifiedName, RangeType, SqlType};

use crate::classify::{Review, Safety};

pub(super) fn create_domain(domain: &Domain) -> Review {
    Review::safe(format!(
        "create domain {} as {}",
        domain.name, domain.base_type
    ))
}

pub(super) fn drop_domain(domain: &Domain) -> Review {
    Review::safe(format!("drop domain {}", domain.name))
}

pub(super) fn add_domain_check(domain: &QualifiedName, check: &Check) -> Review {
    Review::new(
        format!(
            "add check {} to domain {domain}: {}",
            check.name, check.expr
        ),
        Safety::Locks,
    )
    .note("fails if any value of a column of the domain violates it")
}

pub(super) fn domain_default(domain: &QualifiedName, to: &Option<String>) -> Review {
    Review::safe(match to {
        Some(d) => format!("set default of domain {domain} to {d}"),
        None => format!("drop default of domain {domain}"),
    })
}

pub(super) fn domain_not_null(domain: &QualifiedName, not_null: bool) -> Review {
    if not_null {
        Review::new(format!("set NOT NULL on domain {domain}"), Safety::Locks)
            .note("fails if a column of the domain holds NULL")
    } else {
        Review::safe(format!("drop NOT NULL on domain {domain}"))
    }
}

pub(super) fn create_composite(composite: &CompositeType) -> Review {
    Review::safe(format!(
        "create composite type {} ({} attributes)",
        composite.name,
        composite.attributes.len()
    ))
}

/// PostgreSQL adds and drops attributes while table columns are of the
/// type (their values gain NULLs or lose a field); only a type change of
/// an attribute fails then.
pub(super) fn add_attribute(composite: &QualifiedName, attribute: &Attribute) -> Review {
    Review::safe(format!(
        "add attribute {} {} to composite type {composite}",
        attribute.name, attribute.ty
    ))
}

pub(super) fn drop_attribute(composite: &QualifiedName, attribute: &Attribute) -> Review {
    Review::safe(format!(
        "drop attribute {} of composite type {composite}",
        attribute.name
    ))
}

pub(super) fn attribute_type(composite: &QualifiedName, attribute: &str, to: &SqlType) -> Review {
    Review::safe(format!(
        "change type of attribute {attribute} of composite type {composite} to {to}"
    ))
    .note("fails while a table column is of this type")
}

pub(super) fn create_range(range: &RangeType) -> Review {
    Review::safe(format!(
        "create range type {} of {}",
        range.name, range.subtype
    ))
}
