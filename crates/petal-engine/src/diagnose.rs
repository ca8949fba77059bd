//! Tracing a statement PostgreSQL refused back to the model attribute that
//! produced it, so a typo in a `default`, `check`, `where` or `sql_type`
//! points at the model field (`file:line:col`), with PostgreSQL's message.

use petal_ir::QualifiedName;
use petal_syntax::{ObjectKey, ScannedModels, SourceLocation};

use crate::error::EngineError;

pub fn diagnose(sql: &str, error: &tokio_postgres::Error, scanned: &ScannedModels) -> EngineError {
    let (message, position) = match error.as_db_error() {
        Some(db) => {
            let mut m = db.message().to_string();
            if let Some(h) = db.hint() {
                m.push_str(&format!(" (hint: {h})"));
            }
            let pos = match db.position() {
                Some(tokio_postgres::error::ErrorPosition::Original(p)) => usize::try_from(*p).ok(),
                _ => None,
            };
            (m, pos)
        }
        None => (error.to_string(), None),
    };
    let offending_line = position.map(|p| line_at_char(sql, p)).unwrap_or("");
    let in_default = position.is_some_and(|p| after_default(sql, p));
    let location = locate(sql, offending_line, in_default, &message, scanned);
    let excerpt = if offending_line.is_empty() {
        sql.lines().next().unwrap_or("").trim()
    } else {
        offending_line.trim()
    };
    let text = match location {
        Some((loc, what)) => format!(
            "{loc}: PostgreSQL rejects {what}: {message}{}\n  in the generated SQL: {excerpt}",
            source_excerpt(&loc)
        ),
        None => format!("PostgreSQL rejects the models' SQL: {message}\n  in: {excerpt}"),
    };
    EngineError::msg(text)
}

/// The line of `sql` holding the 1-based character position `pos`.
fn line_at_char(sql: &str, pos: usize) -> &str {
    let byte = sql
        .char_indices()
        .nth(pos.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(sql.len());
    let start = sql[..byte].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = sql[byte..]
        .find('\n')
        .map(|i| byte + i)
        .unwrap_or(sql.len());
    &sql[start..end]
}

/// Whether the 1-based character position `pos` lies after a `DEFAULT`
/// keyword on its line: the error is in a column's default expression.
fn after_default(sql: &str, pos: usize) -> bool {
    let line = line_at_char(sql, pos);
    let start_char = sql[..line_offset(sql, line)].chars().count();
    let before: String = line
        .chars()
        .take(pos.saturating_sub(1).saturating_sub(start_char))
        .collect();
    before.contains(" DEFAULT ")
}

/// The byte offset at which `line` (a slice of `sql`) starts.
fn line_offset(sql: &str, line: &str) -> usize {
    (line.as_ptr() as usize).saturating_sub(sql.as_ptr() as usize)
}

/// The model's source line with a caret under the column, as the scanner
/// shows its own errors; empty when the file cannot be read.
fn source_excerpt(loc: &SourceLocation) -> String {
    let Ok(text) = std::fs::read_to_string(&loc.file) else {
        return String::new();
    };
    let Some(line) = text.lines().nth(loc.position.line.saturating_sub(1)) else {
        return String::new();
    };
    let number = loc.position.line.to_string();
    let pad = " ".repeat(number.len());
    let caret = " ".repeat(loc.position.column.saturating_sub(1));
    format!("\n{number} | {line}\n{pad} | {caret}^")
}

/// The model object a generated statement (and the line of it PostgreSQL
/// pointed at) comes from, and how to name it.
fn locate(
    sql: &str,
    line: &str,
    in_default: bool,
    message: &str,
    scanned: &ScannedModels,
) -> Option<(SourceLocation, String)> {
    let table = statement_table(sql)?;
    let lookup = |key: ObjectKey| scanned.locations.get(&key).cloned();
    if let Some(name) = quoted_after(line, "CONSTRAINT ") {
        let key = ObjectKey::Constraint {
            table: table.clone(),
            name: name.clone(),
        };
        if let Some(loc) = lookup(key) {
            return Some((loc, format!("constraint `{name}` of {table}")));
        }
    }
    if let Some(name) = quoted_after(sql, "INDEX ") {
        let key = ObjectKey::Index {
            table: table.clone(),
            name: name.clone(),
        };
        if let Some(loc) = lookup(key) {
            return Some((loc, format!("index `{name}` of {table}")));
        }
    }
    // A column definition line starts with the quoted column name; an
    // ALTER ... COLUMN statement names it after COLUMN.
    let column = leading_quoted(line.trim_start()).or_else(|| quoted_after(sql, "COLUMN "));
    if let Some(column) = column {
        let precise = if in_default {
            Some((
                ObjectKey::ColumnDefault {
                    table: table.clone(),
                    column: column.clone(),
                },
                "the default",
            ))
        } else if message.contains("type") {
            Some((
                ObjectKey::ColumnType {
                    table: table.clone(),
                    column: column.clone(),
                },
                "the type",
            ))
        } else {
            None
        };
        if let Some((key, what)) = precise
            && let Some(loc) = lookup(key)
        {
            return Some((loc, format!("{what} of column `{column}` of {table}")));
        }
        let key = ObjectKey::Column {
            table: table.clone(),
            column: column.clone(),
        };
        if let Some(loc) = lookup(key) {
            return Some((loc, format!("column `{column}` of {table}")));
        }
    }
    let loc = lookup(ObjectKey::Table {
        table: table.clone(),
    })?;
    Some((loc, format!("table {table}")))
}

/// The table a `CREATE TABLE`, `ALTER TABLE` or `CREATE INDEX ... ON`
/// statement is about.
pub(crate) fn statement_table(sql: &str) -> Option<QualifiedName> {
    let after = ["CREATE TABLE ", "ALTER TABLE ", " ON "]
        .iter()
        .find_map(|kw| sql.find(kw).map(|i| &sql[i + kw.len()..]))?;
    let after = after.trim_start().trim_start_matches("ONLY ").trim_start();
    let (schema, rest) = take_quoted(after)?;
    let rest = rest.strip_prefix('.')?;
    let (name, _) = take_quoted(rest)?;
    Some(QualifiedName::new(schema, name))
}

fn quoted_after(text: &str, keyword: &str) -> Option<String> {
    let i = text.find(keyword)?;
    let rest = text[i + keyword.len()..].trim_start();
    let rest = rest.strip_prefix("IF NOT EXISTS ").unwrap_or(rest);
    take_quoted(rest).map(|(name, _)| name)
}

fn leading_quoted(text: &str) -> Option<String> {
    take_quoted(text).map(|(name, _)| name)
}

/// A `"quoted"` identifier at the start of `text` (doubled quotes undone),
/// and what follows it.
fn take_quoted(text: &str) -> Option<(String, &str)> {
    let rest = text.strip_prefix('"')?;
    let mut name = String::new();
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            if let Some((_, '"')) = chars.peek() {
                name.push('"');
                chars.next();
                continue;
            }
            return Some((name, &rest[i + 1..]));
        }
        name.push(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_table_of_a_statement() {
        assert_eq!(
            statement_table("CREATE TABLE \"public\".\"orders\" (\n  \"id\" integer\n)"),
            Some(QualifiedName::new("public", "orders"))
        );
        assert_eq!(
            statement_table("CREATE INDEX \"i\" ON \"crm\".\"Order \"\"X\"\"\" (\"a\")"),
            Some(QualifiedName::new("crm", "Order \"X\""))
        );
    }

    #[test]
    fn the_offending_line() {
        let sql = "CREATE TABLE t (\n  \"a\" integer,\n  \"b\" integer DEFAULT nope()\n)";
        let byte = sql.find("nope").unwrap_or(0);
        let pos = sql[..byte].chars().count() + 1;
        assert_eq!(line_at_char(sql, pos), "  \"b\" integer DEFAULT nope()");
        assert_eq!(
            leading_quoted(line_at_char(sql, pos).trim_start()),
            Some("b".into())
        );
    }
}
