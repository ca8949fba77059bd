//! Connections as libpq reads them, against real servers the tests start:
//! the `PG*` variables (injected, and the process's own in a child
//! process), `.pgpass`, client certificates, several hosts.

#[path = "common/cert_server.rs"]
mod cert_server;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use cert_server::{Authority, CERT_USER, CertServer, PASSWORD, encoded, free_port};
use petal_pg::conn::{ENV_VARIABLES, Env};
use petal_pg::{ConnConfig, PgError, connect};
use tokio_postgres::Client;

/// Parsed in `env` only: nothing of the machine's own environment.
fn config(text: &str, env: &Env) -> ConnConfig {
    match ConnConfig::parse_with_env(text, env) {
        Ok(cfg) => cfg,
        Err(e) => panic!("{e}"),
    }
}

/// Who and where a session is: user, database, server port (`None` on a
/// socket), TLS, application name, `transaction_read_only`.
async fn whoami(client: &Client) -> (String, String, Option<i32>, bool, String, String) {
    let row = client
        .query_one(
            "SELECT current_user::text, current_database()::text, inet_server_port(), \
                    (SELECT ssl FROM pg_catalog.pg_stat_ssl WHERE pid = pg_backend_pid()), \
                    current_setting('application_name'), \
                    current_setting('transaction_read_only')",
            &[],
        )
        .await
        .unwrap();
    (
        row.get(0),
        row.get(1),
        row.get(2),
        row.get(3),
        row.get(4),
        row.get(5),
    )
}

async fn connected(cfg: &ConnConfig) -> Client {
    match connect(cfg).await {
        Ok(client) => client,
        Err(e) => panic!("{cfg}: {e}"),
    }
}

async fn refused(cfg: &ConnConfig) -> String {
    match connect(cfg).await {
        Ok(_) => panic!("{cfg} connected"),
        Err(e) => {
            eprintln!("expected failure: {e}");
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains(PASSWORD), "a password shows in {shown}");
            e.to_string()
        }
    }
}

#[tokio::test]
async fn pg_variables_alone_reach_the_server() {
    let server = CertServer::start().await;
    let env = Env::none()
        .with_var("PGHOST", "localhost")
        .with_var("PGPORT", &server.port.to_string())
        .with_var("PGUSER", "postgres")
        .with_var("PGPASSWORD", PASSWORD)
        .with_var("PGDATABASE", "app")
        .with_var("PGSSLMODE", "verify-full")
        .with_var("PGSSLROOTCERT", &server.ca.display().to_string())
        .with_var("PGAPPNAME", "from-env")
        .with_var("PGCONNECT_TIMEOUT", "5");
    for text in ["", "postgres:///", "dbname=app"] {
        let client = connected(&config(text, &env)).await;
        let (user, db, port, ssl, app, _) = whoami(&client).await;
        assert_eq!((user.as_str(), db.as_str()), ("postgres", "app"), "{text}");
        assert_eq!((port, ssl), (Some(i32::from(server.port)), true), "{text}");
        assert_eq!(app, "from-env", "{text}");
    }
    // What the string says wins: a database that does not exist.
    let err = refused(&config("postgres:///nowhere", &env)).await;
    assert!(
        err.contains("\"nowhere\"") && err.contains("does not exist"),
        "{err}"
    );
    // The configuration shown names the server, never the password.
    let cfg = config("", &env);
    let shown = format!("{cfg} {cfg:?} {}", cfg.target());
    assert!(shown.contains("***"), "{shown}");
    assert!(
        !shown.contains(PASSWORD) && !shown.contains("pa%3Ass"),
        "{shown}"
    );
}

/// The child process's half of `the_process_environment_is_read`.
const CHILD: &str = "PETAL_CONN_SOURCES_CHILD";

#[tokio::test]
async fn the_process_environment_is_read() {
    let server = CertServer::start().await;
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap());
    child.args([
        "--exact",
        "child_connects_from_its_environment",
        "--nocapture",
    ]);
    for (var, _) in ENV_VARIABLES {
        child.env_remove(var);
    }
    let output = child
        .env(CHILD, "1")
        .env("HOME", home.path())
        .env("PGHOST", "127.0.0.1")
        .env("PGPORT", server.port.to_string())
        .env("PGUSER", "postgres")
        .env("PGPASSWORD", PASSWORD)
        .env("PGDATABASE", "app")
        .env("PGSSLMODE", "require")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{out}");
    assert!(out.contains("1 passed"), "{out}");
}

#[tokio::test]
async fn child_connects_from_its_environment() {
    if std::env::var_os(CHILD).is_none() {
        return; // run by `the_process_environment_is_read`, in a child
    }
    let client = connected(&ConnConfig::parse("").unwrap()).await;
    let (user, db, _, ssl, _, _) = whoami(&client).await;
    assert_eq!((user.as_str(), db.as_str(), ssl), ("postgres", "app", true));
}

/// A `.pgpass` line for `postgres` on the server, after lines that do not
/// match it, with `:` and `\` escaped.
fn pgpass(path: &Path, port: u16, mode: u32) {
    let escaped = PASSWORD.replace('\\', "\\\\").replace(':', "\\:");
    let text = format!(
        "# petal's test\n\
         127.0.0.1:{port}:other_db:postgres:wrong\n\
         localhost:{port}:app:postgres:wrong\n\
         127.0.0.1:*:app:postgres:{escaped}\n"
    );
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[tokio::test]
async fn pgpass_gives_the_password_the_string_does_not() {
    let server = CertServer::start().await;
    let url = format!(
        "postgresql://postgres@127.0.0.1:{}/app?sslmode=disable",
        server.port
    );
    // PGPASSFILE.
    let file = server.dir.path().join("passwords");
    pgpass(&file, server.port, 0o600);
    let env = Env::none().with_var("PGPASSFILE", &file.display().to_string());
    let (user, ..) = whoami(&connected(&config(&url, &env)).await).await;
    assert_eq!(user, "postgres");
    // ~/.pgpass.
    let home = tempfile::tempdir().unwrap();
    pgpass(&home.path().join(".pgpass"), server.port, 0o600);
    let env = Env::none().with_home(home.path());
    let (user, ..) = whoami(&connected(&config(&url, &env)).await).await;
    assert_eq!(user, "postgres");
    // A password in the string wins over the file's.
    let wrong = url.replace("postgres@", "postgres:wrong@");
    let err = refused(&config(&wrong, &env)).await;
    assert!(err.contains("password authentication failed"), "{err}");
}

#[tokio::test]
async fn a_pgpass_others_can_read_is_not_used() {
    let server = CertServer::start().await;
    let file = server.dir.path().join("passwords");
    pgpass(&file, server.port, 0o644);
    let env = Env::none().with_var("PGPASSFILE", &file.display().to_string());
    let url = format!(
        "postgresql://postgres@127.0.0.1:{}/app?sslmode=disable",
        server.port
    );
    let err = refused(&config(&url, &env)).await;
    assert!(err.contains("password"), "{err}");
    assert!(err.contains(&file.display().to_string()), "{err}");
    assert!(err.contains("group or world access"), "{err}");
    // Once private, it is used.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    connected(&config(&url, &env)).await;
}

#[tokio::test]
async fn a_client_certificate_authenticates() {
    let server = CertServer::start().await;
    let (ca, cert, key) = (
        server.ca.display().to_string(),
        server.client_cert.display().to_string(),
        server.client_key.display().to_string(),
    );
    let base = format!(
        "postgresql://{CERT_USER}@localhost:{}/app?sslmode=verify-full&sslrootcert={ca}",
        server.port
    );
    let none = Env::none();
    // In the URL.
    let with_cert = format!("{base}&sslcert={cert}&sslkey={key}");
    let (user, _, _, ssl, ..) = whoami(&connected(&config(&with_cert, &none)).await).await;
    assert_eq!((user.as_str(), ssl), (CERT_USER, true));
    // In the key-value form, from the variables, and libpq's default files.
    let key_value = format!(
        "host=localhost port={} user={CERT_USER} dbname=app sslmode=require sslcert={cert} \
         sslkey={key}",
        server.port
    );
    connected(&config(&key_value, &none)).await;
    let env = Env::none()
        .with_var("PGSSLCERT", &cert)
        .with_var("PGSSLKEY", &key);
    connected(&config(&base, &env)).await;
    let home = tempfile::tempdir().unwrap();
    let dot = home.path().join(".postgresql");
    std::fs::create_dir(&dot).unwrap();
    std::fs::copy(&server.client_cert, dot.join("postgresql.crt")).unwrap();
    std::fs::copy(&server.client_key, dot.join("postgresql.key")).unwrap();
    connected(&config(&base, &Env::none().with_home(home.path()))).await;

    // Without one, the server's refusal.
    let err = refused(&config(&base, &none)).await;
    assert!(err.contains("certificate"), "{err}");
    // A key file that is missing or no key: named, before any connection.
    let missing = format!("{base}&sslcert={cert}&sslkey=/nonexistent/client.key");
    match connect(&config(&missing, &none)).await {
        Err(e @ PgError::Io { .. }) => assert!(e.to_string().contains("/nonexistent/client.key")),
        other => panic!("{:?}", other.err()),
    }
    let not_a_key = format!("{base}&sslcert={cert}&sslkey={ca}");
    let err = refused(&config(&not_a_key, &none)).await;
    assert!(err.contains("sslkey") && err.contains(&ca), "{err}");
}

#[tokio::test]
async fn the_next_host_is_tried_when_one_is_down() {
    let server = CertServer::start().await;
    let closed = free_port();
    let env = Env::none().with_var("PGPASSWORD", PASSWORD);
    let key_value = format!(
        "host=127.0.0.1,127.0.0.1 port={closed},{} user=postgres dbname=app connect_timeout=5",
        server.port
    );
    let url = format!(
        "postgresql://postgres@127.0.0.1:{closed},localhost:{}/app?sslmode=require",
        server.port
    );
    for text in [&key_value, &url] {
        let (_, _, port, ..) = whoami(&connected(&config(text, &env)).await).await;
        assert_eq!(port, Some(i32::from(server.port)), "{text}");
    }
    // None up: each server's reason.
    let other = free_port();
    let text = format!("postgresql://postgres@127.0.0.1:{closed},127.0.0.1:{other}/app");
    let err = refused(&config(&text, &env)).await;
    for port in [closed, other] {
        assert!(err.contains(&format!("127.0.0.1:{port}: ")), "{err}");
    }
}

#[tokio::test]
async fn read_write_skips_a_read_only_server() {
    let server = CertServer::start().await;
    let (read_only, _stop) = CertServer::read_only().await;
    let socket = read_only.socket_dir().display().to_string();
    let url = format!(
        "postgresql://postgres:{}@{}:{},127.0.0.1:{}/app?sslmode=disable",
        encoded(PASSWORD),
        encoded(&socket),
        read_only.port(),
        server.port
    );
    // Any server: the first, read-only.
    let any = whoami(&connected(&config(&url, &Env::none())).await).await;
    assert_eq!((any.2, any.5.as_str()), (None, "on"));
    // read-write: the second.
    let rw = format!("{url}&target_session_attrs=read-write");
    let (_, _, port, _, _, read_only_session) =
        whoami(&connected(&config(&rw, &Env::none())).await).await;
    assert_eq!(port, Some(i32::from(server.port)));
    assert_eq!(read_only_session, "off");
    // From the variable, in the key-value form.
    let key_value = format!(
        "host={socket},127.0.0.1 port={},{} user=postgres dbname=app sslmode=disable",
        read_only.port(),
        server.port
    );
    let env = Env::none()
        .with_var("PGTARGETSESSIONATTRS", "read-write")
        .with_var("PGPASSWORD", PASSWORD);
    let (_, _, port, ..) = whoami(&connected(&config(&key_value, &env)).await).await;
    assert_eq!(port, Some(i32::from(server.port)));
    // Only the read-only server: why it was refused.
    let alone = format!(
        "host={socket} port={} user=postgres dbname=app target_session_attrs=read-write",
        read_only.port()
    );
    let err = refused(&config(&alone, &Env::none())).await;
    assert!(
        err.contains("read-only") && err.contains("read-write"),
        "{err}"
    );
}

/// libpq: "if a root CA file exists, sslmode=require behaves like
/// verify-ca", whether `sslrootcert` names it or it is
/// `~/.postgresql/root.crt`; `sslrootcert=system` goes with verify-full
/// alone.
#[tokio::test]
async fn require_verifies_the_chain_when_a_root_file_exists() {
    let server = CertServer::start().await;
    let other = server.dir.path().join("other-ca.crt");
    std::fs::write(&other, Authority::new("another CA").pem()).unwrap();
    let base = format!(
        "postgresql://postgres:{}@127.0.0.1:{}/app?sslmode=require",
        encoded(PASSWORD),
        server.port
    );
    // No root file: encrypted, nothing verified.
    let home = tempfile::tempdir().unwrap();
    let at_home = Env::none().with_home(home.path());
    let (_, _, _, ssl, ..) = whoami(&connected(&config(&base, &at_home)).await).await;
    assert!(ssl);
    // A root file of another authority: the chain does not verify.
    let with_other = format!("{base}&sslrootcert={}", other.display());
    let err = refused(&config(&with_other, &at_home)).await;
    assert!(err.contains("certificate"), "{err}");
    // The server's own authority: verified, and the name (an IP here,
    // the certificate being for localhost) is not checked, as verify-ca.
    let with_own = format!("{base}&sslrootcert={}", server.ca.display());
    connected(&config(&with_own, &at_home)).await;
    // ~/.postgresql/root.crt is that file when none is named.
    let dot = home.path().join(".postgresql");
    std::fs::create_dir(&dot).unwrap();
    std::fs::copy(&other, dot.join("root.crt")).unwrap();
    let err = refused(&config(&base, &at_home)).await;
    assert!(err.contains("certificate"), "{err}");
    // ... and verify-full's, where petal trusted the public roots alone.
    std::fs::copy(&server.ca, dot.join("root.crt")).unwrap();
    let full = format!(
        "postgresql://postgres:{}@localhost:{}/app?sslmode=verify-full",
        encoded(PASSWORD),
        server.port
    );
    connected(&config(&full, &at_home)).await;
    // system: the public roots, which do not hold the test authority, and
    // verify-full by default; a weaker mode is refused before connecting.
    let system = format!("{full}&sslrootcert=system").replace("sslmode=verify-full&", "");
    let err = refused(&config(&system, &at_home)).await;
    assert!(err.contains("certificate"), "{err}");
    let weak = format!("{base}&sslrootcert=system");
    match ConnConfig::parse_with_env(&weak, &at_home) {
        Ok(cfg) => panic!("{cfg} parsed"),
        Err(e) => {
            let err = e.to_string();
            assert!(
                err.contains("weak sslmode \"require\" may not be used with sslrootcert=system"),
                "{err}"
            );
        }
    }
}

/// libpq: "If a connection is established successfully, but
/// authentication fails, the remaining hosts in the list are not tried."
/// One server under two names, its password file holding a wrong password
/// for the first and the right one for the second.
#[tokio::test]
async fn a_server_that_refuses_the_password_ends_the_attempt() {
    let server = CertServer::start().await;
    let file = server.dir.path().join("passwords");
    let escaped = PASSWORD.replace('\\', "\\\\").replace(':', "\\:");
    let port = server.port;
    std::fs::write(
        &file,
        format!("127.0.0.1:{port}:app:postgres:wrong\nlocalhost:{port}:app:postgres:{escaped}\n"),
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let env = Env::none().with_var("PGPASSFILE", &file.display().to_string());
    // The second alone connects: the file's password for it is right.
    let second = format!("postgresql://postgres@localhost:{port}/app?sslmode=disable");
    connected(&config(&second, &env)).await;
    let both =
        format!("postgresql://postgres@127.0.0.1:{port},localhost:{port}/app?sslmode=disable");
    let err = refused(&config(&both, &env)).await;
    assert!(err.contains("password authentication failed"), "{err}");
    assert!(err.contains(&format!("127.0.0.1:{port}: ")), "{err}");
    assert!(err.contains("no later server was tried"), "{err}");
    // A server that cannot be reached is still passed over.
    let closed = free_port();
    let after =
        format!("postgresql://postgres@127.0.0.1:{closed},localhost:{port}/app?sslmode=disable");
    connected(&config(&after, &env)).await;
}
