//! The roles a migration's policies and grants name, checked against the database's
//! cluster when the migration is written: roles are the cluster's, petal
//! never creates one there, and PostgreSQL refuses a `CREATE POLICY` (or
//! `ALTER POLICY ... TO`) naming a role that does not exist. Said as a
//! warning at autogenerate, not found at upgrade. (On the dev server, the
//! roles they name are made as placeholders: `crate::placeholders`.)

use std::collections::{BTreeMap, BTreeSet};

use petal_diff::{Alter, Change, Diff, Object};
use petal_ir::PUBLIC_ROLE;
use petal_pg::ConnConfig;

use crate::error::EngineError;

/// Each role the up names in a policy it creates or alters, with the
/// policies naming it.
fn named(diff: &Diff) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |roles: &[String], policy: String| {
        for role in roles.iter().filter(|r| *r != PUBLIC_ROLE) {
            out.entry(role.clone()).or_default().insert(policy.clone());
        }
    };
    for change in &diff.changes {
        // A view or function created with grants names their roles.
        if let Change::Create(object) | Change::PutBack(petal_diff::Moved { object, .. }) = change {
            let privileges = match object {
                Object::View { view } => &view.privileges,
                Object::Function { function } => &function.privileges,
                _ => &None,
            };
            let roles: Vec<String> = privileges
                .iter()
                .flatten()
                .filter_map(|g| g.grantee.clone())
                .collect();
            add(&roles, format!("a grant on {}", object.key()));
        }
        match change {
            Change::Create(Object::Policy { policy, .. }) => {
                add(
                    &policy.roles,
                    format!("policy {} on {}", policy.name, policy.table),
                );
            }
            Change::PutBack(moved) => {
                if let Object::Policy { policy, .. } = &moved.object {
                    add(
                        &policy.roles,
                        format!("policy {} on {}", policy.name, policy.table),
                    );
                }
            }
            Change::Alter(Alter::Policy {
                table, name, rules, ..
            }) => add(&rules.to.roles, format!("policy {name} on {table}")),
            Change::Alter(Alter::Privileges { on, grants, .. }) => {
                let given = petal_diff::missing_grants(&grants.to, &grants.from);
                let mut roles: Vec<String> =
                    given.iter().filter_map(|g| g.grantee.clone()).collect();
                if let petal_ir::ObjectKey::DefaultPrivileges { role, .. } = on {
                    roles.push(role.clone());
                }
                add(&roles, format!("a grant on {on}"));
            }
            _ => {}
        }
    }
    out
}

/// A warning for each role the up's policies name that `target`'s cluster
/// does not have. Called once both sides are read: the placeholders this
/// run made on a shared dev server go first, since that server may be the
/// target's cluster, whose truth they would hide.
pub(crate) async fn missing(target: &ConnConfig, diff: &Diff) -> Result<Vec<String>, EngineError> {
    crate::placeholders::release().await;
    let named = named(diff);
    if named.is_empty() {
        return Ok(Vec::new());
    }
    let client = petal_pg::connect(target).await?;
    let wanted: Vec<&str> = named.keys().map(String::as_str).collect();
    let rows = client
        .query(
            "SELECT rolname::text FROM pg_roles WHERE rolname = ANY ($1::text[])",
            &[&wanted],
        )
        .await
        .map_err(|e| EngineError::pg_query("reading the roles the policies name", e))?;
    let present: BTreeSet<String> = rows.iter().map(|r| r.get(0)).collect();
    Ok(named
        .into_iter()
        .filter(|(role, _)| !present.contains(role))
        .map(|(role, policies)| {
            let policies: Vec<String> = policies.into_iter().collect();
            format!(
                "role {role} does not exist in the database's cluster, and {} names it: \
                 `upgrade` fails until the role is created (petal never creates roles)",
                policies.join(", ")
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use petal_diff::{Delta, PolicyRules};
    use petal_ir::{ObjectKey, Policy, PolicyCommand, QualifiedName};

    use super::*;

    #[test]
    fn the_roles_created_and_altered_policies_name_but_public() {
        let table = QualifiedName::new("public", "orders");
        let policy = Policy {
            table: table.clone(),
            name: "own".into(),
            permissive: true,
            command: PolicyCommand::All,
            roles: vec!["app".into(), PUBLIC_ROLE.into()],
            using: Some("true".into()),
            with_check: None,
            comment: None,
            renamed_from: None,
        };
        let rules = |roles: &[&str]| PolicyRules {
            roles: roles.iter().map(|r| r.to_string()).collect(),
            using: Some("true".into()),
            with_check: None,
        };
        let diff = Diff {
            changes: vec![
                Change::Create(Object::Policy {
                    policy: policy.clone(),
                    guarded: false,
                    reworded: false,
                }),
                Change::Alter(Alter::Policy {
                    table: table.clone(),
                    name: "other".into(),
                    rules: Delta::new(rules(&["gone"]), rules(&["app", "auditor"])),
                    permissive: true,
                    guarded: false,
                }),
                Change::Drop(Object::Policy {
                    policy: Policy {
                        name: "old".into(),
                        roles: vec!["dropped".into()],
                        ..policy
                    },
                    guarded: false,
                    reworded: false,
                }),
            ],
            ..Diff::default()
        };
        let named = named(&diff);
        let roles: Vec<&str> = named.keys().map(String::as_str).collect();
        assert_eq!(roles, ["app", "auditor"]);
        assert_eq!(named["app"].len(), 2);
    }

    /// A grant, a default privilege and a view's grant to roles the
    /// target lacks are each said, once per role; a role it has is not.
    #[tokio::test]
    async fn the_roles_a_diff_grants_to_that_the_cluster_lacks_are_said() {
        let db = petal_testkit::TestDb::new().await;
        db.ensure_role("petal_present").await;
        let grant = |role: &str| petal_ir::Grant {
            grantee: Some(role.into()),
            privilege: "SELECT".into(),
            grantable: false,
        };
        let orders = QualifiedName::new("public", "orders");
        let privileges = |on: ObjectKey, to: Vec<petal_ir::Grant>| {
            Change::Alter(Alter::Privileges {
                on,
                grants: Delta::new(Vec::new(), to),
                columns: Default::default(),
            })
        };
        let defaults = ObjectKey::DefaultPrivileges {
            role: "petal_absent_owner".into(),
            schema: None,
            objects: petal_ir::DefaultObjects::Tables,
        };
        let diff = Diff {
            changes: vec![
                privileges(
                    ObjectKey::table(&orders),
                    vec![grant("petal_present"), grant("petal_absent_reader")],
                ),
                privileges(defaults, vec![grant("petal_present")]),
            ],
            ..Diff::default()
        };
        let said = missing(db.config(), &diff)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(said.len(), 2, "{said:#?}");
        assert!(said[0].starts_with("role petal_absent_owner does not exist"));
        assert!(said[0].contains("default privileges of role petal_absent_owner on tables"));
        assert!(said[1].starts_with("role petal_absent_reader does not exist"));
        assert!(said[1].contains("a grant on table public.orders"));
    }
}
