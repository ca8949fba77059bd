//! The traits `#[derive(Table)]` and `#[derive(DbEnum)]` implement.

use crate::ir;

/// A model struct: a table. Implemented by `#[derive(Table)]`.
pub trait Table {
    /// The schema (`public` unless the model says otherwise).
    const SCHEMA: &'static str;
    /// The table name.
    const NAME: &'static str;
    /// The SQL column names, in field order.
    const COLUMNS: &'static [&'static str];
    /// The generated sea-query identifiers, `<Struct>Iden`.
    type Iden: sea_query::Iden + Copy + 'static;

    /// The table's IR. Default names of constraints and indexes avoid this
    /// table's own names only; the scanner, which sees every model, also
    /// avoids the other tables' (they differ only when two tables' default
    /// names would collide).
    fn table() -> ir::Table;

    /// `schema.name`.
    fn qualified_name() -> ir::QualifiedName {
        ir::QualifiedName::new(Self::SCHEMA, Self::NAME)
    }
}

/// A PostgreSQL enum type. Implemented by `#[derive(DbEnum)]`, which also
/// implements [`crate::SqlType`] for it.
pub trait DbEnum: Sized + 'static {
    const SCHEMA: &'static str;
    /// The type name.
    const NAME: &'static str;
    /// The labels, in order.
    const LABELS: &'static [&'static str];

    /// The enum type's IR.
    fn enum_type() -> ir::EnumType;

    /// The label of this value.
    fn as_label(&self) -> &'static str;

    /// The value with this label, if any.
    fn from_label(label: &str) -> Option<Self>;
}

/// A database of the given tables and enum types (normalized), as
/// `Database::add_table` and `add_enum` build it.
pub fn database(
    tables: impl IntoIterator<Item = ir::Table>,
    enums: impl IntoIterator<Item = ir::EnumType>,
) -> ir::Database {
    let mut db = ir::Database::default();
    for e in enums {
        db.add_enum(e);
    }
    for t in tables {
        db.add_table(t);
    }
    db.normalize();
    db
}
