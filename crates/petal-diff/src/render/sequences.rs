//! SQL of sequences, standalone and behind serial or identity columns.

use petal_ir::{ObjectKey, QualifiedName, Sequence, SequenceOwner, naming, quote_ident};

use super::{ReviewedStatement, ddl, extra, objects};
use crate::change::SequenceSettings;

/// `AS ... INCREMENT BY ...`: every option, so the statement says all.
fn options(settings: &SequenceSettings) -> String {
    let o = &settings.options;
    format!(
        "AS {} INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE {} {}",
        settings.ty,
        o.increment,
        o.min_value,
        o.max_value,
        o.start,
        o.cache,
        if o.cycle { "CYCLE" } else { "NO CYCLE" }
    )
}

fn settings_of(sequence: &Sequence) -> SequenceSettings {
    SequenceSettings {
        ty: sequence.ty.clone(),
        options: sequence.options,
    }
}

/// `CREATE SEQUENCE`, then its owner and comment.
pub(super) fn create(sequence: &Sequence) -> (String, Vec<ReviewedStatement>) {
    let name = &sequence.name;
    let sql = format!(
        "CREATE SEQUENCE {} {};",
        name.quoted(),
        options(&settings_of(sequence))
    );
    let key = ObjectKey::Sequence { name: name.clone() };
    let mut rest = Vec::new();
    if let Some(owner) = &sequence.owned_by {
        rest.push(extra(
            &key,
            set_owner(name, &Some(owner.clone())),
            format!(
                "make sequence {name} owned by {}.{}",
                owner.table, owner.column
            ),
        ));
    }
    if sequence.comment.is_some() {
        rest.push(objects::comment_extra(&key, &sequence.comment));
    }
    (sql, rest)
}

/// `sequence` moved past the largest value of `column` in `table`, never
/// back: the rows were numbered elsewhere, and other rows draw from it.
pub(super) fn setval_forward(
    sequence: &QualifiedName,
    column: &str,
    table: &QualifiedName,
) -> String {
    let col = quote_ident(column);
    format!(
        "SELECT setval({}, max({col})) FROM {} HAVING max({col}) > (SELECT CASE WHEN is_called \
         THEN last_value ELSE last_value - 1 END FROM {});",
        petal_ir::quote_literal(&sequence.quoted()),
        table.quoted(),
        sequence.quoted()
    )
}

pub(super) fn drop(name: &QualifiedName) -> String {
    format!("DROP SEQUENCE {};", name.quoted())
}

pub(super) fn alter_settings(name: &QualifiedName, settings: &SequenceSettings) -> String {
    format!("ALTER SEQUENCE {} {};", name.quoted(), options(settings))
}

pub(super) fn set_owner(name: &QualifiedName, owner: &Option<SequenceOwner>) -> String {
    let to = match owner {
        Some(o) => ddl::column_target(&o.table, &o.column),
        None => "NONE".to_string(),
    };
    format!("ALTER SEQUENCE {} OWNED BY {to};", name.quoted())
}

/// Renames (and moves) the sequence behind a serial or identity column
/// from `from` to `to` (`None`: the name PostgreSQL picks for the table
/// and column).
pub(super) fn rename_column_sequence(
    table: &QualifiedName,
    column: &str,
    from: &Option<QualifiedName>,
    to: &Option<QualifiedName>,
) -> Vec<String> {
    let from = from.clone().unwrap_or_else(|| picked(table, column));
    let to = to.clone().unwrap_or_else(|| picked(table, column));
    let mut out = Vec::new();
    let mut at = from.clone();
    if from.schema != to.schema {
        out.push(format!(
            "ALTER SEQUENCE {} SET SCHEMA {};",
            at.quoted(),
            quote_ident(&to.schema)
        ));
        at.schema = to.schema.clone();
    }
    if from.name != to.name {
        out.push(format!(
            "ALTER SEQUENCE {} RENAME TO {};",
            at.quoted(),
            quote_ident(&to.name)
        ));
    }
    out
}

/// The name PostgreSQL picks for a serial or identity column's sequence.
pub(crate) fn picked(table: &QualifiedName, column: &str) -> QualifiedName {
    QualifiedName::new(
        table.schema.clone(),
        naming::make_object_name(&table.name, Some(column), Some("seq")),
    )
}
