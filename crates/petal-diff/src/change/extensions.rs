//! What creating, dropping and updating an extension means.

use petal_ir::Extension;

use crate::classify::{Review, Safety};

pub(super) fn create(extension: &Extension) -> Review {
    let version = extension
        .version
        .as_deref()
        .map(|v| format!(" version {v}"))
        .unwrap_or_default();
    Review::safe(format!(
        "create extension {} in schema {}{version}",
        extension.name, extension.schema
    ))
}

pub(super) fn drop(extension: &Extension) -> Review {
    Review::new(
        format!("drop extension {} and what it created", extension.name),
        Safety::Destructive,
    )
    .note("fails while a column, index or other object still uses one of its types or functions")
}

pub(super) fn update(name: &str, from: Option<&str>, to: Option<&str>) -> Review {
    let (from, to) = (from.unwrap_or("default"), to.unwrap_or("default"));
    Review::new(
        format!("update extension {name} from version {from} to {to}"),
        Safety::Locks,
    )
    .note(format!(
        "fails unless the server has an update script from {from} to {to} (going back \
         needs a downgrade script, which many extensions lack)"
    ))
}

pub(super) fn move_schema(name: &str, from: &str, to: &str) -> Review {
    Review::safe(format!("move extension {name} from schema {from} to {to}"))
        .note("fails unless the extension is relocatable")
}
