//! SQL of row-level security: a table's switches and its policies.

use petal_ir::{ObjectKey, Policy, PolicyCommand, QualifiedName, quote_ident, roles_sql};

use super::{ReviewedStatement, objects};
use crate::change::{Delta, PolicyRules, RowSecurity};

/// `CREATE POLICY`, each clause only when it is not the default, then
/// its comment.
pub(super) fn create(policy: &Policy) -> (String, Vec<ReviewedStatement>) {
    let mut sql = format!(
        "CREATE POLICY {} ON {}",
        quote_ident(&policy.name),
        policy.table.quoted()
    );
    if !policy.permissive {
        sql.push_str(" AS RESTRICTIVE");
    }
    if policy.command != PolicyCommand::All {
        sql.push_str(" FOR ");
        sql.push_str(policy.command.sql());
    }
    sql.push_str(" TO ");
    sql.push_str(&policy.roles_sql());
    push_expressions(
        &mut sql,
        policy.using.as_deref(),
        policy.with_check.as_deref(),
    );
    sql.push(';');
    let mut rest = Vec::new();
    if policy.comment.is_some() {
        let key = ObjectKey::policy(&policy.key());
        rest.push(objects::comment_extra(&key, &policy.comment));
    }
    (sql, rest)
}

/// ` USING (...)` and ` WITH CHECK (...)`: `pg_get_expr` prints an
/// expression without the parentheses the clause needs, except where it
/// needs its own.
fn push_expressions(sql: &mut String, using: Option<&str>, with_check: Option<&str>) {
    if let Some(using) = using {
        sql.push_str(&format!(" USING ({using})"));
    }
    if let Some(check) = with_check {
        sql.push_str(&format!(" WITH CHECK ({check})"));
    }
}

pub(super) fn drop(policy: &Policy) -> String {
    format!(
        "DROP POLICY {} ON {};",
        quote_ident(&policy.name),
        policy.table.quoted()
    )
}

pub(super) fn rename(table: &QualifiedName, from: &str, to: &str) -> String {
    format!(
        "ALTER POLICY {} ON {} RENAME TO {};",
        quote_ident(from),
        table.quoted(),
        quote_ident(to)
    )
}

/// `ALTER POLICY` with the clauses that change (the compare layer sends
/// only what it can set: an expression is never taken away here).
pub(super) fn alter(table: &QualifiedName, name: &str, rules: &Delta<PolicyRules>) -> String {
    let mut sql = format!("ALTER POLICY {} ON {}", quote_ident(name), table.quoted());
    if rules.from.roles != rules.to.roles {
        sql.push_str(" TO ");
        sql.push_str(&roles_sql(&rules.to.roles));
    }
    let changed = |from: &Option<String>, to: &Option<String>| {
        if from == to { None } else { to.clone() }
    };
    push_expressions(
        &mut sql,
        changed(&rules.from.using, &rules.to.using).as_deref(),
        changed(&rules.from.with_check, &rules.to.with_check).as_deref(),
    );
    sql.push(';');
    sql
}

/// `ENABLE`/`DISABLE ROW LEVEL SECURITY` and `[NO] FORCE ROW LEVEL
/// SECURITY`, what changes, in one `ALTER TABLE`.
pub(super) fn row_security(table: &QualifiedName, from: &RowSecurity, to: &RowSecurity) -> String {
    format!(
        "ALTER TABLE {} {};",
        table.quoted(),
        from.actions(to).join(", ")
    )
}
