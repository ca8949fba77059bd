//! What a statement declares, read from its first words: its kind, the
//! object's name, the table it is on. Everything else in the statement is
//! PostgreSQL's to check.

use petal_ir::QualifiedName;
use petal_migrate::lex::{Lexer, Token};

use crate::declared::Kind;

/// The schema an unqualified name lands in on the scratch database.
const DEFAULT_SCHEMA: &str = "public";

/// What the first words of a statement say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Head {
    pub kind: Kind,
    pub name: Option<QualifiedName>,
    pub table: Option<QualifiedName>,
    pub version: Option<String>,
    pub or_replace: Option<(usize, usize)>,
    /// The roles a policy names (`TO ...`), PUBLIC and the session's own
    /// left out.
    pub roles: Vec<String>,
}

/// A statement's tokens without comments, with their text.
struct Words<'a> {
    sql: &'a str,
    tokens: Vec<Token>,
}

impl<'a> Words<'a> {
    fn new(sql: &'a str) -> Words<'a> {
        let mut lexer = Lexer::new(sql, 0);
        let mut tokens = Vec::new();
        while let Some(Ok(token)) = lexer.next_token() {
            if !token.is_comment() {
                tokens.push(token);
            }
        }
        Words { sql, tokens }
    }

    fn text(&self, at: usize) -> &'a str {
        self.tokens
            .get(at)
            .map_or("", |t| &self.sql[t.start()..t.end()])
    }

    /// Whether the token at `at` is the keyword `word` (any case).
    fn is(&self, at: usize, word: &str) -> bool {
        matches!(self.tokens.get(at), Some(Token::Word { .. }))
            && self.text(at).eq_ignore_ascii_case(word)
    }

    /// Skips the keywords of `words` that stand at `at`, in order.
    fn skip(&self, at: &mut usize, words: &[&str]) -> bool {
        if words.iter().enumerate().all(|(i, w)| self.is(*at + i, w)) {
            *at += words.len();
            true
        } else {
            false
        }
    }

    /// An identifier at `at`: unquoted (folded to lower case) or quoted.
    fn ident(&self, at: usize) -> Option<String> {
        match self.tokens.get(at)? {
            Token::Word { .. } => Some(self.text(at).to_lowercase()),
            Token::Quoted { .. } => {
                let text = self.text(at);
                let inner = text.strip_prefix('"')?.strip_suffix('"')?;
                Some(inner.replace("\"\"", "\""))
            }
            _ => None,
        }
    }

    /// `name` or `schema.name` at `at`, moving past it.
    fn qualified(&self, at: &mut usize) -> Option<QualifiedName> {
        let first = self.ident(*at)?;
        if self.text(*at + 1) == "." {
            let second = self.ident(*at + 2)?;
            *at += 3;
            Some(QualifiedName::new(first, second))
        } else {
            *at += 1;
            Some(QualifiedName::new(DEFAULT_SCHEMA, first))
        }
    }

    /// The position of the keyword `word` at the statement's top level
    /// (outside parentheses), from `at` on.
    fn find_top(&self, from: usize, word: &str) -> Option<usize> {
        let mut depth = 0usize;
        for at in from..self.tokens.len() {
            match self.text(at) {
                "(" => depth += 1,
                ")" => depth = depth.saturating_sub(1),
                _ if depth == 0 && self.is(at, word) => return Some(at),
                _ => {}
            }
        }
        None
    }

    /// A string literal's value at `at`.
    fn string(&self, at: usize) -> Option<String> {
        let text = self.text(at);
        let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
        Some(inner.replace("''", "'"))
    }

    fn span(&self, from: usize, to: usize) -> (usize, usize) {
        let start = self.tokens.get(from).map_or(0, |t| t.start());
        let end = self.tokens.get(to).map_or(start, |t| t.end());
        (start, end)
    }
}

/// What a statement declares, or why it is no declaration.
pub(crate) fn classify(sql: &str) -> Result<Head, String> {
    let words = Words::new(sql);
    if words.is(0, "CREATE") {
        return create(&words);
    }
    if words.is(0, "COMMENT") && words.is(1, "ON") {
        // Refused rather than loaded and lost: neither is compared.
        for what in ["SCHEMA", "EXTENSION"] {
            if words.is(2, what) {
                return Err(format!(
                    "`COMMENT ON {what}`: petal does not compare comments on a {}, so this one \
                     would be lost; set it in a migration written by hand",
                    what.to_lowercase()
                ));
            }
        }
        // `COMMENT ON INDEX i` names the index: a model's is refused.
        let index = words
            .is(2, "INDEX")
            .then(|| words.qualified(&mut 3))
            .flatten();
        return Ok(Head {
            table: comment_relation(&words),
            ..head(Kind::Comment, index)
        });
    }
    if words.is(0, "ALTER") && words.is(1, "TABLE") {
        return trigger_state(&words);
    }
    if words.is(0, "GRANT") || words.is(0, "REVOKE") {
        return grant(&words);
    }
    if words.is(0, "ALTER") && words.is(1, "DEFAULT") && words.is(2, "PRIVILEGES") {
        return default_privileges(&words);
    }
    Err(refusal(&words))
}

/// The relation a `COMMENT ON TABLE t`, `COMMENT ON COLUMN t.c` or
/// `COMMENT ON CONSTRAINT c ON t` is on (a model's table may not be
/// commented here: its model says it).
fn comment_relation(words: &Words<'_>) -> Option<QualifiedName> {
    let mut at = 3;
    if words.is(2, "TABLE") {
        return words.qualified(&mut at);
    }
    if words.is(2, "CONSTRAINT") {
        let mut after = words.find_top(4, "ON")? + 1;
        return words.qualified(&mut after);
    }
    if !words.is(2, "COLUMN") {
        return None;
    }
    // `[schema.]table.column`: the parts before the last name the table.
    let mut parts = vec![words.ident(at)?];
    while words.text(at + 1) == "." {
        at += 2;
        parts.push(words.ident(at)?);
    }
    match parts.as_slice() {
        [table, _column] => Some(QualifiedName::new(DEFAULT_SCHEMA, table.clone())),
        [schema, table, _column] => Some(QualifiedName::new(schema.clone(), table.clone())),
        _ => None,
    }
}

fn head(kind: Kind, name: Option<QualifiedName>) -> Head {
    Head {
        kind,
        name,
        table: None,
        version: None,
        or_replace: None,
        roles: Vec::new(),
    }
}

fn create(words: &Words<'_>) -> Result<Head, String> {
    let mut at = 1;
    let or_replace = words
        .skip(&mut at, &["OR", "REPLACE"])
        .then(|| words.span(1, 2));
    // An unlogged partition is a partition, and the only unlogged
    // relation a SQL file may declare.
    let unlogged_table = words.is(at, "UNLOGGED") && words.is(at + 1, "TABLE");
    if unlogged_table {
        at += 1;
    }
    if words.is(at, "TEMP") || words.is(at, "TEMPORARY") || words.is(at, "UNLOGGED") {
        return Err(format!(
            "`CREATE {}` objects are not part of a schema petal compares",
            words.text(at).to_uppercase()
        ));
    }
    words.skip(&mut at, &["RECURSIVE"]);
    let unique = words.skip(&mut at, &["UNIQUE"]);
    let constraint = words.skip(&mut at, &["CONSTRAINT"]);
    let kind_word = words.text(at).to_uppercase();
    at += 1;
    let mut head = match kind_word.as_str() {
        "VIEW" => named(words, &mut at, Kind::View),
        "MATERIALIZED" if words.skip(&mut at, &["VIEW"]) => {
            named(words, &mut at, Kind::MaterializedView)
        }
        "FUNCTION" => named(words, &mut at, Kind::Function),
        "PROCEDURE" => named(words, &mut at, Kind::Procedure),
        "AGGREGATE" => named(words, &mut at, Kind::Aggregate),
        "TRIGGER" => trigger(words, &mut at),
        "POLICY" => policy(words, &mut at),
        "EXTENSION" => extension(words, &mut at),
        "SEQUENCE" => named(words, &mut at, Kind::Sequence),
        "DOMAIN" => named(words, &mut at, Kind::Domain),
        "SCHEMA" => schema(words, &mut at),
        "TYPE" => type_head(words, &mut at),
        "INDEX" => index(words, &mut at),
        "TABLE" => partition(words, &mut at),
        _ => Err(refusal(words)),
    }?;
    let allowed = match head.kind {
        Kind::Trigger => !unique,
        Kind::Index => !constraint,
        _ => !unique && !constraint,
    };
    if !allowed {
        return Err(refusal(words));
    }
    head.or_replace = or_replace;
    Ok(head)
}

/// `<kind> [IF NOT EXISTS] name`.
fn named(words: &Words<'_>, at: &mut usize, kind: Kind) -> Result<Head, String> {
    words.skip(at, &["IF", "NOT", "EXISTS"]);
    let name = words
        .qualified(at)
        .ok_or_else(|| format!("a {} needs a name", kind.noun()))?;
    Ok(head(kind, Some(name)))
}

/// `TABLE [IF NOT EXISTS] name PARTITION OF parent ...`: the one table a
/// SQL file declares (its columns are its parent's, a model's).
fn partition(words: &Words<'_>, at: &mut usize) -> Result<Head, String> {
    let not_partition = || {
        "`CREATE TABLE`: tables are Rust models (`#[derive(Table)]`); a SQL file declares \
         only partitions (`CREATE TABLE name PARTITION OF parent FOR VALUES ...`)"
            .to_string()
    };
    words.skip(at, &["IF", "NOT", "EXISTS"]);
    let name = words.qualified(at).ok_or_else(not_partition)?;
    if !words.skip(at, &["PARTITION", "OF"]) {
        return Err(not_partition());
    }
    let parent = words.qualified(at).ok_or_else(not_partition)?;
    Ok(Head {
        table: Some(parent),
        ..head(Kind::Partition, Some(name))
    })
}

/// `TRIGGER name ... ON table`.
fn trigger(words: &Words<'_>, at: &mut usize) -> Result<Head, String> {
    let name = words
        .ident(*at)
        .ok_or_else(|| "a trigger needs a name".to_string())?;
    let on = words
        .find_top(*at + 1, "ON")
        .ok_or_else(|| "a trigger needs `ON table`".to_string())?;
    let mut after = on + 1;
    let table = words
        .qualified(&mut after)
        .ok_or_else(|| "a trigger needs `ON table`".to_string())?;
    Ok(Head {
        table: Some(table.clone()),
        ..head(Kind::Trigger, Some(QualifiedName::new(table.schema, name)))
    })
}

/// `POLICY name ON table ...`.
fn policy(words: &Words<'_>, at: &mut usize) -> Result<Head, String> {
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
fn grant(words: &Words<'_>) -> Result<Head, String> {
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
fn default_privileges(words: &Words<'_>) -> Result<Head, String> {
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

/// `EXTENSION [IF NOT EXISTS] name [WITH] [SCHEMA s] [VERSION v]`.
fn extension(words: &Words<'_>, at: &mut usize) -> Result<Head, String> {
    words.skip(at, &["IF", "NOT", "EXISTS"]);
    let name = words
        .ident(*at)
        .ok_or_else(|| "an extension needs a name".to_string())?;
    let version = words
        .find_top(*at + 1, "VERSION")
        .and_then(|v| words.string(v + 1).or_else(|| words.ident(v + 1)));
    Ok(Head {
        version,
        ..head(Kind::Extension, Some(QualifiedName::new("", name)))
    })
}

/// `SCHEMA [IF NOT EXISTS] name`.
fn schema(words: &Words<'_>, at: &mut usize) -> Result<Head, String> {
    words.skip(at, &["IF", "NOT", "EXISTS"]);
    let name = words
        .ident(*at)
        .ok_or_else(|| "a schema needs a name".to_string())?;
    Ok(head(Kind::Schema, Some(QualifiedName::new(name, ""))))
}

/// `TYPE name AS (...)` (composite) or `TYPE name AS RANGE (...)`.
fn type_head(words: &Words<'_>, at: &mut usize) -> Result<Head, String> {
    let name = words
        .qualified(at)
        .ok_or_else(|| "a type needs a name".to_string())?;
    if !words.is(*at, "AS") {
        return Err(
            "a base type (`CREATE TYPE name` without `AS`) is C code: petal reads composite and \
             range types"
                .to_string(),
        );
    }
    let kind = match words.text(*at + 1).to_uppercase().as_str() {
        "(" => Kind::CompositeType,
        "RANGE" => Kind::RangeType,
        "ENUM" => {
            return Err(
                "`CREATE TYPE ... AS ENUM`: enum types are Rust models (`#[derive(DbEnum)]`)"
                    .to_string(),
            );
        }
        _ => return Err("expected `AS (...)` or `AS RANGE (...)`".to_string()),
    };
    Ok(head(kind, Some(name)))
}

/// `[UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON [ONLY] table`.
fn index(words: &Words<'_>, at: &mut usize) -> Result<Head, String> {
    if words.is(*at, "CONCURRENTLY") {
        return Err(
            "`CONCURRENTLY` is how a migration builds an index, not what the schema holds: \
             declare the index without it"
                .to_string(),
        );
    }
    words.skip(at, &["IF", "NOT", "EXISTS"]);
    let name = (!words.is(*at, "ON")).then(|| words.ident(*at)).flatten();
    let on = words
        .find_top(*at, "ON")
        .ok_or_else(|| "an index needs `ON table`".to_string())?;
    let mut after = on + 1;
    words.skip(&mut after, &["ONLY"]);
    let table = words
        .qualified(&mut after)
        .ok_or_else(|| "an index needs `ON table`".to_string())?;
    Ok(Head {
        table: Some(table.clone()),
        ..head(
            Kind::Index,
            name.map(|n| QualifiedName::new(table.schema, n)),
        )
    })
}

/// `ALTER TABLE [IF EXISTS] [ONLY] t ENABLE|DISABLE [REPLICA|ALWAYS]
/// TRIGGER name`: the one `ALTER TABLE` that declares (a trigger's state).
fn trigger_state(words: &Words<'_>) -> Result<Head, String> {
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

/// Why a statement is no declaration, by its first words.
fn refusal(words: &Words<'_>) -> String {
    let first = words.text(0).to_uppercase();
    let shown = [0, 1]
        .iter()
        .map(|&i| words.text(i).to_uppercase())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    match first.as_str() {
        "INSERT" | "UPDATE" | "DELETE" | "COPY" | "TRUNCATE" | "MERGE" | "SELECT" => format!(
            "`{first}` is data, not a declaration: SQL files hold what the schema is (data goes \
             in a migration)"
        ),
        "DROP" => "`DROP` does not belong in a SQL file: the files declare what the schema \
             holds, and petal writes the `DROP` when a declaration goes"
            .to_string(),
        _ => format!(
            "`{shown}` is not a declaration petal reads from SQL files; accepted: CREATE [OR \
             REPLACE] VIEW | MATERIALIZED VIEW | FUNCTION | PROCEDURE | AGGREGATE | TRIGGER, \
             CREATE POLICY, CREATE EXTENSION | SEQUENCE | DOMAIN | SCHEMA, CREATE TYPE ... AS (...) | AS RANGE, \
             CREATE TABLE ... PARTITION OF, CREATE INDEX on a materialized view or a partition, \
             ALTER TABLE ... ENABLE|DISABLE TRIGGER, a partition's ALTER TABLE ... \
             ENABLE|DISABLE|[NO] FORCE ROW LEVEL SECURITY, COMMENT ON, GRANT, REVOKE"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(sql: &str) -> Kind {
        match classify(sql) {
            Ok(head) => head.kind,
            Err(e) => panic!("{sql}: {e}"),
        }
    }

    #[test]
    fn a_policy_names_its_table_and_the_roles_to_create() {
        let head = classify(
            "CREATE POLICY own ON crm.orders AS RESTRICTIVE FOR SELECT \
             TO app, \"Report Reader\", PUBLIC, \"public\" USING (owner = 'TO x')",
        )
        .expect("a policy");
        assert_eq!(head.kind, Kind::Policy);
        assert_eq!(head.name, Some(QualifiedName::new("crm", "own")));
        assert_eq!(head.table, Some(QualifiedName::new("crm", "orders")));
        assert_eq!(head.roles, ["app", "Report Reader"]);
        let bare = classify("create policy p on t using (true)").expect("a policy");
        assert!(bare.roles.is_empty());
        assert_eq!(bare.table, Some(QualifiedName::new("public", "t")));
        let error = classify("create policy p on t to app, current_user using (true)")
            .expect_err("refused");
        assert!(error.contains("name the role"), "{error}");
        assert_eq!(
            roles_named("ALTER POLICY p ON t TO \"App\", PUBLIC USING (true)"),
            ["App"]
        );
        assert!(roles_named("ALTER POLICY p ON t RENAME TO q").is_empty());
        assert_eq!(roles_named("GRANT SELECT ON t TO app"), ["app"]);
        assert_eq!(roles_named("REVOKE SELECT ON t FROM GROUP app"), ["app"]);
        assert_eq!(
            roles_named("ALTER DEFAULT PRIVILEGES FOR ROLE o GRANT SELECT ON TABLES TO app"),
            ["app", "o"]
        );
        let head = classify("GRANT SELECT (a), UPDATE ON TABLE t TO app, \"Report\", PUBLIC")
            .expect("a grant");
        assert_eq!(
            (head.kind, head.roles),
            (Kind::Grant, vec!["app".into(), "Report".into()])
        );
        let head = classify("REVOKE GRANT OPTION FOR EXECUTE ON FUNCTION f(int) FROM app CASCADE")
            .expect("a revoke");
        assert_eq!(
            (head.kind, head.roles),
            (Kind::Grant, vec!["app".to_string()])
        );
        assert_eq!(kind("GRANT USAGE ON SCHEMA s TO PUBLIC"), Kind::Grant);
        assert_eq!(
            kind("GRANT SELECT ON ALL TABLES IN SCHEMA s TO app"),
            Kind::Grant
        );
        assert_eq!(kind("GRANT SELECT ON orders To app"), Kind::Grant);
        let head = classify(
            "alter default privileges for role owner, \"Boss\" in schema crm \
             grant select on tables to app with grant option",
        )
        .expect("default privileges");
        assert_eq!(head.kind, Kind::Grant);
        assert_eq!(head.roles, ["Boss", "app", "owner"]);
        let head = classify(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA crm FOR USER o REVOKE ALL ON TYPES FROM app",
        )
        .expect("IN SCHEMA first");
        assert_eq!(head.roles, ["app", "o"]);
        for (sql, says) in [
            (
                "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO app",
                "FOR ROLE",
            ),
            (
                "ALTER DEFAULT PRIVILEGES FOR ROLE o GRANT SELECT ON LARGE OBJECTS TO app",
                "LARGE OBJECTS",
            ),
            (
                "ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER GRANT SELECT ON TABLES TO app",
                "CURRENT_USER",
            ),
            ("GRANT app TO alice", "membership"),
            (
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                "ON SCHEMA public",
            ),
            ("GRANT CONNECT ON DATABASE d TO app", "ON DATABASE"),
            ("GRANT SELECT ON t TO app GRANTED BY bob", "GRANTED BY"),
            ("REVOKE SELECT ON t FROM CURRENT_USER", "CURRENT_USER"),
        ] {
            let error = classify(sql).expect_err(sql);
            assert!(error.contains(says), "{sql}: {error}");
        }
        assert!(roles_named("ALTER POLICY p ON rename TO app USING (true)") == ["app"]);
        for sql in [
            "ALTER TABLE t_2024 ENABLE ROW LEVEL SECURITY",
            "alter table t_2024 no force row level security",
            "ALTER TABLE t_2024 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY",
        ] {
            let head = classify(sql).expect("a partition's row-level security");
            assert_eq!(head.kind, Kind::RowSecurity);
            assert_eq!(head.table, Some(QualifiedName::new("public", "t_2024")));
        }
        // A column named `row` is no row-level security.
        let error = classify("ALTER TABLE t DROP row").expect_err("refused");
        assert!(error.contains("say it in the model"), "{error}");
    }

    #[test]
    fn declarations_are_recognized() {
        assert_eq!(kind("create or replace view v as select 1"), Kind::View);
        assert_eq!(
            kind("CREATE MATERIALIZED VIEW IF NOT EXISTS s.m AS SELECT 1"),
            Kind::MaterializedView
        );
        assert_eq!(
            kind("CREATE FUNCTION f() RETURNS int AS $$ select 1 $$ LANGUAGE sql"),
            Kind::Function
        );
        assert_eq!(
            kind(
                "CREATE OR REPLACE CONSTRAINT TRIGGER t AFTER INSERT ON x FOR EACH ROW EXECUTE FUNCTION f()"
            ),
            Kind::Trigger
        );
        assert_eq!(
            kind("CREATE TYPE r AS RANGE (subtype = float8)"),
            Kind::RangeType
        );
        assert_eq!(kind("CREATE TYPE c AS (a int)"), Kind::CompositeType);
        assert_eq!(
            kind("ALTER TABLE orders DISABLE TRIGGER audit"),
            Kind::TriggerState
        );
        assert_eq!(
            kind("ALTER TABLE orders ENABLE ALWAYS TRIGGER audit"),
            Kind::TriggerState
        );
        assert_eq!(kind("COMMENT ON VIEW v IS 'x'"), Kind::Comment);
        assert_eq!(kind("create unique index on m (a)"), Kind::Index);
        assert_eq!(
            kind("CREATE TABLE p PARTITION OF t FOR VALUES IN (1)"),
            Kind::Partition
        );
        assert_eq!(
            kind("create unlogged table if not exists s.p partition of s.t default"),
            Kind::Partition
        );
        for refused in [
            "CREATE TABLE t (a int)",
            "CREATE UNLOGGED TABLE t (a int)",
            "CREATE TEMP TABLE p PARTITION OF t DEFAULT",
        ] {
            assert!(classify(refused).is_err(), "{refused}");
        }
        let head = classify("CREATE TABLE s.p PARTITION OF t DEFAULT").unwrap();
        assert_eq!(head.name, Some(QualifiedName::new("s", "p")));
        assert_eq!(head.table, Some(QualifiedName::new("public", "t")));
    }

    #[test]
    fn a_comment_names_the_relation_it_is_on() {
        let on = |sql: &str| classify(sql).unwrap_or_else(|e| panic!("{e}")).table;
        assert_eq!(
            on("COMMENT ON TABLE crm.orders IS 'x'"),
            Some(QualifiedName::new("crm", "orders"))
        );
        assert_eq!(
            on(r#"COMMENT ON COLUMN "Crm".orders.total IS 'x'"#),
            Some(QualifiedName::new("Crm", "orders"))
        );
        assert_eq!(
            on("COMMENT ON COLUMN orders.total IS 'x'"),
            Some(QualifiedName::new("public", "orders"))
        );
        assert_eq!(on("COMMENT ON VIEW v IS 'x'"), None);
        assert_eq!(
            on("COMMENT ON CONSTRAINT orders_total_check ON crm.orders IS 'x'"),
            Some(QualifiedName::new("crm", "orders"))
        );
        let index = classify("COMMENT ON INDEX crm.orders_total_idx IS 'x'").map(|h| h.name);
        assert_eq!(
            index,
            Ok(Some(QualifiedName::new("crm", "orders_total_idx")))
        );
        assert_eq!(on("COMMENT ON FUNCTION f(int) IS 'x'"), None);
        for sql in [
            "COMMENT ON SCHEMA crm IS 'x'",
            "comment on extension citext is 'x'",
        ] {
            let refused = classify(sql).err().unwrap_or_default();
            assert!(refused.contains("would be lost"), "{sql}: {refused}");
        }
    }

    #[test]
    fn names_and_tables_are_read() {
        let head = classify(r#"CREATE OR REPLACE VIEW "Sales"."Big View" AS SELECT 1"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(head.name, Some(QualifiedName::new("Sales", "Big View")));
        assert_eq!(head.or_replace, Some((7, 17)));
        let head = classify(
            "CREATE TRIGGER Touch BEFORE UPDATE ON crm.orders FOR EACH ROW EXECUTE FUNCTION t()",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(head.name, Some(QualifiedName::new("crm", "touch")));
        assert_eq!(head.table, Some(QualifiedName::new("crm", "orders")));
        let head =
            classify("CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public VERSION '1.6'")
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(head.version.as_deref(), Some("1.6"));
    }

    #[test]
    fn other_statements_are_refused_with_a_reason() {
        for (sql, words) in [
            ("INSERT INTO t VALUES (1)", "is data"),
            ("DROP VIEW v", "petal writes the `DROP`"),
            ("CREATE TABLE t (a int)", "Rust models"),
            ("CREATE TYPE e AS ENUM ('a')", "DbEnum"),
            ("ALTER TABLE t ADD COLUMN a int", "say it in the model"),
            ("CREATE TEMP VIEW v AS SELECT 1", "not part of a schema"),
            ("CREATE INDEX CONCURRENTLY i ON m (a)", "without it"),
            ("VACUUM", "not a declaration"),
        ] {
            match classify(sql) {
                Ok(head) => panic!("{sql} accepted as {head:?}"),
                Err(e) => assert!(e.contains(words), "{sql}: {e}"),
            }
        }
    }
}
