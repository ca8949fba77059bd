//! The names a partition's copies of its parent's objects take when it
//! comes to stand alone, or that a table joining a parent gives them
//! (`stand_alone.rs` says why).

use petal_ir::naming::Namespace;
use petal_ir::{Database, QualifiedName, Table};

use super::{ParentCopy, ParentCopyKind, same};

/// Whose names a partition's copies prefer: the table as wanted standing
/// alone (the copies are renamed before anything else, so such a name must
/// be free in the database), or the table before it joins its parent
/// (whose objects the copies are).
pub(crate) enum Like<'t> {
    Wanted(&'t Table),
    Joining(&'t Table),
}

/// The names a partition's copies take standing alone: where the table
/// `like` names has an object of the same definition, its name; else, for
/// an index, a default name free in the schema on both sides (`cur`,
/// `to`), and for a foreign key the parent's, as PostgreSQL gives it,
/// unless the table has a constraint so named.
pub(crate) fn copy_names(
    parent: &Table,
    table: &QualifiedName,
    like: Like<'_>,
    cur: &Database,
    to: &Database,
) -> Vec<ParentCopy> {
    let mut out = index_copy_names(parent, table, &like, cur, to);
    out.extend(foreign_key_copy_names(parent, table, &like, cur));
    out.sort();
    out
}

fn index_copy_names(
    parent: &Table,
    table: &QualifiedName,
    like: &Like<'_>,
    cur: &Database,
    to: &Database,
) -> Vec<ParentCopy> {
    let current = relation_names(cur, &table.schema);
    let (like, must_be_free) = match like {
        Like::Wanted(t) => (*t, true),
        Like::Joining(t) => (*t, false),
    };
    let mut ns = Namespace::new();
    for name in current.iter().chain(&relation_names(to, &table.schema)) {
        ns.take(name);
    }
    let mut out: Vec<ParentCopy> = Vec::new();
    let t = &table.name;
    let mut found: Vec<(&str, Option<&str>, String)> = Vec::new();
    if let Some(pk) = &parent.primary_key {
        let alike = like
            .primary_key
            .as_ref()
            .filter(|m| same::primary_key(pk, m));
        found.push((&pk.name, alike.map(|m| m.name.as_str()), ns.primary_key(t)));
    }
    for u in &parent.uniques {
        let alike = like.uniques.iter().find(|m| same::unique(u, m));
        found.push((
            &u.name,
            alike.map(|m| m.name.as_str()),
            ns.unique(t, &u.columns),
        ));
    }
    for x in &parent.exclusions {
        let alike = like.exclusions.iter().find(|m| same::exclusion(x, m));
        found.push((
            &x.name,
            alike.map(|m| m.name.as_str()),
            ns.choose(t, None, "excl"),
        ));
    }
    for i in &parent.indexes {
        let alike = like.indexes.iter().find(|m| same::index(i, m));
        found.push((
            &i.name,
            alike.map(|m| m.name.as_str()),
            ns.index(t, &i.keys, &i.include),
        ));
    }
    for (of, alike, fallback) in found {
        // Renamed before anything else runs: a wanted name must be free
        // in the database then.
        let usable = |n: &&str| {
            (!must_be_free || !current.iter().any(|c| c == n)) && !out.iter().any(|c| c.name == *n)
        };
        let name = alike.filter(usable).map_or(fallback, str::to_string);
        out.push(ParentCopy {
            kind: ParentCopyKind::Index,
            of: of.to_string(),
            name,
        });
    }
    out
}

/// A constraint's name is the table's alone: the names taken are those of
/// its own constraints (on both sides, for a table coming to stand alone:
/// in the database, before it is renamed) and of the parent's checks,
/// which it holds under their names.
fn foreign_key_copy_names(
    parent: &Table,
    table: &QualifiedName,
    like: &Like<'_>,
    cur: &Database,
) -> Vec<ParentCopy> {
    let like_table = match like {
        Like::Wanted(t) | Like::Joining(t) => *t,
    };
    let mut on_table = Namespace::new();
    let own = |t: &Table| -> Vec<String> {
        t.checks
            .iter()
            .map(|c| c.name.clone())
            .chain(t.uniques.iter().map(|u| u.name.clone()))
            .chain(t.exclusions.iter().map(|x| x.name.clone()))
            .chain(t.primary_key.iter().map(|k| k.name.clone()))
            .collect()
    };
    let mut taken: Vec<String> = parent.checks.iter().map(|c| c.name.clone()).collect();
    if let (Like::Wanted(_), Some(current)) = (like, cur.tables.get(table)) {
        taken.extend(own(current));
        taken.extend(current.foreign_keys.iter().map(|f| f.name.clone()));
    }
    taken.iter().for_each(|n| on_table.take(n));
    let mut out = Vec::new();
    for fk in &parent.foreign_keys {
        let alike = like_table
            .foreign_keys
            .iter()
            .find(|m| same::foreign_key(fk, m))
            .map(|m| m.name.clone())
            .filter(|n| !on_table.is_taken(n));
        let name = alike.unwrap_or_else(|| {
            if on_table.is_taken(&fk.name) {
                on_table.foreign_key(&table.name, &fk.columns)
            } else {
                fk.name.clone()
            }
        });
        on_table.take(&name);
        out.push(ParentCopy {
            kind: ParentCopyKind::ForeignKey,
            of: fk.name.clone(),
            name,
        });
    }
    out
}

/// The relation names `db` holds in `schema`, and its tables' constraint
/// names (PostgreSQL picks a default name free among both).
fn relation_names(db: &Database, schema: &str) -> Vec<String> {
    let mut names = Vec::new();
    for t in db.tables.values().filter(|t| t.name.schema == schema) {
        names.push(t.name.name.clone());
        names.extend(t.object_names().map(str::to_string));
        names.extend(t.index_copies.values().cloned());
    }
    for v in db.views.values().filter(|v| v.name.schema == schema) {
        names.push(v.name.name.clone());
        names.extend(v.indexes.iter().map(|i| i.name.clone()));
    }
    names.extend(
        db.sequences
            .keys()
            .filter(|s| s.schema == schema)
            .map(|s| s.name.clone()),
    );
    names.extend(
        db.composite_types
            .keys()
            .filter(|s| s.schema == schema)
            .map(|s| s.name.clone()),
    );
    names
}
