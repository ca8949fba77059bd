//! Connecting as libpq does: each server of the config in turn, and each
//! address a server's name resolves to, each address given the whole
//! connect timeout (TCP, TLS, authentication), with the password given or
//! the one the password file holds for that server. The next address or
//! server is tried only when one cannot be reached (or times out), when a
//! server is starting up (`57P03`), or when `read_write` finds it
//! read-only; a server that answers with an error (a failed
//! authentication, a database that does not exist, a TLS handshake that
//! fails) ends the attempt, as libpq's "the remaining hosts are not tried".

use tokio_postgres::{CancelToken, Client, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::attempt::server;
use super::pgpass::PassFileRead;
use super::{ConnConfig, Host, SslMode, place, tls};
use crate::error::{PgError, describe};

/// Connects, spawning the connection task on the current tokio runtime.
/// With several servers, the first that accepts (and, with `read_write`,
/// is not read-only) is kept; when none does, the message says why each
/// failed.
pub async fn connect(cfg: &ConnConfig) -> Result<Client, PgError> {
    let tls = tls_connector(cfg)?;
    let passfile = match (&cfg.password, cfg.passfile.path()) {
        (None, Some(path)) => Some(PassFileRead::read(path)),
        _ => None,
    };
    let mut unreached = Vec::new();
    for (index, (host, port)) in cfg.hosts().enumerate() {
        let from_file = passfile
            .as_ref()
            .and_then(|file| file.lookup(host, port, &cfg.dbname, &cfg.user));
        let password = cfg.password.as_deref().or(from_file.as_deref());
        let tls = tls.as_ref();
        let failures = match server(cfg, host, port, password, tls).await {
            Ok(client) => return Ok(client),
            Err(failures) => failures,
        };
        for (who, failure) in failures {
            let shown = match &who {
                Some(address) => format!("{} ({address})", place(host, port)),
                None => place(host, port),
            };
            match failure {
                Failure::Answered(reason) => {
                    let reason = explained(reason, password, from_file.is_some(), &passfile);
                    let later = index < cfg.fallback_hosts.len();
                    return Err(answered(cfg, unreached, shown, reason, later));
                }
                Failure::TimedOut => unreached.push((shown, None)),
                Failure::Unreached(reason) => unreached.push((shown, Some(reason))),
            }
        }
    }
    Err(none_reached(cfg, unreached))
}

/// A server answered with an error: that error, after why the addresses
/// before it could not be reached, and whether servers after it were left.
fn answered(
    cfg: &ConnConfig,
    unreached: Vec<(String, Option<String>)>,
    shown: String,
    reason: String,
    later: bool,
) -> PgError {
    if !later && unreached.is_empty() {
        return PgError::Connect {
            target: cfg.target(),
            reason,
        };
    }
    let mut reasons: Vec<String> = unreached
        .into_iter()
        .map(|(who, why)| format!("{who}: {}", why_unreached(cfg, why)))
        .collect();
    reasons.push(if later {
        format!("{shown}: {reason} (it answered, so no later server was tried, as libpq does)")
    } else {
        format!("{shown}: {reason}")
    });
    PgError::Connect {
        target: cfg.target(),
        reason: reasons.join("; "),
    }
}

/// No server could be reached: a timeout when each address timed out on
/// the one server, else each address's reason.
fn none_reached(cfg: &ConnConfig, unreached: Vec<(String, Option<String>)>) -> PgError {
    let several = !cfg.fallback_hosts.is_empty();
    if !several && unreached.iter().all(|(_, why)| why.is_none()) {
        return PgError::ConnectTimeout {
            target: cfg.target(),
            timeout: cfg.connect_timeout,
        };
    }
    let reason = match unreached.as_slice() {
        [(_, Some(why))] if !several => why.clone(),
        _ => unreached
            .into_iter()
            .map(|(who, why)| format!("{who}: {}", why_unreached(cfg, why)))
            .collect::<Vec<_>>()
            .join("; "),
    };
    PgError::Connect {
        target: cfg.target(),
        reason,
    }
}

fn why_unreached(cfg: &ConnConfig, why: Option<String>) -> String {
    why.unwrap_or_else(|| {
        format!(
            "no answer within {:.1} s (connect_timeout)",
            cfg.connect_timeout.as_secs_f64()
        )
    })
}

/// Asks the server to cancel the statement `token`'s session is running
/// (a cancel request on a connection of its own, TLS as `cfg` says). The
/// statement then fails with `query_canceled` and its transaction rolls
/// back; a statement that finished meanwhile is not affected.
pub async fn cancel(cfg: &ConnConfig, token: &CancelToken) -> Result<(), PgError> {
    // The token knows which server the session is on, and whether it used
    // TLS there: a connector given for a socket is not used.
    let sent = match tls_connector(cfg)? {
        Some(tls) => token.cancel_query(tls).await,
        None => token.cancel_query(NoTls).await,
    };
    sent.map_err(|e| PgError::Connect {
        target: cfg.target(),
        reason: redacted(describe(&e), cfg.password.as_deref()),
    })
}

/// Why one address was not kept.
pub(super) enum Failure {
    /// No connection within the connect timeout: the next address.
    TimedOut,
    /// No connection (refused, unreachable, a name that does not resolve),
    /// a server starting up, or a read-only one under `read_write`: the
    /// next address or server.
    Unreached(String),
    /// The server answered with an error: the end of the attempt.
    Answered(String),
}

/// The rustls connector, when some server of `cfg` may speak TLS.
fn tls_connector(cfg: &ConnConfig) -> Result<Option<MakeRustlsConnect>, PgError> {
    let tcp = cfg.hosts().any(|(host, _)| matches!(host, Host::Tcp(_)));
    if tcp && cfg.sslmode != SslMode::Disable {
        tls::make_connector(cfg).map(Some)
    } else {
        Ok(None)
    }
}

/// A failure's reason, with what the password file has to do with it when
/// the failure is about a password: where the password came from, or why
/// the file was not used.
fn explained(
    reason: String,
    password: Option<&str>,
    from_file: bool,
    passfile: &Option<PassFileRead>,
) -> String {
    let Some(file) = passfile.as_ref().filter(|_| reason.contains("password")) else {
        return reason;
    };
    if from_file {
        return format!(
            "{reason} (the password was the one {} holds for this server)",
            file.path().display()
        );
    }
    match (password, file.note()) {
        (None, Some(note)) => format!("{reason}; {note}"),
        _ => reason,
    }
}

/// Belt and braces: no known server message echoes the password, but a
/// proxy's might.
pub(super) fn redacted(reason: String, password: Option<&str>) -> String {
    match password.filter(|pw| !pw.is_empty()) {
        Some(pw) => reason.replace(pw, "***"),
        None => reason,
    }
}
