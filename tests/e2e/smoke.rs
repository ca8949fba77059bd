//! `--help`, `--version`, `petal init`, and where the database URL comes
//! from.

use crate::support::run_petal;

#[test]
fn help_and_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let help = run_petal(dir.path(), &["--help"], &[]);
    help.assert_ok();
    for command in [
        "upgrade",
        "downgrade",
        "revision",
        "check",
        "merge",
        "Exit codes",
    ] {
        assert!(
            help.stdout.contains(command),
            "--help does not mention {command}:\n{}",
            help.stdout
        );
    }
    let version = run_petal(dir.path(), &["--version"], &[]);
    version.assert_ok();
    assert_eq!(
        version.stdout.trim(),
        format!("petal {}", env!("CARGO_PKG_VERSION"))
    );
    // An unknown command is a usage error, exit code 2 like every error.
    run_petal(dir.path(), &["upgrad"], &[]).assert_code(2);
}

/// Every schema source the README documents is listed where a user looks
/// for it: `diff --help` and `inspect --help`.
#[test]
fn diff_and_inspect_help_list_every_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    for command in ["diff", "inspect"] {
        let help = run_petal(dir.path(), &[command, "--help"], &[]);
        help.assert_ok();
        for source in [
            "postgres://",
            "`database`",
            "`models`",
            "`migrations`",
            "`empty`",
        ] {
            assert!(
                help.stdout.contains(source),
                "{command} --help does not mention {source}:\n{}",
                help.stdout
            );
        }
    }
}

#[test]
fn init_creates_a_project_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = run_petal(dir.path(), &["init"], &[]);
    run.assert_ok();
    let config_path = dir.path().join("petal.toml");
    let model_path = dir.path().join("src/models/mod.rs");
    assert!(dir.path().join("migrations").is_dir());
    let config = std::fs::read_to_string(&config_path).expect("petal.toml written");
    let model = std::fs::read_to_string(&model_path).expect("example model written");
    assert!(config.contains("migrations = \"migrations\""), "{config}");
    assert!(config.contains("sql = \"sql\""), "{config}");
    assert!(dir.path().join("sql").is_dir());
    assert!(model.contains("#[derive(Table)]"), "{model}");

    // The example model is one petal can read: no database needed for this.
    let inspect = run_petal(dir.path(), &["inspect", "models"], &[]);
    inspect.assert_ok().assert_mentions("posts");

    let again = run_petal(dir.path(), &["init"], &[]);
    again.assert_code(2).assert_mentions("already exists");
    assert_eq!(std::fs::read_to_string(&config_path).ok(), Some(config));
    assert_eq!(std::fs::read_to_string(&model_path).ok(), Some(model));
}

/// `--database-url` beats `DATABASE_URL`, which beats `.env`, which beats
/// `petal.toml`: seen through which database `current` reads.
#[tokio::test]
async fn database_url_precedence() {
    let project = crate::support::Project::new().await;
    let good = project.url();
    let bad = format!(
        "postgres://nobody@127.0.0.1:{}/nowhere",
        crate::support::unused_port()
    );
    let config = project.read("petal.toml").replace(
        &crate::support::toml_string(&good),
        &crate::support::toml_string(&bad),
    );
    project.write("petal.toml", &config);
    let current = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = args.to_vec();
        all.push("current");
        run_petal(project.root(), &all, env)
    };
    current(&[], &[]).assert_code(2);
    project.write(
        ".env",
        &format!("# local settings\nDATABASE_URL=\"{good}\"\n"),
    );
    current(&[], &[]).assert_ok().assert_mentions("base");
    current(&[], &[("DATABASE_URL", &bad)]).assert_code(2);
    current(&["--database-url", &good], &[("DATABASE_URL", &bad)])
        .assert_ok()
        .assert_mentions("base");
}
