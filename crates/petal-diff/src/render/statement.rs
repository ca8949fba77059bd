//! The constructors of a change's reviewed statements: one statement, a
//! statement completing another, several statements of one change.

use petal_ir::{ObjectKey, Origin};

use super::{ReviewedStatement, Sql};
use crate::change::Change;
use crate::classify::Safety;
use crate::impact::Impact;

/// The statement carrying a change's description, safety and notes,
/// traced to the change's object.
pub(crate) fn single(change: &Change, sql: impl Into<Sql>) -> ReviewedStatement {
    let sql = sql.into().within(Origin::whole(change.key()));
    ReviewedStatement {
        sql: sql.text,
        description: change.description(),
        safety: change.safety(),
        notes: change.notes(),
        folded: Vec::new(),
        origins: sql.origins,
        impact: change.impact(),
        guard: None,
    }
}

/// A statement that only completes another (an index or comment of a new
/// table): safe, described on its own, traced to the object `on`.
pub(crate) fn extra(on: &ObjectKey, sql: impl Into<Sql>, description: String) -> ReviewedStatement {
    let sql = sql.into().within(Origin::whole(on.clone()));
    ReviewedStatement {
        sql: sql.text,
        description,
        safety: Safety::Safe,
        notes: Vec::new(),
        folded: Vec::new(),
        origins: sql.origins,
        impact: Impact::default(),
        guard: None,
    }
}

/// Several statements of one change: the first carries the description and
/// notes, the others say they continue it (with the same safety).
pub(crate) fn many(change: &Change, sqls: Vec<String>) -> Vec<ReviewedStatement> {
    let impact = change.impact();
    many_with_impacts(change, sqls, |_| impact.clone())
}

/// [`many`], with each statement's impact given by its index: a change
/// that spans many tables (a type recreated under a thousand columns)
/// computes its review once, not once per statement.
pub(crate) fn many_with_impacts(
    change: &Change,
    sqls: Vec<String>,
    impact_of: impl Fn(usize) -> Impact,
) -> Vec<ReviewedStatement> {
    let count = sqls.len();
    let key = change.key();
    let safety = change.safety();
    let mut description = Some(change.description());
    let mut notes = Some(change.notes());
    sqls.into_iter()
        .enumerate()
        .map(|(i, sql)| {
            let sql = Sql::from(sql).within(Origin::whole(key.clone()));
            ReviewedStatement {
                sql: sql.text,
                description: description
                    .take()
                    .unwrap_or_else(|| format!("continued ({} of {count})", i + 1)),
                safety,
                notes: notes.take().unwrap_or_default(),
                folded: Vec::new(),
                origins: sql.origins,
                impact: impact_of(i),
                guard: None,
            }
        })
        .collect()
}
