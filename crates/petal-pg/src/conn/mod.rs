//! Connection settings and connecting.
//!
//! petal parses connection strings itself (URLs and libpq key-value strings)
//! rather than handing them to tokio-postgres, for two reasons: `sslmode`
//! `verify-ca`/`verify-full` exist only in libpq, so petal maps them onto
//! rustls; and every message and `Debug` output must be able to name the
//! server without ever showing the password.

mod parse;
mod tls;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use tokio_postgres::{CancelToken, Client, NoTls};

use crate::error::{PgError, describe};

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

/// Everything needed to connect to one database. `Debug` and `Display`
/// redact the password.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnConfig {
    pub host: Host,
    pub port: u16,
    pub user: String,
    pub password: Option<String>,
    pub dbname: String,
    pub sslmode: SslMode,
    /// PEM file of trusted root certificates (libpq's `sslrootcert`); the
    /// Mozilla roots when absent.
    pub sslrootcert: Option<PathBuf>,
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
    /// (`host=/tmp dbname=shop`). A host starting with `/` (percent-encoded
    /// in a URL: `%2Ftmp`) is a Unix socket directory. Defaults: the local
    /// server's socket (`/var/run/postgresql` or `/tmp`) else `localhost`,
    /// port 5432, user `postgres` (not the OS user: petal runs as root in
    /// containers), database = user, `sslmode=prefer`, a 10 s connect
    /// timeout. Environment variables (`PGHOST`, ...) are not read.
    pub fn parse(text: &str) -> Result<Self, PgError> {
        parse::parse(text)
    }

    /// A config for a server listening on a Unix socket in `socket_dir`,
    /// trusting the socket (the embedded cluster).
    pub fn unix(socket_dir: impl Into<PathBuf>, port: u16, user: &str, dbname: &str) -> Self {
        ConnConfig {
            host: Host::Unix(socket_dir.into()),
            port,
            user: user.to_string(),
            password: None,
            dbname: dbname.to_string(),
            sslmode: SslMode::Disable,
            sslrootcert: None,
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

    /// What a message names: `database "shop" on localhost:5432 as user "app"`.
    pub fn target(&self) -> String {
        let place = match &self.host {
            Host::Tcp(h) if h.contains(':') => format!("[{h}]:{}", self.port),
            Host::Tcp(h) => format!("{h}:{}", self.port),
            Host::Unix(dir) => format!("socket {}/.s.PGSQL.{}", dir.display(), self.port),
        };
        format!(
            "database {:?} on {place} as user {:?}",
            self.dbname, self.user
        )
    }

    /// The config as a URL, the password included: for handing to a child
    /// process, never for printing (print the config itself: it redacts).
    pub fn to_url_with_password(&self) -> String {
        self.url(self.password.as_deref())
    }

    /// The config as a URL without its password: for writing into a file.
    pub fn to_url_without_password(&self) -> String {
        self.url(None)
    }

    fn url(&self, password: Option<&str>) -> String {
        let mut url = String::from("postgresql://");
        url.push_str(&parse::percent_encode(&self.user));
        if let Some(pw) = password {
            url.push(':');
            url.push_str(&parse::percent_encode(pw));
        }
        url.push('@');
        match &self.host {
            Host::Tcp(h) if h.contains(':') => url.push_str(&format!("[{h}]")),
            Host::Tcp(h) => url.push_str(&parse::percent_encode(h)),
            Host::Unix(dir) => url.push_str(&parse::percent_encode(&dir.to_string_lossy())),
        }
        url.push_str(&format!(
            ":{}/{}",
            self.port,
            parse::percent_encode(&self.dbname)
        ));
        let mut params = Vec::new();
        if self.sslmode != SslMode::default() {
            params.push(format!("sslmode={}", self.sslmode.as_str()));
        }
        if let Some(root) = &self.sslrootcert {
            params.push(format!(
                "sslrootcert={}",
                parse::percent_encode(&root.to_string_lossy())
            ));
        }
        if self.connect_timeout != DEFAULT_CONNECT_TIMEOUT {
            // libpq takes whole seconds; keep sub-second timeouts (tests) exact.
            let secs = self.connect_timeout.as_secs_f64();
            params.push(format!("connect_timeout={secs}"));
        }
        if let Some(app) = &self.application_name {
            params.push(format!("application_name={}", parse::percent_encode(app)));
        }
        if let Some(options) = &self.options {
            params.push(format!("options={}", parse::percent_encode(options)));
        }
        if self.channel_binding != ChannelBinding::default() {
            params.push(format!("channel_binding={}", self.channel_binding.as_str()));
        }
        if self.read_write {
            params.push("target_session_attrs=read-write".to_string());
        }
        if !params.is_empty() {
            url.push('?');
            url.push_str(&params.join("&"));
        }
        url
    }

    fn tokio_config(&self) -> tokio_postgres::Config {
        let mut cfg = tokio_postgres::Config::new();
        match &self.host {
            Host::Tcp(h) => cfg.host(h),
            Host::Unix(dir) => cfg.host_path(dir),
        };
        cfg.port(self.port)
            .user(&self.user)
            .dbname(&self.dbname)
            .connect_timeout(self.connect_timeout);
        if let Some(pw) = &self.password {
            cfg.password(pw);
        }
        // petal's sessions say whose they are in pg_stat_activity (a lock
        // holder, a statement left running), unless the URL names another.
        cfg.application_name(self.application_name.as_deref().unwrap_or("petal"));
        if let Some(options) = &self.options {
            cfg.options(options);
        }
        cfg.channel_binding(match self.channel_binding {
            ChannelBinding::Disable => tokio_postgres::config::ChannelBinding::Disable,
            ChannelBinding::Prefer => tokio_postgres::config::ChannelBinding::Prefer,
            ChannelBinding::Require => tokio_postgres::config::ChannelBinding::Require,
        });
        if self.read_write {
            cfg.target_session_attrs(tokio_postgres::config::TargetSessionAttrs::ReadWrite);
        }
        cfg.ssl_mode(match (&self.host, self.sslmode) {
            // libpq ignores sslmode on Unix sockets, which carry no TLS.
            (Host::Unix(_), _) | (_, SslMode::Disable) => tokio_postgres::config::SslMode::Disable,
            (_, SslMode::Prefer) => tokio_postgres::config::SslMode::Prefer,
            (_, SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull) => {
                tokio_postgres::config::SslMode::Require
            }
        });
        cfg
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
        f.write_str(&self.url(self.password.as_ref().map(|_| "***")))
    }
}

impl fmt::Debug for ConnConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("dbname", &self.dbname)
            .field("sslmode", &self.sslmode)
            .field("sslrootcert", &self.sslrootcert)
            .field("connect_timeout", &self.connect_timeout)
            .field("application_name", &self.application_name)
            .field("options", &self.options)
            .field("channel_binding", &self.channel_binding)
            .field("read_write", &self.read_write)
            .finish()
    }
}

/// Connects, spawning the connection task on the current tokio runtime. The
/// whole handshake (TCP, TLS, authentication) is bounded by the config's
/// connect timeout, not just the TCP connect.
pub async fn connect(cfg: &ConnConfig) -> Result<Client, PgError> {
    let attempt = async {
        let pg = cfg.tokio_config();
        let tls_wanted = !matches!(cfg.host, Host::Unix(_)) && cfg.sslmode != SslMode::Disable;
        if tls_wanted {
            let tls = tls::make_connector(cfg.sslmode, cfg.sslrootcert.as_deref())?;
            let (client, connection) = pg.connect(tls).await.map_err(|e| connect_error(cfg, &e))?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            Ok(client)
        } else {
            let (client, connection) = pg
                .connect(NoTls)
                .await
                .map_err(|e| connect_error(cfg, &e))?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            Ok(client)
        }
    };
    match tokio::time::timeout(cfg.connect_timeout, attempt).await {
        Ok(result) => result,
        Err(_) => Err(PgError::ConnectTimeout {
            target: cfg.target(),
            timeout: cfg.connect_timeout,
        }),
    }
}

/// Asks the server to cancel the statement `token`'s session is running
/// (a cancel request on a connection of its own, TLS as `cfg` says). The
/// statement then fails with `query_canceled` and its transaction rolls
/// back; a statement that finished meanwhile is not affected.
pub async fn cancel(cfg: &ConnConfig, token: &CancelToken) -> Result<(), PgError> {
    let tls_wanted = !matches!(cfg.host, Host::Unix(_)) && cfg.sslmode != SslMode::Disable;
    let sent = if tls_wanted {
        let tls = tls::make_connector(cfg.sslmode, cfg.sslrootcert.as_deref())?;
        token.cancel_query(tls).await
    } else {
        token.cancel_query(NoTls).await
    };
    sent.map_err(|e| connect_error(cfg, &e))
}

fn connect_error(cfg: &ConnConfig, err: &tokio_postgres::Error) -> PgError {
    let mut reason = describe(err);
    if let Some(pw) = cfg.password.as_deref().filter(|pw| !pw.is_empty()) {
        // Belt and braces: no known server message echoes the password, but
        // a proxy's might.
        reason = reason.replace(pw, "***");
    }
    PgError::Connect {
        target: cfg.target(),
        reason,
    }
}
