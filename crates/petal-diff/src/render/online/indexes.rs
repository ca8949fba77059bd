//! The online recipes' indexes: built and dropped `CONCURRENTLY`, each
//! build after removing what a failed one left, and a unique constraint
//! attached to a unique index built so.

use petal_ir::{Index, IndexKey, ObjectKey, QualifiedName, Unique, quote_ident};

use super::online;
use crate::change::Change;
use crate::classify::Safety;
use crate::impact::{Impact, LockMode};
use crate::render::{ReviewedStatement, ddl, extra, objects, single};

pub(super) fn drop_concurrently(
    change: &Change,
    table: &QualifiedName,
    index: &Index,
) -> ReviewedStatement {
    let sql = format!(
        "DROP INDEX CONCURRENTLY IF EXISTS {};",
        ddl::index_name(table, &index.name)
    );
    online(
        single(change, sql),
        Safety::Safe,
        vec!["reads and writes go on while it waits for the transactions using the index".into()],
        Impact::default().lock(table, LockMode::ShareUpdateExclusive),
    )
}

/// What a failed concurrent build of `name` left, removed before building.
fn leftover(table: &QualifiedName, name: &str) -> ReviewedStatement {
    extra(
        &ObjectKey::index(table, name),
        format!(
            "DROP INDEX CONCURRENTLY IF EXISTS {};",
            ddl::index_name(table, name)
        ),
        format!(
            "drop index {name} of {table} if a failed build left it (invalid): none is there \
             on the first run"
        ),
    )
}

fn build_notes(unique: bool) -> Vec<String> {
    let mut notes = Vec::new();
    if unique {
        notes.push("fails if the keys hold duplicates".to_string());
    }
    notes.push(
        "builds while reads and writes go on; it waits for the transactions open when it \
         starts"
            .to_string(),
    );
    notes
}

pub(super) fn build_concurrently(
    change: &Change,
    table: &QualifiedName,
    index: &Index,
) -> Vec<ReviewedStatement> {
    let mut statement = online(
        single(change, ddl::create_index_as(table, index, true)),
        Safety::Safe,
        build_notes(index.unique),
        Impact::default()
            .lock(table, LockMode::ShareUpdateExclusive)
            .scan(table),
    );
    statement.description.push_str(" concurrently");
    let mut out = vec![leftover(table, &index.name), statement];
    if index.comment.is_some() {
        out.push(objects::index_comment(table, index));
    }
    out
}

/// The unique index a unique constraint takes over: plain columns, in
/// order, as `ADD CONSTRAINT ... UNIQUE` would build it.
pub(super) fn unique_index(table: &QualifiedName, unique: &Unique) -> Vec<ReviewedStatement> {
    let index = Index {
        name: unique.name.clone(),
        unique: true,
        method: "btree".to_string(),
        keys: unique.columns.iter().map(IndexKey::column).collect(),
        include: Vec::new(),
        predicate: None,
        nulls_not_distinct: unique.nulls_not_distinct,
        comment: None,
        storage: Vec::new(),
        concurrently: false,
        only: false,
    };
    let mut statement = extra(
        &ObjectKey::constraint(table, &unique.name),
        ddl::create_index_as(table, &index, true),
        format!(
            "build the unique index of constraint {} on {table} concurrently",
            unique.name
        ),
    );
    statement.notes = build_notes(true);
    statement.impact = Impact::default()
        .lock(table, LockMode::ShareUpdateExclusive)
        .scan(table);
    vec![leftover(table, &unique.name), statement]
}

pub(super) fn attach_unique(
    change: &Change,
    table: &QualifiedName,
    unique: &Unique,
) -> ReviewedStatement {
    let mut action = format!(
        "ADD CONSTRAINT {} UNIQUE USING INDEX {}",
        quote_ident(&unique.name),
        quote_ident(&unique.name)
    );
    if !unique.deferrable.is_not() {
        action.push(' ');
        action.push_str(unique.deferrable.sql());
    }
    online(
        single(change, ddl::alter_table(table, &action)),
        Safety::Safe,
        vec!["takes over the index built above: reads nothing".into()],
        Impact::exclusive(table),
    )
}
