//! Placeholder roles on the dev server. Roles are the cluster's: to load
//! the SQL files' policies and grants, and to replay the migrations, the
//! dev server needs the roles they name, and petal creates those it lacks
//! as `NOLOGIN` placeholders, marked as such (`COMMENT ON ROLE`).
//!
//! The embedded dev cluster is petal's own and keeps them. On a shared one
//! (a `dev_url`) a run leaves none behind: every marked role it names is
//! the run's to drop when it ends ([`release`]), and a canonical database
//! naming one is not kept as the cache ([`any_temporary`]), or the role
//! could never go. Runs of several processes take turns through an
//! advisory lock: each holds it shared while it uses placeholders, and one
//! drops them only when it gets the lock alone, so no run drops a role
//! another is loading statements with.

use std::collections::BTreeSet;
use std::sync::Mutex;

use petal_ir::quote_ident;
use petal_pg::ConnConfig;
use petal_pg::error::ServerError;
use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

/// What marks a placeholder: a role a person made is never dropped.
const MARK: &str = "petal placeholder: made to load SQL files and migrations, dropped after";

/// The advisory lock runs take shared while they use placeholders.
fn lock_key() -> i64 {
    petal_pg::lock::key_from_name("petal placeholder roles")
}

/// The marked roles this process named on shared dev servers, by server.
static NAMED: Mutex<Vec<(ConnConfig, String)>> = Mutex::new(Vec::new());

/// The sessions holding the shared lock, one per shared dev server.
static HOLDING: tokio::sync::Mutex<Vec<(ConnConfig, Client)>> =
    tokio::sync::Mutex::const_new(Vec::new());

/// One creation at a time in this process, so a run that finds a role
/// present finds it marked if this process made it.
static CREATING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn named() -> std::sync::MutexGuard<'static, Vec<(ConnConfig, String)>> {
    NAMED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Creates each of `roles` that `admin`'s cluster (the dev server) lacks,
/// as a marked `NOLOGIN` placeholder. On a `shared` server (its connection
/// settings then), the run holds the placeholders' lock from here on, and
/// every marked role of `roles` is registered for [`release`]. Returns the
/// roles it could not create, with why (the dev user lacks `CREATEROLE`,
/// say). Another run creating the same role at the same time is no failure.
pub(crate) async fn create(
    admin: &Client,
    roles: &BTreeSet<String>,
    shared: Option<&ConnConfig>,
) -> Result<Vec<(String, ServerError)>, tokio_postgres::Error> {
    let mut refused = Vec::new();
    if roles.is_empty() {
        return Ok(refused);
    }
    if let Some(server) = shared {
        hold(server).await?;
    }
    let _one_at_a_time = CREATING.lock().await;
    let wanted: Vec<&str> = roles.iter().map(String::as_str).collect();
    // Only the missing ones: a dev user without `CREATEROLE` is refused
    // even a role that exists.
    let rows = admin
        .query(
            "SELECT rolname::text FROM pg_roles WHERE rolname = ANY ($1::text[])",
            &[&wanted],
        )
        .await?;
    let present: BTreeSet<String> = rows.iter().map(|r| r.get(0)).collect();
    for role in roles.iter().filter(|r| !present.contains(*r)) {
        let sql = format!("CREATE ROLE {} NOLOGIN", quote_ident(role));
        match admin.batch_execute(&sql).await {
            Ok(()) => {
                // Unmarked, a placeholder would stay: a failure to mark it
                // is said when it is found left.
                let mark = format!("COMMENT ON ROLE {} IS '{MARK}'", quote_ident(role));
                let _ = admin.batch_execute(&mark).await;
            }
            Err(e) if e.code() == Some(&SqlState::DUPLICATE_OBJECT) => {}
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {}
            Err(e) if e.as_db_error().is_none() => return Err(e),
            Err(e) => refused.push((role.clone(), ServerError::of(&e))),
        }
    }
    let Some(server) = shared else {
        return Ok(refused);
    };
    let rows = admin
        .query(
            "SELECT rolname::text FROM pg_roles \
             WHERE rolname = ANY ($1::text[]) AND shobj_description(oid, 'pg_authid') = $2",
            &[&wanted, &MARK],
        )
        .await?;
    let mut named = named();
    for row in rows {
        let role: String = row.get(0);
        if !named.iter().any(|(s, r)| s == server && *r == role) {
            named.push((server.clone(), role));
        }
    }
    Ok(refused)
}

/// Takes the placeholders' lock shared on `server`, once per process.
async fn hold(server: &ConnConfig) -> Result<(), tokio_postgres::Error> {
    let mut holding = HOLDING.lock().await;
    if holding.iter().any(|(s, _)| s == server) {
        return Ok(());
    }
    let Ok(client) = petal_pg::connect(server).await else {
        // The caller's own session to the server is up: a second one
        // failing leaves the run unguarded, not broken.
        return Ok(());
    };
    client
        .execute("SELECT pg_advisory_lock_shared($1)", &[&lock_key()])
        .await?;
    holding.push((server.clone(), client));
    Ok(())
}

/// Whether any of `roles` is a placeholder this run named on a shared dev
/// server: a database naming one is not kept past the run.
pub(crate) fn any_temporary(roles: &BTreeSet<String>) -> bool {
    named().iter().any(|(_, role)| roles.contains(role))
}

/// Ends the run's use of placeholders on shared dev servers: the lock is
/// released, and when no other run holds it, the marked roles this run
/// named are dropped (another run still using them drops them when it
/// ends). A role a database still uses (an older copy granting to it,
/// say) is left, and said.
pub(crate) async fn release() {
    let held = std::mem::take(&mut *HOLDING.lock().await);
    for (_, client) in &held {
        let _ = client
            .execute("SELECT pg_advisory_unlock_shared($1)", &[&lock_key()])
            .await;
    }
    drop(held);
    let named = std::mem::take(&mut *named());
    let mut servers: Vec<&ConnConfig> = Vec::new();
    for (server, _) in &named {
        if !servers.contains(&server) {
            servers.push(server);
        }
    }
    for server in servers {
        let roles: Vec<&str> = named
            .iter()
            .filter(|(s, _)| s == server)
            .map(|(_, r)| r.as_str())
            .collect();
        drop_alone(server, &roles).await;
    }
}

/// How long a run ending waits for the other runs using placeholders on
/// its dev server to end.
const WAIT_ALONE: &str = "60s";

/// Drops the marked `roles` on `server` once this run holds the lock alone
/// (waiting for the runs using placeholders there to end), and with them
/// any marked role that an earlier run could not drop and nothing uses.
async fn drop_alone(server: &ConnConfig, roles: &[&str]) {
    let client = match petal_pg::connect(server).await {
        Ok(client) => client,
        Err(e) => return roles.iter().for_each(|r| say_left(r, &e.to_string())),
    };
    let key = lock_key();
    let locked = match client
        .batch_execute(&format!("SET lock_timeout = '{WAIT_ALONE}'"))
        .await
    {
        Ok(()) => client
            .execute("SELECT pg_advisory_lock($1)", &[&key])
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    if let Err(e) = locked {
        let why = format!("other petal runs used placeholders there for {WAIT_ALONE} ({e})");
        return roles.iter().for_each(|r| say_left(r, &why));
    }
    let marked: Vec<String> = client
        .query(
            "SELECT rolname::text FROM pg_roles WHERE shobj_description(oid, 'pg_authid') = $1",
            &[&MARK],
        )
        .await
        .map(|rows| rows.iter().map(|r| r.get(0)).collect())
        .unwrap_or_default();
    for role in &marked {
        let sql = format!("DROP ROLE {}", quote_ident(role));
        let Err(e) = client.batch_execute(&sql).await else {
            continue;
        };
        // An earlier run's leftover still in use is not this run's to say.
        if !roles.contains(&role.as_str()) {
            continue;
        }
        let error = ServerError::of(&e);
        let why = match &error.detail {
            // Which objects, in which database.
            Some(detail) => format!("{} ({})", error.message, detail.replace('\n', "; ")),
            None => error.message,
        };
        say_left(role, &why);
    }
    let _ = client
        .execute("SELECT pg_advisory_unlock($1)", &[&key])
        .await;
}

fn say_left(role: &str, why: &str) {
    petal_pg::progress::say(&format!(
        "the placeholder role {} that petal made on the dev server is left there: {why}",
        quote_ident(role)
    ));
}
