//! Privileges granted on an object, as its ACL holds them.
//!
//! A view's and a function's are read always, so that an object petal drops
//! and creates again (a view moved out of a column's way, a function whose
//! arguments change) gets them back, in the up and in the down. They are
//! compared only when the project says so (`privileges = true`): then
//! [`Acls`] holds every compared object's, by key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{DefaultObjects, Keyed, ObjectKey};

/// One privilege granted to a role or to `PUBLIC`. The owner's own
/// privileges are left out: a created object's owner has them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Grant {
    /// The role, unquoted; none for `PUBLIC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grantee: Option<String>,
    /// `SELECT`, `EXECUTE`, ...: what `GRANT` names.
    pub privilege: String,
    /// `WITH GRANT OPTION`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub grantable: bool,
}

impl Grant {
    /// `EXECUTE` for `PUBLIC`: what a new function grants everyone.
    pub fn public_execute() -> Grant {
        Grant {
            grantee: None,
            privilege: "EXECUTE".into(),
            grantable: false,
        }
    }
}

/// A grantee as `GRANT ... TO` names it: the role quoted, or `PUBLIC`.
pub fn grantee_sql(grantee: &Option<String>) -> String {
    grantee
        .as_deref()
        .map_or_else(|| "PUBLIC".to_string(), crate::quote_ident)
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An object's grants to others than its owner, sorted (`PUBLIC` first,
/// then by role and privilege); `None`
/// when they are what a new object of its kind gets (a NULL ACL, or one
/// equal to the kind's default).
pub type Privileges = Option<Vec<Grant>>;

/// The privileges on one object, when the project compares them: its
/// grants to others than its owner, sorted as [`Privileges`] are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acl {
    pub on: ObjectKey,
    pub grants: Vec<Grant>,
}

impl Acl {
    /// What a new object of `on`'s kind grants to others than its owner
    /// (`acldefault`): `EXECUTE` to `PUBLIC` for a function, `USAGE` to
    /// `PUBLIC` for a type, nothing otherwise.
    pub fn default_grants(on: &ObjectKey) -> Vec<Grant> {
        let public = |privilege: &str| Grant {
            grantee: None,
            privilege: privilege.into(),
            grantable: false,
        };
        match on {
            ObjectKey::Function { .. } => vec![public("EXECUTE")],
            ObjectKey::Enum { .. }
            | ObjectKey::Domain { .. }
            | ObjectKey::CompositeType { .. }
            | ObjectKey::RangeType { .. } => vec![public("USAGE")],
            // A role's own default privileges, in no schema, are the
            // kinds' defaults; in a schema they add to those, from none.
            ObjectKey::DefaultPrivileges {
                schema: None,
                objects,
                ..
            } => match objects {
                DefaultObjects::Functions => vec![public("EXECUTE")],
                DefaultObjects::Types => vec![public("USAGE")],
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }
}

impl Keyed for Acl {
    type Key = ObjectKey;
    fn key(&self) -> ObjectKey {
        self.on.clone()
    }
}

/// The privileges compared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acls {
    /// By object (default privileges too): an object whose grants are its
    /// kind's default has no entry (a NULL ACL, or one equal to the
    /// default, as PostgreSQL means them alike).
    #[serde(
        default,
        with = "crate::database::by_key",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub objects: BTreeMap<ObjectKey, Acl>,
    /// The role the database was read as, which petal takes for the one a
    /// migration runs as: what the migration creates is its, with its
    /// default privileges. None for the models (and a database read
    /// without them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
}

impl Acls {
    /// The grants on `on`: its entry's, or its kind's default.
    pub fn grants(&self, on: &ObjectKey) -> Vec<Grant> {
        self.objects
            .get(on)
            .map_or_else(|| Acl::default_grants(on), |acl| acl.grants.clone())
    }

    /// What `on` gets when it is created now (as [`Acls::creator`], by its
    /// default privileges: the ones of no schema, or the kind's default
    /// when it has none, and the ones of the object's schema); its kind's
    /// default when the creator is unknown. A column gets none.
    pub fn fresh(&self, on: &ObjectKey) -> Vec<Grant> {
        let kind_default = Acl::default_grants(on);
        let objects = match on {
            ObjectKey::Table { .. }
            | ObjectKey::View { .. }
            | ObjectKey::MaterializedView { .. } => DefaultObjects::Tables,
            ObjectKey::Sequence { .. } => DefaultObjects::Sequences,
            ObjectKey::Function { .. } => DefaultObjects::Functions,
            ObjectKey::Enum { .. }
            | ObjectKey::Domain { .. }
            | ObjectKey::CompositeType { .. }
            | ObjectKey::RangeType { .. } => DefaultObjects::Types,
            ObjectKey::Schema { .. } => DefaultObjects::Schemas,
            _ => return kind_default,
        };
        let Some(role) = &self.creator else {
            return kind_default;
        };
        let defaults = |schema: Option<&str>| {
            self.grants(&ObjectKey::DefaultPrivileges {
                role: role.clone(),
                schema: schema.map(str::to_string),
                objects,
            })
        };
        let mut grants = defaults(None);
        if objects != DefaultObjects::Schemas {
            grants.extend(on.schema().map(|s| defaults(Some(s))).unwrap_or_default());
        }
        merged(grants)
    }

    /// Sets the grants on `on`, leaving no entry when they are the
    /// default.
    pub fn set(&mut self, on: ObjectKey, mut grants: Vec<Grant>) {
        grants.sort();
        grants.dedup();
        if grants == Acl::default_grants(&on) {
            self.objects.remove(&on);
        } else {
            self.objects.insert(on.clone(), Acl { on, grants });
        }
    }

    /// Puts the views' and functions' own grants of `db` in, in place of
    /// any it held for them: the one place both are said.
    pub fn with_views_and_functions(&mut self, db: &crate::Database) {
        self.objects.retain(|on, _| {
            !matches!(
                on,
                ObjectKey::View { .. }
                    | ObjectKey::MaterializedView { .. }
                    | ObjectKey::Function { .. }
            )
        });
        for view in db.views.values() {
            let name = view.name.clone();
            let on = if view.materialized {
                ObjectKey::MaterializedView { name }
            } else {
                ObjectKey::View { name }
            };
            self.set_privileges(on, &view.privileges);
        }
        for (key, function) in &db.functions {
            self.set_privileges(ObjectKey::function(key), &function.privileges);
        }
    }

    /// Sets them from a [`Privileges`] (`None`: the default).
    pub fn set_privileges(&mut self, on: ObjectKey, privileges: &Privileges) {
        match privileges {
            Some(grants) => self.set(on, grants.clone()),
            None => {
                self.objects.remove(&on);
            }
        }
    }
}

/// `grants` sorted, one per grantee and privilege (with the grant option
/// when either had it).
pub fn merged(mut grants: Vec<Grant>) -> Vec<Grant> {
    grants.sort();
    let mut out: Vec<Grant> = Vec::new();
    for g in grants {
        match out.last_mut() {
            Some(last) if last.grantee == g.grantee && last.privilege == g.privilege => {
                last.grantable |= g.grantable;
            }
            _ => out.push(g),
        }
    }
    out
}
