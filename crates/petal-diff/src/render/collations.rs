//! SQL of user collations: `CREATE COLLATION` with its provider's
//! settings, as pg_dump writes it.

use petal_ir::{Collation, ObjectKey, quote_literal};

use super::{ReviewedStatement, objects};

/// `CREATE COLLATION`, and its comment as a statement of its own.
pub(super) fn create(collation: &Collation) -> (String, Vec<ReviewedStatement>) {
    let mut parts = vec![format!("provider = {}", collation.provider)];
    match (&collation.lc_collate, &collation.lc_ctype) {
        (Some(collate), Some(ctype)) if collate == ctype => {
            parts.push(format!("locale = {}", quote_literal(collate)));
        }
        (collate, ctype) => {
            if let Some(collate) = collate {
                parts.push(format!("lc_collate = {}", quote_literal(collate)));
            }
            if let Some(ctype) = ctype {
                parts.push(format!("lc_ctype = {}", quote_literal(ctype)));
            }
        }
    }
    if let Some(locale) = &collation.locale {
        parts.push(format!("locale = {}", quote_literal(locale)));
    }
    if let Some(rules) = &collation.rules {
        parts.push(format!("rules = {}", quote_literal(rules)));
    }
    if !collation.deterministic {
        parts.push("deterministic = false".to_string());
    }
    let sql = format!(
        "CREATE COLLATION {} ({});",
        collation.name.quoted(),
        parts.join(", ")
    );
    let key = ObjectKey::Collation {
        name: collation.name.clone(),
    };
    (sql, objects::comment_if_any(&key, &collation.comment))
}

pub(super) fn drop(collation: &Collation) -> String {
    format!("DROP COLLATION {};", collation.name.quoted())
}
