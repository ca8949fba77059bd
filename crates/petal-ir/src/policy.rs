//! Row-level security policies, keyed by their table and name.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{QualifiedName, quote_ident};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PolicyKey {
    pub table: QualifiedName,
    pub name: String,
}

impl fmt::Display for PolicyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on {}", quote_ident(&self.name), self.table)
    }
}

/// A `CREATE POLICY`, as the catalogs hold it (`pg_policy`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub table: QualifiedName,
    pub name: String,
    /// `AS PERMISSIVE` (the default): rows any permissive policy allows
    /// are visible. `AS RESTRICTIVE`: a row must pass every restrictive
    /// policy as well.
    #[serde(default = "permissive", skip_serializing_if = "is_permissive")]
    pub permissive: bool,
    #[serde(default, skip_serializing_if = "PolicyCommand::is_default")]
    pub command: PolicyCommand,
    /// The roles it applies to, sorted; `public` is PostgreSQL's `PUBLIC`
    /// (every role), spelled as `pg_policies` spells it. Never empty.
    pub roles: Vec<String>,
    /// `USING (...)`, as `pg_get_expr` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    /// `WITH CHECK (...)`, as `pg_get_expr` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Rename hint from a SQL file: the policy's previous name on the same
    /// table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
}

fn permissive() -> bool {
    true
}

fn is_permissive(permissive: &bool) -> bool {
    *permissive
}

/// `FOR ...`: the commands a policy applies to (`polcmd`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PolicyCommand {
    /// `*`: every command.
    #[default]
    All,
    /// `r`
    Select,
    /// `a`
    Insert,
    /// `w`
    Update,
    /// `d`
    Delete,
}

impl PolicyCommand {
    pub fn is_default(&self) -> bool {
        *self == PolicyCommand::All
    }

    /// The keyword after `FOR`.
    pub fn sql(&self) -> &'static str {
        match self {
            PolicyCommand::All => "ALL",
            PolicyCommand::Select => "SELECT",
            PolicyCommand::Insert => "INSERT",
            PolicyCommand::Update => "UPDATE",
            PolicyCommand::Delete => "DELETE",
        }
    }
}

/// The role PostgreSQL's `PUBLIC` is spelled as in [`Policy::roles`].
pub const PUBLIC_ROLE: &str = "public";

/// Roles as a `TO` clause lists them: `PUBLIC` bare, the others quoted (a
/// role named `public` cannot exist: PostgreSQL reserves it).
pub fn roles_sql(roles: &[String]) -> String {
    let roles: Vec<String> = roles
        .iter()
        .map(|r| {
            if r == PUBLIC_ROLE {
                "PUBLIC".to_string()
            } else {
                quote_ident(r)
            }
        })
        .collect();
    roles.join(", ")
}

impl Policy {
    pub fn key(&self) -> PolicyKey {
        PolicyKey {
            table: self.table.clone(),
            name: self.name.clone(),
        }
    }

    /// Its roles as a `TO` clause lists them ([`roles_sql`]).
    pub fn roles_sql(&self) -> String {
        roles_sql(&self.roles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_print_public_bare_and_others_quoted() {
        let policy = Policy {
            table: QualifiedName::new("app", "orders"),
            name: "own".into(),
            permissive: true,
            command: PolicyCommand::Select,
            roles: vec!["App User".into(), PUBLIC_ROLE.into()],
            using: Some("(owner = CURRENT_USER)".into()),
            with_check: None,
            comment: None,
            renamed_from: None,
        };
        assert_eq!(policy.roles_sql(), "\"App User\", PUBLIC");
        let json = serde_json::to_string(&policy).expect("serializes");
        assert!(!json.contains("permissive"), "{json}");
        let back: Policy = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, policy);
    }
}
