//! Connection settings and connecting.
//!
//! petal parses connection strings itself (URLs and libpq key-value strings)
//! rather than handing them to tokio-postgres, for three reasons: `sslmode`
//! `verify-ca`/`verify-full` exist only in libpq, so petal maps them onto
//! rustls; libpq's other sources (the `PG*` variables, `.pgpass`, the
//! default client certificate) are read as libpq reads them; and every
//! message and `Debug` output must be able to name the server without ever
//! showing the password.

mod attempt;
mod builder;
mod client_key;
mod connect;
mod env;
mod parse;
mod pgpass;
#[cfg(test)]
mod sources_tests;
mod tls;
mod url;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

pub use connect::{cancel, connect};
pub use env::{Env, VARIABLES as ENV_VARIABLES};

use crate::error::PgError;

/// The default connect timeout: long enough for a slow TLS handshake over a
/// bad network, short enough that a silent server does not look like a hang.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the server listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// A host name or IP address.
    Tcp(String),
    /// The directory holding the server's Unix socket (`.s.PGSQL.<port>`).
    Unix(PathBuf),
}

/// libpq's `sslmode` values petal supports (`allow` is not: it would try
/// plain text first, which nobody wants from a migration tool).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SslMode {
    Disable,
    /// TLS when the server offers it, without verifying its certificate
    /// (libpq's default).
    #[default]
    Prefer,
    /// TLS or fail; the certificate is not verified.
    Require,
    /// TLS with a certificate chain that verifies against the trusted roots,
    /// whatever host name it was issued for.
    VerifyCa,
    /// TLS with a verified chain issued for the host connected to.
    VerifyFull,
}

impl SslMode {
    pub fn as_str(&self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

impl FromStr for SslMode {
    type Err = PgError;

    fn from_str(text: &str) -> Result<Self, PgError> {
        match text {
            "disable" => Ok(SslMode::Disable),
            "prefer" => Ok(SslMode::Prefer),
            "require" => Ok(SslMode::Require),
            "verify-ca" => Ok(SslMode::VerifyCa),
            "verify-full" => Ok(SslMode::VerifyFull),
            "allow" => Err(PgError::InvalidConfig(
                "sslmode=allow is not supported; use disable, prefer, require, verify-ca or verify-full"
                    .into(),
            )),
            other => Err(PgError::InvalidConfig(format!(
                "unknown sslmode {other:?}; expected disable, prefer, require, verify-ca or verify-full"
            ))),
        }
    }
}

/// What a server's certificate is verified against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCerts {
    /// A PEM file: `sslrootcert=<path>`, or `~/.postgresql/root.crt` when
    /// it exists. As in libpq, its presence makes `require` verify the
    /// chain (`verify-ca`); a `require` whose file is missing verifies
    /// nothing, as libpq's does.
    File(PathBuf),
    /// `sslrootcert=system` (libpq 16): the public roots. petal carries
    /// the Mozilla list (`webpki-roots`) rather than reading the OS store.
    /// Only `verify-full` goes with it (the default then), as in libpq.
    System,
    /// No file: `prefer` and `require` verify nothing; `verify-ca` trusts
    /// the public roots where libpq refuses to connect (see the README),
    /// and `verify-full` is taken as [`RootCerts::System`].
    None,
}

/// Where a missing password is looked up (libpq's `passfile`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassFile {
    /// No home directory to find `.pgpass` in.
    None,
    /// `passfile=` or `PGPASSFILE`: written into the config's URLs.
    Given(PathBuf),
    /// `~/.pgpass`: not written, since whoever reads the URL finds their own.
    Home(PathBuf),
}

impl PassFile {
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            PassFile::None => None,
            PassFile::Given(path) | PassFile::Home(path) => Some(path),
        }
    }
}

/// Everything needed to connect to one database. `Debug` and `Display`
/// redact the password.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnConfig {
    /// The server, or the first of several (`host=a,b`).
    pub host: Host,
    pub port: u16,
    /// The other servers of `host=a,b` (libpq's multi-host strings), tried
    /// in order when the one before cannot be reached (or, with
    /// `read_write`, is read-only); not when it answers with an error,
    /// such as a failed authentication: libpq stops there too.
    pub fallback_hosts: Vec<(Host, u16)>,
    pub user: String,
    /// Given in the string or `PGPASSWORD`; without one, `passfile` is
    /// looked up when connecting.
    pub password: Option<String>,
    pub dbname: String,
    pub sslmode: SslMode,
    /// The roots a server's certificate is verified against (libpq's
    /// `sslrootcert`, else `~/.postgresql/root.crt` when it exists).
    pub sslrootcert: RootCerts,
    /// PEM client certificate (libpq's `sslcert`), presented when the
    /// server asks; `~/.postgresql/postgresql.crt` when that exists.
    pub sslcert: Option<PathBuf>,
    /// Its PEM private key (`sslkey`; `~/.postgresql/postgresql.key` when
    /// that exists); without one, looked for in `sslcert`'s file.
    pub sslkey: Option<PathBuf>,
    pub passfile: PassFile,
    /// How long each address a server's name resolves to is given, from
    /// the TCP connect to the end of authentication (libpq's, which applies
    /// it to each address). May be finer than a second in petal; written
    /// into a URL as whole seconds, rounded up, since libpq reads integers.
    pub connect_timeout: Duration,
    pub application_name: Option<String>,
    /// Server options for the session (`-c statement_timeout=5s`).
    pub options: Option<String>,
    /// SCRAM channel binding (libpq's `channel_binding`).
    pub channel_binding: ChannelBinding,
    /// Refuse a read-only server (libpq's `target_session_attrs=read-write`).
    pub read_write: bool,
}

/// libpq's `channel_binding`: whether SCRAM authentication must be bound to
/// the TLS channel (which defeats a man in the middle even without
/// certificate verification).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChannelBinding {
    Disable,
    #[default]
    Prefer,
    Require,
}

impl ChannelBinding {
    pub fn as_str(&self) -> &'static str {
        match self {
            ChannelBinding::Disable => "disable",
            ChannelBinding::Prefer => "prefer",
            ChannelBinding::Require => "require",
        }
    }
}

impl ConnConfig {
    /// Parses a `postgres://`/`postgresql://` URL or a libpq key-value string
    /// (`host=/tmp dbname=shop`) in the process's environment: what the
    /// string leaves unset comes from the `PG*` variables, as libpq has it
    /// (see [`ConnConfig::parse_with_env`]).
    pub fn parse(text: &str) -> Result<Self, PgError> {
        parse::parse(text, &Env::process())
    }

    /// Parses `text` in `env`. A host starting with `/` (percent-encoded in
    /// a URL: `%2Ftmp`) is a Unix socket directory; `host=a,b port=1,2` and
    /// `postgres://a:1,b:2/db` name several servers. Each parameter: the
    /// string's, else its variable's (`PGHOST`, ..., [`ENV_VARIABLES`]),
    /// else the default: the local server's socket (`/var/run/postgresql`
    /// or `/tmp`) else `localhost`, port 5432, the OS user (`postgres` for
    /// root, see [`Env::default_user`]), database = user, `sslmode=prefer`,
    /// a 10 s connect timeout, `~/.pgpass`, and the root and client
    /// certificates in `~/.postgresql/` when they exist.
    pub fn parse_with_env(text: &str, env: &Env) -> Result<Self, PgError> {
        parse::parse(text, env)
    }

    /// A config for a server listening on a Unix socket in `socket_dir`,
    /// trusting the socket (the embedded cluster).
    pub fn unix(socket_dir: impl Into<PathBuf>, port: u16, user: &str, dbname: &str) -> Self {
        ConnConfig {
            host: Host::Unix(socket_dir.into()),
            port,
            fallback_hosts: Vec::new(),
            user: user.to_string(),
            password: None,
            dbname: dbname.to_string(),
            sslmode: SslMode::Disable,
            sslrootcert: RootCerts::None,
            sslcert: None,
            sslkey: None,
            passfile: PassFile::None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            application_name: None,
            options: None,
            channel_binding: ChannelBinding::default(),
            read_write: false,
        }
    }

    /// The same server and credentials, another database.
    pub fn with_dbname(&self, dbname: &str) -> Self {
        ConnConfig {
            dbname: dbname.to_string(),
            ..self.clone()
        }
    }

    /// Every server, in the order they are tried.
    pub fn hosts(&self) -> impl Iterator<Item = (&Host, u16)> {
        std::iter::once((&self.host, self.port))
            .chain(self.fallback_hosts.iter().map(|(host, port)| (host, *port)))
    }

    /// What a message names: `database "shop" on localhost:5432 as user
    /// "app"` (`on a:5432 or b:5433` for several servers).
    pub fn target(&self) -> String {
        let places: Vec<String> = self.hosts().map(|(h, p)| place(h, p)).collect();
        format!(
            "database {:?} on {} as user {:?}",
            self.dbname,
            places.join(" or "),
            self.user
        )
    }

    /// The config as a URL, the password included: for handing to a child
    /// process, never for printing (print the config itself: it redacts).
    pub fn to_url_with_password(&self) -> String {
        url::write(self, self.password.as_deref())
    }

    /// The config as a URL without its password: for writing into a file.
    pub fn to_url_without_password(&self) -> String {
        url::write(self, None)
    }
}

impl FromStr for ConnConfig {
    type Err = PgError;

    fn from_str(text: &str) -> Result<Self, PgError> {
        ConnConfig::parse(text)
    }
}

/// The URL with the password shown as `***`.
impl fmt::Display for ConnConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&url::write(self, self.password.as_ref().map(|_| "***")))
    }
}

impl fmt::Debug for ConnConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("fallback_hosts", &self.fallback_hosts)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("dbname", &self.dbname)
            .field("sslmode", &self.sslmode)
            .field("sslrootcert", &self.sslrootcert)
            .field("sslcert", &self.sslcert)
            .field("sslkey", &self.sslkey)
            .field("passfile", &self.passfile)
            .field("connect_timeout", &self.connect_timeout)
            .field("application_name", &self.application_name)
            .field("options", &self.options)
            .field("channel_binding", &self.channel_binding)
            .field("read_write", &self.read_write)
            .finish()
    }
}

/// One server as a message names it.
fn place(host: &Host, port: u16) -> String {
    match host {
        Host::Tcp(h) if h.contains(':') => format!("[{h}]:{port}"),
        Host::Tcp(h) => format!("{h}:{port}"),
        Host::Unix(dir) => format!("socket {}/.s.PGSQL.{port}", dir.display()),
    }
}
