//! Parsing of `postgres://` URLs and libpq key-value strings into a
//! [`ConnConfig`]. Error messages name keys and positions, and a value only
//! when it reads as one (a word, a number): a connection string may hold a
//! password, and a misplaced one (a `?` in a URL's password, a bare value
//! with a space) can stand where a key, a port or a value is expected.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{ChannelBinding, ConnConfig, DEFAULT_CONNECT_TIMEOUT, Host, SslMode};
use crate::error::PgError;

const DEFAULT_PORT: u16 = 5432;
const DEFAULT_USER: &str = "postgres";

pub(super) fn parse(text: &str) -> Result<ConnConfig, PgError> {
    let text = text.trim();
    let mut builder = Builder::default();
    if let Some(rest) = text
        .strip_prefix("postgresql://")
        .or_else(|| text.strip_prefix("postgres://"))
    {
        parse_url(rest, &mut builder)?;
    } else if text.contains("://") {
        return Err(PgError::InvalidConfig(
            "a URL must start with postgres:// or postgresql://".into(),
        ));
    } else {
        parse_key_values(text, &mut builder)?;
    }
    builder.finish()
}

#[derive(Default)]
struct Builder {
    host: Option<String>,
    port: Option<u16>,
    user: Option<String>,
    password: Option<String>,
    dbname: Option<String>,
    sslmode: Option<SslMode>,
    sslrootcert: Option<PathBuf>,
    connect_timeout: Option<Duration>,
    application_name: Option<String>,
    options: Option<String>,
    channel_binding: Option<ChannelBinding>,
    read_write: bool,
}

impl Builder {
    fn set(&mut self, key: &str, value: String) -> Result<(), PgError> {
        match key {
            "host" | "hostaddr" => {
                if value.contains(',') {
                    return Err(PgError::InvalidConfig(
                        "several hosts (host=a,b) are not supported; give one".into(),
                    ));
                }
                self.host = Some(value);
            }
            "port" => self.port = Some(parse_port(&value)?),
            "user" => self.user = Some(value),
            "password" => self.password = Some(value),
            "dbname" => self.dbname = Some(value),
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
            "sslrootcert" => self.sslrootcert = Some(PathBuf::from(value)),
            "connect_timeout" => self.connect_timeout = Some(parse_timeout(&value)?),
            "application_name" => self.application_name = Some(value),
            "options" => self.options = Some(value),
            "channel_binding" => {
                self.channel_binding = Some(match value.as_str() {
                    "disable" => ChannelBinding::Disable,
                    "prefer" => ChannelBinding::Prefer,
                    "require" => ChannelBinding::Require,
                    other => {
                        return Err(PgError::InvalidConfig(format!(
                            "unknown channel_binding{}; expected disable, prefer or require",
                            shown_value(other).unwrap_or_default()
                        )));
                    }
                });
            }
            "target_session_attrs" => match value.as_str() {
                "any" => self.read_write = false,
                "read-write" => self.read_write = true,
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
                     user, password, dbname, sslmode, sslrootcert, connect_timeout, \
                     application_name, options, channel_binding, target_session_attrs, \
                     gssencmode (not require) and keepalives*",
                    shown_key(other)
                )));
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<ConnConfig, PgError> {
        let port = self.port.unwrap_or(DEFAULT_PORT);
        let host = match self.host.filter(|h| !h.is_empty()) {
            Some(h) if h.starts_with('/') => Host::Unix(PathBuf::from(h)),
            Some(h) => Host::Tcp(h),
            None => default_host(port),
        };
        let user = self
            .user
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| DEFAULT_USER.to_string());
        let dbname = self
            .dbname
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| user.clone());
        Ok(ConnConfig {
            host,
            port,
            user,
            password: self.password,
            dbname,
            sslmode: self.sslmode.unwrap_or_default(),
            sslrootcert: self.sslrootcert,
            connect_timeout: self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            application_name: self.application_name,
            options: self.options,
            channel_binding: self.channel_binding.unwrap_or_default(),
            read_write: self.read_write,
        })
    }
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

/// A value as a message shows it (` "x"`, after the word it follows):
/// only one that reads as a setting's value (a word, a number), never one
/// that could be a misplaced part of a password or a whole URL.
fn shown_value(value: &str) -> Option<String> {
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
fn shown_key(key: &str) -> String {
    let name_like = !key.is_empty()
        && key.len() <= 40
        && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    if name_like {
        format!("{key:?}")
    } else {
        "(not shown: it is no parameter's name)".to_owned()
    }
}

fn parse_port(text: &str) -> Result<u16, PgError> {
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
        // libpq: zero (or less) means wait forever; a year is forever enough
        // and keeps tokio's deadline arithmetic finite.
        Ok(secs) if secs <= 0.0 => Ok(Duration::from_secs(365 * 24 * 3600)),
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

fn parse_url(rest: &str, b: &mut Builder) -> Result<(), PgError> {
    let (main, query) = match rest.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (rest, None),
    };
    // The authority ends at the first '/' after the userinfo; finding the
    // last '@' first tolerates an unencoded '/' or '@' in a password.
    let at = main.rfind('@');
    let slash = match at {
        Some(at) => main[at..].find('/').map(|i| i + at),
        None => main.find('/'),
    };
    let (authority, path) = match slash {
        Some(s) => (&main[..s], &main[s + 1..]),
        None => (main, ""),
    };
    let hostport = match at {
        Some(at) => {
            let userinfo = &authority[..at];
            match userinfo.split_once(':') {
                Some((user, pw)) => {
                    b.user = Some(percent_decode(user, "user name")?);
                    b.password = Some(percent_decode(pw, "password")?);
                }
                None => b.user = Some(percent_decode(userinfo, "user name")?),
            }
            &authority[at + 1..]
        }
        None => authority,
    };
    if hostport.contains(',') {
        return Err(PgError::InvalidConfig(
            "several hosts in one URL are not supported; give one".into(),
        ));
    }
    let (host, port) = split_host_port(hostport)?;
    if !host.is_empty() {
        b.host = Some(percent_decode(host, "host")?);
    }
    if let Some(port) = port {
        // Not shown: without its `@`, a URL's password reads as the port.
        let port = parse_port(port).map_err(|_| {
            PgError::InvalidConfig(
                "the URL's port (after the host's ':') is not a number from 1 to 65535".into(),
            )
        })?;
        b.port = Some(port);
    }
    if !path.is_empty() {
        b.dbname = Some(percent_decode(path, "database name")?);
    }
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            PgError::InvalidConfig("a URL parameter has no '=' (expected key=value)".into())
        })?;
        let key = percent_decode(key, "parameter name")?;
        let value = percent_decode(value, "parameter value")?;
        b.set(&key, value)?;
    }
    Ok(())
}

fn split_host_port(hostport: &str) -> Result<(&str, Option<&str>), PgError> {
    if let Some(v6) = hostport.strip_prefix('[') {
        let close = v6.find(']').ok_or_else(|| {
            PgError::InvalidConfig("an IPv6 host in '[' has no closing ']'".into())
        })?;
        let after = &v6[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => {
                return Err(PgError::InvalidConfig(
                    "unexpected text after the IPv6 host's ']'".into(),
                ));
            }
        };
        return Ok((&v6[..close], port));
    }
    Ok(match hostport.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (hostport, None),
    })
}

fn parse_key_values(text: &str, b: &mut Builder) -> Result<(), PgError> {
    let mut chars = text.char_indices().peekable();
    loop {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = chars.peek() else {
            return Ok(());
        };
        let mut key = String::new();
        while let Some((_, c)) = chars.next_if(|(_, c)| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        if chars.next_if(|(_, c)| *c == '=').is_none() {
            return Err(PgError::InvalidConfig(format!(
                "expected '=' after the key {} at byte {start}; use key=value pairs (a value \
                 holding spaces in quotes: password='a b') or a postgres:// URL",
                shown_key(&key)
            )));
        }
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if(|(_, c)| *c == '\'').is_some() {
            loop {
                match chars.next() {
                    Some((_, '\\')) => match chars.next() {
                        Some((_, c)) => value.push(c),
                        None => break,
                    },
                    Some((_, '\'')) => break,
                    Some((_, c)) => value.push(c),
                    None => {
                        return Err(PgError::InvalidConfig(format!(
                            "unterminated quoted value for {}",
                            shown_key(&key)
                        )));
                    }
                }
            }
        } else {
            while let Some((_, c)) = chars.next_if(|(_, c)| !c.is_whitespace()) {
                if c == '\\' {
                    if let Some((_, escaped)) = chars.next() {
                        value.push(escaped);
                    }
                } else {
                    value.push(c);
                }
            }
        }
        b.set(&key, value)?;
    }
}

fn percent_decode(text: &str, what: &str) -> Result<String, PgError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                }
                None => {
                    return Err(PgError::InvalidConfig(format!(
                        "bad percent-encoding in the URL's {what}"
                    )));
                }
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| PgError::InvalidConfig(format!("the URL's {what} is not valid UTF-8")))
}

pub(super) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_with_everything() {
        let c = parse(
            "postgresql://app:s3cr%40t@db.example.com:6543/flower_shop?sslmode=verify-full&connect_timeout=3&application_name=petal",
        )
        .unwrap();
        assert_eq!(c.host, Host::Tcp("db.example.com".into()));
        assert_eq!(c.port, 6543);
        assert_eq!(c.user, "app");
        assert_eq!(c.password.as_deref(), Some("s3cr@t"));
        assert_eq!(c.dbname, "flower_shop");
        assert_eq!(c.sslmode, SslMode::VerifyFull);
        assert_eq!(c.connect_timeout, Duration::from_secs(3));
        assert_eq!(c.application_name.as_deref(), Some("petal"));
    }

    #[test]
    fn unix_socket_hosts() {
        let c = parse("postgresql://postgres@%2Ftmp%2Fpetal-ab12:5432/shop").unwrap();
        assert_eq!(c.host, Host::Unix("/tmp/petal-ab12".into()));
        let c = parse("postgres:///shop?host=/var/run/postgresql").unwrap();
        assert_eq!(c.host, Host::Unix("/var/run/postgresql".into()));
        assert_eq!(c.dbname, "shop");
        let c = parse("host=/tmp/x dbname='my shop' user=postgres").unwrap();
        assert_eq!(c.host, Host::Unix("/tmp/x".into()));
        assert_eq!(c.dbname, "my shop");
    }

    #[test]
    fn no_host_means_the_local_socket_or_localhost() {
        let c = parse("postgresql:///shop").unwrap();
        match &c.host {
            Host::Unix(dir) => assert!(dir.join(".s.PGSQL.5432").exists()),
            Host::Tcp(h) => assert_eq!(h, "localhost"),
        }
        assert_eq!(c.dbname, "shop");
    }

    #[test]
    fn defaults_and_ipv6() {
        let c = parse("postgres://[::1]/").unwrap();
        assert_eq!(c.host, Host::Tcp("::1".into()));
        assert_eq!(c.port, 5432);
        assert_eq!(c.user, "postgres");
        assert_eq!(c.dbname, "postgres");
        assert_eq!(c.sslmode, SslMode::Prefer);
        assert_eq!(c.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
    }

    #[test]
    fn hosted_provider_urls() {
        let c = parse(
            "postgresql://app:pw@ep-x.eu-central-1.aws.neon.tech/shop?sslmode=require&channel_binding=require&options=-c%20statement_timeout%3D5s&target_session_attrs=read-write&keepalives=1&gssencmode=disable",
        )
        .unwrap();
        assert_eq!(c.sslmode, SslMode::Require);
        assert_eq!(c.channel_binding, ChannelBinding::Require);
        assert_eq!(c.options.as_deref(), Some("-c statement_timeout=5s"));
        assert!(c.read_write);
        assert_eq!(parse(&c.to_url_with_password()).unwrap(), c);
        let err = parse("postgres://h/db?gssencmode=require")
            .unwrap_err()
            .to_string();
        assert!(err.contains("gssencmode"), "{err}");
        let err = parse("postgres://h/db?sslcert=/x.crt")
            .unwrap_err()
            .to_string();
        assert!(err.contains("sslcert"), "{err}");
    }

    #[test]
    fn key_value_quoting() {
        let c = parse(r"host = localhost  password='it\'s a \\ secret' port=5433").unwrap();
        assert_eq!(c.password.as_deref(), Some(r"it's a \ secret"));
        assert_eq!(c.port, 5433);
    }

    #[test]
    fn errors_name_the_part_never_the_value() {
        let cases = [
            "postgres://u:hunter2@h:notaport/db",
            "postgres://u:hunter2@h/db?frobnicate=1",
            "postgres://u:hunter2@h/db?sslmode=sometimes",
            "user=u password=hunter2 nonsense",
            "password='hunter2",
            "mysql://u:hunter2@h/db",
            "postgres://u:hunter2@a,b/db",
        ];
        for case in cases {
            let err = parse(case).unwrap_err().to_string();
            assert!(!err.contains("hunter2"), "{case} -> {err}");
            assert!(err.starts_with("invalid connection string"), "{err}");
        }
    }

    #[test]
    fn display_and_debug_redact_and_round_trip() {
        let c = parse("postgres://app:hunter2@h:5433/db?sslmode=require").unwrap();
        let shown = format!("{c} {c:?} {}", c.target());
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("***"));
        assert_eq!(parse(&c.to_url_with_password()).unwrap(), c);
        let unix = ConnConfig::unix("/tmp/petal-x y", 5432, "postgres", "flower shop");
        assert_eq!(parse(&unix.to_string()).unwrap(), unix);
    }
}
