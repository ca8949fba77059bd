//! Extensions: created first (a column may be of an extension's type),
//! updated or moved in place, dropped last.

use super::Engine;
use crate::change::{Alter, Change, Delta, Object};

impl Engine<'_> {
    /// Phase 1b. An unpinned version on the desired side (`None`) is not
    /// compared: the server installs what it ships.
    pub(super) fn create_extensions(&mut self) {
        let mut changes = Vec::new();
        for (name, wanted) in &self.to.extensions {
            let Some(now) = self.cur.extensions.get(name) else {
                changes.push(Change::Create(Object::Extension {
                    extension: wanted.clone(),
                }));
                continue;
            };
            if now.schema != wanted.schema {
                changes.push(Change::Alter(Alter::ExtensionSchema {
                    name: name.clone(),
                    schema: Delta::new(now.schema.clone(), wanted.schema.clone()),
                }));
            }
            if wanted.version.is_some() && now.version != wanted.version {
                changes.push(Change::Alter(Alter::ExtensionVersion {
                    name: name.clone(),
                    version: Delta::new(now.version.clone(), wanted.version.clone()),
                }));
            }
        }
        for change in changes {
            self.emit(change);
        }
    }

    /// Phase 14a: extensions no longer wanted, once nothing uses them.
    pub(super) fn drop_extensions(&mut self) {
        let gone: Vec<_> = self
            .cur
            .extensions
            .values()
            .filter(|e| !self.to.extensions.contains_key(&e.name))
            .cloned()
            .collect();
        for extension in gone {
            self.emit(Change::Drop(Object::Extension { extension }));
        }
    }
}
