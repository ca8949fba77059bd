//! A deterministic text dump of the IR: pseudo-DDL that a reviewer reads in
//! `petal inspect`, in snapshots and in `check`'s drift view. It is not
//! meant to be run; `petal-diff` renders real DDL.

use std::fmt::Write;

use crate::name::{quote_ident, quote_literal};
use crate::{
    Column, Database, EnumType, Identity, Index, IndexKey, IndexKeyExpr, QualifiedName, Table,
};

/// The whole database as text: schemas, enum types, then tables, each in
/// name order. Same IR, same bytes.
pub fn dump(db: &Database) -> String {
    let mut out = String::new();
    for schema in &db.schemas {
        let _ = writeln!(out, "schema {}", quote_ident(schema));
    }
    for e in db.enums.values() {
        out.push('\n');
        dump_enum(&mut out, e);
    }
    for t in db.tables.values() {
        out.push('\n');
        dump_table(&mut out, t);
    }
    crate::dump_objects::dump_objects(&mut out, db);
    out
}

fn dump_enum(out: &mut String, e: &EnumType) {
    let labels: Vec<String> = e.labels.iter().map(|l| quote_literal(l)).collect();
    let _ = writeln!(out, "enum {} ({})", e.name.quoted(), labels.join(", "));
    if let Some(c) = &e.comment {
        let _ = writeln!(out, "  comment {}", quote_literal(c));
    }
    if let Some(from) = &e.renamed_from {
        let _ = writeln!(out, "  renamed from {}", from.quoted());
    }
    for (new, old) in &e.renamed_labels {
        let _ = writeln!(
            out,
            "  label {} renamed from {}",
            quote_literal(new),
            quote_literal(old)
        );
    }
}

/// A table's place among partitions and parents, and its options.
fn dump_table_place(out: &mut String, t: &Table) {
    if let Some(of) = &t.partition_of {
        let _ = writeln!(out, "  partition of {} {}", of.parent.quoted(), of.bound);
    }
    for (column, default) in &t.own_defaults {
        let default = default.as_deref().unwrap_or("none");
        let _ = writeln!(out, "  own default of {}: {default}", quote_ident(column));
    }
    for (index, copy) in &t.index_copies {
        let _ = writeln!(
            out,
            "  copy of index {}: {}",
            quote_ident(index),
            quote_ident(copy)
        );
    }
    if !t.inherits.is_empty() {
        let parents: Vec<String> = t.inherits.iter().map(QualifiedName::quoted).collect();
        let _ = writeln!(out, "  inherits {}", parents.join(", "));
    }
    if let Some(key) = &t.partition_by {
        let _ = writeln!(out, "  partition by {key}");
    }
    if t.options.unlogged {
        let _ = writeln!(out, "  unlogged");
    }
    if !t.options.storage.is_empty() {
        let _ = writeln!(out, "  with ({})", t.options.storage.join(", "));
    }
    if !t.options.replica_identity.is_default() {
        let identity = t.options.replica_identity.describe();
        let _ = writeln!(out, "  replica identity {identity}");
    }
    if t.options.row_level_security {
        out.push_str("  row level security\n");
    }
    if t.options.force_row_level_security {
        out.push_str("  force row level security\n");
    }
}

fn dump_table(out: &mut String, t: &Table) {
    let _ = writeln!(out, "table {}", t.name.quoted());
    dump_table_place(out, t);
    if let Some(c) = &t.comment {
        let _ = writeln!(out, "  comment {}", quote_literal(c));
    }
    if let Some(from) = &t.renamed_from {
        let _ = writeln!(out, "  renamed from {}", from.quoted());
    }
    for col in &t.columns {
        let _ = writeln!(out, "  column {}", column_line(col));
    }
    if let Some(pk) = &t.primary_key {
        let mut line = format!(
            "  primary key {} ({})",
            quote_ident(&pk.name),
            idents(&pk.columns)
        );
        if !pk.deferrable.is_not() {
            let _ = write!(line, " {}", pk.deferrable.sql().to_lowercase());
        }
        let _ = writeln!(out, "{line}");
    }
    for u in &t.uniques {
        let mut line = format!("  unique {} ({})", quote_ident(&u.name), idents(&u.columns));
        if u.nulls_not_distinct {
            line.push_str(" nulls not distinct");
        }
        if !u.deferrable.is_not() {
            let _ = write!(line, " {}", u.deferrable.sql().to_lowercase());
        }
        let _ = writeln!(out, "{line}");
    }
    for x in &t.exclusions {
        let mut line = format!("  exclusion {} {}", quote_ident(&x.name), x.definition);
        if !x.deferrable.is_not() {
            let _ = write!(line, " {}", x.deferrable.sql().to_lowercase());
        }
        let _ = writeln!(out, "{line}");
    }
    for c in &t.checks {
        let not_valid = match (c.no_inherit, c.not_valid) {
            (true, true) => " no inherit not valid",
            (true, false) => " no inherit",
            (false, true) => " not valid",
            (false, false) => "",
        };
        let _ = writeln!(
            out,
            "  check {} ({}){not_valid}",
            quote_ident(&c.name),
            c.expr
        );
    }
    for fk in &t.foreign_keys {
        let mut line = format!(
            "  foreign key {} ({}) references {} ({})",
            quote_ident(&fk.name),
            idents(&fk.columns),
            fk.ref_table.quoted(),
            idents(&fk.ref_columns)
        );
        if !fk.on_delete.is_no_action() {
            let _ = write!(line, " on delete {}", fk.on_delete.sql().to_lowercase());
        }
        if !fk.on_update.is_no_action() {
            let _ = write!(line, " on update {}", fk.on_update.sql().to_lowercase());
        }
        if !fk.deferrable.is_not() {
            let _ = write!(line, " {}", fk.deferrable.sql().to_lowercase());
        }
        if fk.not_valid {
            line.push_str(" not valid");
        }
        let _ = writeln!(out, "{line}");
    }
    for ix in &t.indexes {
        let _ = writeln!(out, "  {}", index_line(ix));
    }
    for (name, comment) in t.constraint_comments() {
        if let Some(c) = comment {
            let _ = writeln!(
                out,
                "  comment on constraint {} {}",
                quote_ident(name),
                quote_literal(c)
            );
        }
    }
}

fn column_line(col: &Column) -> String {
    let mut line = format!("{} {}", quote_ident(&col.name), col.ty);
    if col.serial {
        line.push_str(" serial");
    }
    if let Some(sequence) = &col.sequence {
        let _ = write!(line, " sequence {}", sequence.quoted());
    }
    if let Some(coll) = &col.collation {
        let _ = write!(line, " collate {}", crate::collation_sql(coll));
    }
    if !col.nullable {
        line.push_str(" not null");
    }
    if let Some(constraint) = &col.not_null_not_valid {
        let _ = write!(line, " not valid ({})", quote_ident(constraint));
    }
    if let Some(d) = &col.default {
        let _ = write!(line, " default {d}");
    }
    match col.identity {
        Some(Identity::Always) => line.push_str(" generated always as identity"),
        Some(Identity::ByDefault) => line.push_str(" generated by default as identity"),
        None => {}
    }
    if let Some(g) = &col.generated {
        let _ = write!(line, " generated always as ({g}) stored");
    }
    if let Some(c) = &col.comment {
        let _ = write!(line, " comment {}", quote_literal(c));
    }
    if let Some(from) = &col.renamed_from {
        let _ = write!(line, " renamed from {}", quote_ident(from));
    }
    line
}

pub(crate) fn index_line(ix: &Index) -> String {
    let keys: Vec<String> = ix.keys.iter().map(key_text).collect();
    let mut line = format!(
        "{}index {} using {} ({})",
        if ix.unique { "unique " } else { "" },
        quote_ident(&ix.name),
        ix.method,
        keys.join(", ")
    );
    if !ix.include.is_empty() {
        let _ = write!(line, " include ({})", idents(&ix.include));
    }
    if ix.nulls_not_distinct {
        line.push_str(" nulls not distinct");
    }
    if !ix.storage.is_empty() {
        let _ = write!(line, " with ({})", ix.storage.join(", "));
    }
    if let Some(p) = &ix.predicate {
        let _ = write!(line, " where {p}");
    }
    if let Some(c) = &ix.comment {
        let _ = write!(line, " comment {}", quote_literal(c));
    }
    line
}

fn key_text(key: &IndexKey) -> String {
    let mut text = match &key.expr {
        IndexKeyExpr::Column(c) => quote_ident(c),
        IndexKeyExpr::Expression(e) => format!("({e})"),
    };
    if let Some(coll) = &key.collation {
        let _ = write!(text, " collate {}", crate::collation_sql(coll));
    }
    if let Some(op) = &key.opclass {
        let _ = write!(text, " {op}");
    }
    if key.descending {
        text.push_str(" desc");
        if !key.nulls_first {
            text.push_str(" nulls last");
        }
    } else if key.nulls_first {
        text.push_str(" nulls first");
    }
    text
}

fn idents(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Puts the columns of each table of `expected` in the order its match in
/// `actual` has them (matched by name or rename hint); a column `actual`
/// lacks keeps its place after the ones before it. Column order is not a
/// change petal makes (PostgreSQL appends an added column), so a drift
/// view of the two dumps must not show columns as moved: a database built
/// by migrations and models listing a column earlier differ by that column
/// alone.
pub fn align_columns(expected: &mut Database, actual: &Database) {
    for table in expected.tables.values_mut() {
        let found = actual.tables.get(&table.name).or_else(|| {
            let old = table.renamed_from.as_ref()?;
            actual.tables.get(old)
        });
        let Some(found) = found else { continue };
        let rank = |c: &Column| {
            let old = c.renamed_from.as_deref();
            found
                .columns
                .iter()
                .position(|a| a.name == c.name || Some(a.name.as_str()) == old)
        };
        // A column `actual` lacks takes the rank of the matched column
        // before it, so it stays right after that one (a stable sort keeps
        // the two in field order).
        let mut last = None;
        let ranks: Vec<Option<usize>> = table
            .columns
            .iter()
            .map(|c| {
                let r = rank(c).or(last);
                last = r;
                r
            })
            .collect();
        let mut ranked: Vec<(Option<usize>, Column)> =
            ranks.into_iter().zip(table.columns.drain(..)).collect();
        ranked.sort_by_key(|(r, _)| *r);
        table.columns = ranked.into_iter().map(|(_, c)| c).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FkAction, ForeignKey, PrimaryKey, QualifiedName, SqlType};

    #[test]
    fn dump_is_readable_and_stable() {
        let mut db = Database::default();
        let mut t = Table::new(QualifiedName::new("public", "orders"));
        let mut id = Column::new("id", SqlType::canonical("int"));
        id.nullable = false;
        id.identity = Some(Identity::ByDefault);
        t.columns.push(id);
        let mut status = Column::new("status", SqlType::canonical("public.order_status"));
        status.nullable = false;
        status.default = Some("'new'::public.order_status".into());
        t.columns.push(status);
        t.columns
            .push(Column::new("customer_id", SqlType::canonical("int4")));
        t.primary_key = Some(PrimaryKey {
            deferrable: Default::default(),
            comment: None,
            name: "orders_pkey".into(),
            columns: vec!["id".into()],
        });
        t.foreign_keys.push(ForeignKey {
            not_valid: false,
            comment: None,
            name: "orders_customer_id_fkey".into(),
            columns: vec!["customer_id".into()],
            ref_table: QualifiedName::new("public", "customers"),
            ref_columns: vec!["id".into()],
            on_delete: FkAction::SetNull,
            on_update: FkAction::NoAction,
            deferrable: Default::default(),
        });
        db.add_table(t);
        let text = dump(&db);
        assert_eq!(
            text,
            r#"schema "public"

table "public"."orders"
  column "id" integer not null generated by default as identity
  column "status" public.order_status not null default 'new'::public.order_status
  column "customer_id" integer
  primary key "orders_pkey" ("id")
  foreign key "orders_customer_id_fkey" ("customer_id") references "public"."customers" ("id") on delete set null
"#
        );
        assert_eq!(text, dump(&db.clone()));
    }

    #[test]
    fn columns_follow_the_actual_order() {
        let table = |columns: &[&str]| {
            let mut t = Table::new(QualifiedName::new("public", "posts"));
            for c in columns {
                t.columns.push(Column::new(*c, SqlType::canonical("text")));
            }
            let mut db = Database::default();
            db.add_table(t);
            db
        };
        let names = |db: &Database| -> Vec<String> {
            db.tables.values().next().map_or_else(Vec::new, |t| {
                t.columns.iter().map(|c| c.name.clone()).collect()
            })
        };
        // The models list `body` before `title`, and add `slug` after
        // `body`; the database has `title` first, as an older revision
        // appended `body`.
        let actual = table(&["id", "title", "body"]);
        let mut expected = table(&["id", "body", "slug", "title"]);
        align_columns(&mut expected, &actual);
        assert_eq!(names(&expected), ["id", "title", "body", "slug"]);
        // A renamed column is matched by its hint.
        let mut renamed = table(&["id", "content", "title"]);
        if let Some(t) = renamed.tables.values_mut().next() {
            t.columns[1].renamed_from = Some("body".into());
        }
        align_columns(&mut renamed, &actual);
        assert_eq!(names(&renamed), ["id", "title", "content"]);
    }
}
