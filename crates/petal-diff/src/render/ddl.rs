//! SQL text of the pieces of DDL: column definitions, constraints, indexes,
//! comments. Identifiers are always quoted and schema-qualified; defaults,
//! checks, predicates and index expressions are SQL text in the IR and go in
//! verbatim.

use petal_ir::{
    Check, Column, ForeignKey, Index, IndexKey, IndexKeyExpr, ObjectKey, PrimaryKey, QualifiedName,
    Unique, quote_ident, quote_literal,
};
use sea_query::{Alias, PostgresQueryBuilder, Table};

use crate::classify::identity_sql;

pub(crate) fn idents(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `serial`, `bigserial` or `smallserial` for a serial column's integer type.
pub(crate) fn serial_type(ty: &petal_ir::SqlType) -> Option<&'static str> {
    match ty.as_str() {
        "integer" => Some("serial"),
        "bigint" => Some("bigserial"),
        "smallint" => Some("smallserial"),
        _ => None,
    }
}

/// A column as `CREATE TABLE` and `ADD COLUMN` spell it.
pub(crate) fn column_definition(column: &Column) -> String {
    let serial = if column.serial {
        serial_type(&column.ty)
    } else {
        None
    };
    let mut sql = format!(
        "{} {}",
        quote_ident(&column.name),
        serial.unwrap_or(column.ty.as_str())
    );
    if let Some(collation) = &column.collation {
        sql.push_str(&format!(" COLLATE {}", quote_ident(collation)));
    }
    if let Some(generated) = &column.generated {
        sql.push_str(&format!(" GENERATED ALWAYS AS ({generated}) STORED"));
    }
    if let Some(identity) = column.identity {
        sql.push(' ');
        sql.push_str(identity_sql(identity));
    }
    // A serial column is NOT NULL by construction; a nullable one gets a
    // separate DROP NOT NULL (see `serial_nullable_fixup`).
    if !column.nullable || serial.is_some() {
        sql.push_str(" NOT NULL");
    }
    if let Some(default) = &column.default {
        sql.push_str(&format!(" DEFAULT {default}"));
    }
    sql
}

/// `ALTER TABLE ... DROP NOT NULL` for a nullable serial column, which
/// `serial` creates NOT NULL.
pub(crate) fn serial_nullable_fixup(table: &QualifiedName, column: &Column) -> Option<String> {
    (column.serial && column.nullable && serial_type(&column.ty).is_some()).then(|| {
        format!(
            "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL;",
            table.quoted(),
            quote_ident(&column.name)
        )
    })
}

pub(crate) fn primary_key_clause(pk: &PrimaryKey) -> String {
    format!(
        "CONSTRAINT {} PRIMARY KEY ({})",
        quote_ident(&pk.name),
        idents(&pk.columns)
    )
}

pub(crate) fn unique_clause(unique: &Unique) -> String {
    let mut sql = format!("CONSTRAINT {} UNIQUE ", quote_ident(&unique.name));
    if unique.nulls_not_distinct {
        sql.push_str("NULLS NOT DISTINCT ");
    }
    sql.push_str(&format!("({})", idents(&unique.columns)));
    if !unique.deferrable.is_not() {
        sql.push(' ');
        sql.push_str(unique.deferrable.sql());
    }
    sql
}

pub(crate) fn check_clause(check: &Check) -> String {
    format!(
        "CONSTRAINT {} CHECK ({})",
        quote_ident(&check.name),
        check.expr
    )
}

pub(crate) fn foreign_key_clause(fk: &ForeignKey) -> String {
    let mut sql = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        quote_ident(&fk.name),
        idents(&fk.columns),
        fk.ref_table.quoted(),
        idents(&fk.ref_columns)
    );
    if !fk.on_update.is_no_action() {
        sql.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    if !fk.on_delete.is_no_action() {
        sql.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if !fk.deferrable.is_not() {
        sql.push(' ');
        sql.push_str(fk.deferrable.sql());
    }
    sql
}

fn index_key(key: &IndexKey) -> String {
    let mut sql = match &key.expr {
        IndexKeyExpr::Column(c) => quote_ident(c),
        IndexKeyExpr::Expression(e) => format!("({e})"),
    };
    if let Some(collation) = &key.collation {
        sql.push_str(&format!(" COLLATE {}", quote_ident(collation)));
    }
    if let Some(opclass) = &key.opclass {
        sql.push(' ');
        sql.push_str(opclass);
    }
    match (key.descending, key.nulls_first) {
        (true, true) => sql.push_str(" DESC"),
        (true, false) => sql.push_str(" DESC NULLS LAST"),
        (false, true) => sql.push_str(" NULLS FIRST"),
        (false, false) => {}
    }
    sql
}

/// An access method name: a plain identifier in the IR, quoted if not.
fn method(name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        name.to_string()
    } else {
        quote_ident(name)
    }
}

pub(crate) fn create_index(table: &QualifiedName, index: &Index) -> String {
    let keys: Vec<String> = index.keys.iter().map(index_key).collect();
    let mut sql = format!(
        "CREATE {}INDEX {} ON {} USING {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        quote_ident(&index.name),
        table.quoted(),
        method(&index.method),
        keys.join(", ")
    );
    if !index.include.is_empty() {
        sql.push_str(&format!(" INCLUDE ({})", idents(&index.include)));
    }
    if index.nulls_not_distinct {
        sql.push_str(" NULLS NOT DISTINCT");
    }
    if let Some(predicate) = &index.predicate {
        sql.push_str(&format!(" WHERE ({predicate})"));
    }
    sql.push(';');
    sql
}

/// An index lives in its table's schema.
pub(crate) fn index_name(table: &QualifiedName, index: &str) -> String {
    QualifiedName::new(table.schema.clone(), index).quoted()
}

/// `COMMENT ON ... IS ...;` (`IS NULL` removes the comment).
pub(crate) fn comment_on(on: &ObjectKey, text: &Option<String>) -> String {
    let value = text.as_deref().map_or("NULL".to_string(), quote_literal);
    let target = match on {
        ObjectKey::Schema { name } => format!("SCHEMA {}", quote_ident(name)),
        ObjectKey::Enum { name } => format!("TYPE {}", name.quoted()),
        ObjectKey::Table { name } => format!("TABLE {}", name.quoted()),
        ObjectKey::Column { table, column } => {
            format!("COLUMN {}", column_target(table, column))
        }
        ObjectKey::Constraint { table, name } => {
            format!("CONSTRAINT {} ON {}", quote_ident(name), table.quoted())
        }
        ObjectKey::Index { table, name } => format!("INDEX {}", index_name(table, name)),
        // PostgreSQL has no comments on enum labels, and the diff never
        // asks for one; should it, the migration fails loudly.
        ObjectKey::EnumLabel { .. } => {
            return format!(
                "DO $petal$ BEGIN RAISE EXCEPTION {}; END $petal$;",
                quote_literal(&format!("PostgreSQL keeps no comment on {on}"))
            );
        }
    };
    format!("COMMENT ON {target} IS {value};")
}

pub(crate) fn column_target(table: &QualifiedName, column: &str) -> String {
    format!("{}.{}", table.quoted(), quote_ident(column))
}

/// `DROP TABLE "s"."t";` through sea-query, which quotes both parts.
pub(crate) fn drop_table(table: &QualifiedName) -> String {
    let statement = Table::drop()
        .table((
            Alias::new(table.schema.as_str()),
            Alias::new(table.name.as_str()),
        ))
        .to_string(PostgresQueryBuilder);
    format!("{statement};")
}

pub(crate) fn alter_table(table: &QualifiedName, action: &str) -> String {
    format!("ALTER TABLE {} {action};", table.quoted())
}

/// `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY ...`.
pub(crate) fn add_foreign_key(table: &QualifiedName, fk: &ForeignKey) -> String {
    alter_table(table, &format!("ADD {}", foreign_key_clause(fk)))
}
