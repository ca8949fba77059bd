//! Who may touch what: policies (and their roles), `GRANT`/`REVOKE`, and
//! `ALTER DEFAULT PRIVILEGES FOR ROLE`.

use petal_ir::QualifiedName;
use petal_migrate::lex::Token;

use super::{Head, Words, classify, head};
use crate::declared::Kind;

/// `POLICY name ON table ...`.
pub(super) fn policy(words: &Words<'_>, at: &mut usize) -> Result<Head, String> {
    let name = words
        .ident(*at)
        .ok_or_else(|| "a policy needs a name".to_string())?;
    let mut after = *at + 1;
    if !words.skip(&mut after, &["ON"]) {
        return Err("a policy needs `ON table`".to_string());
    }
    let table = words
        .qualified(&mut after)
        .ok_or_else(|| "a policy needs `ON table`".to_string())?;
    let (roles, own) = policy_roles(words, after);
    if own {
        return Err(
            "a policy `TO CURRENT_USER` (or `CURRENT_ROLE`, `SESSION_USER`) would name whoever \
             loads it: the dev server's user in petal's copy, another in your database; name \
             the role"
                .to_string(),
        );
    }
    Ok(Head {
        table: Some(table.clone()),
        roles,
        ..head(Kind::Policy, Some(QualifiedName::new(table.schema, name)))
    })
}

/// The roles after a policy's top-level `TO` from `from` on, and whether
/// it names the session's own (`CURRENT_USER`, `CURRENT_ROLE`,
/// `SESSION_USER`): what a database must have for the policy to load.
/// `PUBLIC` (quoted or not) is no role.
fn policy_roles(words: &Words<'_>, from: usize) -> (Vec<String>, bool) {
    roles_after(words, from, "TO")
}

/// The roles after the top-level keyword `word` (`TO`, `FROM`), as for
/// [`policy_roles`].
fn roles_after(words: &Words<'_>, from: usize, word: &str) -> (Vec<String>, bool) {
    let Some(to) = words.find_top(from, word) else {
        return (Vec::new(), false);
    };
    let session = ["CURRENT_USER", "CURRENT_ROLE", "SESSION_USER"];
    let mut roles = Vec::new();
    let mut own = false;
    let mut at = to + 1;
    loop {
        // `TO GROUP app` is `TO app` (GROUP is reserved: no role is
        // named so unquoted).
        if words.is(at, "GROUP") {
            at += 1;
        }
        if session.iter().any(|s| words.is(at, s)) {
            own = true;
        } else {
            match words.ident(at) {
                Some(role) if role == "public" => {}
                Some(role) => roles.push(role),
                None => break,
            }
        }
        at += 1;
        if words.text(at) != "," {
            break;
        }
        at += 1;
    }
    (roles, own)
}

/// The roles a `CREATE POLICY` or `ALTER POLICY ... TO` statement names
/// (none for any other statement): a migration replayed on a scratch
/// database needs them on its cluster.
pub fn roles_named(sql: &str) -> Vec<String> {
    let words = Words::new(sql);
    let grants = words.is(0, "GRANT")
        || words.is(0, "REVOKE")
        || (words.is(0, "ALTER") && words.is(1, "DEFAULT") && words.is(2, "PRIVILEGES"));
    if grants {
        return classify(sql).map(|head| head.roles).unwrap_or_default();
    }
    let creates_or_alters = words.is(0, "CREATE") || words.is(0, "ALTER");
    if !creates_or_alters || !words.is(1, "POLICY") {
        return Vec::new();
    }
    // `name ON table`, then `RENAME TO` (no roles) or the rest.
    let mut at = 4;
    if !words.is(3, "ON") || words.qualified(&mut at).is_none() || words.is(at, "RENAME") {
        return Vec::new();
    }
    policy_roles(&words, at).0
}

/// What `GRANT ... ON` may name in a SQL file: the kinds whose
/// privileges petal compares.
const GRANTED_ON: &[&str] = &[
    "TABLE",
    "SEQUENCE",
    "FUNCTION",
    "PROCEDURE",
    "ROUTINE",
    "SCHEMA",
    "TYPE",
    "DOMAIN",
    "ALL",
];

/// `GRANT privileges ON ... TO roles` or `REVOKE [GRANT OPTION FOR]
/// privileges ON ... FROM roles`: privileges on the kinds petal compares.
/// Role membership (`GRANT role TO role`) is the cluster's, and so is a
/// database's, a language's or a tablespace's ACL.
pub(super) fn grant(words: &Words<'_>) -> Result<Head, String> {
    let verb = words.text(0).to_uppercase();
    let Some(on) = words.find_top(1, "ON") else {
        return Err(format!(
            "`{verb}` without `ON` grants a role's membership, which is the cluster's, not the \
             schema's: manage roles outside the SQL files"
        ));
    };
    // `ON t` names a table; `ON ALL TABLES IN SCHEMA s` what is there.
    let object_kind = words.text(on + 1).to_uppercase();
    let named_kind = matches!(words.tokens.get(on + 1), Some(Token::Word { .. }))
        && words.text(on + 2) != "."
        && words.text(on + 2) != ","
        && !words.is(on + 2, "TO")
        && !words.is(on + 2, "FROM");
    if named_kind && !GRANTED_ON.contains(&object_kind.as_str()) {
        return Err(format!(
            "`{verb} ... ON {object_kind}`: petal compares privileges on tables, columns, \
             sequences, functions, procedures, schemas and types; this one is the cluster's or \
             not compared: manage it outside the SQL files"
        ));
    }
    let public_schema =
        words.is(on + 1, "SCHEMA") && words.ident(on + 2).as_deref() == Some("public");
    if public_schema {
        return Err(format!(
            "`{verb} ... ON SCHEMA public`: petal does not compare the `public` schema's \
             privileges (they are the server version's), so this one would be ignored; set them \
             outside the SQL files"
        ));
    }
    if words.find_top(on, "GRANTED").is_some() {
        return Err(format!(
            "`{verb} ... GRANTED BY`: petal does not compare who granted a privilege; leave \
             `GRANTED BY` out"
        ));
    }
    let keyword = if verb == "GRANT" { "TO" } else { "FROM" };
    let (roles, own) = roles_after(words, on, keyword);
    if own {
        return Err(format!(
            "`{verb} ... {keyword} CURRENT_USER` (or `CURRENT_ROLE`, `SESSION_USER`) would name \
             whoever loads it: the dev server's user in petal's copy, another in your database; \
             name the role"
        ));
    }
    Ok(Head {
        roles,
        ..head(Kind::Grant, None)
    })
}

/// `ALTER DEFAULT PRIVILEGES FOR ROLE r [, ...] [IN SCHEMA s [, ...]]
/// GRANT|REVOKE ...`: `FOR ROLE` is required, since without it the
/// statement would record the dev server's user, not the role that
/// creates the objects in your database.
pub(super) fn default_privileges(words: &Words<'_>) -> Result<Head, String> {
    let verb = (3..words.tokens.len()).find(|&at| words.is(at, "GRANT") || words.is(at, "REVOKE"));
    let Some(verb) = verb else {
        return Err("`ALTER DEFAULT PRIVILEGES` needs a `GRANT` or a `REVOKE`".to_string());
    };
    // `FOR ROLE` and `IN SCHEMA` come in either order, before the verb.
    let for_at = (3..verb)
        .find(|&at| words.is(at, "FOR") && (words.is(at + 1, "ROLE") || words.is(at + 1, "USER")));
    let Some(for_at) = for_at else {
        return Err(
            "`ALTER DEFAULT PRIVILEGES` without `FOR ROLE` would be recorded for whoever loads \
             it: the dev server's user in petal's copy; name the role that creates the objects \
             (`FOR ROLE app_owner`)"
                .to_string(),
        );
    };
    if words.find_top(verb, "LARGE").is_some() {
        return Err(
            "`ALTER DEFAULT PRIVILEGES ... ON LARGE OBJECTS`: petal does not compare large \
             objects' default privileges, so this one would be ignored; set them outside the \
             SQL files"
                .to_string(),
        );
    }
    let (mut roles, own) = roles_after(words, for_at, &words.text(for_at + 1).to_uppercase());
    let keyword = if words.is(verb, "GRANT") {
        "TO"
    } else {
        "FROM"
    };
    let (grantees, own_grantee) = roles_after(words, verb, keyword);
    if own || own_grantee {
        return Err(
            "`ALTER DEFAULT PRIVILEGES` naming `CURRENT_USER` (or `CURRENT_ROLE`, \
             `SESSION_USER`) would name whoever loads it; name the role"
                .to_string(),
        );
    }
    roles.extend(grantees);
    roles.sort();
    roles.dedup();
    Ok(Head {
        roles,
        ..head(Kind::Grant, None)
    })
}
