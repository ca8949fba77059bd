//! What a statement declares, read from its first words: its kind, the
//! object's name, the table it is on. Everything else in the statement is
//! PostgreSQL's to check.

use petal_ir::QualifiedName;
use petal_migrate::lex::{Lexer, Token};

use crate::declared::Kind;

mod access;
mod alter;

pub use access::roles_named;
use access::{default_privileges, grant, policy};
use alter::{sequence_owner, trigger_state};

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
    if words.is(0, "ALTER") && words.is(1, "SEQUENCE") {
        return sequence_owner(&words);
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
    // An unlogged partition (or inheritance child) is one, and the only
    // unlogged relations a SQL file may declare.
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
        "COLLATION" => named(words, &mut at, Kind::Collation),
        "SCHEMA" => schema(words, &mut at),
        "TYPE" => type_head(words, &mut at),
        "INDEX" => index(words, &mut at),
        "TABLE" => table(words, &mut at),
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

/// `TABLE [IF NOT EXISTS] name PARTITION OF parent ...` and `TABLE [IF
/// NOT EXISTS] name (...) INHERITS (parent, ...)`: the tables a SQL file
/// declares, whose columns are (mostly) their parents', a model's.
fn table(words: &Words<'_>, at: &mut usize) -> Result<Head, String> {
    let no_table = || {
        "`CREATE TABLE`: tables are Rust models (`#[derive(Table)]`); a SQL file declares \
         only partitions (`CREATE TABLE name PARTITION OF parent FOR VALUES ...`) and \
         inheritance children (`CREATE TABLE name (...) INHERITS (parent)`)"
            .to_string()
    };
    words.skip(at, &["IF", "NOT", "EXISTS"]);
    let name = words.qualified(at).ok_or_else(no_table)?;
    if words.skip(at, &["PARTITION", "OF"]) {
        let parent = words.qualified(at).ok_or_else(no_table)?;
        return Ok(Head {
            table: Some(parent),
            ..head(Kind::Partition, Some(name))
        });
    }
    let mut inherits = words.find_top(*at, "INHERITS").ok_or_else(no_table)? + 1;
    if words.text(inherits) != "(" {
        return Err(no_table());
    }
    inherits += 1;
    // The first parent: the one a rename hint or a comment would follow.
    let parent = words.qualified(&mut inherits).ok_or_else(no_table)?;
    Ok(Head {
        table: Some(parent),
        ..head(Kind::InheritanceChild, Some(name))
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
             CREATE POLICY, CREATE EXTENSION | COLLATION | SEQUENCE | DOMAIN | SCHEMA, CREATE TYPE ... AS (...) | AS RANGE, \
             CREATE TABLE ... PARTITION OF | (...) INHERITS (...), CREATE INDEX on a \
             materialized view, a partition or an inheritance child, \
             ALTER TABLE ... ENABLE|DISABLE TRIGGER, a partition's or an inheritance child's \
             ALTER TABLE ... \
             ENABLE|DISABLE|[NO] FORCE ROW LEVEL SECURITY, ALTER SEQUENCE ... OWNED BY, \
             COMMENT ON, GRANT, REVOKE"
        ),
    }
}

#[cfg(test)]
mod tests;
