//! The parameters a connection string gives, then libpq's precedence: what
//! the string says, else the `PG*` variable, else the built-in default.
//! Error messages name keys and variables, and a value only when it reads
//! as one (a word, a number): a connection string may hold a password, and
//! a misplaced one can stand where a key, a port or a value is expected.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::env::{Env, VARIABLES};
use super::{
    ChannelBinding, ConnConfig, DEFAULT_CONNECT_TIMEOUT, Host, PassFile, RootCerts, SslMode,
};
use crate::error::PgError;

pub(super) const DEFAULT_PORT: u16 = 5432;

/// `connect_timeout=0` (or less): libpq waits forever; a year is forever
/// enough and keeps tokio's deadline arithmetic finite.
pub(super) const FOREVER: Duration = Duration::from_secs(365 * 24 * 3600);

/// The parameters as given: `None` is unset (the environment may fill it).
#[derive(Default)]
pub(super) struct Builder {
    /// Each host of `host=a,b` (an empty one: the default host).
    hosts: Option<Vec<String>>,
    /// `hostaddr=ip,...`: stands in for the hosts when none is named.
    hostaddrs: Option<Vec<String>>,
    /// One port for every host, or one per host (`None`: the default).
    ports: Option<Vec<Option<u16>>>,
    user: Option<String>,
    pub(super) password: Option<String>,
    dbname: Option<String>,
    sslmode: Option<SslMode>,
    sslrootcert: Option<String>,
    sslcert: Option<PathBuf>,
    sslkey: Option<PathBuf>,
    passfile: Option<PathBuf>,
    connect_timeout: Option<Duration>,
    application_name: Option<String>,
    options: Option<String>,
    channel_binding: Option<ChannelBinding>,
    read_write: Option<bool>,
}

impl Builder {
    /// A URL's hosts, each with the port written after it, if any.
    pub(super) fn set_url_hosts(&mut self, hosts: Vec<(String, Option<u16>)>) {
        if hosts.iter().any(|(_, port)| port.is_some()) {
            self.ports = Some(hosts.iter().map(|(_, port)| *port).collect());
        }
        if hosts.iter().any(|(host, _)| !host.is_empty()) {
            self.hosts = Some(hosts.into_iter().map(|(host, _)| host).collect());
        }
    }

    pub(super) fn set_user(&mut self, user: String) {
        self.user = Some(user).filter(|u| !u.is_empty());
    }

    pub(super) fn set_dbname(&mut self, dbname: String) {
        self.dbname = Some(dbname).filter(|d| !d.is_empty());
    }

    pub(super) fn set(&mut self, key: &str, value: String) -> Result<(), PgError> {
        match key {
            "host" if value.is_empty() => self.hosts = None,
            "host" => self.hosts = Some(value.split(',').map(str::to_owned).collect()),
            "hostaddr" if value.is_empty() => self.hostaddrs = None,
            "hostaddr" => {
                self.hostaddrs = Some(value.split(',').map(str::to_owned).collect());
            }
            "port" => {
                let ports = value.split(',').map(|p| match p {
                    "" => Ok(None),
                    p => parse_port(p).map(Some),
                });
                self.ports = Some(ports.collect::<Result<_, _>>()?);
            }
            "user" => self.set_user(value),
            "password" => self.password = Some(value),
            "dbname" => self.set_dbname(value),
            "sslmode" => {
                let mode = value.parse().map_err(|e| match e {
                    PgError::InvalidConfig(_) if shown_value(&value).is_none() => {
                        PgError::InvalidConfig(
                            "unknown sslmode; expected disable, prefer, require, verify-ca or \
                             verify-full"
                                .into(),
                        )
                    }
                    e => e,
                })?;
                self.sslmode = Some(mode);
            }
            "sslrootcert" => self.sslrootcert = Some(value),
            "sslcert" => self.sslcert = Some(PathBuf::from(value)),
            "sslkey" => self.sslkey = Some(PathBuf::from(value)),
            "passfile" => self.passfile = Some(PathBuf::from(value)),
            "connect_timeout" => self.connect_timeout = Some(parse_timeout(&value)?),
            "application_name" => self.application_name = Some(value),
            "options" => self.options = Some(value),
            "channel_binding" => self.channel_binding = Some(parse_channel_binding(&value)?),
            "target_session_attrs" => match value.as_str() {
                "any" => self.read_write = Some(false),
                "read-write" => self.read_write = Some(true),
                other => {
                    return Err(PgError::InvalidConfig(format!(
                        "target_session_attrs{} is not supported; use any or read-write",
                        shown_value(other)
                            .map(|v| format!("={}", v.trim()))
                            .unwrap_or_default()
                    )));
                }
            },
            // petal never uses GSSAPI encryption, which is what these ask
            // for when they are not `require`.
            "gssencmode" if value != "require" => {}
            // tokio-postgres keeps its own TCP keepalives on.
            "keepalives" | "keepalives_idle" | "keepalives_interval" | "keepalives_count" => {}
            other => {
                return Err(PgError::InvalidConfig(format!(
                    "unsupported parameter {}; petal understands host, hostaddr, port, \
                     user, password, passfile, dbname, sslmode, sslrootcert, sslcert, sslkey, \
                     connect_timeout, application_name, options, channel_binding, \
                     target_session_attrs, gssencmode (not require) and keepalives*",
                    shown_key(other)
                )));
            }
        }
        Ok(())
    }

    /// Whether the string gave `key` (a `VARIABLES` parameter).
    fn is_set(&self, key: &str) -> bool {
        match key {
            "host" => self.hosts.is_some(),
            "hostaddr" => self.hostaddrs.is_some(),
            "port" => self.ports.is_some(),
            "user" => self.user.is_some(),
            "password" => self.password.is_some(),
            "dbname" => self.dbname.is_some(),
            "sslmode" => self.sslmode.is_some(),
            "sslrootcert" => self.sslrootcert.is_some(),
            "sslcert" => self.sslcert.is_some(),
            "sslkey" => self.sslkey.is_some(),
            "passfile" => self.passfile.is_some(),
            "connect_timeout" => self.connect_timeout.is_some(),
            "application_name" => self.application_name.is_some(),
            "options" => self.options.is_some(),
            "channel_binding" => self.channel_binding.is_some(),
            "target_session_attrs" => self.read_write.is_some(),
            _ => true,
        }
    }

    /// Fills what the string left unset from the `PG*` variables.
    fn apply_env(&mut self, env: &Env) -> Result<(), PgError> {
        for (var, key) in VARIABLES {
            if self.is_set(key) {
                continue;
            }
            if let Some(value) = env.var(var) {
                self.set(key, value.to_string()).map_err(|e| match e {
                    PgError::InvalidConfig(why) => PgError::InvalidConfig(format!("{var}: {why}")),
                    e => e,
                })?;
            }
        }
        Ok(())
    }

    pub(super) fn finish(mut self, env: &Env) -> Result<ConnConfig, PgError> {
        self.apply_env(env)?;
        let hosts = match (self.hosts.take(), self.hostaddrs.take()) {
            (Some(_), Some(_)) => return Err(host_and_hostaddr(env)),
            (Some(hosts), None) => hosts,
            (None, Some(addrs)) => numeric(addrs)?,
            (None, None) => vec![String::new()],
        };
        let ports = self.ports.take().unwrap_or_else(|| vec![None]);
        if ports.len() != 1 && ports.len() != hosts.len() {
            return Err(PgError::InvalidConfig(format!(
                "{} ports for {} hosts: give one port for all or one per host",
                ports.len(),
                hosts.len()
            )));
        }
        let mut servers = hosts.iter().enumerate().map(|(i, host)| {
            let port = ports[if ports.len() == 1 { 0 } else { i }].unwrap_or(DEFAULT_PORT);
            let host = match host.as_str() {
                "" => default_host(port),
                h if h.starts_with('/') => Host::Unix(PathBuf::from(h)),
                h => Host::Tcp(h.to_string()),
            };
            (host, port)
        });
        let (host, port) = servers
            .next()
            .unwrap_or_else(|| (default_host(DEFAULT_PORT), DEFAULT_PORT));
        let fallback_hosts = servers.collect();
        let user = self.user.take().unwrap_or_else(|| env.default_user());
        let dbname = self.dbname.take().unwrap_or_else(|| user.clone());
        let in_home = |name: &str| {
            env.home()
                .map(|home| home.join(".postgresql").join(name))
                .filter(|path| path.is_file())
        };
        let (sslmode, sslrootcert) = self.tls_roots(in_home("root.crt"))?;
        Ok(ConnConfig {
            host,
            port,
            fallback_hosts,
            user,
            // libpq treats an empty password as none: .pgpass is consulted.
            password: self.password.filter(|p| !p.is_empty()),
            dbname,
            sslmode,
            sslrootcert,
            // libpq's defaults, used when present.
            // An empty path is unset, as in libpq: the default.
            sslcert: unless_empty(self.sslcert).or_else(|| in_home("postgresql.crt")),
            sslkey: unless_empty(self.sslkey).or_else(|| in_home("postgresql.key")),
            passfile: match (unless_empty(self.passfile), env.home()) {
                (Some(given), _) => PassFile::Given(given),
                (None, Some(home)) => PassFile::Home(home.join(".pgpass")),
                (None, None) => PassFile::None,
            },
            connect_timeout: self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            // Empty is unset, as libpq has it (and as a URL writes unset).
            application_name: self.application_name.filter(|a| !a.is_empty()),
            options: self.options.filter(|o| !o.is_empty()),
            channel_binding: self.channel_binding.unwrap_or_default(),
            read_write: self.read_write.unwrap_or(false),
        })
    }

    /// The sslmode and the roots, as libpq resolves them: `sslrootcert`,
    /// else `~/.postgresql/root.crt` (`home_root`) when it exists;
    /// `sslrootcert=system` makes `verify-full` the default and refuses a
    /// weaker mode given (PostgreSQL 16's libpq).
    fn tls_roots(&self, home_root: Option<PathBuf>) -> Result<(SslMode, RootCerts), PgError> {
        let given = self.sslrootcert.as_deref().filter(|r| !r.is_empty());
        if given == Some("system") {
            return match self.sslmode {
                None | Some(SslMode::VerifyFull) => Ok((SslMode::VerifyFull, RootCerts::System)),
                Some(weak) => Err(PgError::InvalidConfig(format!(
                    "weak sslmode \"{}\" may not be used with sslrootcert=system (use \"verify-full\"): \
                     the system's roots are only meaningful when the server's name is verified too",
                    weak.as_str()
                ))),
            };
        }
        let mode = self.sslmode.unwrap_or_default();
        let roots = match given.map(PathBuf::from).or(home_root) {
            Some(file) => RootCerts::File(file),
            // petal trusts the public roots here where libpq refuses: for
            // verify-full that is exactly what `system` says, so it is
            // written so (a libpq child then does the same).
            None if mode == SslMode::VerifyFull => RootCerts::System,
            None => RootCerts::None,
        };
        Ok((mode, roots))
    }
}

fn unless_empty(path: Option<PathBuf>) -> Option<PathBuf> {
    path.filter(|p| !p.as_os_str().is_empty())
}

/// The refusal of `host` and `hostaddr` together: libpq would connect to
/// the address and verify the certificate (and look up `.pgpass`) by the
/// name, which petal does not do. Says where each came from.
fn host_and_hostaddr(env: &Env) -> PgError {
    let from_env = |var: &str| {
        if env.var(var).is_some() {
            format!(" (or {var})")
        } else {
            String::new()
        }
    };
    PgError::InvalidConfig(format!(
        "host{} and hostaddr{} are both given; petal does not support connecting to one \
         address under another name: give only one of them",
        from_env("PGHOST"),
        from_env("PGHOSTADDR")
    ))
}

/// `hostaddr`'s values, which libpq requires to be numeric addresses.
fn numeric(addrs: Vec<String>) -> Result<Vec<String>, PgError> {
    for addr in &addrs {
        if !addr.is_empty() && addr.parse::<IpAddr>().is_err() {
            return Err(PgError::InvalidConfig(format!(
                "hostaddr{} is not a numeric IP address (a name goes in host)",
                shown_value(addr).unwrap_or_default()
            )));
        }
    }
    Ok(addrs)
}

/// libpq's default when no host is given: the local server's Unix socket
/// (Debian's directory, or /tmp where other builds put it), TCP localhost
/// when neither holds one.
fn default_host(port: u16) -> Host {
    for dir in ["/var/run/postgresql", "/tmp"] {
        if Path::new(dir).join(format!(".s.PGSQL.{port}")).exists() {
            return Host::Unix(PathBuf::from(dir));
        }
    }
    Host::Tcp("localhost".into())
}

fn parse_channel_binding(value: &str) -> Result<ChannelBinding, PgError> {
    match value {
        "disable" => Ok(ChannelBinding::Disable),
        "prefer" => Ok(ChannelBinding::Prefer),
        "require" => Ok(ChannelBinding::Require),
        other => Err(PgError::InvalidConfig(format!(
            "unknown channel_binding{}; expected disable, prefer or require",
            shown_value(other).unwrap_or_default()
        ))),
    }
}

/// A value as a message shows it (` "x"`, after the word it follows):
/// only one that reads as a setting's value (a word, a number), never one
/// that could be a misplaced part of a password or a whole URL.
pub(super) fn shown_value(value: &str) -> Option<String> {
    let value_like = value.len() <= 40
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b));
    value_like.then(|| format!(" {value:?}"))
}

/// A key as a message names it: quoted when it reads as a parameter's
/// name, else not at all, since a misplaced part of a password (a bare
/// value with a space in it, a `?` in a URL's password) can stand where a
/// key is expected.
pub(super) fn shown_key(key: &str) -> String {
    let name_like = !key.is_empty()
        && key.len() <= 40
        && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    if name_like {
        format!("{key:?}")
    } else {
        "(not shown: it is no parameter's name)".to_owned()
    }
}

pub(super) fn parse_port(text: &str) -> Result<u16, PgError> {
    match text.parse::<u16>() {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(PgError::InvalidConfig(format!(
            "port{} is not a number from 1 to 65535",
            shown_value(text).unwrap_or_default()
        ))),
    }
}

fn parse_timeout(text: &str) -> Result<Duration, PgError> {
    match text.parse::<f64>() {
        // libpq: zero (or less) means wait forever.
        Ok(secs) if secs <= 0.0 => Ok(FOREVER),
        // A positive timeout below a nanosecond stays positive: zero would
        // be written back (`to_url_with_password`) as "wait forever".
        Ok(secs) if secs.is_finite() && secs < 1e9 => {
            Ok(Duration::from_secs_f64(secs).max(Duration::from_nanos(1)))
        }
        _ => Err(PgError::InvalidConfig(format!(
            "connect_timeout{} is not a number of seconds",
            shown_value(text).unwrap_or_default()
        ))),
    }
}
