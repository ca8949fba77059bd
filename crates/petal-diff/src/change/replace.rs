//! `CREATE OR REPLACE`: a view's query or a function's body changes while
//! the object, and what depends on it, stays.

use petal_ir::{Function, ObjectKey, View};
use serde::{Deserialize, Serialize};

use super::{Delta, functions, views};
use crate::classify::Review;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "object", rename_all = "snake_case")]
pub enum Replace {
    /// Only when the new query keeps every column (name and type), in
    /// order, and adds none: what `CREATE OR REPLACE VIEW` allows both
    /// ways (it may append a column, but not drop one).
    View {
        #[serde(flatten)]
        view: Delta<View>,
    },
    /// Only when the arguments (names, modes, defaults) and the result
    /// stay: what `CREATE OR REPLACE FUNCTION` allows. `affects`: what
    /// stored the function's results (expression indexes, checks,
    /// generated columns), which PostgreSQL does not recompute.
    Function {
        #[serde(flatten)]
        function: Delta<Function>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        affects: Vec<ObjectKey>,
    },
}

impl Replace {
    pub fn reversed(self) -> Replace {
        match self {
            Replace::View { view } => Replace::View {
                view: view.reversed(),
            },
            Replace::Function { function, affects } => Replace::Function {
                function: function.reversed(),
                affects,
            },
        }
    }

    pub fn key(&self) -> ObjectKey {
        match self {
            Replace::View { view } => views::key(&view.from),
            Replace::Function { function, .. } => ObjectKey::function(&function.from.key()),
        }
    }

    pub(crate) fn review(&self) -> Review {
        match self {
            Replace::View { view } => views::replace(&view.to),
            Replace::Function { function, affects } => {
                functions::replace(&function.from, &function.to, affects)
            }
        }
    }
}
