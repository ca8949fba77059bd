//! Whole databases: tables and enum types, then some of every other kind
//! (not always all, so that the average schema stays small), and their
//! random edits. After every edit, what reads an edited relation follows
//! it (`settle`); the dependency edges are derived last, from the objects.
//! Last, the small helpers the kinds' modules share.

use super::build::{COMMENTS, build_tables_and_enums, namespace};
use super::mutate::EDITS;
use super::settle::settle;
use super::{
    Rng, collations, depends, domains, extensions, functions, inheritance, partitions, policies,
    privileges, sequences, stand_alone, triggers, types, uses, view_edits, views,
};
use crate::{Database, Index, IndexKey, QualifiedName};

type Edit = fn(&mut Rng, &mut Database) -> bool;

/// Edits of the other kinds, and of tables putting them to use.
const OBJECT_EDITS: &[Edit] = &[
    extensions::create_extension,
    extensions::drop_extension,
    sequences::create_sequence,
    sequences::drop_sequence,
    sequences::rename_sequence,
    sequences::sequence_settings,
    sequences::sequence_owner,
    sequences::comment_sequence,
    sequences::default_from_sequence,
    domains::create_domain,
    domains::drop_domain,
    domains::rename_domain,
    domains::alter_domain,
    domains::alter_domain,
    domains::comment_domain,
    types::create_composite,
    types::create_range,
    types::drop_type,
    types::rename_type,
    types::alter_composite,
    types::resubtype_range,
    types::comment_type,
    functions::create_function,
    functions::drop_function,
    functions::rename_function,
    functions::change_function,
    functions::change_function,
    functions::comment_function,
    view_edits::create_view,
    view_edits::create_view,
    view_edits::drop_view,
    view_edits::rename_view,
    view_edits::replace_view,
    view_edits::replace_view,
    view_edits::recreate_view,
    view_edits::recreate_view,
    view_edits::view_options,
    view_edits::view_index,
    view_edits::comment_view,
    privileges::edit_privileges,
    triggers::create_trigger,
    triggers::drop_trigger,
    triggers::trigger_enabled,
    triggers::trigger_events,
    triggers::rename_trigger,
    triggers::comment_trigger,
    uses::column_of_user_type,
    uses::default_calling_function,
    uses::check_calling_function,
    uses::index_calling_function,
];

/// A valid database with some of every kind.
pub fn build_database(rng: &mut Rng) -> Database {
    let mut db = build_tables_and_enums(rng);
    build_objects(rng, &mut db);
    let mut side = rng.side();
    if side.chance(50) && partitions::partition_a_table(&mut side, &mut db) {
        // A partitioned table is logged: what it references must be.
        super::table_options::keep_valid(&mut db);
        let mut ninth = rng.ninth_side();
        if ninth.chance(50) {
            super::partition_defaults::edit_own_defaults(&mut ninth, &mut db);
        }
        let mut tenth = rng.tenth_side();
        if tenth.chance(50) {
            super::index_copies::edit_index_copies(&mut tenth, &mut db);
        }
    }
    if side.chance(40) {
        policies::build_policies(&mut side, &mut db);
    }
    let mut third = rng.third_side();
    if third.chance(50) {
        privileges::build_acls(&mut third, &mut db);
    }
    let mut fourth = rng.fourth_side();
    if fourth.chance(30) {
        collations::build_collations(&mut fourth, &mut db);
    }
    let mut fifth = rng.fifth_side();
    if fifth.chance(40) {
        for _ in 0..1 + fifth.below(2) {
            inheritance::add_child(&mut fifth, &mut db);
        }
    }
    super::index_copies::keep_valid(&mut db);
    db.normalize();
    db.dependencies = depends::derive(&db);
    db
}

/// Providers first (extensions, types, sequences, functions), then what
/// uses them: columns, defaults, checks and indexes, views (a later one
/// may read an earlier one), triggers.
fn build_objects(rng: &mut Rng, db: &mut Database) {
    if rng.chance(35) {
        for _ in 0..1 + rng.below(2) {
            extensions::create_extension(rng, db);
        }
    }
    let providers: [(u64, Edit); 5] = [
        (35, domains::create_domain),
        (25, types::create_composite),
        (15, types::create_range),
        (30, sequences::create_sequence),
        (60, functions::create_function),
    ];
    for (percent, create) in providers {
        if rng.chance(percent) {
            create(rng, db);
        }
    }
    if rng.chance(30) {
        functions::create_function(rng, db);
    }
    for _ in 0..rng.below(4) {
        uses::any_use(rng, db);
    }
    if rng.chance(25) {
        sequences::default_from_sequence(rng, db);
    }
    if rng.chance(15) {
        sequences::sequence_owner(rng, db);
    }
    for _ in 0..rng.below(4) {
        views::add_view(rng, db);
    }
    for _ in 0..rng.below(3) {
        triggers::create_trigger(rng, db);
    }
}

/// `db` after `edits` random edits of every kind (the hints of the result
/// name what was renamed from `db`); about half of them edit tables and
/// enum types.
pub fn mutate(db: &Database, rng: &mut Rng, edits: usize) -> Database {
    let mut out = db.clone();
    let mut done = 0;
    for _ in 0..edits * 20 {
        if done == edits {
            break;
        }
        let list = if rng.chance(45) { EDITS } else { OBJECT_EDITS };
        let Some(edit) = rng.pick(list) else { break };
        let before = out.clone();
        if edit(rng, &mut out) {
            settle(&before, &mut out);
            done += 1;
        }
    }
    // Partitions edited over a database held to their rules already
    // (a parent renamed, a key column retyped and restored).
    partitions::keep_valid(db, &mut out);
    super::mutate::late_edits(rng, &mut out);
    partitions::keep_valid(db, &mut out);
    let mut other = rng.other_side();
    if other.chance(50) {
        policies::edit_policies(&mut other, &mut out);
    }
    policies::keep_valid(&mut out);
    let mut third = rng.third_side();
    if third.chance(60) {
        privileges::edit_acls(&mut third, &mut out);
    }
    privileges::keep_valid(&mut out);
    let mut fourth = rng.fourth_side();
    if fourth.chance(40) {
        for _ in 0..1 + fourth.below(2) {
            collations::edit_collations(&mut fourth, &mut out);
        }
    }
    collations::keep_valid(&mut out);
    super::table_options::keep_valid(&mut out);
    let children = out.clone();
    inheritance::keep_valid(db, &mut out);
    let mut fifth = rng.fifth_side();
    if fifth.chance(50) {
        inheritance::edit_children(&mut fifth, &mut out, db);
    }
    inheritance::mirror(&mut out);
    // A kept table made an inheritance child, or no longer one, in place.
    let mut eleventh = rng.eleventh_side();
    if eleventh.chance(60) && inheritance::reparent_a_table(&mut eleventh, &mut out, db) {
        inheritance::mirror(&mut out);
    }
    if out != children {
        // A child that went takes its policies' and its columns' grants
        // along.
        policies::keep_valid(&mut out);
        privileges::keep_valid(&mut out);
    }
    // A kept table made partitioned, which PostgreSQL cannot do in place.
    let mut sixth = rng.sixth_side();
    if sixth.chance(25) && partitions::partition_a_kept_table(&mut sixth, db, &mut out) {
        super::table_options::keep_valid(&mut out);
    }
    // A kept partition made a table of its own, and a kept table made a
    // partition: detached and attached.
    let mut seventh = rng.seventh_side();
    if seventh.chance(50) {
        stand_alone::detach_a_partition(&mut seventh, db, &mut out);
    }
    if seventh.chance(50) && stand_alone::attach_a_table(&mut seventh, db, &mut out) {
        policies::keep_valid(&mut out);
        privileges::keep_valid(&mut out);
        super::table_options::keep_valid(&mut out);
    }
    // A kept partitioned table made plain, which PostgreSQL cannot do in
    // place either.
    let mut eighth = rng.eighth_side();
    if eighth.chance(20) && partitions::unpartition_a_kept_table(&mut eighth, db, &mut out) {
        partitions::keep_valid(db, &mut out);
        policies::keep_valid(&mut out);
        privileges::keep_valid(&mut out);
        super::table_options::keep_valid(&mut out);
    }
    // A partition's copy of an index named, or named otherwise.
    let mut tenth = rng.tenth_side();
    if tenth.chance(40) {
        super::index_copies::edit_index_copies(&mut tenth, &mut out);
    }
    super::index_copies::keep_valid(&mut out);
    domains::keep_nested_constraints(db, &mut out);
    out.normalize();
    out.dependencies = depends::derive(&out);
    out
}

/// A comment `percent` times in a hundred, else none.
pub(super) fn maybe_comment(rng: &mut Rng, percent: u64) -> Option<String> {
    rng.pick(COMMENTS)
        .map(|s| s.to_string())
        .filter(|_| rng.chance(percent))
}

/// Sets `slot` to `value`; false, and nothing set, when it holds it
/// already (an edit that changes nothing does not count).
pub(super) fn set<T: PartialEq>(slot: &mut T, value: T) -> bool {
    if *slot == value {
        return false;
    }
    *slot = value;
    true
}

/// One of `names` in a schema of `db`, when it is free there (relations,
/// types and the names of their parts share one namespace).
pub(super) fn free_name(rng: &mut Rng, db: &Database, names: &[&str]) -> Option<QualifiedName> {
    let schemas: Vec<&String> = db.schemas.iter().collect();
    let (schema, name) = (rng.pick(&schemas)?, rng.pick(names)?);
    let name = QualifiedName::new((*schema).clone(), *name);
    (!namespace(db, &name.schema).is_taken(&name.name)).then_some(name)
}

/// A plain btree index over `keys`.
pub(super) fn btree_index(name: String, keys: Vec<IndexKey>, comment: Option<String>) -> Index {
    Index {
        name,
        unique: false,
        method: "btree".into(),
        keys,
        include: Vec::new(),
        predicate: None,
        nulls_not_distinct: false,
        comment,
        storage: Vec::new(),
        concurrently: false,
        only: false,
    }
}
