//! Views: what a change of a kept view takes.

use petal_ir::View;

use super::objects::Decision;

/// The view as compared for its query and options: without its name,
/// hints, comments and indexes (compared on their own) and privileges (not
/// compared).
fn core(view: &View) -> View {
    View {
        name: petal_ir::QualifiedName::new("", ""),
        renamed_from: None,
        comment: None,
        privileges: None,
        indexes: Vec::new(),
        columns: view
            .columns
            .iter()
            .map(|c| petal_ir::ViewColumn {
                comment: None,
                ..c.clone()
            })
            .collect(),
        ..view.clone()
    }
}

/// Kept view `cur` becoming `to`: nothing, `CREATE OR REPLACE` (a plain
/// view whose columns stay as they are, in order), or a drop and a create.
///
/// `CREATE OR REPLACE VIEW` may append columns, but the down of that would
/// have to drop them, which it may not: a view gaining columns is
/// recreated, so that both directions run.
pub(super) fn decide(cur: &View, to: &View) -> Decision {
    let (a, b) = (core(cur), core(to));
    if a == b {
        return Decision::Keep;
    }
    let columns_kept = cur.columns.len() == to.columns.len()
        && cur
            .columns
            .iter()
            .zip(&to.columns)
            .all(|(c, t)| c.name == t.name && c.ty == t.ty);
    if !cur.materialized && !to.materialized && columns_kept {
        Decision::Replace
    } else {
        Decision::Recreate
    }
}
