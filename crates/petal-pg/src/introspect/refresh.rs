//! A near read ([`Objects::NearTables`]) put onto the whole read it
//! refreshes: what a whole read of the database gives now, for the price of
//! reading the changed tables and what stands on them.
//!
//! Sound only when nothing but those tables changed, through statements on
//! them alone (`ALTER TABLE`, `CREATE INDEX`, `COMMENT ON`): such a
//! statement cannot change a view or a function, only refuse to run under
//! one that depends on what it changes; a view reading a table is read again
//! all the same, since a renamed column changes its text.
//!
//! [`Objects::NearTables`]: super::Objects::NearTables

use std::collections::BTreeSet;

use petal_ir::{Database, ObjectKey, QualifiedName};

/// `previous` (a whole read) with `near` (a near read of `tables`, after
/// changes to them) put onto it. A table of `tables` that `near` lacks is
/// gone, with all that was on it.
pub fn refresh(previous: Database, near: Database, tables: &BTreeSet<QualifiedName>) -> Database {
    let Database {
        schemas,
        enums,
        tables: read_tables,
        extensions,
        sequences,
        views: near_views,
        functions,
        triggers: read_triggers,
        policies: read_policies,
        domains,
        composite_types,
        range_types,
        collations,
        dependencies: near_edges,
        privileges,
    } = near;
    let Database {
        tables: mut kept_tables,
        views: mut kept_views,
        triggers: mut kept_triggers,
        policies: mut kept_policies,
        dependencies: mut kept_edges,
        ..
    } = previous;
    let on_tables = |key: &ObjectKey| key.in_table().is_some_and(|t| tables.contains(t));
    // The views that use a refreshed table were read again; none can have
    // gone (a table's statement cannot drop one), so every other stays.
    kept_views.extend(near_views);
    kept_tables.retain(|name, _| !tables.contains(name));
    kept_tables.extend(read_tables);
    // A near read reads the triggers of its tables and of every view.
    kept_triggers
        .retain(|key, _| !tables.contains(&key.table) && kept_tables.contains_key(&key.table));
    kept_triggers.extend(read_triggers);
    // And the policies of its tables.
    kept_policies.retain(|key, _| !tables.contains(&key.table));
    kept_policies.extend(read_policies);
    kept_edges.retain(|e| !on_tables(&e.dependent) && !on_tables(&e.referenced));
    kept_edges.extend(near_edges);
    let mut db = Database {
        schemas,
        enums,
        tables: kept_tables,
        extensions,
        sequences,
        views: kept_views,
        functions,
        triggers: kept_triggers,
        policies: kept_policies,
        domains,
        composite_types,
        range_types,
        collations,
        dependencies: kept_edges,
        privileges: None,
    };
    // A near read lacks the tables it did not read, so its edges to what
    // a child only inherits are made the parents' here, on the whole.
    super::merge::inherited_columns_as_their_parents(&mut db);
    // The privileges were read whole, but a view's are its own.
    if let Some(mut acls) = privileges {
        acls.with_views_and_functions(&db);
        db.privileges = Some(acls);
    }
    db
}
