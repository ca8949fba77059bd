//! Domains over integer, text, numeric and (when the extension is there)
//! citext, with defaults and checks as `pg_get_expr` prints them.
//!
//! Every default of a base type satisfies every check of it, and every
//! value the convergence property inserts (1, 2, 3; 'v1', ...) does too:
//! a check that fails on the rows present is one petal must have warned
//! of, and these never fail.

use super::build::namespace;
use super::objects::{free_name, maybe_comment, set};
use super::{Rng, extensions};
use crate::{Check, Database, Domain, QualifiedName, SqlType};

pub(super) const DOMAIN_NAMES: &[&str] = &["amount", "Code Value", "метка", "qty_domain"];

/// A base type, the defaults and the checks a domain over it may have.
struct Base {
    ty: &'static str,
    defaults: &'static [&'static str],
    checks: &'static [(&'static str, &'static str)],
}

const BASES: &[Base] = &[
    Base {
        ty: "integer",
        defaults: &["1", "42"],
        checks: &[
            ("positive", "(VALUE > 0)"),
            ("Below a Million", "(VALUE < 1000000)"),
        ],
    },
    Base {
        ty: "text",
        defaults: &["'x'::text", "'значение'::text"],
        checks: &[
            ("not_empty", "(VALUE <> ''::text)"),
            ("короткий", "(length(VALUE) < 100)"),
        ],
    },
    Base {
        ty: "numeric(12,2)",
        defaults: &["0", "1.5"],
        checks: &[("non_negative", "(VALUE >= (0)::numeric)")],
    },
];

fn base(ty: &SqlType) -> Option<&'static Base> {
    BASES.iter().find(|b| b.ty == ty.as_str())
}

/// A base type for a new domain: a built-in one, or citext.
fn pick_base(rng: &mut Rng, db: &Database) -> Option<SqlType> {
    let citext = extensions::type_of(db, "citext");
    match citext {
        Some(ty) if rng.chance(20) => Some(ty),
        _ => rng.pick(BASES).map(|b| SqlType::from_canonical(b.ty)),
    }
}

fn checks(rng: &mut Rng, base: &Base) -> Vec<Check> {
    let mut out: Vec<Check> = base
        .checks
        .iter()
        .filter(|_| rng.chance(50))
        .map(|(name, expr)| Check {
            not_valid: false,
            no_inherit: false,
            comment: None,
            name: name.to_string(),
            expr: expr.to_string(),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

pub(super) fn create_domain(rng: &mut Rng, db: &mut Database) -> bool {
    let (Some(name), Some(ty)) = (free_name(rng, db, DOMAIN_NAMES), pick_base(rng, db)) else {
        return false;
    };
    let b = base(&ty);
    let default = b
        .and_then(|b| rng.pick(b.defaults))
        .filter(|_| rng.chance(50));
    let domain = Domain {
        name: name.clone(),
        base_type: ty,
        collation: None,
        default: default.map(|d| d.to_string()),
        // NOT NULL only with a default: a column of the domain added to a
        // table with rows takes the default.
        not_null: default.is_some() && rng.chance(30),
        checks: b.map(|b| checks(rng, b)).unwrap_or_default(),
        comment: maybe_comment(rng, 15),
        renamed_from: None,
    };
    db.domains.insert(name, domain);
    true
}

fn pick_domain(rng: &mut Rng, db: &Database) -> Option<QualifiedName> {
    let names: Vec<&QualifiedName> = db.domains.keys().collect();
    rng.pick(&names).map(|n| (*n).clone())
}

pub(super) fn drop_domain(rng: &mut Rng, db: &mut Database) -> bool {
    match pick_domain(rng, db) {
        Some(name) if !super::types::type_in_use(db, &name) => db.domains.remove(&name).is_some(),
        _ => false,
    }
}

/// A rename (with its hint), or a move to another schema; what is of the
/// domain follows (PostgreSQL prints the new name).
pub(super) fn rename_domain(rng: &mut Rng, db: &mut Database) -> bool {
    let (Some(old), Some(new)) = (pick_domain(rng, db), rng.pick(DOMAIN_NAMES)) else {
        return false;
    };
    let new = QualifiedName::new(old.schema.clone(), *new);
    if namespace(db, &new.schema).is_taken(&new.name) {
        return false;
    }
    let Some(mut d) = db.domains.remove(&old) else {
        return false;
    };
    d.name = new.clone();
    d.renamed_from = d.renamed_from.take().or(Some(old.clone()));
    db.domains.insert(new.clone(), d);
    super::types::follow_type_rename(db, &old, &new);
    true
}

/// Default, NOT NULL, a check added, dropped or renamed; or (when nothing
/// is of the domain) another base type, which recreates it.
pub(super) fn alter_domain(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_domain(rng, db) else {
        return false;
    };
    let action = rng.below(5);
    if action == 4 {
        return rebase(rng, db, &name);
    }
    let Some(d) = db.domains.get_mut(&name) else {
        return false;
    };
    let Some(b) = base(&d.base_type) else {
        return false;
    };
    match action {
        0 => {
            let default = rng
                .pick(b.defaults)
                .map(|s| s.to_string())
                .filter(|_| rng.chance(60));
            if default == d.default || default.is_none() && d.not_null {
                return false;
            }
            d.default = default;
        }
        1 if d.default.is_some() || d.not_null => d.not_null = !d.not_null,
        2 => {
            let wanted = checks(rng, b);
            if wanted == d.checks {
                return false;
            }
            d.checks = wanted;
        }
        3 if !d.checks.is_empty() => {
            let at = rng.below(d.checks.len());
            let renamed = format!("{}_2", crate::naming::clip(&d.checks[at].name, 60));
            if d.checks.iter().any(|c| c.name == renamed) {
                return false;
            }
            d.checks[at].name = renamed;
            d.checks.sort_by(|a, b| a.name.cmp(&b.name));
        }
        _ => return false,
    }
    true
}

/// Another base type for a domain nothing is of: PostgreSQL cannot change
/// it in place, and petal does not take columns out of its way.
fn rebase(rng: &mut Rng, db: &mut Database, name: &QualifiedName) -> bool {
    if super::types::type_in_use(db, name) {
        return false;
    }
    let Some(ty) = pick_base(rng, db) else {
        return false;
    };
    let Some(d) = db.domains.get_mut(name) else {
        return false;
    };
    if d.base_type == ty {
        return false;
    }
    d.base_type = ty;
    let b = base(&d.base_type);
    d.default = b.and_then(|b| b.defaults.first()).map(|s| s.to_string());
    d.checks = b.map(|b| checks(rng, b)).unwrap_or_default();
    true
}

pub(super) fn comment_domain(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_domain(rng, db) else {
        return false;
    };
    let comment = maybe_comment(rng, 70);
    db.domains
        .get_mut(&name)
        .is_some_and(|d| set(&mut d.comment, comment))
}

/// PostgreSQL refuses to add a NOT NULL or a check to a domain that a
/// composite type's attribute is of while a table column is of that type
/// (it cannot check the values nested there), and no migration can; so a
/// domain of a composite attribute keeps `from`'s NOT NULL and checks.
pub(super) fn keep_nested_constraints(from: &Database, to: &mut Database) {
    let nested = |db: &Database, name: &QualifiedName| {
        let spelled = crate::arbitrary::build::spelling(name);
        db.composite_types
            .values()
            .any(|c| c.attributes.iter().any(|a| a.ty.as_str() == spelled))
    };
    let names: Vec<QualifiedName> = to.domains.keys().cloned().collect();
    for name in names {
        let Some(before) = from.domains.get(&name) else {
            continue;
        };
        if !(nested(from, &name) || nested(to, &name)) {
            continue;
        }
        // Its default with its NOT NULL: the generator gives a NOT NULL
        // domain a default.
        let (not_null, checks) = (before.not_null, before.checks.clone());
        let default = before.default.clone();
        if let Some(d) = to.domains.get_mut(&name) {
            d.not_null = not_null;
            d.checks = checks;
            d.default = default;
        }
    }
}
