//! The `ALTER` statements a SQL file may hold: a trigger's state and a
//! partition's row-level security (`ALTER TABLE`), and a sequence's owner
//! (`ALTER SEQUENCE ... OWNED BY`).

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
    // `ALTER [COLUMN] c SET DEFAULT ... | DROP DEFAULT`: a partition's
    // own default (a model's table is refused where the models are known).
    if let (Some(column), Some(table)) = (column_default(words, at), &table) {
        return Ok(Head {
            table: Some(table.clone()),
            ..head(
                Kind::ColumnDefault,
                Some(QualifiedName::new(table.schema.clone(), column)),
            )
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
             ENABLE|DISABLE TRIGGER`, and a partition's or an inheritance child's row-level \
             security and column defaults, belong in a SQL file)"
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

/// `ALTER SEQUENCE [IF EXISTS] s OWNED BY [schema.]table.column`: its name
/// is the sequence's, its table the owner's. Any other `ALTER SEQUENCE`
/// is refused: the `CREATE SEQUENCE` says the sequence's options.
pub(super) fn sequence_owner(words: &Words<'_>) -> Result<Head, String> {
    let mut at = 2;
    words.skip(&mut at, &["IF", "EXISTS"]);
    let sequence = words.qualified(&mut at);
    let owner = (words.is(at, "OWNED") && words.is(at + 1, "BY"))
        .then(|| owner_table(words, at + 2))
        .flatten();
    match (sequence, owner) {
        (Some(sequence), Some(table)) => Ok(Head {
            table: Some(table),
            ..head(Kind::SequenceOwner, Some(sequence))
        }),
        _ => Err(
            "`ALTER SEQUENCE` in a SQL file may only give the sequence its owner (`ALTER \
             SEQUENCE s OWNED BY table.column`): its `CREATE SEQUENCE` says the rest"
                .to_string(),
        ),
    }
}

/// The table of `[schema.]table.column` at `at`, the statement's last words.
fn owner_table(words: &Words<'_>, mut at: usize) -> Option<QualifiedName> {
    let mut parts = vec![words.ident(at)?];
    while words.text(at + 1) == "." {
        at += 2;
        parts.push(words.ident(at)?);
    }
    if !words.text(at + 1).is_empty() {
        return None;
    }
    match parts.as_slice() {
        [table, _column] => Some(QualifiedName::new(super::DEFAULT_SCHEMA, table.clone())),
        [schema, table, _column] => Some(QualifiedName::new(schema.clone(), table.clone())),
        _ => None,
    }
}

/// The column of `ALTER [COLUMN] c SET DEFAULT expr` or `ALTER [COLUMN] c
/// DROP DEFAULT` standing alone from `at` on (no other action after a
/// comma).
fn column_default(words: &Words<'_>, mut at: usize) -> Option<String> {
    if !words.skip(&mut at, &["ALTER"]) {
        return None;
    }
    words.skip(&mut at, &["COLUMN"]);
    let column = words.ident(at)?;
    at += 1;
    let set = words.skip(&mut at, &["SET", "DEFAULT"]);
    if !set && !words.skip(&mut at, &["DROP", "DEFAULT"]) {
        return None;
    }
    let end = words.tokens.len();
    // `SET DEFAULT` takes an expression; `DROP DEFAULT` nothing more.
    if set == (at == end) || (!set && at != end) {
        return None;
    }
    let mut depth = 0usize;
    for i in at..end {
        match words.text(i) {
            "(" => depth += 1,
            ")" => depth = depth.saturating_sub(1),
            "," if depth == 0 => return None,
            _ => {}
        }
    }
    Some(column)
}
