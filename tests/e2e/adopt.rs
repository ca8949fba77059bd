//! Adopting petal on an existing database (`petal init --from-database`):
//! the Cvety.kz database at head, written as a project in a new crate —
//! models, SQL files, a baseline, the database stamped — with `petal
//! check` clean on the first run, the written models compiling with the
//! derives, and the project then driving a change and its rollback. And
//! nothing is written over.

use std::path::Path;

use crate::support::{DEV_PROFILE, Project, cargo, dev_url, run_petal};

/// A new crate in `home` depending on petal (by path) and the crates the
/// written models' types come from, as the README's quick start says.
fn new_crate(home: &Path) -> std::path::PathBuf {
    cargo(
        home,
        &["new", "--offline", "--vcs", "none", "--bin", "shop"],
    );
    let shop = home.join("shop");
    let petal = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/petal");
    let manifest = std::fs::read_to_string(shop.join("Cargo.toml")).expect("Cargo.toml");

    let dependencies = format!(
        "petal = {{ path = {:?} }}\nchrono = \"0.4\"\nrust_decimal = \"1\"\nserde_json = \"1\"\nuuid = \"1\"\n",
        petal.display().to_string()
    );
    std::fs::write(
        shop.join("Cargo.toml"),
        format!("{manifest}{dependencies}{DEV_PROFILE}"),
    )
    .expect("Cargo.toml");
    shop
}

#[tokio::test]
async fn the_cvety_database_is_adopted_with_a_clean_check_and_compiling_models() {
    // The shop's database at head, made by its own migrations, then
    // without petal's log: a database another tool made.
    let cvety = Project::cvety().await;
    cvety.petal(&["upgrade", "head"]).assert_ok();
    // `schema/` canonicalized is this database: with the adopted
    // project's own clean check below, the models written from it and
    // `schema/` are one schema as `check` compares them.
    cvety
        .petal(&["check"])
        .assert_ok()
        .assert_mentions("ok: the models and the database agree");
    let url = cvety.url();
    let home = tempfile::Builder::new()
        .prefix("petal-adopt-")
        .tempdir()
        .expect("temp dir");
    let managed = run_petal(home.path(), &["init", "--from-database", &url], &[]);
    managed.assert_code(2);
    managed.assert_mentions("petal already manages");
    assert!(!home.path().join("petal.toml").exists());
    cvety
        .client()
        .batch_execute("DROP TABLE petal_migrations, petal_migration_steps")
        .await
        .unwrap();
    let shop = new_crate(home.path());

    let dev = dev_url();
    let run = run_petal(
        &shop,
        &["init", "--from-database", &url, "--dev-url", &dev],
        &[],
    );
    run.assert_ok();
    // Names are said, the baseline written and stamped; the check is the
    // user's next command, and is clean.
    run.assert_mentions("public.orders -> Order");
    run.assert_mentions("public.order_status -> OrderStatus");
    run.assert_mentions("_baseline.sql");
    run.assert_mentions("stamped");
    run.assert_mentions("next: petal check");
    assert!(!run.stdout.contains("petal check:"), "{}", run.stdout);
    run_petal(&shop, &["check"], &[])
        .assert_ok()
        .assert_mentions("ok: the models and the database agree");
    // The baseline, generated toward the database without canonicalizing
    // the models, replays to what the models declare.
    run_petal(
        &shop,
        &[
            "diff",
            "--from",
            "migrations",
            "--to",
            "models",
            "--exit-code",
        ],
        &[],
    )
    .assert_ok();
    let public = std::fs::read_to_string(shop.join("src/models/public.rs")).expect("models");
    assert!(public.contains("#[petal(table = \"orders\")]"), "{public}");
    assert!(public.contains("pub enum OrderStatus"), "{public}");
    let views = std::fs::read_to_string(shop.join("sql/views.sql")).expect("views");
    assert!(views.contains("CREATE VIEW"), "{views}");
    let functions = std::fs::read_to_string(shop.join("sql/functions.sql")).expect("functions");
    assert!(
        functions.contains("CREATE OR REPLACE FUNCTION"),
        "{functions}"
    );

    // The models are code of the service: they compile with the derives.
    let main = std::fs::read_to_string(shop.join("src/main.rs")).expect("main.rs");
    std::fs::write(
        shop.join("src/main.rs"),
        format!("#[allow(dead_code)]\nmod models;\n\n{main}"),
    )
    .expect("main.rs");
    cargo(&shop, &["build", "--offline", "--quiet"]);

    // The adopted project drives the next change, and its rollback.
    let petal = |args: &[&str]| run_petal(&shop, args, &[]);
    petal(&["check"]).assert_ok().assert_mentions("agree");
    let edited = public.replacen(
        "pub struct Order {\n",
        "pub struct Order {\n    pub gift_note: Option<String>,\n",
        1,
    );
    assert_ne!(edited, public);
    std::fs::write(shop.join("src/models/public.rs"), &edited).expect("models");
    petal(&["revision", "--autogenerate", "-m", "gift note"])
        .assert_ok()
        .assert_mentions("add column public.orders.gift_note");
    petal(&["upgrade"]).assert_ok();
    petal(&["check"]).assert_ok();
    petal(&["downgrade", "-1"]).assert_ok();
    // Back at the baseline: as the database was adopted.
    let columns = crate::support::catalog::columns(cvety.client(), "public.orders").await;
    assert!(!columns.iter().any(|c| c == "gift_note"), "{columns:?}");
    petal(&["upgrade"]).assert_ok();
    petal(&["check"]).assert_ok();

    // The code alone, for any source; `--format rust` is `inspect`'s only.
    let code = petal(&["inspect", "database", "--format", "rust"]);
    code.assert_ok();
    code.assert_mentions("// src/models/public.rs");
    code.assert_mentions("pub struct Order {");
    petal(&["check", "--format", "rust"])
        .assert_code(2)
        .assert_mentions("`--format rust` is for `petal inspect`");

    // Run again, it writes over nothing.
    let again = run_petal(&shop, &["init", "--from-database", &url], &[]);
    again.assert_code(2);
    again.assert_mentions("never overwrites");
}

/// What the models cannot say is listed where the reviewer reads it — the
/// baseline's header and the run's output — and `check` shows it as the
/// difference it is; a failure once the files are written says what is
/// left to run by hand.
#[tokio::test]
async fn what_cannot_be_declared_is_said_and_a_late_failure_says_what_is_left() {
    let db = petal_testkit::TestDb::new().await;
    db.client()
        .batch_execute(
            "CREATE TABLE notes (id bigint PRIMARY KEY, title text NOT NULL);
             CREATE INDEX notes_title_twice ON notes (title text_pattern_ops, title);",
        )
        .await
        .unwrap();
    let home = tempfile::tempdir().expect("temp dir");
    let dev = dev_url();
    let run = run_petal(
        home.path(),
        &["init", "--from-database", &db.url(), "--dev-url", &dev],
        &[],
    );
    run.assert_code(1);
    run.assert_mentions("not declared: the models cannot say these");
    run.assert_mentions("notes_title_twice");
    let migrations: Vec<_> = std::fs::read_dir(home.path().join("migrations"))
        .expect("migrations/")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(migrations.len(), 1, "{migrations:?}");
    let baseline = std::fs::read_to_string(&migrations[0]).expect("baseline");
    assert!(
        baseline.contains("-- not declared: the models cannot say these")
            && baseline.contains("notes_title_twice"),
        "{baseline}"
    );

    // A dev server that cannot be reached: the files stay, and the run
    // says what to run once it is mended.
    let fresh = petal_testkit::TestDb::new().await;
    fresh
        .client()
        .batch_execute("CREATE TABLE notes (id bigint PRIMARY KEY)")
        .await
        .unwrap();
    let other = tempfile::tempdir().expect("temp dir");
    let run = run_petal(
        other.path(),
        &[
            "init",
            "--from-database",
            &fresh.url(),
            "--dev-url",
            "postgres://nobody@127.0.0.1:1/postgres?connect_timeout=2",
        ],
        &[],
    );
    run.assert_code(2);
    run.assert_mentions("once the error below is mended, run: petal revision --autogenerate --from-migrations -m baseline");
    assert!(other.path().join("petal.toml").exists());
}
