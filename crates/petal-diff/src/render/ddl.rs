//! SQL text of the pieces of DDL: column definitions, constraints, indexes,
//! comments. Identifiers are always quoted and schema-qualified; defaults,
//! checks, predicates and index expressions are SQL text in the IR and go in
//! verbatim.

use petal_ir::{
    Check, Column, Exclusion, ForeignKey, Index, IndexKey, IndexKeyExpr, ObjectKey, Origin, Part,
    PrimaryKey, QualifiedName, Unique, quote_ident, quote_literal,
};
use sea_query::{Alias, PostgresQueryBuilder, Table};

use super::Sql;
use crate::change::ValidatedConstraint;
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

/// A column as `CREATE TABLE` and `ADD COLUMN` spell it, its type,
/// default and generated expression traced to the column's.
pub(crate) fn column_definition(table: &QualifiedName, column: &Column) -> Sql {
    let key = ObjectKey::column(table, &column.name);
    // A serial column whose sequence is not the one PostgreSQL would name
    // is spelled as pg_dump spells it: the plain type here, the sequence
    // and its default after the table (`named_serial_sequence`). Renaming
    // the sequence `serial` creates would rename another table's when the
    // name was taken (`a.b_id` and `a_b.id` both want `a_b_id_seq`).
    let serial = if column.serial && column.sequence.is_none() {
        serial_type(&column.ty)
    } else {
        None
    };
    let mut sql = Sql::new();
    sql.traced(Origin::whole(key.clone()), |sql| {
        sql.push(&quote_ident(&column.name)).push(" ");
        let ty = serial.unwrap_or(column.ty.as_str());
        sql.push_traced(Origin::part(key.clone(), Part::Type), ty);
        if let Some(collation) = &column.collation {
            sql.push(&format!(" COLLATE {}", petal_ir::collation_sql(collation)));
        }
        if let Some(generated) = &column.generated {
            sql.push(" GENERATED ALWAYS AS (");
            sql.push_traced(Origin::part(key.clone(), Part::Expression), generated);
            sql.push(") STORED");
        }
        if let Some(identity) = column.identity {
            sql.push(" ").push(identity_sql(identity));
            if let Some(sequence) = &column.sequence {
                sql.push(&format!(" (SEQUENCE NAME {})", sequence.quoted()));
            }
        }
        // A serial column is NOT NULL by construction; a nullable one gets a
        // separate DROP NOT NULL (see `serial_nullable_fixup`).
        if !column.nullable || serial.is_some() {
            sql.push(" NOT NULL");
        }
        if let Some(default) = &column.default {
            sql.push(" DEFAULT ");
            sql.push_traced(Origin::part(key.clone(), Part::Default), default);
        }
    });
    sql
}

/// For a serial column whose sequence has a name of its own: the sequence,
/// owned by the column, and the column's default drawing from it, as
/// `serial` would have made them.
pub(crate) fn named_serial_sequence(table: &QualifiedName, column: &Column) -> Vec<String> {
    let Some(sequence) = column.sequence.as_ref().filter(|_| column.serial) else {
        return Vec::new();
    };
    let column_name = quote_ident(&column.name);
    vec![
        format!(
            "CREATE SEQUENCE {} AS {} OWNED BY {}.{column_name};",
            sequence.quoted(),
            column.ty,
            table.quoted(),
        ),
        format!(
            "ALTER TABLE {} ALTER COLUMN {column_name} SET DEFAULT nextval({}::regclass);",
            table.quoted(),
            quote_literal(&sequence.quoted()),
        ),
    ]
}

/// `ALTER TABLE ... DROP NOT NULL` for a nullable serial column, which
/// `serial` creates NOT NULL.
pub(crate) fn serial_nullable_fixup(table: &QualifiedName, column: &Column) -> Option<String> {
    let keyword = column.sequence.is_none() && serial_type(&column.ty).is_some();
    (column.serial && column.nullable && keyword).then(|| {
        format!(
            "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL;",
            table.quoted(),
            quote_ident(&column.name)
        )
    })
}

pub(crate) fn primary_key_clause(table: &QualifiedName, pk: &PrimaryKey) -> Sql {
    let mut sql = format!(
        "CONSTRAINT {} PRIMARY KEY ({})",
        quote_ident(&pk.name),
        idents(&pk.columns)
    );
    if !pk.deferrable.is_not() {
        sql.push(' ');
        sql.push_str(pk.deferrable.sql());
    }
    Sql::from(sql).within(Origin::whole(ObjectKey::constraint(table, &pk.name)))
}

pub(crate) fn unique_clause(table: &QualifiedName, unique: &Unique) -> Sql {
    let mut sql = format!("CONSTRAINT {} UNIQUE ", quote_ident(&unique.name));
    if unique.nulls_not_distinct {
        sql.push_str("NULLS NOT DISTINCT ");
    }
    sql.push_str(&format!("({})", idents(&unique.columns)));
    if !unique.deferrable.is_not() {
        sql.push(' ');
        sql.push_str(unique.deferrable.sql());
    }
    Sql::from(sql).within(Origin::whole(ObjectKey::constraint(table, &unique.name)))
}

pub(crate) fn check_clause(table: &QualifiedName, check: &Check) -> Sql {
    let key = ObjectKey::constraint(table, &check.name);
    let mut sql = Sql::new();
    sql.traced(Origin::whole(key.clone()), |sql| {
        sql.push(&format!("CONSTRAINT {} CHECK (", quote_ident(&check.name)));
        sql.push_traced(Origin::part(key, Part::Expression), &check.expr);
        sql.push(")");
        if check.no_inherit {
            sql.push(" NO INHERIT");
        }
        // Only `ALTER TABLE ... ADD` keeps it: `CREATE TABLE` marks its
        // constraints valid (the table is empty), so a new table gets its
        // NOT VALID ones added after it.
        if check.not_valid {
            sql.push(" NOT VALID");
        }
    });
    sql
}

pub(crate) fn exclusion_clause(table: &QualifiedName, exclusion: &Exclusion) -> Sql {
    let key = ObjectKey::constraint(table, &exclusion.name);
    let mut sql = Sql::new();
    sql.traced(Origin::whole(key), |sql| {
        sql.push(&format!(
            "CONSTRAINT {} {}",
            quote_ident(&exclusion.name),
            exclusion.definition
        ));
        if !exclusion.deferrable.is_not() {
            sql.push(" ");
            sql.push(exclusion.deferrable.sql());
        }
    });
    sql
}

pub(crate) fn foreign_key_clause(table: &QualifiedName, fk: &ForeignKey) -> Sql {
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
    if fk.not_valid {
        sql.push_str(" NOT VALID");
    }
    Sql::from(sql).within(Origin::whole(ObjectKey::constraint(table, &fk.name)))
}

fn index_key(sql: &mut Sql, index: &ObjectKey, key: &IndexKey) {
    match &key.expr {
        IndexKeyExpr::Column(c) => {
            sql.push(&quote_ident(c));
        }
        IndexKeyExpr::Expression(e) => {
            sql.push("(");
            sql.push_traced(Origin::part(index.clone(), Part::Expression), e);
            sql.push(")");
        }
    }
    if let Some(collation) = &key.collation {
        sql.push(&format!(" COLLATE {}", petal_ir::collation_sql(collation)));
    }
    if let Some(opclass) = &key.opclass {
        sql.push(" ").push(opclass);
    }
    match (key.descending, key.nulls_first) {
        (true, true) => sql.push(" DESC"),
        (true, false) => sql.push(" DESC NULLS LAST"),
        (false, true) => sql.push(" NULLS FIRST"),
        (false, false) => sql,
    };
}

/// An access method name: a plain identifier in the IR, quoted if not.
fn method(name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        name.to_string()
    } else {
        quote_ident(name)
    }
}

pub(crate) fn create_index(table: &QualifiedName, index: &Index) -> Sql {
    create_index_as(table, index, false)
}

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] ...;`
pub(crate) fn create_index_as(table: &QualifiedName, index: &Index, concurrently: bool) -> Sql {
    let key = ObjectKey::index(table, &index.name);
    let mut sql = Sql::new();
    sql.push(&format!(
        "CREATE {}INDEX {}{} ON {}{} USING {} (",
        if index.unique { "UNIQUE " } else { "" },
        if concurrently { "CONCURRENTLY " } else { "" },
        quote_ident(&index.name),
        if index.only { "ONLY " } else { "" },
        table.quoted(),
        method(&index.method),
    ));
    for (i, k) in index.keys.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        index_key(&mut sql, &key, k);
    }
    sql.push(")");
    if !index.include.is_empty() {
        sql.push(&format!(" INCLUDE ({})", idents(&index.include)));
    }
    if index.nulls_not_distinct {
        sql.push(" NULLS NOT DISTINCT");
    }
    if !index.storage.is_empty() {
        sql.push(&format!(" WITH ({})", storage_parameters(&index.storage)));
    }
    if let Some(predicate) = &index.predicate {
        sql.push(" WHERE (");
        sql.push_traced(Origin::part(key.clone(), Part::Predicate), predicate);
        sql.push(")");
    }
    sql.push(";");
    sql.within(Origin::whole(key))
}

/// `name=value` storage parameters as `WITH (...)` takes them: each value a
/// string literal, which PostgreSQL reads for numbers and booleans alike.
pub(super) fn storage_parameters(parameters: &[String]) -> String {
    parameters
        .iter()
        .map(|p| match p.split_once('=') {
            Some((name, value)) => format!("{}={}", quote_ident(name), quote_literal(value)),
            None => quote_ident(p),
        })
        .collect::<Vec<_>>()
        .join(", ")
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
        ObjectKey::Extension { name } => format!("EXTENSION {}", quote_ident(name)),
        ObjectKey::Sequence { name } => format!("SEQUENCE {}", name.quoted()),
        ObjectKey::View { name } => format!("VIEW {}", name.quoted()),
        ObjectKey::MaterializedView { name } => format!("MATERIALIZED VIEW {}", name.quoted()),
        // ROUTINE names a function, a procedure or an aggregate alike.
        ObjectKey::Function { name, signature } => {
            format!("ROUTINE {}({signature})", name.quoted())
        }
        ObjectKey::Trigger { table, name } => {
            format!("TRIGGER {} ON {}", quote_ident(name), table.quoted())
        }
        ObjectKey::Policy { table, name } => {
            format!("POLICY {} ON {}", quote_ident(name), table.quoted())
        }
        ObjectKey::Domain { name } => format!("DOMAIN {}", name.quoted()),
        ObjectKey::Collation { name } => format!("COLLATION {}", name.quoted()),
        ObjectKey::DomainCheck { domain, name } => {
            format!(
                "CONSTRAINT {} ON DOMAIN {}",
                quote_ident(name),
                domain.quoted()
            )
        }
        ObjectKey::CompositeType { name } | ObjectKey::RangeType { name } => {
            format!("TYPE {}", name.quoted())
        }
        // PostgreSQL has no comments on enum labels or default
        // privileges, and the diff never asks for one; should it, the
        // migration fails loudly.
        ObjectKey::EnumLabel { .. } | ObjectKey::DefaultPrivileges { .. } => {
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

/// `ALTER TABLE t <action>;` with the action's origins kept.
pub(crate) fn alter_table_traced(table: &QualifiedName, action: Sql) -> Sql {
    let mut sql = Sql::new();
    sql.push(&format!("ALTER TABLE {} ", table.quoted()));
    sql.append(action);
    sql.push(";");
    sql
}

/// `VALIDATE CONSTRAINT`, or `DROP CONSTRAINT` and `ADD ... NOT VALID` in
/// one statement: PostgreSQL has no other way back to `NOT VALID`. The
/// drop takes the constraint's comment: the caller sets it again.
pub(crate) fn constraint_validity(
    table: &QualifiedName,
    constraint: &ValidatedConstraint,
    valid: bool,
) -> String {
    let name = quote_ident(constraint.name());
    if valid {
        return format!("ALTER TABLE {} VALIDATE CONSTRAINT {name};", table.quoted());
    }
    let clause = match constraint.with_valid(false) {
        ValidatedConstraint::Check(check) => check_clause(table, &check),
        ValidatedConstraint::ForeignKey(fk) => foreign_key_clause(table, &fk),
    };
    format!(
        "ALTER TABLE {} DROP CONSTRAINT {name}, ADD {};",
        table.quoted(),
        clause.text
    )
}

/// `ALTER TABLE ... ADD <clause>;`: a constraint added to a table.
pub(crate) fn add_constraint(table: &QualifiedName, clause: Sql) -> Sql {
    let mut action = Sql::new();
    action.push("ADD ").append(clause);
    alter_table_traced(table, action)
}

/// `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY ...`.
pub(crate) fn add_foreign_key(table: &QualifiedName, fk: &ForeignKey) -> Sql {
    add_constraint(table, foreign_key_clause(table, fk))
}
