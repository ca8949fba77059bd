//! A partition that leaves its parent to stand alone (`DETACH PARTITION`),
//! and a table that joins a parent as its partition (`ATTACH PARTITION`),
//! rows kept.
//!
//! The IR keeps nothing of what a partition holds from its parent: its
//! columns, the parent's checks, and its copies of the parent's keys,
//! indexes, exclusion constraints and foreign keys. Detached, a partition
//! keeps all of them as its own: its columns with the parent's defaults
//! (copied when the partition was created), the checks under the parent's
//! names, and the copies under whatever names they have. Those are
//! PostgreSQL's picks when it made them, or the table's own when it was
//! attached with them, so the IR cannot know them: before it detaches a
//! partition, the migration renames each copy, found through the object
//! it was copied from, to a name chosen here ([`ParentCopy`]), and the working
//! copy holds the table so ([`standing_alone`]).
//!
//! Attached, a table gives PostgreSQL what matches its new parent's: the
//! checks by name, keys, indexes and foreign keys by definition; they
//! become the parent's, under the table's names ([`joined`]). So a table
//! that joins a parent is first made to hold exactly what it would hold
//! standing alone as that parent's partition: the engine diffs it toward
//! [`standing_alone`] of the wanted partition, its copies named after
//! the table's own where they match, then attaches it.
//!
//! Only a partition of a partitioned table that is no partition itself,
//! outside inheritance trees, is moved so ([`eligible`]): the others are
//! dropped and created, or copied with `--allow-recreate`.

use petal_ir::naming::make_object_name;
use petal_ir::{
    Column, Database, Dependency, DependencyKind, ForeignKey, ObjectKey, PartitionOf,
    QualifiedName, Table, quote_ident_if_needed, quote_literal,
};
use serde::{Deserialize, Serialize};

mod copy_names;
pub(crate) use copy_names::{Like, copy_names};

/// What an `Alter::PartitionOf` of a table that stands alone (once
/// detached, or before it is attached) carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandAlone {
    /// The parent's partition key, as `pg_get_partkeydef` prints it: an
    /// online attach proves the bound with a check over it first.
    pub parent_key: Option<String>,
    /// Its copies of the parent's indexes and foreign keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<ParentCopy>,
    /// The parent's identity and serial columns with their sequences: an
    /// attach moves each past the values the table brings, never back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parent_sequences: Vec<ParentSequence>,
    /// Leaving its parent: the names of the checks it holds, its own and
    /// its parent's. A detach `CONCURRENTLY` adds one more, which the
    /// online recipe drops (`render/online/detach.rs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    /// Its copies of the parent's foreign keys that reference the parent
    /// itself, as it holds them standing alone: PostgreSQL 13 drops such
    /// a copy at the detach (with the parent's trigger rows on the
    /// partition, which it takes it for), where later versions keep it,
    /// so the detach adds back any missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub self_references: Vec<ForeignKey>,
}

/// The foreign keys of `parent` that reference it, as a partition's
/// copies of them stand alone, under the names `copies` gives them.
pub(crate) fn self_references(parent: &Table, copies: &[ParentCopy]) -> Vec<ForeignKey> {
    parent
        .foreign_keys
        .iter()
        .filter(|fk| fk.ref_table == parent.name)
        .filter_map(|fk| {
            let copy = copies
                .iter()
                .find(|c| c.kind == ParentCopyKind::ForeignKey && c.of == fk.name)?;
            Some(ForeignKey {
                name: copy.name.clone(),
                ..fk.clone()
            })
        })
        .collect()
}

/// A parent's identity or serial column and the sequence feeding it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentSequence {
    pub column: String,
    pub sequence: QualifiedName,
}

/// The identity and serial columns of `parent`, with their sequences.
pub(crate) fn parent_sequences(parent: &Table) -> Vec<ParentSequence> {
    parent
        .columns
        .iter()
        .filter_map(|c| {
            Some(ParentSequence {
                column: c.name.clone(),
                sequence: owned_sequence(&parent.name, c)?,
            })
        })
        .collect()
}

/// The sequence feeding `column` of `table`, a serial or identity one.
fn owned_sequence(table: &QualifiedName, column: &Column) -> Option<QualifiedName> {
    (column.serial || column.identity.is_some()).then(|| {
        column.sequence.clone().unwrap_or_else(|| {
            QualifiedName::new(
                table.schema.clone(),
                make_object_name(&table.name, Some(&column.name), Some("seq")),
            )
        })
    })
}

/// What a copy of a parent's object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParentCopyKind {
    /// An index: the parent's own, or its primary key's, unique or
    /// exclusion constraint's (which bears the constraint's name).
    Index,
    ForeignKey,
}

/// A partition's copy of an object of its parent, and the name it has
/// once the partition stands alone.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ParentCopy {
    pub kind: ParentCopyKind,
    /// The parent's object.
    pub of: String,
    /// The copy's name, standing alone.
    pub name: String,
}

/// Whether `table` of `db`, a partition, can stand alone, or, wanted as a
/// partition, can join its parent: see the module's comment.
pub(crate) fn eligible(db: &Database, table: &QualifiedName) -> bool {
    let Some(t) = db.tables.get(table) else {
        return false;
    };
    let Some(parent) = t
        .partition_of
        .as_ref()
        .and_then(|of| db.tables.get(&of.parent))
    else {
        return false;
    };
    plain_or_partition(db, t) && parent.partition_of.is_none() && parent.inherits.is_empty()
}

/// Whether `t` is neither partitioned nor in an inheritance tree.
pub(crate) fn plain_or_partition(db: &Database, t: &Table) -> bool {
    t.partition_by.is_none()
        && t.inherits.is_empty()
        && !db.tables.values().any(|o| o.inherits.contains(&t.name))
}

/// Partition `table` of `db` as it stands once detached, its copies of
/// its parent's indexes and foreign keys under the names `copies` gives
/// them (a copy `copies` does not name keeps its parent's name).
pub(crate) fn standing_alone(
    db: &Database,
    table: &QualifiedName,
    copies: &[ParentCopy],
) -> Option<Table> {
    let t = db.tables.get(table)?;
    let parent = db.tables.get(&t.partition_of.as_ref()?.parent)?;
    let named = |kind: ParentCopyKind, of: &str| {
        copies
            .iter()
            .find(|c| c.kind == kind && c.of == of)
            .map_or_else(|| of.to_string(), |c| c.name.clone())
    };
    let mut alone = t.clone();
    alone.partition_of = None;
    // The block before the detach gives it its parent's defaults; its
    // copies are its own indexes, named as `copies` says.
    alone.own_defaults.clear();
    alone.index_copies.clear();
    // Its own key's and identity index's columns stay NOT NULL (the block
    // before the detach leaves them so: PostgreSQL refuses otherwise).
    let held = held_not_null(t);
    alone.columns = parent
        .columns
        .iter()
        .map(|c| {
            let mut column = column_standing_alone(&parent.name, c);
            column.nullable &= !held.contains(&c.name);
            column
        })
        .collect();
    for check in &parent.checks {
        if !alone.checks.iter().any(|c| c.name == check.name) {
            alone.checks.push(petal_ir::Check {
                comment: None,
                ..check.clone()
            });
        }
    }
    for fk in &parent.foreign_keys {
        alone.foreign_keys.push(petal_ir::ForeignKey {
            name: named(ParentCopyKind::ForeignKey, &fk.name),
            comment: None,
            ..fk.clone()
        });
    }
    if let Some(pk) = &parent.primary_key {
        alone.primary_key = Some(petal_ir::PrimaryKey {
            name: named(ParentCopyKind::Index, &pk.name),
            comment: None,
            ..pk.clone()
        });
    }
    for u in &parent.uniques {
        alone.uniques.push(petal_ir::Unique {
            name: named(ParentCopyKind::Index, &u.name),
            comment: None,
            ..u.clone()
        });
    }
    for x in &parent.exclusions {
        alone.exclusions.push(petal_ir::Exclusion {
            name: named(ParentCopyKind::Index, &x.name),
            comment: None,
            ..x.clone()
        });
    }
    for i in &parent.indexes {
        alone.indexes.push(petal_ir::Index {
            name: named(ParentCopyKind::Index, &i.name),
            comment: None,
            concurrently: false,
            ..i.clone()
        });
    }
    alone.normalize();
    Some(alone)
}

/// The columns of partition `t`'s own primary key and replica identity
/// index, which stay NOT NULL whatever its parent's say.
fn held_not_null(t: &Table) -> Vec<String> {
    let mut out: Vec<String> = t
        .primary_key
        .iter()
        .flat_map(|k| k.columns.clone())
        .collect();
    if let petal_ir::ReplicaIdentity::Index(name) = &t.options.replica_identity {
        out.extend(
            t.uniques
                .iter()
                .filter(|u| u.name == *name)
                .flat_map(|u| u.columns.clone()),
        );
        out.extend(
            t.indexes
                .iter()
                .filter(|i| i.name == *name)
                .flat_map(|i| i.keys.iter())
                .filter_map(|k| match &k.expr {
                    petal_ir::IndexKeyExpr::Column(c) => Some(c.clone()),
                    petal_ir::IndexKeyExpr::Expression(_) => None,
                }),
        );
    }
    out
}

/// A partition's copy of `parent`'s `column`, as it stands detached: a
/// serial column's default calls its sequence (still the parent's), an
/// identity column is none (PostgreSQL 17 and later give a partition the
/// parent's identity while attached, and take it back on detaching), a
/// generated one is generated alike.
fn column_standing_alone(parent: &QualifiedName, column: &Column) -> Column {
    let serial = owned_sequence(parent, column).filter(|_| column.serial);
    let default = match serial {
        Some(sequence) => {
            let spelled = format!(
                "{}.{}",
                quote_ident_if_needed(&sequence.schema),
                quote_ident_if_needed(&sequence.name)
            );
            Some(format!("nextval({}::regclass)", quote_literal(&spelled)))
        }
        None => column.default.clone(),
    };
    Column {
        comment: None,
        renamed_from: None,
        sequence: None,
        identity: None,
        serial: false,
        default,
        ..column.clone()
    }
}

/// The working copy's edges from `table`'s columns as it moves: detached,
/// a column whose default calls the parent's serial sequence stands on
/// the parent's column (so that the parent's drop waits for the default
/// to go); attached, its columns are the parent's and stand on nothing.
pub(crate) fn follow_column_edges(
    db: &mut Database,
    table: &QualifiedName,
    partition_of: &crate::change::Delta<Option<PartitionOf>>,
) {
    // Only the edges between its columns and its parent's: the others
    // (a default calling a function) stand as they are.
    let parents: Vec<&QualifiedName> = [&partition_of.from, &partition_of.to]
        .into_iter()
        .flatten()
        .map(|of| &of.parent)
        .collect();
    let column_of = |key: &ObjectKey, tables: &[&QualifiedName]| matches!(key, ObjectKey::Column { table: t, .. } if tables.contains(&t));
    db.dependencies
        .retain(|d| !(column_of(&d.dependent, &[table]) && column_of(&d.referenced, &parents)));
    let (Some(from), None) = (&partition_of.from, &partition_of.to) else {
        return;
    };
    let serial: Vec<String> = db
        .tables
        .get(&from.parent)
        .map(|p| {
            p.columns
                .iter()
                .filter(|c| c.serial)
                .map(|c| c.name.clone())
                .collect()
        })
        .unwrap_or_default();
    for column in serial {
        db.dependencies.insert(Dependency {
            dependent: ObjectKey::column(table, &column),
            referenced: ObjectKey::column(&from.parent, &column),
            kind: DependencyKind::default(),
        });
    }
}

/// Plain table `t` attached to `parent` (at `of`): its columns and what
/// matches the parent's become the parent's; the rest stays its own.
pub(crate) fn joined(t: &Table, parent: &Table, of: &PartitionOf) -> Option<Table> {
    let mut partition = t.clone();
    partition.partition_of = Some(of.clone());
    // Attached, a table keeps its column defaults: those not its parent's
    // are its own (a serial or identity column's default is its parent's
    // business).
    partition.own_defaults = t
        .columns
        .iter()
        .filter_map(|c| {
            let theirs = parent.column(&c.name)?;
            (!theirs.is_fed() && c.default != theirs.default)
                .then(|| (c.name.clone(), c.default.clone()))
        })
        .collect();
    partition.columns.clear();
    partition
        .checks
        .retain(|c| !parent.checks.iter().any(|p| p.name == c.name));
    partition
        .foreign_keys
        .retain(|f| !parent.foreign_keys.iter().any(|p| same::foreign_key(p, f)));
    if let (Some(mine), Some(theirs)) = (&partition.primary_key, &parent.primary_key)
        && same::primary_key(theirs, mine)
    {
        partition.primary_key = None;
    }
    partition
        .uniques
        .retain(|u| !parent.uniques.iter().any(|p| same::unique(p, u)));
    partition
        .exclusions
        .retain(|x| !parent.exclusions.iter().any(|p| same::exclusion(p, x)));
    // An index of the parent's definition becomes its copy, as it is
    // named (`apply/index_copies.rs` names the copies PostgreSQL makes).
    partition.index_copies = parent
        .indexes
        .iter()
        .filter_map(|p| {
            let mine = t.indexes.iter().find(|i| same::index(p, i))?;
            Some((p.name.clone(), mine.name.clone()))
        })
        .collect();
    partition
        .indexes
        .retain(|i| !parent.indexes.iter().any(|p| same::index(p, i)));
    Some(partition)
}

/// Objects alike but for their names and comments: what PostgreSQL
/// matches when it attaches a partition.
mod same {
    use petal_ir::{Exclusion, ForeignKey, Index, PrimaryKey, Unique};

    pub(super) fn primary_key(a: &PrimaryKey, b: &PrimaryKey) -> bool {
        a.columns == b.columns && a.deferrable == b.deferrable
    }

    pub(super) fn unique(a: &Unique, b: &Unique) -> bool {
        Unique {
            name: String::new(),
            comment: None,
            ..a.clone()
        } == Unique {
            name: String::new(),
            comment: None,
            ..b.clone()
        }
    }

    pub(super) fn exclusion(a: &Exclusion, b: &Exclusion) -> bool {
        a.definition == b.definition && a.deferrable == b.deferrable
    }

    pub(super) fn index(a: &Index, b: &Index) -> bool {
        let bare = |i: &Index| Index {
            name: String::new(),
            comment: None,
            concurrently: false,
            ..i.clone()
        };
        bare(a) == bare(b)
    }

    pub(super) fn foreign_key(a: &ForeignKey, b: &ForeignKey) -> bool {
        let bare = |f: &ForeignKey| ForeignKey {
            name: String::new(),
            comment: None,
            ..f.clone()
        };
        bare(a) == bare(b)
    }
}
