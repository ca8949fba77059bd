//! The sources of a connection's settings and their precedence, as libpq
//! has them: the string, then the `PG*` variables, then the defaults (the
//! OS user, the home directory's files); and several hosts. Pure: each
//! test gives its own [`Env`].

use std::time::Duration;

use super::builder::DEFAULT_PORT;
use super::{ChannelBinding, ConnConfig, Env, Host, PassFile, RootCerts, SslMode};

fn parse(text: &str, env: &Env) -> ConnConfig {
    match ConnConfig::parse_with_env(text, env) {
        Ok(cfg) => cfg,
        Err(e) => panic!("{text}: {e}"),
    }
}

fn env() -> Env {
    Env::none()
        .with_var("PGHOST", "env.example.com")
        .with_var("PGPORT", "6000")
        .with_var("PGUSER", "env_user")
        .with_var("PGPASSWORD", "env-secret")
        .with_var("PGDATABASE", "env_db")
        .with_var("PGSSLMODE", "require")
        .with_var("PGCONNECT_TIMEOUT", "7")
        .with_var("PGAPPNAME", "env_app")
        .with_var("PGOPTIONS", "-c search_path=x")
        .with_var("PGTARGETSESSIONATTRS", "read-write")
        .with_var("PGCHANNELBINDING", "require")
        .with_var("PGSSLROOTCERT", "/env/root.crt")
        .with_var("PGSSLCERT", "/env/client.crt")
        .with_var("PGSSLKEY", "/env/client.key")
        .with_var("PGPASSFILE", "/env/pgpass")
}

#[test]
fn the_environment_fills_what_the_string_leaves_unset() {
    let c = parse("postgres:///", &env());
    assert_eq!(c.host, Host::Tcp("env.example.com".into()));
    assert_eq!(c.port, 6000);
    assert_eq!(c.user, "env_user");
    assert_eq!(c.password.as_deref(), Some("env-secret"));
    assert_eq!(c.dbname, "env_db");
    assert_eq!(c.sslmode, SslMode::Require);
    assert_eq!(c.connect_timeout, Duration::from_secs(7));
    assert_eq!(c.application_name.as_deref(), Some("env_app"));
    assert_eq!(c.options.as_deref(), Some("-c search_path=x"));
    assert!(c.read_write);
    assert_eq!(c.channel_binding, ChannelBinding::Require);
    assert_eq!(c.sslrootcert, RootCerts::File("/env/root.crt".into()));
    assert_eq!(c.sslcert, Some("/env/client.crt".into()));
    assert_eq!(c.sslkey, Some("/env/client.key".into()));
    assert_eq!(c.passfile, PassFile::Given("/env/pgpass".into()));
    // An empty key-value string too.
    assert_eq!(parse("", &env()), c);
}

#[test]
fn the_string_wins_over_the_environment() {
    let c = parse(
        "postgres://app:pw@db:5433/shop?sslmode=disable&connect_timeout=2&\
         application_name=a&options=-c%20x%3D1&target_session_attrs=any&\
         channel_binding=disable&sslrootcert=/r&sslcert=/c&sslkey=/k&passfile=/p",
        &env(),
    );
    assert_eq!(c.host, Host::Tcp("db".into()));
    assert_eq!((c.port, c.user.as_str()), (5433, "app"));
    assert_eq!(c.password.as_deref(), Some("pw"));
    assert_eq!(c.dbname, "shop");
    assert_eq!(c.sslmode, SslMode::Disable);
    assert_eq!(c.connect_timeout, Duration::from_secs(2));
    assert_eq!(c.application_name.as_deref(), Some("a"));
    assert!(!c.read_write);
    assert_eq!(c.channel_binding, ChannelBinding::Disable);
    assert_eq!(c.sslrootcert, RootCerts::File("/r".into()));
    assert_eq!(c.sslcert, Some("/c".into()));
    assert_eq!(c.passfile, PassFile::Given("/p".into()));
    // A socket from the string, the port still the environment's.
    let c = parse("host=/run/pg dbname=shop", &env());
    assert_eq!((c.host, c.port), (Host::Unix("/run/pg".into()), 6000));
    // PGHOSTADDR stands in for a host when there is none.
    let addr = Env::none().with_var("PGHOSTADDR", "10.0.0.1");
    assert_eq!(parse("", &addr).host, Host::Tcp("10.0.0.1".into()));
    // An explicit empty password is none, and PGPASSWORD does not fill it.
    assert_eq!(parse("password=''", &env()).password, None);
}

#[test]
fn a_bad_variable_is_named_not_shown() {
    let bad = Env::none().with_var("PGPORT", "hunter2:x");
    let err = ConnConfig::parse_with_env("", &bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("PGPORT") && !err.contains("hunter2"), "{err}");
    let bad = Env::none().with_var("PGSSLMODE", "sometimes");
    let err = ConnConfig::parse_with_env("", &bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("PGSSLMODE"), "{err}");
}

#[test]
fn defaults_user_home_and_client_certificate() {
    let home = tempfile::tempdir().unwrap();
    let alice = Env::none().with_os_user("alice").with_home(home.path());
    let c = parse("postgres://h/", &alice);
    assert_eq!((c.user.as_str(), c.dbname.as_str()), ("alice", "alice"));
    assert_eq!(c.passfile, PassFile::Home(home.path().join(".pgpass")));
    assert_eq!((c.sslcert.clone(), c.sslkey.clone()), (None, None));
    // `~/.pgpass` is not named in the URL: whoever reads it finds theirs.
    assert!(!c.to_url_with_password().contains("passfile"));
    assert_eq!(parse(&c.to_url_with_password(), &alice), c);
    let dir = home.path().join(".postgresql");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("postgresql.crt"), "").unwrap();
    std::fs::write(dir.join("postgresql.key"), "").unwrap();
    let c = parse("postgres://h/", &alice);
    assert_eq!(c.sslcert, Some(dir.join("postgresql.crt")));
    assert_eq!(c.sslkey, Some(dir.join("postgresql.key")));
    let root = Env::none().with_os_user("root");
    assert_eq!(parse("postgres://h/", &root).user, "postgres");
}

#[test]
fn several_hosts() {
    let env = Env::none();
    let c = parse("postgres://u:pw@h1:5432,h2:5433,[::1]/db", &env);
    assert_eq!((c.host.clone(), c.port), (Host::Tcp("h1".into()), 5432));
    let rest = vec![
        (Host::Tcp("h2".into()), 5433),
        (Host::Tcp("::1".into()), DEFAULT_PORT),
    ];
    assert_eq!(c.fallback_hosts, rest);
    assert_eq!(parse(&c.to_url_with_password(), &env), c);
    let shown = format!("{c} {c:?} {}", c.target());
    assert!(
        shown.contains("h1:5432 or h2:5433 or [::1]:5432"),
        "{shown}"
    );
    assert!(!shown.contains("pw@"), "{shown}");
    // Key-value: one port for all, or one each.
    let c = parse("host=a,/run/pg port=7000 dbname=d", &env);
    assert_eq!(c.fallback_hosts, vec![(Host::Unix("/run/pg".into()), 7000)]);
    let c = parse("host=a,b port=1,2", &env);
    assert_eq!((c.port, c.fallback_hosts[0].1), (1, 2));
    let c = parse(
        "",
        &Env::none()
            .with_var("PGHOST", "a,b")
            .with_var("PGPORT", "1,2"),
    );
    assert_eq!(c.fallback_hosts, vec![(Host::Tcp("b".into()), 2)]);
    let err = ConnConfig::parse_with_env("host=a,b port=1,2,3", &env)
        .unwrap_err()
        .to_string();
    assert!(err.contains("3 ports for 2 hosts"), "{err}");
}

/// libpq would connect to hostaddr and verify (and look up .pgpass) by
/// host: petal refuses the two together, wherever each comes from.
#[test]
fn host_and_hostaddr_together_are_refused() {
    let refused = |text: &str, env: &Env| match ConnConfig::parse_with_env(text, env) {
        Ok(cfg) => panic!("{text}: {cfg:?}"),
        Err(e) => e.to_string(),
    };
    let none = Env::none();
    let err = refused("host=db.example.com hostaddr=10.0.0.1", &none);
    assert!(err.contains("host") && err.contains("hostaddr"), "{err}");
    assert!(!err.contains("(or PGHOST"), "{err}");
    let err = refused("postgres://db.example.com/app?hostaddr=10.0.0.1", &none);
    assert!(err.contains("hostaddr"), "{err}");
    let env = Env::none().with_var("PGHOSTADDR", "10.0.0.1");
    let err = refused("host=db.example.com", &env);
    assert!(err.contains("PGHOSTADDR"), "{err}");
    let env = Env::none().with_var("PGHOST", "named");
    assert!(refused("hostaddr=10.0.0.1", &env).contains("PGHOST"));
    // Alone, a numeric hostaddr is the host; a name is not an address.
    let c = parse("hostaddr=10.0.0.1,::1 port=1,2", &none);
    assert_eq!(c.host, Host::Tcp("10.0.0.1".into()));
    assert_eq!(c.fallback_hosts, vec![(Host::Tcp("::1".into()), 2)]);
    let err = refused("hostaddr=db.example.com", &none);
    assert!(err.contains("not a numeric IP address"), "{err}");
}

/// libpq's root certificate: `sslrootcert`, else `~/.postgresql/root.crt`;
/// `system` is verify-full's alone.
#[test]
fn root_certificates_as_libpq_resolves_them() {
    let home = tempfile::tempdir().unwrap();
    let env = Env::none().with_home(home.path());
    let c = parse("postgres://h/?sslmode=require", &env);
    assert_eq!(c.sslrootcert, RootCerts::None);
    // verify-full without a file: the public roots, which `system` names.
    let c = parse("postgres://h/?sslmode=verify-full", &env);
    assert_eq!(c.sslrootcert, RootCerts::System);
    let dir = home.path().join(".postgresql");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("root.crt"), "").unwrap();
    let c = parse("postgres://h/?sslmode=require", &env);
    assert_eq!(c.sslrootcert, RootCerts::File(dir.join("root.crt")));
    assert!(c.to_url_with_password().contains("sslrootcert="));
    // An empty sslrootcert is unset, as in libpq.
    let c = parse("postgres://h/?sslrootcert=", &env);
    assert_eq!(c.sslrootcert, RootCerts::File(dir.join("root.crt")));
    // system: verify-full by default, whatever else is weaker refused.
    let c = parse("postgres://h/?sslrootcert=system", &env);
    assert_eq!(
        (c.sslmode, c.sslrootcert),
        (SslMode::VerifyFull, RootCerts::System)
    );
    for weak in ["disable", "prefer", "require", "verify-ca"] {
        let text = format!("postgres://h/?sslrootcert=system&sslmode={weak}");
        let err = ConnConfig::parse_with_env(&text, &env)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("weak sslmode \"{weak}\"")) && err.contains("sslrootcert=system"),
            "{err}"
        );
    }
    // PGSSLMODE is as explicit as the string.
    let env = env.with_var("PGSSLMODE", "require");
    assert!(ConnConfig::parse_with_env("sslrootcert=system", &env).is_err());
}

/// Every resolved setting is written, so that a child's own `PG*`
/// variables cannot fill in what this process decided otherwise.
#[test]
fn a_url_written_back_names_every_setting() {
    let c = parse("postgres://u@h/db", &Env::none());
    let url = c.to_url_with_password();
    for param in [
        "sslmode=prefer",
        "connect_timeout=10",
        "channel_binding=prefer",
        "target_session_attrs=any",
    ] {
        assert!(url.contains(param), "{param} in {url}");
    }
    // Nothing unset is written: tokio-postgres, for a test's own pool,
    // refuses `sslrootcert=` and the like, and reads this URL.
    assert!(!url.contains("=&") && !url.ends_with('='), "{url}");
    let read = url.parse::<tokio_postgres::Config>();
    assert!(read.is_ok(), "{url}: {:?}", read.err());
    // A child whose environment says otherwise keeps what was resolved.
    let child = parse(&url, &env());
    assert_eq!(child.sslmode, c.sslmode);
    assert_eq!(child.connect_timeout, c.connect_timeout);
    assert_eq!(child.channel_binding, c.channel_binding);
    assert_eq!(child.read_write, c.read_write);
    assert_eq!((child.host, child.port), (c.host.clone(), c.port));
    // libpq reads whole seconds: a finer timeout is rounded up, never 0.
    let mut fine = c.clone();
    fine.connect_timeout = Duration::from_millis(500);
    assert!(fine.to_url_with_password().contains("connect_timeout=1&"));
    let c = parse("postgres://u@h/db?connect_timeout=0", &Env::none());
    assert!(c.to_url_with_password().contains("connect_timeout=0&"));
}
