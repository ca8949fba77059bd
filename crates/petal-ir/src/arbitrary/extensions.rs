//! Extensions among those every PostgreSQL 13+ here ships (contrib):
//! created unpinned in `public` (the desired side then holds no version:
//! the server installs what it has), dropped when nothing is of their
//! types, and the types columns and domains take from them.

use super::Rng;
use super::build::spelling;
use crate::{Database, Extension, QualifiedName, SqlType};

pub(super) const EXTENSIONS: &[&str] = &["citext", "ltree", "pg_trgm", "btree_gist", "hstore"];

/// The extensions whose type a column may be of, and that type's name.
const TYPED: &[(&str, &str)] = &[
    ("citext", "citext"),
    ("ltree", "ltree"),
    ("hstore", "hstore"),
];

/// Extension `name`'s type as `format_type` prints it, when `db` has the
/// extension.
pub(super) fn type_of(db: &Database, name: &str) -> Option<SqlType> {
    let extension = db.extensions.get(name)?;
    let (_, ty) = TYPED.iter().find(|(e, _)| *e == name)?;
    let qualified = QualifiedName::new(extension.schema.clone(), *ty);
    Some(SqlType::from_canonical(spelling(&qualified)))
}

/// Every extension type `db` has.
pub(super) fn types(db: &Database) -> Vec<SqlType> {
    TYPED.iter().filter_map(|(e, _)| type_of(db, e)).collect()
}

/// The extension whose type `ty` is (arrays included).
pub(super) fn extension_of(db: &Database, ty: &SqlType) -> Option<String> {
    let element = ty.element();
    TYPED
        .iter()
        .find(|(e, _)| type_of(db, e).as_ref() == Some(&element))
        .map(|(e, _)| e.to_string())
}

pub(super) fn add(db: &mut Database, name: &str) -> bool {
    if db.extensions.contains_key(name) || !db.schemas.contains("public") {
        return false;
    }
    db.extensions.insert(
        name.to_string(),
        Extension {
            name: name.to_string(),
            schema: "public".to_string(),
            version: None,
        },
    );
    true
}

pub(super) fn create_extension(rng: &mut Rng, db: &mut Database) -> bool {
    rng.pick(EXTENSIONS).is_some_and(|name| add(db, name))
}

/// An extension whose types nothing is of.
pub(super) fn drop_extension(rng: &mut Rng, db: &mut Database) -> bool {
    let names: Vec<String> = db.extensions.keys().cloned().collect();
    let Some(name) = rng.pick(&names).cloned() else {
        return false;
    };
    let used = db.extensions.get(&name).is_some_and(|e| {
        TYPED.iter().filter(|(ext, _)| *ext == name).any(|(_, ty)| {
            super::types::type_in_use(db, &QualifiedName::new(e.schema.clone(), *ty))
        })
    });
    !used && db.extensions.remove(&name).is_some()
}
