//! The `ALTER` statements a SQL file may hold: a trigger's state and a
//! partition's row-level security (`ALTER TABLE`).

use petal_ir::QualifiedName;

use super::{Head, Words, head};
use crate::declared::Kind;

/// `ALTER TABLE [IF EXISTS] [ONLY] t ENABLE|DISABLE [REPLICA|ALWAYS]
/// TRIGGER name`: the one `ALTER TABLE` that declares (a trigger's state).
pub(super) fn trigger_state(words: &Words<'_>) -> Result<Head, String> {
    let mut at = 2;
    words.skip(&mut at, &["IF", "EXISTS"]);
    words.skip(&mut at, &["ONLY"]);
    let table = words.qualified(&mut at);
    let enable = words.is(at, "ENABLE") || words.is(at, "DISABLE");
    let mut trigger_at = at + 1;
    if words.is(trigger_at, "REPLICA") || words.is(trigger_at, "ALWAYS") {
        trigger_at += 1;
    }
    let name = words.ident(trigger_at + 1);
    // `ENABLE|DISABLE|FORCE|NO FORCE ROW LEVEL SECURITY`, one or several
    // separated by commas: a partition's (a model's table is refused where
    // the models are known).
    if let (true, Some(table)) = (row_security_actions(words, at), &table) {
        return Ok(Head {
            table: Some(table.clone()),
            ..head(Kind::RowSecurity, None)
        });
    }
    match (table, enable && words.is(trigger_at, "TRIGGER"), name) {
        (Some(table), true, Some(name)) => Ok(Head {
            table: Some(table.clone()),
            ..head(
                Kind::TriggerState,
                Some(QualifiedName::new(table.schema, name)),
            )
        }),
        _ => Err(
            "`ALTER TABLE` changes a model's table: say it in the model (only `ALTER TABLE ... \
             ENABLE|DISABLE TRIGGER`, and a partition's row-level security, belong in a SQL \
             file)"
                .to_string(),
        ),
    }
}

/// Whether the statement from `at` on is row-level security actions and
/// nothing else: `ENABLE|DISABLE|FORCE|NO FORCE ROW LEVEL SECURITY`, one
/// or several separated by commas.
fn row_security_actions(words: &Words<'_>, mut at: usize) -> bool {
    loop {
        let action = ["ENABLE", "DISABLE", "FORCE"]
            .iter()
            .any(|w| words.skip(&mut at, &[*w]))
            || words.skip(&mut at, &["NO", "FORCE"]);
        if !action || !words.skip(&mut at, &["ROW", "LEVEL", "SECURITY"]) {
            return false;
        }
        if at == words.tokens.len() {
            return true;
        }
        if words.text(at) != "," {
            return false;
        }
        at += 1;
    }
}
