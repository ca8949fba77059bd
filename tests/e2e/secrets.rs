//! A password in a database URL never reaches the terminal: not in errors,
//! not in JSON, whichever way the URL came in.

use std::net::TcpListener;
use std::path::Path;

use crate::support::{migration_file, run_petal, toml_string, unused_port};

const PASSWORD: &str = "s3cr3t-pw";

/// A loopback server that accepts connections and closes them at once: the
/// client gets past connecting and fails on the first read.
fn closing_listener() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a loopback port");
    let port = listener
        .local_addr()
        .expect("the listener's address")
        .port();
    // The thread ends with the test process; it holds nothing else.
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            drop(stream);
        }
    });
    port
}

fn project_with(dir: &Path, url: &str) {
    let config = format!(
        "database_url = {}\ndev_url = {}\nmodels = \"models\"\nmigrations = \"migrations\"\n",
        toml_string(url),
        toml_string(&url.replace("/shop", "/postgres")),
    );
    std::fs::write(dir.join("petal.toml"), config).expect("writing petal.toml");
    std::fs::create_dir_all(dir.join("models")).expect("models/");
    std::fs::create_dir_all(dir.join("migrations")).expect("migrations/");
    std::fs::write(
        dir.join("models/m.rs"),
        "use petal::Table;\n\n#[derive(Table)]\n#[petal(table = \"things\")]\n\
         pub struct Thing {\n    #[petal(primary_key)]\n    pub id: i64,\n}\n",
    )
    .expect("writing a model");
    std::fs::write(
        dir.join("migrations/20260101000000_things.sql"),
        migration_file(
            "20260101000000",
            &[],
            "things",
            "CREATE TABLE things (id bigint PRIMARY KEY);",
            "DROP TABLE things;",
        ),
    )
    .expect("writing a migration");
}

fn assert_never_shown(dir: &Path, url: &str, env: &[(&str, &str)]) {
    let commands: Vec<Vec<&str>> = vec![
        vec!["current"],
        vec!["current", "--format", "json"],
        vec!["status"],
        vec!["status", "--format", "json"],
        vec!["check"],
        vec!["check", "--format", "json"],
        vec!["upgrade"],
        vec!["downgrade", "base"],
        vec!["stamp", "head"],
        vec!["revision", "--autogenerate", "-m", "x"],
        vec!["diff", "--from", url, "--to", "models", "--format", "json"],
        vec!["diff", "--from", url, "--to", "empty"],
        vec!["inspect", url],
        vec!["inspect", url, "--format", "json"],
    ];
    for args in &commands {
        let run = run_petal(dir, args, env);
        assert!(
            !run.output().contains(PASSWORD),
            "`petal {}` showed the password:\n--- stdout\n{}\n--- stderr\n{}",
            args.join(" "),
            run.stdout,
            run.stderr
        );
        run.assert_code(2);
        assert!(!run.stderr.trim().is_empty(), "{run:?}");
        if args.contains(&"json") {
            // The error is a JSON object too, and says what failed.
            let error: serde_json::Value = serde_json::from_str(&run.stdout)
                .unwrap_or_else(|e| panic!("`petal {}`: {e}: {run:?}", args.join(" ")));
            assert_eq!(error["kind"], "connection", "{error:#}");
        }
    }
    // History works without a database, and must not leak either.
    let history = run_petal(dir, &["history"], env);
    assert!(!history.output().contains(PASSWORD), "{history:?}");
}

#[test]
fn passwords_never_shown_when_the_server_refuses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("postgres://app:{PASSWORD}@127.0.0.1:{}/shop", unused_port());
    project_with(dir.path(), &url);
    assert_never_shown(dir.path(), &url, &[]);
}

#[test]
fn passwords_never_shown_when_the_server_hangs_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!(
        "postgresql://app:{PASSWORD}@127.0.0.1:{}/shop?sslmode=disable",
        closing_listener()
    );
    project_with(dir.path(), &url);
    assert_never_shown(dir.path(), &url, &[]);
}

#[test]
fn passwords_from_the_environment_and_flags_never_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("postgres://app:{PASSWORD}@127.0.0.1:{}/shop", unused_port());
    project_with(dir.path(), "postgres://placeholder@127.0.0.1:1/shop");
    for (args, env) in [
        (vec!["current"], vec![("DATABASE_URL", url.as_str())]),
        (vec!["--database-url", url.as_str(), "status"], vec![]),
        (vec!["--database-url", url.as_str(), "upgrade"], vec![]),
    ] {
        let run = run_petal(dir.path(), &args, &env);
        run.assert_code(2);
        assert!(!run.output().contains(PASSWORD), "{run:?}");
        // The error names the server it tried, so the user can tell which.
        assert!(run.stderr.contains("127.0.0.1"), "{run:?}");
    }
}

#[test]
fn passwords_never_shown_from_mistyped_config_or_sources() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("postgres://app:{PASSWORD}@127.0.0.1:{}/shop", unused_port());
    // A misspelt key, an unterminated string, an unquoted value: TOML's own
    // error rendering quotes the offending line.
    for (config, line) in [
        (format!("databse_url = \"{url}\"\n"), 1),
        (format!("models = \"models\"\ndatabase_url = \"{url}\n"), 2),
        (format!("database_url = {url}\n"), 1),
    ] {
        std::fs::write(dir.path().join("petal.toml"), &config).expect("writing petal.toml");
        let run = run_petal(dir.path(), &["current"], &[]);
        run.assert_code(2).assert_mentions("petal.toml:");
        assert!(!run.output().contains(PASSWORD), "{config}{run:?}");
        // As JSON: the place, never the line.
        let run = run_petal(dir.path(), &["current", "--format", "json"], &[]);
        run.assert_code(2);
        assert!(!run.output().contains(PASSWORD), "{config}{run:?}");
        let error: serde_json::Value =
            serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
        assert_eq!(error["kind"], "config", "{error:#}");
        assert_eq!(error["path"], "petal.toml", "{error:#}");
        assert_eq!(error["line"], line, "{config}{error:#}");
    }
    std::fs::remove_file(dir.path().join("petal.toml")).expect("removing petal.toml");

    let mistyped = url.replace("postgres://", "postgress://");
    let other = url.replace("postgres://", "mysql://");
    for args in [
        vec!["inspect", mistyped.as_str()],
        vec![
            "diff",
            "--from",
            other.as_str(),
            "--to",
            "empty",
            "--format",
            "json",
        ],
        vec!["--database-url", mistyped.as_str(), "current"],
    ] {
        let run = run_petal(dir.path(), &args, &[]);
        run.assert_code(2);
        assert!(!run.output().contains(PASSWORD), "{args:?}: {run:?}");
    }
}

/// `url` with `password` in its user info, unless it has one already; returns
/// the URL and the password to look for.
fn with_password(url: &str, password: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (user_info, host) = rest.split_once('@').expect("a URL with a user");
    match user_info.split_once(':') {
        Some((_, existing)) => (url.to_string(), existing.to_string()),
        None => (
            format!("{scheme}://{user_info}:{password}@{host}"),
            password.to_string(),
        ),
    }
}

/// The same guarantee when everything works: the test server trusts its
/// socket, so a password in the URL is accepted and ignored, and every
/// success path (progress, JSON, dumps, SQL) is checked too.
#[tokio::test]
async fn passwords_never_shown_when_everything_works() {
    let project = crate::support::Project::new().await;
    let (url, secret) = with_password(&project.url(), PASSWORD);
    let (dev, _) = with_password(&crate::support::dev_url(), PASSWORD);
    project.write(
        "petal.toml",
        &format!(
            "database_url = {}\ndev_url = {}\nmodels = \"models\"\nmigrations = \"migrations\"\n",
            toml_string(&url),
            toml_string(&dev)
        ),
    );
    project.write(
        "models/m.rs",
        "use petal::Table;\n\n#[derive(Table)]\n#[petal(table = \"things\")]\n\
         pub struct Thing {\n    #[petal(primary_key)]\n    pub id: i64,\n}\n",
    );
    let steps: Vec<(Vec<&str>, i32)> = vec![
        (vec!["revision", "--autogenerate", "-m", "things"], 0),
        (vec!["upgrade", "--sql"], 0),
        (vec!["upgrade"], 0),
        (vec!["current"], 0),
        (vec!["current", "--format", "json"], 0),
        (vec!["status", "--format", "json"], 0),
        (vec!["history", "-v"], 0),
        (vec!["history", "--format", "json"], 0),
        (vec!["check"], 0),
        (vec!["check", "--format", "json"], 0),
        (vec!["check", "--migrations"], 0),
        (
            vec!["diff", "--from", &url, "--to", "models", "--format", "json"],
            0,
        ),
        (vec!["diff", "--from", "database", "--to", "empty"], 0),
        (vec!["inspect", &url], 0),
        (vec!["inspect", &url, "--format", "json"], 0),
        (vec!["inspect", "migrations"], 0),
        (vec!["downgrade", "base"], 0),
        (vec!["stamp", "head"], 0),
    ];
    for (args, code) in &steps {
        let run = project.petal(args);
        run.assert_code(*code);
        assert!(
            !run.output().contains(&secret),
            "`petal {}` showed the password:\n{}",
            args.join(" "),
            run.output()
        );
    }
    // And when a migration fails on the server.
    project.write(
        "migrations/20990101000000_broken.sql",
        &migration_file(
            "20990101000000",
            &[],
            "broken",
            "SELECT 1 / 0;",
            "SELECT 1;",
        ),
    );
    let run = project.petal(&["upgrade", "heads"]);
    run.assert_code(2).assert_mentions("division by zero");
    assert!(!run.output().contains(&secret), "{}", run.output());
}
