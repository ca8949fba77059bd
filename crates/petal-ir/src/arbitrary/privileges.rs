//! Privileges on generated views and functions, granted to `PUBLIC` (a
//! role is cluster-wide, and the convergence cases share one server).
//! petal does not compare them; the property checks that the objects it
//! recreates get back what the database had.

use super::Rng;
use crate::{Database, Grant, Privileges};

fn public(privilege: &str) -> Grant {
    Grant {
        grantee: None,
        privilege: privilege.into(),
        grantable: false,
    }
}

/// A view's: none beyond the owner's, `SELECT`, or `SELECT` and `UPDATE`
/// for a plain view.
pub(super) fn of_view(rng: &mut Rng, materialized: bool) -> Privileges {
    match rng.below(4) {
        0 | 1 => None,
        2 if !materialized => Some(vec![public("SELECT"), public("UPDATE")]),
        _ => Some(vec![public("SELECT")]),
    }
}

/// A function's: the default (`EXECUTE` for `PUBLIC`) or none at all.
pub(super) fn of_function(rng: &mut Rng) -> Privileges {
    rng.chance(30).then(Vec::new)
}

/// Draws again the privileges of one view or function: B's differ from
/// A's, which petal must neither compare nor lose.
pub(super) fn edit_privileges(rng: &mut Rng, db: &mut Database) -> bool {
    let views = db.views.len();
    let pick = rng.below(views + db.functions.len());
    if pick < views {
        let Some(view) = db.views.values_mut().nth(pick) else {
            return false;
        };
        view.privileges = of_view(rng, view.materialized);
    } else {
        let Some(function) = db.functions.values_mut().nth(pick - views) else {
            return false;
        };
        function.privileges = of_function(rng);
    }
    true
}
