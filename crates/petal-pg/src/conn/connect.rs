//! Connecting: each server of the config in turn, as libpq does, each
//! bounded by the connect timeout, with the password given or the one the
//! password file holds for that server.

use tokio_postgres::{CancelToken, Client, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pgpass::PassFileRead;
use super::{ChannelBinding, ConnConfig, Host, SslMode, place, tls};
use crate::error::{PgError, describe};

/// Connects, spawning the connection task on the current tokio runtime.
/// Each server's whole handshake (TCP, TLS, authentication) is bounded by
/// the config's connect timeout, not just the TCP connect. With several
/// servers, the first that accepts (and, with `read_write`, is not
/// read-only) is kept; when none does, the message says why each failed.
pub async fn connect(cfg: &ConnConfig) -> Result<Client, PgError> {
    let tls = tls_connector(cfg)?;
    let passfile = match (&cfg.password, cfg.passfile.path()) {
        (None, Some(path)) => Some(PassFileRead::read(path)),
        _ => None,
    };
    let several = !cfg.fallback_hosts.is_empty();
    let mut failures = Vec::new();
    for (host, port) in cfg.hosts() {
        let from_file = passfile
            .as_ref()
            .and_then(|file| file.lookup(host, port, &cfg.dbname, &cfg.user));
        let password = cfg.password.as_deref().or(from_file.as_deref());
        let failure = match attempt(cfg, host, port, password, tls.clone()).await {
            Ok(client) => return Ok(client),
            Err(failure) => failure,
        };
        let failure = match failure {
            // tokio-postgres's words for a server `SHOW transaction_read_only`
            // says is read-only.
            Failure::Refused(reason)
                if cfg.read_write && reason.contains("does not allow writes") =>
            {
                Failure::Refused(
                    "the server is read-only (a standby?), and target_session_attrs=read-write \
                     asks for one that is not"
                        .to_string(),
                )
            }
            Failure::Refused(reason) => {
                Failure::Refused(explained(reason, password, from_file.is_some(), &passfile))
            }
            timeout => timeout,
        };
        if !several {
            return Err(match failure {
                Failure::TimedOut => PgError::ConnectTimeout {
                    target: cfg.target(),
                    timeout: cfg.connect_timeout,
                },
                Failure::Refused(reason) => PgError::Connect {
                    target: cfg.target(),
                    reason,
                },
            });
        }
        failures.push(match failure {
            Failure::TimedOut => format!(
                "{}: no answer within {:.1} s (connect_timeout)",
                place(host, port),
                cfg.connect_timeout.as_secs_f64()
            ),
            Failure::Refused(reason) => format!("{}: {reason}", place(host, port)),
        });
    }
    Err(PgError::Connect {
        target: cfg.target(),
        reason: failures.join("; "),
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

enum Failure {
    TimedOut,
    Refused(String),
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

async fn attempt(
    cfg: &ConnConfig,
    host: &Host,
    port: u16,
    password: Option<&str>,
    tls: Option<MakeRustlsConnect>,
) -> Result<Client, Failure> {
    let pg = tokio_config(cfg, host, port, password);
    let handshake = async {
        let refused = |e: tokio_postgres::Error| Failure::Refused(redacted(describe(&e), password));
        match tls {
            // libpq ignores sslmode on Unix sockets, which carry no TLS.
            Some(tls) if matches!(host, Host::Tcp(_)) => {
                let (client, connection) = pg.connect(tls).await.map_err(refused)?;
                tokio::spawn(async move {
                    let _ = connection.await;
                });
                Ok(client)
            }
            _ => {
                let (client, connection) = pg.connect(NoTls).await.map_err(refused)?;
                tokio::spawn(async move {
                    let _ = connection.await;
                });
                Ok(client)
            }
        }
    };
    match tokio::time::timeout(cfg.connect_timeout, handshake).await {
        Ok(result) => result,
        Err(_) => Err(Failure::TimedOut),
    }
}

/// tokio-postgres's config for one server of `cfg`.
fn tokio_config(
    cfg: &ConnConfig,
    host: &Host,
    port: u16,
    password: Option<&str>,
) -> tokio_postgres::Config {
    let mut pg = tokio_postgres::Config::new();
    match host {
        Host::Tcp(h) => pg.host(h),
        Host::Unix(dir) => pg.host_path(dir),
    };
    pg.port(port)
        .user(&cfg.user)
        .dbname(&cfg.dbname)
        .connect_timeout(cfg.connect_timeout);
    if let Some(pw) = password {
        pg.password(pw);
    }
    // petal's sessions say whose they are in pg_stat_activity (a lock
    // holder, a statement left running), unless the URL names another.
    pg.application_name(cfg.application_name.as_deref().unwrap_or("petal"));
    if let Some(options) = &cfg.options {
        pg.options(options);
    }
    pg.channel_binding(match cfg.channel_binding {
        ChannelBinding::Disable => tokio_postgres::config::ChannelBinding::Disable,
        ChannelBinding::Prefer => tokio_postgres::config::ChannelBinding::Prefer,
        ChannelBinding::Require => tokio_postgres::config::ChannelBinding::Require,
    });
    if cfg.read_write {
        // tokio-postgres asks `SHOW transaction_read_only` and fails on
        // `on`: the next server is then tried.
        pg.target_session_attrs(tokio_postgres::config::TargetSessionAttrs::ReadWrite);
    }
    pg.ssl_mode(match (host, cfg.sslmode) {
        (Host::Unix(_), _) | (_, SslMode::Disable) => tokio_postgres::config::SslMode::Disable,
        (_, SslMode::Prefer) => tokio_postgres::config::SslMode::Prefer,
        (_, SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull) => {
            tokio_postgres::config::SslMode::Require
        }
    });
    pg
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
fn redacted(reason: String, password: Option<&str>) -> String {
    match password.filter(|pw| !pw.is_empty()) {
        Some(pw) => reason.replace(pw, "***"),
        None => reason,
    }
}
