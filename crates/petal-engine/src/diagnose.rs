//! Tracing a statement PostgreSQL refused back to the model attribute that
//! produced it, so a typo in a `default`, `check`, `where` or `sql_type`
//! is reported at the model field (`file:line:col`, with the line), with
//! PostgreSQL's message, detail and hint.

use petal_ir::QualifiedName;
use petal_pg::error::ServerError;
use petal_source::{LineIndex, Report};
use petal_syntax::{ObjectKey, ScannedModels, SourceLocation};

/// A report about the statement `sql`, generated from the models, that
/// PostgreSQL refused with `error`: at the model attribute it comes from
/// when one is found, with the offending line of the SQL as a note.
pub fn diagnose(sql: &str, error: &tokio_postgres::Error, scanned: &ScannedModels) -> Report {
    let server = ServerError::of(error);
    let lines = LineIndex::new(sql);
    let at = server.offset_in(sql);
    // The line PostgreSQL pointed at, and whether the place is after a
    // `DEFAULT` on it: the error is in a column's default expression.
    let (offending_line, in_default) = match at {
        Some(at) => {
            let line = lines.line_of(at);
            let before = sql.get(lines.line_start(line)..at).unwrap_or("");
            (lines.line_text(sql, line), before.contains(" DEFAULT "))
        }
        None => ("", false),
    };
    let location = locate(sql, offending_line, in_default, &server.message, scanned);
    let excerpt = if offending_line.is_empty() {
        sql.lines().next().unwrap_or("").trim()
    } else {
        offending_line.trim()
    };
    let report = match location {
        Some((loc, what)) => Report::at(
            &loc.source,
            loc.span,
            format!("PostgreSQL rejects {what}: {}", server.message),
        )
        .with_note(format!("in the generated SQL: {excerpt}")),
        None => Report::new(format!(
            "PostgreSQL rejects the models' SQL: {}",
            server.message
        ))
        .with_note(format!("in: {excerpt}")),
    };
    server.annotate(report)
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
    fn the_column_of_a_definition_line() {
        assert_eq!(
            leading_quoted("\"b\" integer DEFAULT nope()"),
            Some("b".into())
        );
        assert_eq!(leading_quoted("CONSTRAINT \"c\""), None);
    }
}
