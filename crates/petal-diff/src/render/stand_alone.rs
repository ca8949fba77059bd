//! The block that prepares a partition to stand alone, run just before it
//! is detached (`stand_alone.rs` says why).
//!
//! It locks the parent (alone) and the partition, then makes the
//! partition hold what the working copy will hold of it once detached:
//! the parent's column defaults (the diff made its own ones its parent's
//! before, `release_own_defaults`, but a serial or identity column's,
//! which the IR leaves to the parent), its parent's `NULL`-ability and
//! no column comments (a partition's own settings, which the IR does not
//! read), and its copies of the parent's indexes and foreign keys under
//! the names the diff chose, each found through the object it copies (its
//! name is PostgreSQL's pick, or the table's own from before it was
//! attached): those not named as wanted out of each other's way first,
//! then to their names. Renamed while still copies: detached, nothing
//! tells them apart from the table's own.

use std::fmt::Write as _;

use petal_ir::{ForeignKey, QualifiedName, quote_literal};

use crate::{ParentCopy, ParentCopyKind};

/// The `DO` block. It locks the parent in `parent_lock` mode: `ACCESS
/// EXCLUSIVE` as the detach after it does, or, before a detach
/// `CONCURRENTLY`, `SHARE UPDATE EXCLUSIVE` as that one does (enough to
/// hold the parent's defaults still while they are copied).
pub(super) fn before_detach(
    table: &QualifiedName,
    parent: &QualifiedName,
    copies: &[ParentCopy],
    parent_lock: &str,
) -> String {
    let (t, p) = (literal(table), literal(parent));
    let alter = format!("ALTER TABLE {}", table.quoted().replace('%', "%%"));
    let mut body = format!(
        "    LOCK TABLE ONLY {} IN {parent_lock} MODE;\n    LOCK TABLE {} IN ACCESS EXCLUSIVE MODE;\n",
        parent.quoted(),
        table.quoted()
    );
    let columns = format!(
        "FROM pg_attribute a\n        \
         JOIN pg_attribute pa ON pa.attrelid = {p}::regclass AND pa.attname = a.attname\n        \
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum\n        \
         LEFT JOIN pg_attrdef pd ON pd.adrelid = pa.attrelid AND pd.adnum = pa.attnum\n        \
         WHERE a.attrelid = {t}::regclass AND a.attnum > 0 AND NOT a.attisdropped"
    );
    body.push_str(&each(
        &format!(
            "format({}, a.attname, CASE WHEN pd.adbin IS NULL THEN \
             'DROP DEFAULT' ELSE 'SET DEFAULT ' || pg_get_expr(pd.adbin, pd.adrelid) END)",
            template(&format!("{alter} ALTER COLUMN %I %s"))
        ),
        &format!(
            "{columns}\n          AND a.attgenerated = '' AND a.attidentity = '' AND pa.attidentity = ''\n          \
             AND pg_get_expr(d.adbin, d.adrelid) IS DISTINCT FROM pg_get_expr(pd.adbin, pd.adrelid)"
        ),
    ));
    body.push_str(&each(
        &format!(
            "format({}, a.attname)",
            template(&format!("{alter} ALTER COLUMN %I DROP NOT NULL"))
        ),
        &format!(
            "{columns}\n          AND a.attnotnull AND NOT pa.attnotnull\n          \
             AND NOT EXISTS (SELECT FROM pg_index i WHERE i.indrelid = a.attrelid\n          \
             AND (i.indisprimary OR i.indisreplident) AND a.attnum = ANY (i.indkey))"
        ),
    ));
    body.push_str(&each(
        &format!(
            "format({}, a.attname)",
            template(&format!(
                "COMMENT ON COLUMN {}.%I IS NULL",
                table.quoted().replace('%', "%%")
            ))
        ),
        &format!(
            "FROM pg_attribute a JOIN pg_description c ON c.objoid = a.attrelid \
             AND c.classoid = 'pg_class'::regclass AND c.objsubid = a.attnum\n        \
             WHERE a.attrelid = {t}::regclass AND a.attnum > 0"
        ),
    ));
    if let Some(renames) = index_copies_renamed(table, parent, copies) {
        body.push_str(&renames);
    }
    if let Some(wanted) = wanted(copies, ParentCopyKind::ForeignKey, None) {
        let found = format!(
            "FROM {wanted}\n        \
             JOIN pg_constraint p ON p.conrelid = {p}::regclass AND p.contype = 'f' \
             AND p.conname = wanted.copied\n        \
             JOIN pg_constraint c ON c.conparentid = p.oid AND c.conrelid = {t}::regclass"
        );
        let renaming = template(&format!("{alter} RENAME CONSTRAINT %I TO %I"));
        let rename = |to: &str| format!("format({renaming}, c.conname, {to})");
        body.push_str(&renamed_in_two_passes(rename, "c.conname", "c.oid", &found));
    }
    do_block(&body)
}

/// The loops renaming partition `table`'s copies of indexes of `parent`
/// that `copies` names (those of another kind aside), each found through
/// the index it copies; none when `copies` names none.
pub(super) fn index_copies_renamed(
    table: &QualifiedName,
    parent: &QualifiedName,
    copies: &[ParentCopy],
) -> Option<String> {
    let wanted = wanted(copies, ParentCopyKind::Index, Some(parent))?;
    let found = format!(
        "FROM {wanted}\n        \
         JOIN pg_inherits h ON h.inhparent = wanted.copied::regclass\n        \
         JOIN pg_index x ON x.indexrelid = h.inhrelid AND x.indrelid = {}::regclass\n        \
         JOIN pg_class c ON c.oid = x.indexrelid",
        literal(table)
    );
    let rename =
        |to: &str| format!("format('ALTER INDEX %s RENAME TO %I', x.indexrelid::regclass, {to})");
    Some(renamed_in_two_passes(
        rename,
        "c.relname",
        "x.indexrelid",
        &found,
    ))
}

/// The `DO` block after a detach `CONCURRENTLY`: PostgreSQL gives the
/// table a check of its own saying what its bound said (unless one it has
/// says so already), under a name of its choosing. Every check the table
/// did not hold before (`checks`: its own and its parent's) is that one,
/// and goes: the diff knows the table without it.
pub(super) fn after_concurrent_detach(table: &QualifiedName, checks: &[String]) -> String {
    let held: Vec<String> = checks.iter().map(|c| quote_literal(c)).collect();
    let body = each(
        &format!(
            "format({}, c.conname)",
            template(&format!(
                "ALTER TABLE {} DROP CONSTRAINT %I",
                table.quoted().replace('%', "%%")
            ))
        ),
        &format!(
            "FROM pg_constraint c\n        \
             WHERE c.conrelid = {}::regclass AND c.contype = 'c'\n          \
             AND c.conname <> ALL (ARRAY[{}]::name[])",
            literal(table),
            held.join(", ")
        ),
    );
    do_block(&body)
}

/// The `DO` block after a plain detach that adds back each copy of a
/// foreign key referencing the parent itself that the detach dropped:
/// PostgreSQL 13 does (`StandAlone::self_references`); on later versions
/// each is there, and the block does nothing.
pub(super) fn self_references_kept(table: &QualifiedName, keys: &[ForeignKey]) -> String {
    let mut body = String::new();
    for fk in keys {
        let _ = write!(
            body,
            "    IF NOT EXISTS (SELECT FROM pg_constraint WHERE conrelid = {}::regclass\n        \
             AND contype = 'f' AND conname = {}) THEN\n        \
             ALTER TABLE {} ADD {};\n    END IF;\n",
            literal(table),
            quote_literal(&fk.name),
            table.quoted(),
            super::ddl::foreign_key_clause(table, fk).text
        );
    }
    let tag = dollar_tag(&body);
    format!("DO {tag}\nBEGIN\n{body}END\n{tag};")
}

fn literal(name: &QualifiedName) -> String {
    quote_literal(&name.quoted())
}

/// A `format` template as a literal.
fn template(text: &str) -> String {
    quote_literal(text)
}

/// `(VALUES (copied, wanted name), ...) AS wanted(copied, name)` for the
/// copies of one kind, the copied index qualified with `parent`'s schema.
fn wanted(
    copies: &[ParentCopy],
    kind: ParentCopyKind,
    parent: Option<&QualifiedName>,
) -> Option<String> {
    let rows: Vec<String> = copies
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| {
            let of = match parent {
                Some(p) => literal(&QualifiedName::new(p.schema.clone(), c.of.clone())),
                None => quote_literal(&c.of),
            };
            format!("({of}, {})", quote_literal(&c.name))
        })
        .collect();
    (!rows.is_empty()).then(|| format!("(VALUES {}) AS wanted(copied, name)", rows.join(", ")))
}

/// A loop running the statement `statement` (a `format(...)` call) for
/// each row of `rows` (`FROM ... WHERE ...`).
fn each(statement: &str, rows: &str) -> String {
    format!(
        "    FOR statement IN\n        SELECT {statement}\n        {rows}\n    LOOP\n        \
         EXECUTE statement;\n    END LOOP;\n"
    )
}

/// The two renaming loops of one kind: each copy not named as wanted to
/// `petal_copy_<oid>`, then each so named to its wanted name. `rename`
/// gives the `format(...)` call renaming to its argument; `current` is
/// the copy's name, `oid` its oid.
fn renamed_in_two_passes(
    rename: impl Fn(&str) -> String,
    current: &str,
    oid: &str,
    found: &str,
) -> String {
    let aside = format!("'petal_copy_' || {oid}");
    let mut out = each(
        &rename(&aside),
        &format!("{found}\n        WHERE {current} <> wanted.name"),
    );
    out.push_str(&each(
        &rename("wanted.name"),
        &format!("{found}\n        WHERE {current} = {aside}"),
    ));
    out
}

/// `DO` with `body`, its loops' `statement` declared.
pub(super) fn do_block(body: &str) -> String {
    let tag = dollar_tag(body);
    format!("DO {tag}\nDECLARE\n    statement text;\nBEGIN\n{body}END\n{tag};")
}

/// A dollar-quoting tag that `body` does not hold.
fn dollar_tag(body: &str) -> String {
    (0..)
        .map(|n| match n {
            0 => "$petal$".to_string(),
            n => format!("$petal{n}$"),
        })
        .find(|tag| !body.contains(tag.as_str()))
        .unwrap_or_else(|| "$petal$".to_string())
}
