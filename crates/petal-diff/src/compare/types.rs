//! Domains, composite types and range types: what a change of a kept one
//! takes, and the alterations that get it there.

use petal_ir::{CompositeType, Domain, QualifiedName, RangeType, SqlType};

use super::keyed::match_named;
use super::objects::Decision;
use crate::change::{Alter, AttributeType, Change, Delta, Object, Rename};

/// A domain is recreated when its base type or collation changes; its
/// default, NOT NULL and checks are altered in place.
pub(super) fn decide_domain(cur: &Domain, to: &Domain) -> Decision {
    if cur.base_type != to.base_type || cur.collation != to.collation {
        Decision::Recreate
    } else {
        Decision::Keep
    }
}

/// The alterations of a kept domain (named `to.name` by now); `users`: the
/// tables with a column of it.
pub(super) fn domain_changes(cur: &Domain, to: &Domain, users: &[QualifiedName]) -> Vec<Change> {
    let name = &to.name;
    let mut out = Vec::new();
    let matched = match_named(
        &cur.checks,
        &to.checks,
        |c| &c.name,
        |a, b| a.expr == b.expr,
        |_| false,
    );
    for check in matched.dropped {
        out.push(Change::Drop(Object::DomainCheck {
            domain: name.clone(),
            check,
            users: users.to_vec(),
        }));
    }
    for (old, new) in matched.renamed {
        out.push(Change::Rename(Rename::DomainCheck {
            domain: name.clone(),
            name: Delta::new(old.name, new.name),
        }));
    }
    if cur.default != to.default {
        out.push(Change::Alter(Alter::DomainDefault {
            domain: name.clone(),
            default: Delta::new(cur.default.clone(), to.default.clone()),
        }));
    }
    if cur.not_null != to.not_null {
        out.push(Change::Alter(Alter::DomainNotNull {
            domain: name.clone(),
            not_null: Delta::new(cur.not_null, to.not_null),
            users: users.to_vec(),
        }));
    }
    for check in matched.added {
        out.push(Change::Create(Object::DomainCheck {
            domain: name.clone(),
            check,
            users: users.to_vec(),
        }));
    }
    out
}

/// A composite type is altered in place (attributes dropped, added at the
/// end, retyped) when that reaches the wanted order, and the same in the
/// down reaches the order it had (the down appends what the up dropped);
/// recreated otherwise.
pub(super) fn decide_composite(cur: &CompositeType, to: &CompositeType) -> Decision {
    if reaches(cur, to) && reaches(to, cur) {
        Decision::Keep
    } else {
        Decision::Recreate
    }
}

/// Whether a kept attribute of `cur` has another type (or collation) in
/// `to`, once `ty` and `collation` name `cur`'s as `to` does (a renamed
/// type or collation is no change).
pub(super) fn retypes_attribute(
    cur: &CompositeType,
    to: &CompositeType,
    ty: impl Fn(&SqlType) -> SqlType,
    collation: impl Fn(&Option<String>) -> Option<String>,
) -> bool {
    cur.attributes.iter().any(|a| {
        to.attributes.iter().any(|t| {
            t.name == a.name && (t.ty != ty(&a.ty) || t.collation != collation(&a.collation))
        })
    })
}

/// Whether dropping `cur`'s attributes that `to` lacks and appending the
/// new ones gives `to`'s order.
fn reaches(cur: &CompositeType, to: &CompositeType) -> bool {
    let kept: Vec<&str> = cur
        .attributes
        .iter()
        .filter(|a| to.attributes.iter().any(|t| t.name == a.name))
        .map(|a| a.name.as_str())
        .collect();
    let added = to
        .attributes
        .iter()
        .filter(|t| !cur.attributes.iter().any(|a| a.name == t.name))
        .map(|t| t.name.as_str());
    let reached: Vec<&str> = kept.into_iter().chain(added).collect();
    let wanted: Vec<&str> = to.attributes.iter().map(|a| a.name.as_str()).collect();
    reached == wanted
}

/// The attribute changes of a kept composite type (named `to.name`).
pub(super) fn composite_changes(cur: &CompositeType, to: &CompositeType) -> Vec<Change> {
    let name = &to.name;
    let mut out = Vec::new();
    for a in &cur.attributes {
        if !to.attributes.iter().any(|t| t.name == a.name) {
            out.push(Change::Drop(Object::Attribute {
                composite: name.clone(),
                attribute: a.clone(),
            }));
        }
    }
    for t in &to.attributes {
        match cur.attributes.iter().find(|a| a.name == t.name) {
            Some(a) if a.ty != t.ty || a.collation != t.collation => {
                out.push(Change::Alter(Alter::AttributeType {
                    composite: name.clone(),
                    attribute: t.name.clone(),
                    ty: Delta::new(
                        AttributeType {
                            ty: a.ty.clone(),
                            collation: a.collation.clone(),
                        },
                        AttributeType {
                            ty: t.ty.clone(),
                            collation: t.collation.clone(),
                        },
                    ),
                }));
            }
            Some(_) => {}
            None => out.push(Change::Create(Object::Attribute {
                composite: name.clone(),
                attribute: petal_ir::Attribute {
                    comment: None,
                    ..t.clone()
                },
            })),
        }
    }
    out
}

/// A range type has nothing to alter: any change recreates it.
pub(super) fn decide_range(cur: &RangeType, to: &RangeType) -> Decision {
    let core = |r: &RangeType| RangeType {
        name: QualifiedName::new("", ""),
        comment: None,
        renamed_from: None,
        ..r.clone()
    };
    if core(cur) == core(to) {
        Decision::Keep
    } else {
        Decision::Recreate
    }
}
