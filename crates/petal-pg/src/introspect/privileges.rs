//! An object's ACL, as the view and function queries return it → IR
//! [`Privileges`], and as `sql/privileges.sql` returns the other kinds'
//! → IR [`Acl`]s. The queries explode the ACL (`aclexplode`) into one
//! `privilege grantable role` text per grant to someone other than the
//! owner (the role empty for `PUBLIC`, and last, since a role name may
//! hold spaces), plus whether the ACL is set at all: a NULL ACL is the
//! kind's default.

use petal_ir::{Acl, Acls, Database, DefaultObjects, Grant, ObjectKey, Privileges, QualifiedName};
use tokio_postgres::Row;

use super::rows::{Rows, get, unknown};
use crate::error::PgError;

/// Rows of `sql/privileges.sql`: one ACL each (set, so not the default
/// by NULL; [`Acls::set`] drops one equal to the default). Default
/// privileges on a kind petal does not compare (large objects) are left
/// out.
pub(super) fn acls(rows: Rows) -> Result<(Vec<Acl>, Option<String>), PgError> {
    let mut creator = None;
    let mut acls = Vec::new();
    for row in &rows {
        let kind: String = get(row, "kind")?;
        match kind.as_str() {
            "creator" => creator = Some(get(row, "name")?),
            "default" => acls.extend(default_acl(row)?),
            _ => acls.push(object_acl(row, &kind)?),
        }
    }
    Ok((acls, creator))
}

/// A `pg_default_acl` row's.
fn default_acl(row: &Row) -> Result<Option<Acl>, PgError> {
    let code: String = get(row, "column_name")?;
    let Some(objects) = DefaultObjects::from_code(&code) else {
        return Ok(None);
    };
    let on = ObjectKey::DefaultPrivileges {
        role: get(row, "name")?,
        schema: get(row, "schema")?,
        objects,
    };
    let grants = grants(row, &on.to_string())?;
    Ok(Some(Acl { on, grants }))
}

fn grants(row: &Row, context: &str) -> Result<Vec<Grant>, PgError> {
    let texts: Vec<String> = get(row, "grants")?;
    texts.iter().map(|text| grant(text, context)).collect()
}

/// Any other row's: a table's, a column's, a sequence's, a schema's, a
/// type's.
fn object_acl(row: &Row, kind: &str) -> Result<Acl, PgError> {
    let schema: String = get(row, "schema")?;
    let name = QualifiedName::new(&schema, &get::<String>(row, "name")?);
    let on = match kind {
        "table" => ObjectKey::Table { name },
        "column" => ObjectKey::Column {
            table: name,
            column: get(row, "column_name")?,
        },
        "sequence" => ObjectKey::Sequence { name },
        "schema" => ObjectKey::Schema { name: schema },
        "enum" => ObjectKey::Enum { name },
        "domain" => ObjectKey::Domain { name },
        "composite" => ObjectKey::CompositeType { name },
        "range" => ObjectKey::RangeType { name },
        other => return Err(unknown("privilege kind", other, "privileges")),
    };
    let grants = grants(row, &on.to_string())?;
    Ok(Acl { on, grants })
}

/// The privileges compared: `rows`, and the views' and functions' of
/// `db` (read with them), as `creator` reads them.
pub(crate) fn compared(rows: Vec<Acl>, creator: Option<String>, db: &Database) -> Acls {
    let mut acls = Acls {
        creator,
        ..Acls::default()
    };
    for acl in rows {
        acls.set(acl.on, acl.grants);
    }
    acls.with_views_and_functions(db);
    acls
}

/// The row's `acl_set` and `grants` columns; `None` when the grants are
/// `default`, the kind's (`Acl::default_grants`).
pub(super) fn privileges(
    row: &Row,
    default: &[Grant],
    context: &str,
) -> Result<Privileges, PgError> {
    let set: bool = get(row, "acl_set")?;
    let grants: Option<Vec<String>> = get(row, "grants")?;
    parse(set, grants.unwrap_or_default(), default, context)
}

fn parse(
    set: bool,
    grants: Vec<String>,
    default: &[Grant],
    context: &str,
) -> Result<Privileges, PgError> {
    if !set {
        return Ok(None);
    }
    let mut out = grants
        .iter()
        .map(|text| grant(text, context))
        .collect::<Result<Vec<_>, _>>()?;
    out.sort();
    out.dedup();
    Ok((out != default).then_some(out))
}

fn grant(text: &str, context: &str) -> Result<Grant, PgError> {
    let mut parts = text.splitn(3, ' ');
    let (Some(privilege), Some(grantable), Some(role)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(PgError::Catalog(format!(
            "{context}: unreadable grant {text:?}"
        )));
    };
    Ok(Grant {
        grantee: (!role.is_empty()).then(|| role.to_string()),
        privilege: privilege.to_string(),
        grantable: grantable == "true",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(set: bool, grants: &[&str], default: &[Grant]) -> Privileges {
        let grants = grants.iter().map(|s| s.to_string()).collect();
        parse(set, grants, default, "view v").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_default_is_none_whether_the_acl_is_set_or_not() {
        assert_eq!(read(false, &[], &[]), None);
        assert_eq!(read(true, &[], &[]), None);
        let public_execute = ["EXECUTE false "];
        assert_eq!(
            read(true, &public_execute, &[Grant::public_execute()]),
            None
        );
    }

    #[test]
    fn a_function_without_public_execute_is_an_empty_list() {
        assert_eq!(read(true, &[], &[Grant::public_execute()]), Some(vec![]));
    }

    #[test]
    fn grants_are_sorted_public_first_and_roles_may_hold_spaces() {
        let got = read(
            true,
            &[
                "UPDATE true the app",
                "SELECT false ",
                "SELECT false the app",
            ],
            &[],
        );
        let grant = |grantee: Option<&str>, privilege: &str, grantable| Grant {
            grantee: grantee.map(str::to_string),
            privilege: privilege.into(),
            grantable,
        };
        assert_eq!(
            got,
            Some(vec![
                grant(None, "SELECT", false),
                grant(Some("the app"), "SELECT", false),
                grant(Some("the app"), "UPDATE", true),
            ])
        );
    }

    #[test]
    fn an_unreadable_grant_is_an_error_naming_the_object() {
        let err = parse(true, vec!["SELECT".into()], &[], "view v");
        assert!(matches!(err, Err(PgError::Catalog(m)) if m.contains("view v")));
    }
}
