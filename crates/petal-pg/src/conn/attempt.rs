//! One server's connection attempts: each address its name resolves to,
//! each bounded by the connect timeout from the TCP connect to the end of
//! authentication (libpq's per-address timeout), and what each failure
//! means for the next address or server.

use std::net::IpAddr;

use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls, SimpleQueryMessage};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::connect::{Failure, redacted};
use super::{ChannelBinding, ConnConfig, Host, SslMode};
use crate::error::describe;

/// Each address of one server in turn: the client of the first that
/// accepts, else each address's failure (`None`: the server's only one),
/// ending at the first that answered with an error.
pub(super) async fn server(
    cfg: &ConnConfig,
    host: &Host,
    port: u16,
    password: Option<&str>,
    tls: Option<&MakeRustlsConnect>,
) -> Result<Client, Vec<(Option<IpAddr>, Failure)>> {
    match addresses(host, port, cfg).await {
        Ok(addresses) => each_address(cfg, host, addresses, port, password, tls).await,
        Err(failure) => Err(vec![(None, failure)]),
    }
}

/// `addresses` of `host` in turn, each with the whole connect timeout.
async fn each_address(
    cfg: &ConnConfig,
    host: &Host,
    addresses: Vec<Option<IpAddr>>,
    port: u16,
    password: Option<&str>,
    tls: Option<&MakeRustlsConnect>,
) -> Result<Client, Vec<(Option<IpAddr>, Failure)>> {
    let mut failures = Vec::new();
    let named = addresses.len() > 1;
    for address in addresses {
        let who = address.filter(|_| named);
        match attempt(cfg, host, address, port, password, tls).await {
            Ok(client) => return Ok(client),
            Err(Attempt::NextServer(reason)) => {
                failures.push((who, Failure::Unreached(reason)));
                break;
            }
            Err(Attempt::Failed(failure @ Failure::Answered(_))) => {
                failures.push((who, failure));
                break;
            }
            Err(Attempt::Failed(failure)) => failures.push((who, failure)),
        }
    }
    Err(failures)
}

/// The addresses to try for `host`: each its name resolves to (`None`
/// for a socket directory), so that each is given the connect timeout.
async fn addresses(
    host: &Host,
    port: u16,
    cfg: &ConnConfig,
) -> Result<Vec<Option<IpAddr>>, Failure> {
    let name = match host {
        Host::Unix(_) => return Ok(vec![None]),
        Host::Tcp(name) => name,
    };
    if let Ok(ip) = name.parse::<IpAddr>() {
        return Ok(vec![Some(ip)]);
    }
    let lookup = tokio::net::lookup_host((name.as_str(), port));
    let found = match tokio::time::timeout(cfg.connect_timeout, lookup).await {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => {
            return Err(Failure::Unreached(format!(
                "could not translate host name {name:?} to an address: {e}"
            )));
        }
        Err(_) => return Err(Failure::TimedOut),
    };
    let mut ips: Vec<Option<IpAddr>> = Vec::new();
    for addr in found {
        if !ips.contains(&Some(addr.ip())) {
            ips.push(Some(addr.ip()));
        }
    }
    if ips.is_empty() {
        return Err(Failure::Unreached(format!(
            "host name {name:?} has no address"
        )));
    }
    Ok(ips)
}

enum Attempt {
    Failed(Failure),
    /// Reached, but not to be used: the next server, not the next address
    /// (libpq's `try_next_host`).
    NextServer(String),
}

/// One address: the connection and, with `read_write`, the check that the
/// server takes writes, all within the connect timeout.
async fn attempt(
    cfg: &ConnConfig,
    host: &Host,
    address: Option<IpAddr>,
    port: u16,
    password: Option<&str>,
    tls: Option<&MakeRustlsConnect>,
) -> Result<Client, Attempt> {
    let pg = tokio_config(cfg, host, address, port, password);
    let handshake = async {
        let client = match tls {
            // libpq ignores sslmode on Unix sockets, which carry no TLS.
            Some(tls) if matches!(host, Host::Tcp(_)) => {
                let (client, connection) = pg
                    .connect(tls.clone())
                    .await
                    .map_err(|e| classify(&e, password))?;
                tokio::spawn(async move {
                    let _ = connection.await;
                });
                client
            }
            _ => {
                let (client, connection) = pg
                    .connect(NoTls)
                    .await
                    .map_err(|e| classify(&e, password))?;
                tokio::spawn(async move {
                    let _ = connection.await;
                });
                client
            }
        };
        if cfg.read_write && read_only(&client, password).await? {
            return Err(Attempt::NextServer(
                "the server is read-only (a standby?), and target_session_attrs=read-write \
                 asks for one that is not"
                    .to_string(),
            ));
        }
        Ok(client)
    };
    match tokio::time::timeout(cfg.connect_timeout, handshake).await {
        Ok(result) => result,
        Err(_) => Err(Attempt::Failed(Failure::TimedOut)),
    }
}

/// Whether the session is read-only, as libpq's `read-write` check asks.
async fn read_only(client: &Client, password: Option<&str>) -> Result<bool, Attempt> {
    let messages = client
        .simple_query("SHOW transaction_read_only")
        .await
        .map_err(|e| Attempt::Failed(Failure::Answered(redacted(describe(&e), password))))?;
    Ok(messages.iter().any(|message| match message {
        SimpleQueryMessage::Row(row) => row.get(0) == Some("on"),
        _ => false,
    }))
}

/// Which failure a tokio-postgres error is: a server's error ends the
/// attempt but "cannot connect now" (a server starting up, which libpq
/// skips); of the client's own errors, only a failed socket connect moves
/// on, since anything later (TLS, authentication, a broken handshake)
/// means a server answered.
fn classify(e: &tokio_postgres::Error, password: Option<&str>) -> Attempt {
    let reason = redacted(describe(e), password);
    match e.code() {
        Some(code) if *code == SqlState::CANNOT_CONNECT_NOW => Attempt::NextServer(reason),
        Some(_) => Attempt::Failed(Failure::Answered(reason)),
        None if socket_failed(e) => Attempt::Failed(Failure::Unreached(reason)),
        None => Attempt::Failed(Failure::Answered(reason)),
    }
}

/// Whether tokio-postgres failed to open the socket (its `Kind::Connect`,
/// which it does not expose but in its message). Each attempt is given one
/// numeric address and does its own read-only check, so nothing else of
/// tokio-postgres's yields that kind here; a unit test pins the wording.
fn socket_failed(e: &tokio_postgres::Error) -> bool {
    e.to_string().starts_with("error connecting to server")
}

/// tokio-postgres's config for one address of one server of `cfg`: the
/// host's name stays the name TLS verifies, the address is where to go.
fn tokio_config(
    cfg: &ConnConfig,
    host: &Host,
    address: Option<IpAddr>,
    port: u16,
    password: Option<&str>,
) -> tokio_postgres::Config {
    let mut pg = tokio_postgres::Config::new();
    match host {
        Host::Tcp(h) => pg.host(h),
        Host::Unix(dir) => pg.host_path(dir),
    };
    if let Some(address) = address {
        pg.hostaddr(address);
    }
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
    pg.ssl_mode(match (host, cfg.sslmode) {
        (Host::Unix(_), _) | (_, SslMode::Disable) => tokio_postgres::config::SslMode::Disable,
        (_, SslMode::Prefer) => tokio_postgres::config::SslMode::Prefer,
        (_, SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull) => {
            tokio_postgres::config::SslMode::Require
        }
    });
    pg
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    /// libpq gives connect_timeout to each address a name resolves to: a
    /// name on two silent addresses (listeners that accept and never
    /// answer) takes two timeouts, and each address is reported. The
    /// addresses are given, not resolved: no machine's `localhost` is
    /// sure to have two.
    #[tokio::test]
    async fn each_address_has_the_whole_timeout() {
        let first = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = first.local_addr().unwrap().port();
        let Ok(second) = tokio::net::TcpListener::bind(("127.0.0.2", port)).await else {
            eprintln!("skipped: 127.0.0.2 is not a loopback address here");
            return;
        };
        let silent = |listener: tokio::net::TcpListener| {
            tokio::spawn(async move {
                let mut held = Vec::new();
                while let Ok((socket, _)) = listener.accept().await {
                    held.push(socket);
                }
            })
        };
        let (a, b) = (silent(first), silent(second));
        let mut cfg = ConnConfig::unix("/nonexistent", port, "u", "db");
        cfg.connect_timeout = Duration::from_millis(300);
        let host = Host::Tcp("db.example".into());
        let addresses = ["127.0.0.1", "127.0.0.2"].map(|a| a.parse().ok()).to_vec();
        let started = Instant::now();
        let failures = match each_address(&cfg, &host, addresses, port, None, None).await {
            Ok(_) => panic!("a silent server accepted"),
            Err(failures) => failures,
        };
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_millis(590), "{elapsed:?}");
        assert_eq!(failures.len(), 2);
        assert!(failures.iter().all(|(_, f)| matches!(f, Failure::TimedOut)));
        a.abort();
        b.abort();
    }

    /// tokio-postgres's wording for a socket it could not open, which
    /// `socket_failed` reads: a refused port gives it.
    #[tokio::test]
    async fn a_refused_socket_reads_as_unreached() {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let mut pg = tokio_postgres::Config::new();
        pg.host("127.0.0.1").port(port).user("u");
        let err = match pg.connect(NoTls).await {
            Ok(_) => panic!("nothing listens on {port}"),
            Err(e) => e,
        };
        assert!(socket_failed(&err), "{err}");
        assert!(matches!(
            classify(&err, None),
            Attempt::Failed(Failure::Unreached(_))
        ));
    }
}
