//! Rows of `sql/policies.sql` → IR [`Policy`]s of the compared tables:
//! permissive or restrictive, the command, the roles by name, and the
//! expressions as the server prints them. Each keeps its oid, because the
//! dependency edges name a policy by its pg_policy row.

use petal_ir::{Policy, PolicyCommand};

use super::rows::{Rows, get, qualified, unknown};
use crate::error::PgError;

pub(super) fn policies(rows: Rows) -> Result<Vec<(u32, Policy)>, PgError> {
    rows.iter()
        .map(|row| {
            let table = qualified(row, "schema", "table_name")?;
            let name: String = get(row, "name")?;
            let command = match get::<String>(row, "command")?.as_str() {
                "*" => PolicyCommand::All,
                "r" => PolicyCommand::Select,
                "a" => PolicyCommand::Insert,
                "w" => PolicyCommand::Update,
                "d" => PolicyCommand::Delete,
                other => {
                    let context = format!("policy {name} on {table}");
                    return Err(unknown("polcmd", other, &context));
                }
            };
            let policy = Policy {
                table,
                name,
                permissive: get(row, "permissive")?,
                command,
                roles: get(row, "roles")?,
                using: get(row, "using_expr")?,
                with_check: get(row, "with_check")?,
                comment: get(row, "comment")?,
                renamed_from: None,
            };
            Ok((get(row, "oid")?, policy))
        })
        .collect()
}
