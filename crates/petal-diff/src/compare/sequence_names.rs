//! A sequence's name passed between a standalone sequence and a serial or
//! identity column's owned one: `test.id serial` becoming `test.id integer
//! DEFAULT nextval('test_id_seq')` over a sequence of its own, or back.
//!
//! The standalone sequence is created with the providers (phase 5b) and
//! dropped with them (phase 13), but the owned sequence of the same name
//! goes and comes with its column (phases 7 to 9): a standalone sequence
//! whose name an owned one still holds is held back until that one is
//! gone, and one whose name a column's new owned sequence takes is dropped
//! just before it, once the column's default no longer uses it.

use petal_ir::{Column, Database, ObjectKey, QualifiedName};

use super::Engine;
use super::object_phases::object_of;
use crate::apply::privileges::owned_sequence;
use crate::change::{Change, Moved, Object};

/// Whether some column of `db` owns a sequence called `name`.
fn owned_by_a_column(db: &Database, name: &QualifiedName) -> bool {
    db.tables.iter().any(|(table, t)| {
        t.columns
            .iter()
            .any(|c| owned_sequence(table, c).as_ref() == Some(name))
    })
}

/// The sequence a created or put-back change makes.
fn created_sequence(change: &Change) -> Option<&QualifiedName> {
    match change {
        Change::Create(Object::Sequence { sequence })
        | Change::PutBack(Moved {
            object: Object::Sequence { sequence },
            ..
        }) => Some(&sequence.name),
        _ => None,
    }
}

impl Engine<'_> {
    /// Emits the creation of a provider, or holds it back when it is a
    /// sequence whose name a column's owned sequence still holds.
    pub(super) fn create_provider(&mut self, change: Change) {
        if created_sequence(&change).is_some_and(|name| owned_by_a_column(&self.cur, name)) {
            self.held_sequences.push(change);
        } else {
            self.emit(change);
        }
    }

    /// Creates the held-back sequences whose names are free now (all of
    /// them with `all`: the last chance, before the columns use them).
    pub(super) fn create_held_sequences(&mut self, all: bool) {
        let held = std::mem::take(&mut self.held_sequences);
        for change in held {
            let free = created_sequence(&change).is_some_and(|n| !owned_by_a_column(&self.cur, n));
            if all || free {
                self.emit(change);
            } else {
                self.held_sequences.push(change);
            }
        }
    }

    /// Before `column` of kept `table` gets an owned sequence (`to` is the
    /// column as wanted): a standalone sequence of that name that is not
    /// wanted is dropped now rather than with the providers.
    pub(super) fn free_sequence_name(&mut self, table: &QualifiedName, to: &Column) {
        let Some(name) = owned_sequence(table, to) else {
            return;
        };
        if self.to.sequences.contains_key(&name) {
            return;
        }
        let key = ObjectKey::Sequence { name };
        if let Some(object) = object_of(&self.cur, &key) {
            self.emit(Change::Drop(object));
        }
    }
}
