//! What creating, dropping and altering a row-level security policy
//! means, and turning a table's row-level security on or off: who gains
//! access and who loses it.

use petal_ir::{Policy, QualifiedName};
use serde::{Deserialize, Serialize};

use super::Delta;
use crate::classify::{Review, Safety};

/// A table's row-level security on one side of a change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowSecurity {
    /// `ENABLE ROW LEVEL SECURITY`.
    pub enabled: bool,
    /// `FORCE ROW LEVEL SECURITY`.
    pub forced: bool,
    /// Whether the table has a permissive policy on this side: with none,
    /// row-level security hides every row.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
}

impl RowSecurity {
    /// Neither enabled nor forced.
    pub fn is_off(&self) -> bool {
        !self.enabled && !self.forced
    }

    /// The `ALTER TABLE` actions taking `self` to `to`: `ENABLE ROW LEVEL
    /// SECURITY`, `NO FORCE ROW LEVEL SECURITY`, ...
    pub fn actions(&self, to: &RowSecurity) -> Vec<&'static str> {
        let mut actions = Vec::new();
        if self.enabled != to.enabled {
            actions.push(if to.enabled {
                "ENABLE ROW LEVEL SECURITY"
            } else {
                "DISABLE ROW LEVEL SECURITY"
            });
        }
        if self.forced != to.forced {
            actions.push(if to.forced {
                "FORCE ROW LEVEL SECURITY"
            } else {
                "NO FORCE ROW LEVEL SECURITY"
            });
        }
        actions
    }
}

/// What `ALTER POLICY` changes: the roles and the two expressions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRules {
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<String>,
}

impl PolicyRules {
    pub fn of(policy: &Policy) -> PolicyRules {
        PolicyRules {
            roles: policy.roles.clone(),
            using: policy.using.clone(),
            with_check: policy.with_check.clone(),
        }
    }

    /// Whether `ALTER POLICY` can take `from` to `to` and back: it sets
    /// an expression, but cannot take one away, so each is there on both
    /// sides or on neither.
    pub fn alterable(from: &PolicyRules, to: &PolicyRules) -> bool {
        from.using.is_some() == to.using.is_some()
            && from.with_check.is_some() == to.with_check.is_some()
    }
}

fn what(policy: &Policy) -> String {
    let kind = if policy.permissive {
        "policy"
    } else {
        "restrictive policy"
    };
    format!(
        "{kind} {} on {} (for {} to {})",
        policy.name,
        policy.table,
        policy.command.sql(),
        policy.roles.join(", ")
    )
}

/// Who a policy's review says gains or loses: its roles.
fn roles_of(roles: &[String]) -> String {
    if roles.iter().any(|r| r == petal_ir::PUBLIC_ROLE) {
        "all roles (PUBLIC)".to_string()
    } else {
        format!("the roles it applies to ({})", roles.join(", "))
    }
}

/// The note (and at least `breaks:`) of a policy recreated with other
/// expressions.
const EXPRESSIONS_CHANGE: &str = "its expressions change which rows it lets through (or holds back): read them before \
     applying";

impl Review {
    /// A recreated policy's review, when its expressions change.
    pub(super) fn reworded(mut self, reworded: bool) -> Review {
        if !reworded {
            return self;
        }
        self.safety = self.safety.max(Safety::Breaking);
        self.note(EXPRESSIONS_CHANGE)
    }
}

pub(super) fn create(policy: &Policy, guarded: bool) -> Review {
    let description = format!("create {}", what(policy));
    if guarded && !policy.permissive {
        Review::new(description, Safety::Destructive).note(format!(
            "{} lose access to every row its expressions refuse, whatever the permissive \
             policies allow",
            roles_of(&policy.roles)
        ))
    } else {
        Review::safe(description)
    }
}

pub(super) fn drop(policy: &Policy, guarded: bool) -> Review {
    let description = format!("drop {}", what(policy));
    match (guarded, policy.permissive) {
        (true, true) => Review::new(description, Safety::Destructive).note(format!(
            "{} lose access to the rows this policy let them reach, unless another \
             permissive policy lets them",
            roles_of(&policy.roles)
        )),
        (true, false) => Review::safe(description).note(format!(
            "{} reach the rows it refused, as far as the permissive policies allow",
            roles_of(&policy.roles)
        )),
        (false, _) => Review::safe(description),
    }
}

/// The review of a table's row-level security switched, or of a policy
/// altered.
pub(super) fn review(alter: &super::Alter) -> Review {
    match alter {
        super::Alter::RowSecurity { table, security } => row_security(table, security),
        other => self::alter(other),
    }
}

/// Whether `roles` reach `role`: by name, or as PUBLIC.
fn covers(roles: &[String], role: &str) -> bool {
    roles
        .iter()
        .any(|r| r == role || r == petal_ir::PUBLIC_ROLE)
}

/// The review of `ALTER POLICY` (an [`Alter::Policy`]). On a guarded
/// table: a permissive policy leaving roles takes from them the rows it
/// let them reach, a restrictive one reaching new roles holds them to it
/// (both destructive, naming the roles); new expressions may do either
/// (breaking).
///
/// [`Alter::Policy`]: super::Alter::Policy
fn alter(alter: &super::Alter) -> Review {
    let super::Alter::Policy {
        table,
        name,
        permissive,
        rules,
        guarded,
    } = alter
    else {
        return Review::safe(format!("alter {}", alter.key()));
    };
    let (from, to) = (&rules.from, &rules.to);
    let mut parts = Vec::new();
    if from.roles != to.roles {
        parts.push(format!("roles to {}", to.roles.join(", ")));
    }
    let expressions = from.using != to.using || from.with_check != to.with_check;
    if from.using != to.using {
        parts.push("USING".to_string());
    }
    if from.with_check != to.with_check {
        parts.push("WITH CHECK".to_string());
    }
    let description = format!("alter policy {name} on {table}: {}", parts.join(", "));
    if !guarded {
        return Review::safe(description);
    }
    // Permissive: who no longer has it; restrictive: who newly has it.
    let (before, after) = if *permissive { (from, to) } else { (to, from) };
    let losing: Vec<String> = before
        .roles
        .iter()
        .filter(|r| !covers(&after.roles, r))
        .cloned()
        .collect();
    let mut review = if !losing.is_empty() {
        let how = if *permissive {
            "lose access to the rows this policy let them reach, unless another permissive \
             policy lets them"
        } else {
            "are held to it now: they lose access to every row its expressions refuse"
        };
        let who = if losing.iter().any(|r| r == petal_ir::PUBLIC_ROLE) {
            if after.roles.is_empty() {
                "all roles (PUBLIC)".to_string()
            } else {
                format!("every role but {}", after.roles.join(", "))
            }
        } else {
            format!("roles {}", losing.join(", "))
        };
        Review::new(description, Safety::Destructive).note(format!("{who} {how}"))
    } else if expressions {
        Review::new(description, Safety::Breaking)
    } else {
        Review::safe(description)
    };
    if expressions {
        review = review.note(EXPRESSIONS_CHANGE);
    }
    review
}

fn row_security(table: &QualifiedName, security: &Delta<RowSecurity>) -> Review {
    let (from, to) = (security.from, security.to);
    let said: Vec<String> = from.actions(&to).iter().map(|a| a.to_lowercase()).collect();
    let description = format!("{} on {table}", said.join(", "));
    let held = to.enabled && (!from.enabled || (to.forced && !from.forced));
    if !held {
        let review = Review::safe(description);
        return if from.enabled && !to.enabled {
            review.note("every role with privileges on the table reaches every row again")
        } else {
            review
        };
    }
    let who = if to.forced {
        "every role but those with BYPASSRLS, the owner too,"
    } else {
        "every role but the owner and those with BYPASSRLS"
    };
    if to.open {
        Review::new(description, Safety::Breaking).note(format!(
            "{who} reaches only the rows its policies let it; a role no policy names reaches none"
        ))
    } else {
        Review::new(description, Safety::Destructive).note(format!(
            "the table has no permissive policy: {who} sees no row and writes none"
        ))
    }
}
