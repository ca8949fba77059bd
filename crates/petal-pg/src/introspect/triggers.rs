//! Rows of `sql/triggers.sql` → IR [`Trigger`]s of the compared tables
//! and views: the server's definition, the enabled state (which the
//! definition does not say), and the trigger function by name and
//! signature (a [`FunctionKey`], as the IR keys functions). Each keeps its
//! oid, because the dependency edges name a trigger by its pg_trigger row.

use petal_ir::{FunctionKey, QualifiedName, Trigger, TriggerEnabled};

use super::rows::{Rows, get, qualified, unknown};
use crate::error::PgError;

pub(super) fn triggers(rows: Rows) -> Result<Vec<(u32, Trigger)>, PgError> {
    rows.iter()
        .map(|row| {
            let table = qualified(row, "schema", "table_name")?;
            let name: String = get(row, "name")?;
            let enabled = match get::<String>(row, "enabled")?.as_str() {
                "O" => TriggerEnabled::Origin,
                "D" => TriggerEnabled::Disabled,
                "R" => TriggerEnabled::Replica,
                "A" => TriggerEnabled::Always,
                other => {
                    let context = format!("trigger {name} on {table}");
                    return Err(unknown("tgenabled", other, &context));
                }
            };
            let function = FunctionKey {
                name: QualifiedName::new(
                    get::<String>(row, "function_schema")?,
                    get::<String>(row, "function_name")?,
                ),
                signature: get(row, "function_signature")?,
            };
            let trigger = Trigger {
                table,
                name,
                definition: get(row, "definition")?,
                function,
                enabled,
                comment: get(row, "comment")?,
                renamed_from: None,
            };
            Ok((get(row, "oid")?, trigger))
        })
        .collect()
}
