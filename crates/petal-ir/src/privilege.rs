//! Privileges granted on an object, as its ACL holds them.
//!
//! petal does not compare privileges: they are the database's stand, which
//! the models do not declare. It reads them so that an object it drops and
//! creates again (a view moved out of a column's way, a function whose
//! arguments change) gets them back, in the up and in the down.

use serde::{Deserialize, Serialize};

/// One privilege granted to a role or to `PUBLIC`. The owner's own
/// privileges are left out: a created object's owner has them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Grant {
    /// The role, unquoted; none for `PUBLIC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grantee: Option<String>,
    /// `SELECT`, `EXECUTE`, ...: what `GRANT` names.
    pub privilege: String,
    /// `WITH GRANT OPTION`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub grantable: bool,
}

impl Grant {
    /// `EXECUTE` for `PUBLIC`: what a new function grants everyone.
    pub fn public_execute() -> Grant {
        Grant {
            grantee: None,
            privilege: "EXECUTE".into(),
            grantable: false,
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An object's grants to others than its owner, sorted (`PUBLIC` first,
/// then by role and privilege); `None`
/// when they are what a new object of its kind gets (a NULL ACL, or one
/// equal to the kind's default).
pub type Privileges = Option<Vec<Grant>>;
