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

use petal_ir::{Database, QualifiedName};
use petal_pg::{ConnConfig, ExpressionOf, respell_expressions, respell_view_queries};

use crate::error::EngineError;
use crate::sources::Loaded;

/// Puts two loaded schemas in one spelling where only PostgreSQL's
/// printing differs: views across major versions, and checks, index
/// predicates and domain checks on the live side's server, or else on the
/// models' canonical database (between the migrations and the models).
pub async fn spell_alike(from: &mut Loaded, to: &mut Loaded) -> Result<(), EngineError> {
    spell_views_alike(from, to).await?;
    let server = [&from.live, &to.live, &to.copy, &from.copy]
        .into_iter()
        .find_map(Clone::clone);
    if let Some(server) = server {
        spell_expressions_alike(&from.database, &mut to.database, &server).await?;
    }
    Ok(())
}

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

/// Where an expression both sides print differently stands.
enum Place {
    /// A table's check, by its name.
    Check { table: QualifiedName, name: String },
    /// A table's index's predicate, by the index's name.
    Predicate { table: QualifiedName, index: String },
    /// A domain's check, by its name, and the domain's base type.
    DomainCheck {
        domain: QualifiedName,
        base_type: String,
        name: String,
    },
}

/// An expression the two sides print differently.
struct Differing {
    place: Place,
    wanted: String,
    present: String,
}

/// Puts the checks, index predicates and domain checks `to` holds in
/// `from`'s spelling where the two print differently but are one
/// expression: each printed again on the database at `live` (the live
/// one, or the models' canonical copy: either holds the tables), where
/// the two reprints agree. PostgreSQL does not always print back what it
/// printed (a check `IN (...)` over a `varchar` column reads back as
/// another tree), so a database that took the models' (or another
/// database's) printed check holds a different text, and without this
/// every later comparison would show it. Where a reprint fails (the table
/// is not there yet, or another run of the project changes the canonical
/// copy meanwhile), both texts stay and the difference shows.
pub async fn spell_expressions_alike(
    from: &Database,
    to: &mut Database,
    live: &ConnConfig,
) -> Result<(), EngineError> {
    let differing = differing_expressions(from, to);
    if differing.is_empty() {
        return Ok(());
    }
    let _t = crate::timings::phase("respell checks, index predicates and domain checks");
    fn of(place: &Place) -> ExpressionOf<'_> {
        match place {
            Place::Check { table, .. } | Place::Predicate { table, .. } => {
                ExpressionOf::Table(table)
            }
            Place::DomainCheck { base_type, .. } => ExpressionOf::Domain(base_type),
        }
    }
    let texts: Vec<(ExpressionOf<'_>, &str)> = differing
        .iter()
        .flat_map(|d| {
            [
                (of(&d.place), d.wanted.as_str()),
                (of(&d.place), d.present.as_str()),
            ]
        })
        .collect();
    // Respelling only tidies texts: where the server cannot help (gone, or
    // a table locked past the timeout), both texts stay and the difference
    // shows, as without it.
    let Ok(printed) = respell_expressions(live, &texts).await else {
        return Ok(());
    };
    for (d, pair) in differing.iter().zip(printed.chunks(2)) {
        if let [Some(wanted), Some(present)] = pair
            && wanted == present
        {
            take_present(to, d);
        }
    }
    Ok(())
}

/// `to` given `d`'s present text.
fn take_present(to: &mut Database, d: &Differing) {
    let text = d.present.clone();
    match &d.place {
        Place::Check { table, name } => {
            let checks = to.tables.get_mut(table).map(|t| &mut t.checks);
            if let Some(c) = checks.into_iter().flatten().find(|c| c.name == *name) {
                c.expr = text;
            }
        }
        Place::Predicate { table, index } => {
            let indexes = to.tables.get_mut(table).map(|t| &mut t.indexes);
            if let Some(i) = indexes.into_iter().flatten().find(|i| i.name == *index) {
                i.predicate = Some(text);
            }
        }
        Place::DomainCheck { domain, name, .. } => {
            let checks = to.domains.get_mut(domain).map(|d| &mut d.checks);
            if let Some(c) = checks.into_iter().flatten().find(|c| c.name == *name) {
                c.expr = text;
            }
        }
    }
}

/// The checks, index predicates and domain checks on both sides whose
/// texts differ under one name.
fn differing_expressions(from: &Database, to: &Database) -> Vec<Differing> {
    let mut out = Vec::new();
    let checks = |place: &dyn Fn(&str) -> Place,
                  wanted: &[petal_ir::Check],
                  present: &[petal_ir::Check],
                  out: &mut Vec<Differing>| {
        for c in wanted {
            if let Some(p) = present.iter().find(|p| p.name == c.name)
                && p.expr != c.expr
            {
                out.push(Differing {
                    place: place(&c.name),
                    wanted: c.expr.clone(),
                    present: p.expr.clone(),
                });
            }
        }
    };
    for (name, wanted) in &to.tables {
        let Some(present) = from.tables.get(name) else {
            continue;
        };
        let place = |check: &str| Place::Check {
            table: name.clone(),
            name: check.to_string(),
        };
        checks(&place, &wanted.checks, &present.checks, &mut out);
        for i in &wanted.indexes {
            let p = present.indexes.iter().find(|p| p.name == i.name);
            if let (Some(w), Some(pp)) = (&i.predicate, p.and_then(|p| p.predicate.as_ref()))
                && w != pp
            {
                out.push(Differing {
                    place: Place::Predicate {
                        table: name.clone(),
                        index: i.name.clone(),
                    },
                    wanted: w.clone(),
                    present: pp.clone(),
                });
            }
        }
    }
    for (name, wanted) in &to.domains {
        // Reprinted over one base type: a domain whose type changes is
        // recreated anyway.
        let Some(present) = from
            .domains
            .get(name)
            .filter(|p| p.base_type == wanted.base_type)
        else {
            continue;
        };
        let place = |check: &str| Place::DomainCheck {
            domain: name.clone(),
            base_type: wanted.base_type.to_string(),
            name: check.to_string(),
        };
        checks(&place, &wanted.checks, &present.checks, &mut out);
    }
    out
}
