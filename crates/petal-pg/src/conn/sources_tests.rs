//! The sources of a connection's settings and their precedence, as libpq
//! has them: the string, then the `PG*` variables, then the defaults (the
//! OS user, the home directory's files); and several hosts. Pure: each
//! test gives its own [`Env`].

use std::time::Duration;

use super::builder::DEFAULT_PORT;
use super::{ChannelBinding, ConnConfig, Env, Host, PassFile, SslMode};

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
    assert_eq!(c.sslrootcert, Some("/env/root.crt".into()));
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
         channel_binding=disable&sslrootcert=system&sslcert=/c&sslkey=/k&passfile=/p",
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
    assert_eq!(c.sslrootcert, None);
    assert_eq!(c.sslcert, Some("/c".into()));
    assert_eq!(c.passfile, PassFile::Given("/p".into()));
    // A socket from the string, the port still the environment's.
    let c = parse("host=/run/pg dbname=shop", &env());
    assert_eq!((c.host, c.port), (Host::Unix("/run/pg".into()), 6000));
    // PGHOSTADDR stands in for a host only when there is none.
    let addr = Env::none().with_var("PGHOSTADDR", "10.0.0.1");
    assert_eq!(parse("", &addr).host, Host::Tcp("10.0.0.1".into()));
    let both = addr.with_var("PGHOST", "named");
    assert_eq!(parse("", &both).host, Host::Tcp("named".into()));
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
    // `~/.pgpass` is no parameter of the URL: whoever reads it finds theirs.
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
