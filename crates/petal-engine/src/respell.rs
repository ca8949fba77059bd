//! Two schemas read on servers of different major versions, put in one
//! spelling before they are compared.
//!
//! Each major version prints a view's stored query its own way, so the same
//! view read on PostgreSQL 13 and on 18 gives two texts. Where a view's
//! texts differ and the older side is a live database, the newer side's
//! text is parsed and printed again on the older server (whose syntax the
//! newer one's printing mostly keeps to, while the reverse does not hold:
//! 13's `timezone(...)` stays a call on 18). When the reprint equals the
//! older side's text, the two views are the same and take one spelling;
//! otherwise both texts stay and the difference shows.

use petal_pg::respell_view_queries;

use crate::error::EngineError;
use crate::sources::Loaded;

/// Puts the views two sides hold in one spelling where their servers'
/// major versions differ and only the spelling does.
pub async fn spell_views_alike(from: &mut Loaded, to: &mut Loaded) -> Result<(), EngineError> {
    let (Some(from_version), Some(to_version)) = (from.server_version_num, to.server_version_num)
    else {
        return Ok(());
    };
    let (older, newer) = match (from_version / 10000).cmp(&(to_version / 10000)) {
        std::cmp::Ordering::Equal => return Ok(()),
        std::cmp::Ordering::Less => (&*from, &mut *to),
        std::cmp::Ordering::Greater => (&*to, &mut *from),
    };
    let Some(older_db) = &older.live else {
        return Ok(());
    };
    let differing: Vec<(&petal_ir::QualifiedName, &str, &str)> = newer
        .database
        .views
        .iter()
        .filter_map(|(name, view)| {
            let old = older.database.views.get(name)?;
            (old.definition != view.definition).then_some((
                name,
                view.definition.as_str(),
                old.definition.as_str(),
            ))
        })
        .collect();
    if differing.is_empty() {
        return Ok(());
    }
    let _t = crate::timings::phase("respell views across server versions");
    let queries: Vec<&str> = differing.iter().map(|(_, query, _)| *query).collect();
    let respelled = respell_view_queries(older_db, &queries).await?;
    let alike: Vec<(petal_ir::QualifiedName, String)> = differing
        .iter()
        .zip(respelled)
        .filter_map(|((name, _, old), printed)| {
            (printed.as_deref() == Some(*old)).then(|| ((*name).clone(), old.to_string()))
        })
        .collect();
    for (name, text) in alike {
        if let Some(view) = newer.database.views.get_mut(&name) {
            view.definition = text;
        }
    }
    Ok(())
}
