//! Canonicalization: the models' schema as PostgreSQL itself spells it.
//!
//! The models are rendered to DDL, applied to a database on the dev server
//! and introspected with the same introspector as any live database, so
//! types, defaults, checks and index definitions come out in the server's
//! canonical form on both sides of a diff.
//!
//! It stays cheap on repeated runs: the dev server keeps one canonical
//! database per project, and its record (its comment, and in a project with
//! a `.petal/` directory a file there) holds the model IR it was built from
//! (`cache`). The next run diffs the new model IR against that one
//! and applies only the difference (`incremental`); unchanged models send
//! no statement at all. A cold run, a failed incremental update, or another
//! server version rebuilds it from scratch (`rebuild`, over the
//! concurrent `load`). Either way gives the same IR: the cache is an
//! optimization only.
//!
//! The SQL files beside the models (views, functions, triggers, ...) load
//! into the same database around the tables (`sql`), so PostgreSQL prints
//! their objects as it prints everything else; a change to them rebuilds.
//!
//! [`scan`] reads the model files, [`read_sql`] the SQL files. The modules:
//! `cache` keeps the bookkeeping and the lock; `incremental` and `rebuild`
//! are the warm and the cold path; `load` is the cold path's concurrent
//! loader; `sql` loads the SQL files; `ddl` is the bridge to `petal-diff`;
//! `diagnose` traces a statement PostgreSQL refused back to its model
//! attribute.

mod cache;
mod ddl;
mod diagnose;
mod incremental;
mod load;
mod model_crate;
mod payload;
mod rebuild;
mod sql;

use petal_ir::Database;
use petal_sql::SqlFiles;
use petal_syntax::{Cfg, ScannedModels, scan_dir};

use crate::error::{EngineError, Refusals};
use crate::settings::Settings;
use crate::timings;

pub(crate) use cache::wait_at_exit;
use cache::{CacheState, OpenCache};
pub use cache::{cache_db_name, settle};

/// The models in canonical form.
#[derive(Debug, Clone)]
pub struct Canonical {
    pub database: Database,
    pub server_version_num: i32,
    /// How this run came by `database`.
    pub route: Route,
    /// The canonical database, when it stays (as the cache): a database
    /// holding the models' tables, where an expression can be printed
    /// again (`respell`).
    pub copy: Option<petal_pg::ConnConfig>,
}

/// How a run came by the canonical IR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The models were as last seen: the cached IR, not a statement sent.
    Cached,
    /// The difference applied in place, the tables it touched read again.
    Updated,
    /// The canonical database built from scratch.
    Rebuilt(ColdLoad),
}

/// How a rebuild loaded the models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColdLoad {
    /// Over several sessions at once: the usual way.
    Concurrent,
    /// The concurrent load failed on something other than a statement of
    /// the models (a lost session, say): loaded again in one session.
    OneSession,
}

/// A canonical IR and how it was come by, before the run records it.
struct Built {
    database: Database,
    route: Route,
    /// The canonical database stays, as the next run's cache.
    kept: bool,
}

/// What the project declares: its models, and the SQL files beside them.
pub struct Declared {
    pub models: ScannedModels,
    pub sql: SqlFiles,
}

/// The models of the project: scanned, canonicalized, with their rename
/// hints carried onto the canonical form (the diff reads them there).
pub async fn models(settings: &Settings) -> Result<Canonical, EngineError> {
    // The scan is CPU work of our own, on a thread of its own from here
    // on: meanwhile a stopped dev cluster starts, and the cache is locked
    // and read.
    let scanning = {
        let settings = settings.clone();
        tokio::task::spawn_blocking(move || {
            let _t = timings::phase("scan the models");
            let models = scan(&settings)?;
            let sql = read_sql(&settings)?;
            Ok::<_, EngineError>(Declared { models, sql })
        })
    };
    let opening = async {
        let admin_cfg = {
            let _t = timings::phase("start the dev server");
            settings.dev_server().await?
        };
        cache::open(settings, &admin_cfg).await
    };
    // A model's error (`file:line:col`) comes first, as soon as the scan
    // ends: neither a dev server that cannot start nor another run holding
    // the cache's lock may hide it or keep it waiting.
    let mut scanning = scanning;
    tokio::pin!(opening);
    let mut opened = None;
    let declared = loop {
        tokio::select! {
            declared = &mut scanning => break declared,
            open = &mut opening, if opened.is_none() => opened = Some(open),
        }
    };
    let declared = declared.map_err(|e| EngineError::internal("scanning the models", e))??;
    let opened = match opened {
        Some(opened) => opened,
        None => opening.await,
    };
    let mut canonical = canonicalize_in(opened?, &declared).await?;
    crate::compare::carry_hints(&mut canonical.database, &declared.models.database);
    Ok(canonical)
}

/// The SQL files beside the models, read and checked (none when the
/// project names no `sql` directory). A `GRANT` or `REVOKE` needs
/// `privileges = true`: without it, privileges are not compared, and the
/// statement would be silently ignored.
pub fn read_sql(settings: &Settings) -> Result<SqlFiles, EngineError> {
    let files = match &settings.sql_dir {
        Some(dir) => {
            petal_sql::read_dir(dir).map_err(|reports| EngineError::SqlFiles(Refusals(reports)))?
        }
        None => SqlFiles::default(),
    };
    if settings.privileges {
        return Ok(files);
    }
    let refused: Vec<_> = files
        .statements
        .iter()
        .filter(|s| s.kind == petal_sql::Kind::Grant)
        .map(|s| {
            s.report(
                "petal compares privileges only when the project says so: this statement \
                 would be ignored",
            )
            .with_help("set `privileges = true` in petal.toml, or grant outside the SQL files")
        })
        .collect();
    if refused.is_empty() {
        Ok(files)
    } else {
        Err(EngineError::SqlFiles(Refusals(refused)))
    }
}

/// The models as written (not yet canonicalized), with their locations:
/// the source scanner over the configured directory.
pub fn scan(settings: &Settings) -> Result<ScannedModels, EngineError> {
    if !settings.models_dir.is_dir() {
        return Err(EngineError::Config(format!(
            "the models directory {} does not exist (set `models` in petal.toml)",
            settings.models_dir.display()
        )));
    }
    let cfg = Cfg {
        features: match &settings.features {
            Some(listed) => Some(listed.iter().cloned().collect()),
            None => model_crate::default_features(&settings.models_dir),
        },
        petal_features: model_crate::petal_features(&settings.models_dir),
        any_configuration: false,
    };
    let scanned = scan_dir(&settings.models_dir, &cfg)?;
    for path in &scanned.unread {
        petal_pg::progress::say(&format!(
            "{} is not a module of the models (no `mod` declares it): not read, as the compiler does not read it",
            path.display()
        ));
    }
    Ok(scanned)
}

/// Whether the cached `state` can be brought to `models` in place, under
/// the SQL files `sql` of fingerprint `sql_key`; otherwise the canonical
/// database is built again.
fn reusable(state: &CacheState, models: &Database, sql: &SqlFiles, sql_key: &str) -> bool {
    // A change of the SQL files rebuilds: their objects may sit on any
    // table, and unchanged files cost nothing.
    let same_sql = state.sql == sql_key;
    // A table dropped under a SQL file's trigger takes the trigger with it,
    // where a rebuild reports the trigger's table missing: with SQL files,
    // only a rebuild gives the same IR.
    let no_table_dropped = sql.is_empty()
        || state
            .models
            .tables
            .keys()
            .all(|t| models.tables.contains_key(t));
    let unchanged =
        |t: &petal_ir::QualifiedName| state.models.tables.get(t) == models.tables.get(t);
    // A partitioned table whose model changed rebuilds as well: its
    // partitions are the SQL files', which PostgreSQL may drop with it (a
    // new partition key) or change under it (an index of theirs on a
    // column that goes), past what a near read of the models' tables sees.
    let partitioned_kept = state
        .canonical
        .tables
        .values()
        .all(|t| t.partition_by.is_none() || unchanged(&t.name));
    // So does an inheritance parent whose model changed: PostgreSQL passes
    // its column changes on to its children, the SQL files'.
    let parents_kept = state
        .canonical
        .tables
        .values()
        .flat_map(|t| &t.inherits)
        .all(unchanged);
    // A sequence a SQL file gives to a model's column goes with the
    // column (PostgreSQL drops an owned sequence with its column, where a
    // rebuild reports the column missing): a changed owner table rebuilds.
    let owners_kept = sql
        .statements
        .iter()
        .filter(|s| s.kind == petal_sql::Kind::SequenceOwner)
        .filter_map(|s| s.table.as_ref())
        .all(unchanged);
    // Grants may name any object, or all of a schema's (`ON ALL TABLES IN
    // SCHEMA`): a changed model with them rebuilds, since only loading
    // them last again gives its objects theirs.
    let grants = sql
        .statements
        .iter()
        .any(|s| s.kind == petal_sql::Kind::Grant);
    same_sql
        && no_table_dropped
        && partitioned_kept
        && parents_kept
        && owners_kept
        && (!grants || state.models == *models)
}

/// `declared` in canonical form, on the project's dev server.
pub async fn canonicalize(
    settings: &Settings,
    declared: &Declared,
) -> Result<Canonical, EngineError> {
    let open = cache::open(settings, &settings.dev_server().await?).await?;
    canonicalize_in(open, declared).await
}

/// [`canonicalize`] with the cache `open`: its lock taken, its record read.
async fn canonicalize_in(open: OpenCache, declared: &Declared) -> Result<Canonical, EngineError> {
    let _t = timings::phase("canonicalize the models");
    let models = declared.models.database.clone().without_hints();
    let sql = &declared.sql;
    let is_model_index = |i: &petal_ir::QualifiedName| {
        models.tables.values().any(|t| {
            t.name.schema == i.schema
                && (t.indexes.iter().any(|x| x.name == i.name)
                    || t.primary_key.iter().any(|p| p.name == i.name)
                    || t.uniques.iter().any(|u| u.name == i.name))
        })
    };
    let on_models = sql.on_model_tables(|t| models.tables.contains_key(t), is_model_index);
    if !on_models.is_empty() {
        return Err(EngineError::SqlFiles(Refusals(on_models)));
    }
    let sql_key = sql::fingerprint(sql);
    let OpenCache {
        name,
        keeping,
        cfg,
        lock,
        version,
        previous,
        shared,
    } = open;
    let admin = lock.session();
    let previous = previous.filter(|state| reusable(state, &models, sql, &sql_key));
    let mut built = match previous {
        // Nothing changed since the last run: not a single statement.
        Some(state) if state.models == models => Built {
            database: state.canonical,
            route: Route::Cached,
            kept: true,
        },
        Some(state) => {
            cache::forget(admin, &name).await?;
            match incremental::update_in_place(&cfg, &state.models, &models).await {
                Ok(()) => {
                    let mut database = incremental::reread(&cfg, state, &models).await?;
                    sql::carry_declarations(&mut database, sql);
                    Built {
                        database,
                        route: Route::Updated,
                        kept: true,
                    }
                }
                // A difference the database refuses (a model error, a
                // database edited by hand, a table a view stands on) is
                // for the rebuild to report or mend.
                Err(_) => {
                    say_rebuilding(&models);
                    rebuild::rebuild(admin, &cfg, &models, declared, shared.as_ref()).await?
                }
            }
        }
        None => {
            say_rebuilding(&models);
            rebuild::rebuild(admin, &cfg, &models, declared, shared.as_ref()).await?
        }
    };
    // The models name no partition's copy of an index: PostgreSQL's picks
    // in the canonical database are no wish.
    built.database.clear_index_copies();
    if built.route == Route::Cached || !built.kept {
        // Ending the session would release it as well; a failure here
        // changes nothing for this run.
        let _ = lock.release().await;
    } else {
        cache::write_behind(
            lock,
            name,
            keeping,
            version,
            models,
            sql_key,
            built.database.clone(),
        );
    }
    Ok(Canonical {
        database: built.database,
        server_version_num: version,
        route: built.route,
        copy: built.kept.then_some(cfg),
    })
}

/// The cold path takes seconds on a large schema: say so before it starts.
fn say_rebuilding(models: &Database) {
    petal_pg::progress::say(&format!(
        "building the canonical copy of the models ({} tables) on the dev server",
        models.tables.len()
    ));
}
