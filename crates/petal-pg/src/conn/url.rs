//! A [`ConnConfig`] written back as a URL, for a child process (petal's
//! own, or a libpq tool's) or a file. Every resolved setting is written,
//! defaults included: the reader's own `PG*` variables must not fill in
//! what this process had already decided differently. What was left unset
//! (no root file, no password file named) is not written: an empty value
//! would keep the reader's variables out of those too, but clients other
//! than libpq (tokio-postgres, for a test's own pool) refuse such keys.

use std::time::Duration;

use super::builder::FOREVER;
use super::parse::percent_encode;
use super::{ConnConfig, Host, PassFile, RootCerts};

/// The URL of `cfg`, with `password` in its user info when given.
pub(super) fn write(cfg: &ConnConfig, password: Option<&str>) -> String {
    let mut url = String::from("postgresql://");
    url.push_str(&percent_encode(&cfg.user));
    if let Some(pw) = password {
        url.push(':');
        url.push_str(&percent_encode(pw));
    }
    url.push('@');
    let hosts: Vec<String> = cfg
        .hosts()
        .map(|(host, port)| match host {
            // Brackets for an IPv6 address alone: any other host with a
            // ':' (a zone, a typo) is percent-encoded, to be read back.
            Host::Tcp(h) if h.parse::<std::net::Ipv6Addr>().is_ok() => format!("[{h}]:{port}"),
            Host::Tcp(h) => format!("{}:{port}", percent_encode(h)),
            Host::Unix(dir) => format!("{}:{port}", percent_encode(&dir.to_string_lossy())),
        })
        .collect();
    url.push_str(&hosts.join(","));
    url.push('/');
    url.push_str(&percent_encode(&cfg.dbname));
    url.push('?');
    let mut params = params(cfg);
    // Unset: see the module's comment.
    params.retain(|param| !param.ends_with('='));
    url.push_str(&params.join("&"));
    url
}

fn params(cfg: &ConnConfig) -> Vec<String> {
    let mut params = vec![format!("sslmode={}", cfg.sslmode.as_str())];
    let root = match &cfg.sslrootcert {
        RootCerts::File(path) => path.to_string_lossy().into_owned(),
        RootCerts::System => "system".to_string(),
        // Looked for and not found: the reader looks for its own.
        RootCerts::None => String::new(),
    };
    params.push(format!("sslrootcert={}", percent_encode(&root)));
    let passfile = match &cfg.passfile {
        PassFile::Given(path) => Some(path),
        // `~/.pgpass` is not named: a URL written into a file (petal.toml)
        // must not name this user's home; whoever reads it looks in theirs.
        PassFile::None | PassFile::Home(_) => None,
    };
    let paths = [
        ("sslcert", cfg.sslcert.as_ref()),
        ("sslkey", cfg.sslkey.as_ref()),
        ("passfile", passfile),
    ];
    for (key, path) in paths {
        let path = path.map(|p| p.to_string_lossy()).unwrap_or_default();
        params.push(format!("{key}={}", percent_encode(&path)));
    }
    params.push(format!(
        "connect_timeout={}",
        whole_seconds(cfg.connect_timeout)
    ));
    params.push(format!(
        "application_name={}",
        percent_encode(cfg.application_name.as_deref().unwrap_or(""))
    ));
    params.push(format!(
        "options={}",
        percent_encode(cfg.options.as_deref().unwrap_or(""))
    ));
    params.push(format!("channel_binding={}", cfg.channel_binding.as_str()));
    let attrs = if cfg.read_write { "read-write" } else { "any" };
    params.push(format!("target_session_attrs={attrs}"));
    params
}

/// libpq reads `connect_timeout` as an integer (and rejects `0.5`): a
/// finer timeout is rounded up, so that the reader never gives up sooner.
pub(super) fn whole_seconds(timeout: Duration) -> u64 {
    if timeout == FOREVER {
        return 0;
    }
    let secs = timeout.as_secs();
    if timeout.subsec_nanos() > 0 {
        secs + 1
    } else {
        secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_whole_seconds_rounded_up() {
        assert_eq!(whole_seconds(Duration::from_millis(500)), 1);
        assert_eq!(whole_seconds(Duration::from_nanos(1)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(10)), 10);
        assert_eq!(whole_seconds(Duration::from_millis(2500)), 3);
        assert_eq!(whole_seconds(Duration::from_secs(365 * 24 * 3600)), 0);
    }
}
