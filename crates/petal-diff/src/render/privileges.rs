//! The grants a created view or function gets (the database's, carried
//! by the planner onto what it recreates, so they come back as they were,
//! in the up and the down), and the `GRANT`s and `REVOKE`s of compared
//! privileges.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Grant, ObjectKey, Privileges, grantee_sql, quote_ident};

use crate::change::Delta;
use crate::change::privileges::{Step, steps};

use super::{ReviewedStatement, extra};

/// `REVOKE`/`GRANT` statements giving a just-created object `privileges`
/// (`None`: what the creation gave it already).
pub(super) fn grants(on: &ObjectKey, privileges: &Privileges) -> Vec<ReviewedStatement> {
    let Some(grants) = privileges else {
        return Vec::new();
    };
    let Some(target) = target(on) else {
        return Vec::new();
    };
    let mut sqls = Vec::new();
    // A new function is executable by PUBLIC, a new type usable; ACLs
    // that say otherwise take it back first.
    let defaults = petal_ir::Acl::default_grants(on);
    for default in defaults.iter().filter(|d| !grants.contains(d)) {
        sqls.push(format!(
            "REVOKE {} ON {target} FROM PUBLIC;",
            default.privilege
        ));
    }
    // One GRANT per grantee and grant option; the grants are sorted by
    // grantee, so each group is one run.
    let mut rest = grants.iter().filter(|g| !defaults.contains(g)).peekable();
    while let Some(first) = rest.next() {
        let mut privileges = vec![first.privilege.as_str()];
        while let Some(next) = rest.next_if(|g| {
            g.grantee == first.grantee
                && g.grantable == first.grantable
                && !privileges.contains(&g.privilege.as_str())
        }) {
            privileges.push(&next.privilege);
        }
        let grantee = grantee_sql(&first.grantee);
        let option = with_grant_option(first.grantable);
        sqls.push(format!(
            "GRANT {} ON {target} TO {grantee}{option};",
            privileges.join(", ")
        ));
    }
    let description = format!("privileges on {on}, as the database had them");
    sqls.into_iter()
        .map(|sql| extra(on, sql, description.clone()))
        .collect()
}

/// ` WITH GRANT OPTION` when `grantable`.
fn with_grant_option(grantable: bool) -> &'static str {
    if grantable { " WITH GRANT OPTION" } else { "" }
}

/// What `GRANT ... ON` names the object by (a column: its table).
fn target(on: &ObjectKey) -> Option<String> {
    match on {
        // TABLE names views and materialized views too.
        ObjectKey::Table { name }
        | ObjectKey::View { name }
        | ObjectKey::MaterializedView { name }
        | ObjectKey::Column { table: name, .. } => Some(format!("TABLE {}", name.quoted())),
        ObjectKey::Function { name, signature } => {
            Some(format!("ROUTINE {}({signature})", name.quoted()))
        }
        ObjectKey::Sequence { name } => Some(format!("SEQUENCE {}", name.quoted())),
        ObjectKey::Schema { name } => Some(format!("SCHEMA {}", quote_ident(name))),
        ObjectKey::Domain { name } => Some(format!("DOMAIN {}", name.quoted())),
        ObjectKey::Enum { name }
        | ObjectKey::CompositeType { name }
        | ObjectKey::RangeType { name } => Some(format!("TYPE {}", name.quoted())),
        _ => None,
    }
}

/// The `REVOKE`s, then the `GRANT`s, taking `on`'s grants from
/// `grants.from` to `grants.to` (`change::privileges::steps`); on a table,
/// the column grants its `REVOKE`s take along given back.
pub(super) fn alter(
    on: &ObjectKey,
    grants: &Delta<Vec<Grant>>,
    columns: &BTreeMap<String, Vec<Grant>>,
) -> Vec<String> {
    if let ObjectKey::DefaultPrivileges {
        role,
        schema,
        objects,
    } = on
    {
        let mut head = format!("ALTER DEFAULT PRIVILEGES FOR ROLE {}", quote_ident(role));
        if let Some(schema) = schema {
            head.push_str(&format!(" IN SCHEMA {}", quote_ident(schema)));
        }
        let none = BTreeSet::new();
        return statements(&steps(grants), String::clone, objects.sql(), &none)
            .into_iter()
            .map(|s| format!("{head} {s}"))
            .collect();
    }
    let Some(target) = target(on) else {
        return Vec::new();
    };
    // A column's privileges are named with it: `SELECT ("c")`.
    let spelled = |privilege: &String| match on {
        ObjectKey::Column { column, .. } => format!("{privilege} ({})", quote_ident(column)),
        _ => privilege.clone(),
    };
    let steps = steps(grants);
    let chained = chained(grants);
    let mut out = statements(&steps, spelled, &target, &chained);
    // What `CASCADE` took from others, granted again as wanted (unless a
    // step grants it already).
    let given = |g: &Grant| {
        steps.iter().any(|(step, who, list)| {
            matches!(step, Step::Grant | Step::GrantWithOption)
                && *who == g.grantee
                && list.contains(&g.privilege)
        })
    };
    for g in &grants.to {
        let taken = chained
            .iter()
            .any(|(who, privilege)| *who != g.grantee && *privilege == g.privilege);
        if taken && !given(g) {
            let role = grantee_sql(&g.grantee);
            let option = with_grant_option(g.grantable);
            let privilege = spelled(&g.privilege);
            out.push(format!("GRANT {privilege} ON {target} TO {role}{option};"));
        }
    }
    if let ObjectKey::Table { name } = on {
        out.extend(columns_again(name, &steps, columns));
    }
    out
}

/// The grants whose grant option goes (with the privilege or alone): a
/// grantee may have passed them on, and PostgreSQL refuses to revoke them
/// without `CASCADE`, which takes what it passed on too.
fn chained(grants: &Delta<Vec<Grant>>) -> BTreeSet<(Option<String>, String)> {
    grants
        .from
        .iter()
        .filter(|g| g.grantable)
        .filter(|g| {
            !grants
                .to
                .iter()
                .any(|t| t.grantee == g.grantee && t.privilege == g.privilege && t.grantable)
        })
        .map(|g| (g.grantee.clone(), g.privilege.clone()))
        .collect()
}

/// `REVOKE ... ON target FROM role;` and `GRANT ... ON target TO role;`
/// for each step, a privilege spelled by `spelled`.
fn statements(
    steps: &[(Step, Option<String>, Vec<String>)],
    spelled: impl Fn(&String) -> String,
    target: &str,
    chained: &BTreeSet<(Option<String>, String)>,
) -> Vec<String> {
    steps
        .iter()
        .map(|(step, grantee, privileges)| {
            let role = grantee_sql(grantee);
            let list = privileges
                .iter()
                .map(&spelled)
                .collect::<Vec<_>>()
                .join(", ");
            let cascade = privileges
                .iter()
                .any(|p| chained.contains(&(grantee.clone(), p.clone())));
            let cascade = if cascade { " CASCADE" } else { "" };
            match step {
                Step::Revoke => format!("REVOKE {list} ON {target} FROM {role}{cascade};"),
                Step::RevokeOption => {
                    format!("REVOKE GRANT OPTION FOR {list} ON {target} FROM {role}{cascade};")
                }
                Step::Grant => format!("GRANT {list} ON {target} TO {role};"),
                Step::GrantWithOption => {
                    format!("GRANT {list} ON {target} TO {role} WITH GRANT OPTION;")
                }
            }
        })
        .collect()
}

/// The column grants a table's `REVOKE`s (or `REVOKE GRANT OPTION FOR`s)
/// take along, granted again.
fn columns_again(
    table: &petal_ir::QualifiedName,
    steps: &[(Step, Option<String>, Vec<String>)],
    columns: &BTreeMap<String, Vec<Grant>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (column, grants) in columns {
        for g in grants {
            let taken = steps.iter().any(|(step, grantee, privileges)| {
                let option_taken = *step == Step::RevokeOption && g.grantable;
                (*step == Step::Revoke || option_taken)
                    && *grantee == g.grantee
                    && privileges.contains(&g.privilege)
            });
            if !taken {
                continue;
            }
            let role = grantee_sql(&g.grantee);
            let option = with_grant_option(g.grantable);
            out.push(format!(
                "GRANT {} ({}) ON TABLE {} TO {role}{option};",
                g.privilege,
                quote_ident(column),
                table.quoted()
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use petal_ir::QualifiedName;

    fn grant(grantee: Option<&str>, privilege: &str, grantable: bool) -> Grant {
        Grant {
            grantee: grantee.map(str::to_string),
            privilege: privilege.into(),
            grantable,
        }
    }

    fn sql(on: &ObjectKey, privileges: Privileges) -> Vec<String> {
        grants(on, &privileges).into_iter().map(|s| s.sql).collect()
    }

    #[test]
    fn a_view_gets_one_grant_per_grantee_and_option() {
        let on = ObjectKey::View {
            name: QualifiedName::new("app", "Order totals"),
        };
        let got = sql(
            &on,
            Some(vec![
                grant(None, "SELECT", false),
                grant(Some("report ing"), "SELECT", false),
                grant(Some("report ing"), "UPDATE", false),
                grant(Some("report ing"), "DELETE", true),
            ]),
        );
        assert_eq!(
            got,
            [
                r#"GRANT SELECT ON TABLE "app"."Order totals" TO PUBLIC;"#,
                r#"GRANT SELECT, UPDATE ON TABLE "app"."Order totals" TO "report ing";"#,
                r#"GRANT DELETE ON TABLE "app"."Order totals" TO "report ing" WITH GRANT OPTION;"#,
            ]
        );
        assert!(sql(&on, None).is_empty());
    }

    #[test]
    fn a_function_without_public_execute_revokes_it() {
        let on = ObjectKey::Function {
            name: QualifiedName::new("app", "tag"),
            signature: "integer".into(),
        };
        assert_eq!(
            sql(&on, Some(vec![grant(Some("app"), "EXECUTE", false)])),
            [
                r#"REVOKE EXECUTE ON ROUTINE "app"."tag"(integer) FROM PUBLIC;"#,
                r#"GRANT EXECUTE ON ROUTINE "app"."tag"(integer) TO "app";"#,
            ]
        );
        let public = Some(vec![grant(None, "EXECUTE", false)]);
        assert!(sql(&on, public).is_empty());
    }
}
