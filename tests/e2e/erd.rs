//! `petal erd`: the Cvety.kz models drawn as Mermaid, DOT and SVG, a part
//! of them picked by `--tables` and `--depth`, and what it says when a
//! table is unknown or ambiguous, Graphviz is missing, or a
//! `migrations@REV` source names no revision.

use crate::support::Project;

/// The Cvety.kz schema: 14 tables, 6 enum types, 1 view; 12 foreign keys.
const ENTITIES: usize = 21;
const RELATIONSHIPS: usize = 12;

/// The Mermaid entities (`id["label"]` lines) and relationships.
fn mermaid_counts(text: &str) -> (usize, usize) {
    let entities = text
        .lines()
        .filter(|l| l.starts_with("    ") && !l.starts_with("     ") && l.contains("[\""))
        .count();
    let relationships = text.lines().filter(|l| l.contains("--")).count();
    (entities, relationships)
}

#[tokio::test]
async fn the_cvety_models_as_mermaid_and_dot() {
    let project = Project::cvety().await;
    let run = project.petal(&["erd"]);
    run.assert_ok();
    let mermaid = run.stdout.clone();
    assert!(mermaid.starts_with("erDiagram\n"), "{mermaid}");
    assert_eq!(
        mermaid_counts(&mermaid),
        (ENTITIES, RELATIONSHIPS),
        "{mermaid}"
    );
    for expected in [
        // Canonical types, sanitized: PostgreSQL's spelling, one word.
        "    public_orders[\"public.orders\"] {",
        "        numeric_12_2 total",
        "        timestamptz created_at",
        "        integer id PK",
        "        integer customer_id FK",
        // Enum types and their labels, the view.
        "    public_order_status[\"public.order_status (enum)\"] {",
        "        label self_pickup",
        "    public_daily_sales[\"public.daily_sales (view)\"] {",
        // A mandatory foreign key and an optional one.
        "    public_order_items }o--|| public_orders : \"order_id\"",
        "    public_florist_tasks }o--o| public_users : \"florist_id\"",
    ] {
        assert!(mermaid.contains(expected), "no {expected:?} in\n{mermaid}");
    }
    // The same schema, the same bytes.
    let again = project.petal(&["erd", "models", "--format", "mermaid"]);
    again.assert_ok();
    assert_eq!(again.stdout, mermaid);

    project
        .petal(&["erd", "models", "--format", "dot", "-o", "cvety.dot"])
        .assert_ok();
    let dot = project.read("cvety.dot");
    assert!(dot.starts_with("digraph erd {\n"), "{dot}");
    let nodes = dot.lines().filter(|l| l.contains(" [label=<")).count();
    let edges = dot.lines().filter(|l| l.contains(" -> ")).count();
    assert_eq!((nodes, edges), (ENTITIES, RELATIONSHIPS), "{dot}");
    assert!(
        dot.contains("  \"public.order_items\" -> \"public.orders\" [label=\"order_id\""),
        "{dot}"
    );
}

#[tokio::test]
async fn tables_and_depth_pick_a_part_and_an_unknown_table_is_named() {
    let project = Project::cvety().await;
    let only = project.petal(&["erd", "--tables", "orders"]);
    only.assert_ok();
    assert_eq!(mermaid_counts(&only.stdout).1, 0, "{}", only.stdout);
    assert!(only.stdout.contains("public_orders[\"public.orders\"]"));
    assert!(
        !only.stdout.contains("public_customers["),
        "{}",
        only.stdout
    );

    let around = project.petal(&["erd", "--tables", "orders", "--depth", "1"]);
    around.assert_ok();
    for near in ["customers", "order_items", "florist_tasks", "order_status"] {
        assert!(
            around
                .stdout
                .contains(&format!("public_{near}[\"public.{near}")),
            "no {near} in\n{}",
            around.stdout
        );
    }
    // Two hops away.
    assert!(
        !around.stdout.contains("public_products["),
        "{}",
        around.stdout
    );
    assert_eq!(mermaid_counts(&around.stdout).1, 3, "{}", around.stdout);

    let unknown = project.petal(&["erd", "--tables", "orders,shipments"]);
    unknown
        .assert_code(2)
        .assert_mentions("no table, view or enum type `shipments` in the models");
    assert!(unknown.stdout.is_empty(), "{}", unknown.stdout);

    // A live database (this one has no tables yet) is named as such,
    // never by its URL.
    let url = project.url();
    let live = project.petal(&["erd", &url, "--tables", "orders"]);
    live.assert_code(2)
        .assert_mentions("no table, view or enum type `orders` in the database");
    assert!(!live.output().contains(&url), "{}", live.output());
}

/// `--depth` counts hops from the tables `--tables` names: without them it
/// means nothing, and clap refuses it as a usage error before any source
/// is read.
#[tokio::test]
async fn depth_without_tables_is_a_usage_error() {
    let project = Project::cvety().await;
    let run = project.petal(&["erd", "--depth", "1"]);
    run.assert_code(2).assert_mentions("--tables");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    // With them it is taken.
    project
        .petal(&["erd", "--tables", "orders", "--depth", "1"])
        .assert_ok();
}

/// A bare name held by several schemas, none of them `public`, is not
/// guessed: the error says it is ambiguous and lists the schemas, where
/// a missing table would be said not to exist.
#[tokio::test]
async fn a_name_in_several_schemas_is_ambiguous() {
    let project = Project::cvety().await;
    project
        .client()
        .batch_execute(
            "CREATE SCHEMA sales; CREATE SCHEMA archive;
             CREATE TABLE sales.log (id integer PRIMARY KEY);
             CREATE TABLE archive.log (id integer PRIMARY KEY);",
        )
        .await
        .expect("two schemas with a `log` each");
    let url = project.url();
    let run = project.petal(&["erd", &url, "--tables", "log"]);
    run.assert_code(2)
        .assert_mentions("`log` is ambiguous in the database: schemas `archive`, `sales`")
        .assert_mentions("`archive.log`");
    assert!(!run.output().contains("no table"), "{}", run.output());
    let one = project.petal(&["erd", &url, "--tables", "sales.log"]);
    one.assert_ok();
    assert!(
        one.stdout.contains("sales_log[\"sales.log\"]"),
        "{}",
        one.stdout
    );
}

#[tokio::test]
async fn svg_when_graphviz_is_installed_and_a_clear_error_when_not() {
    let project = Project::cvety().await;
    // No `dot` on this PATH, whatever the machine has.
    let empty = tempfile::tempdir().expect("a temp dir");
    let path = empty.path().display().to_string();
    let missing = crate::support::run_petal(
        project.root(),
        &["erd", "--format", "svg"],
        &[("PATH", &path)],
    );
    missing
        .assert_code(2)
        .assert_mentions("needs Graphviz's `dot`")
        .assert_mentions("install graphviz")
        .assert_mentions("--format dot");

    let installed = std::process::Command::new("dot").arg("-V").output().is_ok();
    if !installed {
        eprintln!("Graphviz's `dot` is not installed: the SVG itself is not checked");
        return;
    }
    let run = project.petal(&["erd", "--format", "svg"]);
    run.assert_ok();
    assert!(run.stdout.contains("<svg"), "{}", run.stdout);
    let nodes = run.stdout.matches("<g id=\"node").count();
    let edges = run.stdout.matches("<g id=\"edge").count();
    assert_eq!((nodes, edges), (ENTITIES, RELATIONSHIPS));
}

/// `petal diff --format mermaid|dot` draws the report's picture of a
/// change: the third Cvety.kz migration adds `users` and points
/// `florist_tasks` at it; their neighbours come unmarked, the rest not at
/// all. The diagram formats are refused where they mean nothing.
#[tokio::test]
async fn diff_draws_the_diagram_of_a_change() {
    let project = Project::cvety().await;
    let range = [
        "diff",
        "--from",
        "migrations@20261124095348",
        "--to",
        "migrations@20261124095402",
    ];
    let mermaid = project.petal(&[&range[..], &["--format", "mermaid"]].concat());
    mermaid.assert_ok();
    let text = &mermaid.stdout;
    for expected in [
        "public_users[\"public.users [+]\"]",
        "public_florist_tasks[\"public.florist_tasks [~]\"]",
        "public_orders[\"public.orders\"]",
        "public_florist_tasks }o--o| public_users : \"florist_id\"",
    ] {
        assert!(text.contains(expected), "no {expected:?} in\n{text}");
    }
    assert!(!text.contains("public_customers["), "{text}");

    project
        .petal(&[&range[..], &["--format", "dot", "-o", "change.dot"]].concat())
        .assert_ok();
    let dot = project.read("change.dot");
    let users = dot
        .lines()
        .find(|l| l.starts_with("  \"public.users\" [label="))
        .unwrap_or_else(|| panic!("no users node in\n{dot}"));
    assert!(users.contains("(added)"), "{users}");

    project
        .petal(&["history", "--format", "dot"])
        .assert_code(2)
        .assert_mentions("are for `petal erd` and `petal diff`");
    project
        .petal(&["erd", "--format", "json"])
        .assert_code(2)
        .assert_mentions("`petal erd` draws a diagram");
}

// `migrations@REV` that names no single revision: an unknown one and a
// prefix several revisions share. The error names the argument as typed,
// `migrations@...`, so a command reading two sources says which one is
// wrong; and it is said before the dev server replays anything.

#[tokio::test]
async fn an_unknown_revision_is_named_as_the_source_typed() {
    let project = Project::cvety().await;
    let run = project.petal(&["erd", "migrations@nosuch"]);
    run.assert_code(2)
        .assert_mentions("`migrations@nosuch`")
        .assert_mentions("names no revision");
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    // In a diff, the wrong one of the two sources is the one named.
    let diff = project.petal(&[
        "diff",
        "--from",
        "migrations@head",
        "--to",
        "migrations@20990101000000",
    ]);
    diff.assert_code(2)
        .assert_mentions("`migrations@20990101000000`");
    assert!(
        !diff.output().contains("migrations@head"),
        "{}",
        diff.output()
    );
}

#[tokio::test]
async fn an_ambiguous_prefix_lists_the_revisions_it_fits() {
    let project = Project::cvety().await;
    // Every Cvety.kz revision starts with 2026.
    let run = project.petal(&["diff", "--from", "migrations@2026", "--to", "models"]);
    run.assert_code(2)
        .assert_mentions("`migrations@2026`")
        .assert_mentions("is ambiguous")
        .assert_mentions("20261124095311");

    // An argument of the user's: a `config` error, as JSON too.
    let inspect = project.petal(&["inspect", "migrations@2026", "--format", "json"]);
    inspect.assert_code(2);
    let error: serde_json::Value = serde_json::from_str(&inspect.stdout).expect("JSON");
    assert_eq!(error["kind"], "config", "{error}");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("`migrations@2026`: ")),
        "{error}"
    );
}
