//! SQL of extensions.

use petal_ir::{Extension, quote_ident, quote_literal};

pub(super) fn create(extension: &Extension) -> String {
    let mut sql = format!(
        "CREATE EXTENSION {} WITH SCHEMA {}",
        quote_ident(&extension.name),
        quote_ident(&extension.schema)
    );
    if let Some(version) = &extension.version {
        sql.push_str(&format!(" VERSION {}", quote_literal(version)));
    }
    sql.push(';');
    sql
}

pub(super) fn drop(extension: &Extension) -> String {
    format!("DROP EXTENSION {};", quote_ident(&extension.name))
}

/// `UPDATE TO` a version, or to the server's default one.
pub(super) fn update(name: &str, to: &Option<String>) -> String {
    match to {
        Some(version) => format!(
            "ALTER EXTENSION {} UPDATE TO {};",
            quote_ident(name),
            quote_literal(version)
        ),
        None => format!("ALTER EXTENSION {} UPDATE;", quote_ident(name)),
    }
}

pub(super) fn set_schema(name: &str, schema: &str) -> String {
    format!(
        "ALTER EXTENSION {} SET SCHEMA {};",
        quote_ident(name),
        quote_ident(schema)
    )
}
