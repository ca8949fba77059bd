//! Privileges on generated views and functions, granted to `PUBLIC` (a
//! role is cluster-wide, and the convergence cases share one server).
//! Where petal does not compare them, the property checks that the
//! objects it recreates get back what the database had. In half the
//! databases it does (`build_acls`): grants on every compared kind, to
//! `PUBLIC` and the generated roles, drawn again in B.

use super::Rng;
use crate::{Acls, Database, DefaultObjects, Grant, ObjectKey, Privileges};

fn public(privilege: &str) -> Grant {
    Grant {
        grantee: None,
        privilege: privilege.into(),
        grantable: false,
    }
}

/// A view's: none beyond the owner's, `SELECT`, or `SELECT` and `UPDATE`
/// for a plain view.
pub(super) fn of_view(rng: &mut Rng, materialized: bool) -> Privileges {
    match rng.below(4) {
        0 | 1 => None,
        2 if !materialized => Some(vec![public("SELECT"), public("UPDATE")]),
        _ => Some(vec![public("SELECT")]),
    }
}

/// A function's: the default (`EXECUTE` for `PUBLIC`) or none at all.
pub(super) fn of_function(rng: &mut Rng) -> Privileges {
    rng.chance(30).then(Vec::new)
}

/// Draws again the privileges of one view or function: B's differ from
/// A's, which petal must neither compare nor lose.
pub(super) fn edit_privileges(rng: &mut Rng, db: &mut Database) -> bool {
    let views = db.views.len();
    let pick = rng.below(views + db.functions.len());
    if pick < views {
        let Some(view) = db.views.values_mut().nth(pick) else {
            return false;
        };
        view.privileges = of_view(rng, view.materialized);
    } else {
        let Some(function) = db.functions.values_mut().nth(pick - views) else {
            return false;
        };
        function.privileges = of_function(rng);
    }
    true
}

/// What may be granted on each kind the compared privileges cover (none
/// newer than PostgreSQL 13 has: `MAINTAIN` is 17's).
fn privileges_of(on: &ObjectKey) -> &'static [&'static str] {
    match on {
        ObjectKey::Table { .. } => &["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"],
        ObjectKey::Column { .. } => &["SELECT", "INSERT", "UPDATE", "REFERENCES"],
        ObjectKey::Sequence { .. } => &["USAGE", "SELECT", "UPDATE"],
        ObjectKey::Schema { .. } => &["USAGE", "CREATE"],
        ObjectKey::DefaultPrivileges { objects, .. } => match objects {
            DefaultObjects::Tables => &["SELECT", "INSERT", "UPDATE", "DELETE"],
            DefaultObjects::Sequences => &["USAGE", "SELECT"],
            DefaultObjects::Functions => &["EXECUTE"],
            DefaultObjects::Types => &["USAGE"],
            DefaultObjects::Schemas => &["USAGE", "CREATE"],
        },
        _ => &["USAGE"],
    }
}

/// The role whose default privileges are drawn (one every test cluster
/// has; what it creates, no case does).
const DEFAULTS_ROLE: &str = "petal_writer";

/// Its default privileges: in no schema on every kind, in each schema on
/// every kind but schemas.
fn defaults(db: &Database) -> Vec<ObjectKey> {
    let kinds = [
        DefaultObjects::Tables,
        DefaultObjects::Sequences,
        DefaultObjects::Functions,
        DefaultObjects::Types,
        DefaultObjects::Schemas,
    ];
    let schemas = std::iter::once(None).chain(db.schemas.iter().map(Some));
    let mut out = Vec::new();
    for schema in schemas {
        for objects in kinds {
            if schema.is_some() && objects == DefaultObjects::Schemas {
                continue;
            }
            out.push(ObjectKey::DefaultPrivileges {
                role: DEFAULTS_ROLE.into(),
                schema: schema.cloned(),
                objects,
            });
        }
    }
    out
}

/// The objects whose privileges are drawn: tables and their columns,
/// standalone sequences, schemas but `public`, user types, and a role's
/// default privileges.
fn grantable(db: &Database) -> Vec<ObjectKey> {
    let mut out: Vec<ObjectKey> = Vec::new();
    for table in db.tables.values() {
        out.push(ObjectKey::table(&table.name));
        // A partition's columns are its parent's.
        if table.partition_of.is_none() {
            let columns = table.columns.iter();
            out.extend(columns.map(|c| ObjectKey::column(&table.name, &c.name)));
        }
    }
    let schemas = db.schemas.iter().filter(|s| *s != "public");
    out.extend(schemas.map(|name| ObjectKey::Schema { name: name.clone() }));
    out.extend(
        db.sequences
            .keys()
            .map(|name| ObjectKey::Sequence { name: name.clone() }),
    );
    out.extend(
        db.enums
            .keys()
            .map(|name| ObjectKey::Enum { name: name.clone() }),
    );
    out.extend(
        db.domains
            .keys()
            .map(|name| ObjectKey::Domain { name: name.clone() }),
    );
    let composites = db.composite_types.keys();
    out.extend(composites.map(|name| ObjectKey::CompositeType { name: name.clone() }));
    out.extend(
        db.range_types
            .keys()
            .map(|name| ObjectKey::RangeType { name: name.clone() }),
    );
    out.extend(defaults(db));
    out
}

/// Grants on `on` to one or two of the generated roles (`PUBLIC` among
/// them, never with the grant option, which PUBLIC cannot hold), or none
/// at all (a type's `USAGE` taken from `PUBLIC`).
fn draw(rng: &mut Rng, on: &ObjectKey) -> Vec<Grant> {
    let privileges = privileges_of(on);
    let mut grants = Vec::new();
    for _ in 0..rng.below(3) {
        let Some(role) = rng.pick(super::POLICY_ROLES) else {
            break;
        };
        let grantee = (*role != "public").then(|| role.to_string());
        for privilege in privileges {
            if !rng.chance(50) {
                continue;
            }
            grants.push(Grant {
                grantable: grantee.is_some() && rng.chance(20),
                grantee: grantee.clone(),
                privilege: privilege.to_string(),
            });
        }
    }
    // A role's grants to itself are an owner's, not compared.
    if let ObjectKey::DefaultPrivileges { role, .. } = on {
        grants.retain(|g| g.grantee.as_ref() != Some(role));
    }
    // One grant per role and privilege, whatever the option.
    grants.sort();
    grants.dedup_by(|a, b| a.grantee == b.grantee && a.privilege == b.privilege);
    grants
}

/// Compares privileges in `db`, with grants drawn on some of its objects.
pub(super) fn build_acls(rng: &mut Rng, db: &mut Database) {
    let mut acls = Acls::default();
    for on in grantable(db) {
        if rng.chance(25) {
            let grants = draw(rng, &on);
            acls.set(on, grants);
        }
    }
    acls.with_views_and_functions(db);
    db.privileges = Some(acls);
}

/// Draws again the grants of a few objects of a database that compares
/// them.
pub(super) fn edit_acls(rng: &mut Rng, db: &mut Database) {
    let keys = grantable(db);
    let Some(acls) = &mut db.privileges else {
        return;
    };
    for _ in 0..1 + rng.below(3) {
        if let Some(on) = rng.pick(&keys) {
            let grants = draw(rng, on);
            acls.set(on.clone(), grants);
        }
    }
}

/// The grants of `db` on objects it has, the views' and functions' as
/// they say: an edit may have dropped or renamed an object.
pub(super) fn keep_valid(db: &mut Database) {
    let keys = grantable(db);
    let Some(mut acls) = db.privileges.take() else {
        return;
    };
    acls.objects.retain(|on, _| keys.contains(on));
    acls.with_views_and_functions(db);
    db.privileges = Some(acls);
}
