//! SQL of a partition leaving or joining its parent.

use petal_ir::{PartitionOf, QualifiedName, quote_literal};

use super::ReviewedStatement;
use crate::change::{Change, Delta};
use crate::{ParentCopy, ParentCopyKind, StandAlone};

/// The statements of `Alter::PartitionOf`.
pub(super) fn statements(
    change: &Change,
    table: &QualifiedName,
    partition_of: &Delta<Option<PartitionOf>>,
    stands_alone: &Option<StandAlone>,
) -> Vec<ReviewedStatement> {
    let copies = stands_alone.as_ref().map(|alone| alone.copies.as_slice());
    let sqls = attach_or_detach(table, partition_of, copies);
    let renames = sqls.len() > 1 && partition_of.to.is_none();
    let mut out = super::many(change, sqls);
    // The renaming block locks the partition alone, as the detach will.
    if renames && let Some(first) = out.first_mut() {
        first.impact = crate::Impact::exclusive(table);
    }
    out
}

/// `DETACH PARTITION` for the parent it leaves, `ATTACH PARTITION` for the
/// one it joins (both when a change carries both sides). A partition that
/// comes to stand alone first has its copies of the parent's indexes and
/// foreign keys renamed to the names the diff gave them.
pub(crate) fn attach_or_detach(
    table: &QualifiedName,
    partition_of: &Delta<Option<PartitionOf>>,
    stands_alone: Option<&[ParentCopy]>,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(from) = &partition_of.from {
        if let Some(copies) = stands_alone.filter(|c| !c.is_empty() && partition_of.to.is_none()) {
            out.push(rename_copies(table, &from.parent, copies));
        }
        out.push(format!(
            "ALTER TABLE {} DETACH PARTITION {};",
            from.parent.quoted(),
            table.quoted()
        ));
    }
    if let Some(to) = &partition_of.to {
        out.push(format!(
            "ALTER TABLE {} ATTACH PARTITION {} {};",
            to.parent.quoted(),
            table.quoted(),
            to.bound
        ));
    }
    out
}

/// A `DO` block renaming `table`'s copies of `parent`'s indexes and
/// foreign keys, each found through the object it copies (its name is
/// PostgreSQL's pick, or the table's own from before it was attached):
/// those not named as wanted out of each other's way first, then to
/// their names. Renamed while still copies: detached, nothing tells them
/// apart from the table's own.
fn rename_copies(table: &QualifiedName, parent: &QualifiedName, copies: &[ParentCopy]) -> String {
    let literal = |name: &QualifiedName| quote_literal(&name.quoted());
    let values = |kind: ParentCopyKind, qualify: bool| -> Option<String> {
        let rows: Vec<String> = copies
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| {
                let of = match qualify {
                    true => literal(&QualifiedName::new(parent.schema.clone(), c.of.clone())),
                    false => quote_literal(&c.of),
                };
                format!("({of}, {})", quote_literal(&c.name))
            })
            .collect();
        (!rows.is_empty()).then(|| format!("(VALUES {}) AS wanted(copied, name)", rows.join(", ")))
    };
    let (t, p) = (literal(table), literal(parent));
    let mut body = String::new();
    if let Some(wanted) = values(ParentCopyKind::Index, true) {
        let found = format!(
            "FROM {wanted}\n        \
             JOIN pg_inherits h ON h.inhparent = wanted.copied::regclass\n        \
             JOIN pg_index x ON x.indexrelid = h.inhrelid AND x.indrelid = {t}::regclass\n        \
             JOIN pg_class c ON c.oid = x.indexrelid"
        );
        body.push_str(&two_passes(
            "ALTER INDEX %s RENAME TO %I",
            "x.indexrelid::regclass",
            "c.relname",
            "x.indexrelid",
            &found,
        ));
    }
    if let Some(wanted) = values(ParentCopyKind::ForeignKey, false) {
        let found = format!(
            "FROM {wanted}\n        \
             JOIN pg_constraint p ON p.conrelid = {p}::regclass AND p.contype = 'f' \
             AND p.conname = wanted.copied\n        \
             JOIN pg_constraint c ON c.conparentid = p.oid AND c.conrelid = {t}::regclass"
        );
        body.push_str(&two_passes(
            &format!(
                "ALTER TABLE {} RENAME CONSTRAINT %I TO %I",
                table.quoted().replace('%', "%%")
            ),
            "",
            "c.conname",
            "c.oid",
            &found,
        ));
    }
    format!(
        "DO $petal$\nDECLARE\n    statement text;\nBEGIN\n    LOCK TABLE {} IN ACCESS EXCLUSIVE MODE;\n{body}END\n$petal$;",
        table.quoted()
    )
}

/// The two loops of [`rename_copies`] for one kind: `format` of
/// `template` with `target` (when not empty), the current name or the
/// aside one, and the aside or the wanted one.
fn two_passes(template: &str, target: &str, current: &str, oid: &str, found: &str) -> String {
    let target = if target.is_empty() {
        String::new()
    } else {
        format!("{target}, ")
    };
    let aside = format!("'petal_copy_' || {oid}");
    let pass = |from: &str, to: &str, filter: &str| {
        let first = if target.is_empty() {
            format!("{from}, ")
        } else {
            String::new()
        };
        format!(
            "    FOR statement IN\n        SELECT format({}, {target}{first}{to})\n        \
             {found}\n        WHERE {filter}\n    LOOP\n        EXECUTE statement;\n    END LOOP;\n",
            quote_literal(template)
        )
    };
    let mut out = pass(current, &aside, &format!("{current} <> wanted.name"));
    out.push_str(&pass(
        current,
        "wanted.name",
        &format!("{current} = {aside}"),
    ));
    out
}
