//! Parsing of `postgres://` URLs and libpq key-value strings into a
//! [`Builder`], which applies the environment and the defaults. Error
//! messages name keys and positions, and a value only when it reads as one
//! (see `builder.rs`): a connection string may hold a password.

use super::ConnConfig;
use super::builder::{Builder, parse_port, shown_key};
use super::env::Env;
use crate::error::PgError;

pub(super) fn parse(text: &str, env: &Env) -> Result<ConnConfig, PgError> {
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
    builder.finish(env)
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
                    b.set_user(percent_decode(user, "user name")?);
                    b.password = Some(percent_decode(pw, "password")?);
                }
                None => b.set_user(percent_decode(userinfo, "user name")?),
            }
            &authority[at + 1..]
        }
        None => authority,
    };
    // `postgres://h1:5432,h2:5433/db`: several hosts, each with its port.
    let mut hosts = Vec::new();
    for hostport in hostport.split(',') {
        let (host, port) = split_host_port(hostport)?;
        let port = match port {
            // Not shown: without its `@`, a URL's password reads as the port.
            Some(port) => Some(parse_port(port).map_err(|_| {
                PgError::InvalidConfig(
                    "the URL's port (after the host's ':') is not a number from 1 to 65535".into(),
                )
            })?),
            None => None,
        };
        hosts.push((percent_decode(host, "host")?, port));
    }
    b.set_url_hosts(hosts);
    if !path.is_empty() {
        b.set_dbname(percent_decode(path, "database name")?);
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
    use std::time::Duration;

    use super::*;
    use crate::conn::{ChannelBinding, DEFAULT_CONNECT_TIMEOUT, Host, SslMode};

    /// Parsed without any environment: these are the string's rules only.
    fn parse(text: &str) -> Result<ConnConfig, PgError> {
        super::parse(text, &Env::none())
    }

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
        let err = parse("postgres://h/db?sslpassword=x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("sslpassword"), "{err}");
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
            "postgres://u:hunter2@a:1,b:2/db?port=1,2,3",
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
