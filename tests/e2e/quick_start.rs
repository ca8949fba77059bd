//! A new user's quick start, as the README tells it, in a directory outside
//! this workspace: `cargo new`, depend on petal by path, the README's model
//! example, `petal init`, autogenerate, upgrade, check, a second edit,
//! downgrade, upgrade. The new crate compiles (`--offline`, sharing this
//! workspace's target directory so no dependency builds twice); the
//! `petal` binary is the one just built, standing for `cargo install`.

use std::path::{Path, PathBuf};

use petal_testkit::TestDb;

use crate::support::{DEV_PROFILE, cargo, dev_url, run_petal, toml_string};

/// The fenced block of `lang` in the README that follows `after` and
/// contains `needle`.
fn readme_block(lang: &str, after: &str, needle: &str) -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme
        .find(after)
        .unwrap_or_else(|| panic!("README has no `{after}`"));
    let fence = format!("```{lang}\n");
    readme[start..]
        .split(fence.as_str())
        .skip(1)
        .filter_map(|rest| rest.split("\n```").next())
        .find(|block| block.contains(needle))
        .unwrap_or_else(|| panic!("README has no ```{lang} block with `{needle}` after `{after}`"))
        .to_string()
}

#[tokio::test]
async fn the_readme_quick_start_works_in_a_new_crate() {
    let db = TestDb::new().await;
    let home = tempfile::Builder::new()
        .prefix("petal-quick-start-")
        .tempdir()
        .expect("temp dir");
    cargo(
        home.path(),
        &["new", "--offline", "--vcs", "none", "--bin", "shop"],
    );
    let shop: PathBuf = home.path().join("shop");

    // Cargo.toml as the README says, the path pointing at this checkout.
    let dependencies = readme_block("toml", "## Quick start", "[dependencies]");
    let petal_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/petal");
    let dependencies = dependencies
        .replace("../petal/crates/petal", &petal_dir.display().to_string())
        .replace("[dependencies]\n", "");
    let manifest = std::fs::read_to_string(shop.join("Cargo.toml")).expect("Cargo.toml");
    std::fs::write(
        shop.join("Cargo.toml"),
        format!("{manifest}{dependencies}\n{DEV_PROFILE}"),
    )
    .expect("Cargo.toml");

    run_petal(&shop, &["init"], &[]).assert_ok();
    let models = readme_block("rust", "## Models", "#[derive(Table)]");
    std::fs::write(shop.join("src/models/mod.rs"), &models).expect("models");
    let main = std::fs::read_to_string(shop.join("src/main.rs")).expect("main.rs");
    std::fs::write(
        shop.join("src/main.rs"),
        format!("#[allow(dead_code)]\nmod models;\n\n{main}"),
    )
    .expect("main.rs");
    cargo(&shop, &["build", "--offline", "--quiet"]);

    // The test database stands for the user's; the dev server for the
    // embedded one.
    let config = std::fs::read_to_string(shop.join("petal.toml")).expect("petal.toml");
    std::fs::write(
        shop.join("petal.toml"),
        format!("{config}dev_url = {}\n", toml_string(&dev_url())),
    )
    .expect("petal.toml");
    let url = db.url();
    let petal = |args: &[&str]| run_petal(&shop, args, &[("DATABASE_URL", url.as_str())]);

    petal(&["revision", "--autogenerate", "-m", "initial"]).assert_ok();
    petal(&["upgrade"]).assert_ok();
    petal(&["check"]).assert_ok().assert_mentions("agree");

    let edited = models.replace(
        "    pub tracking_token: Option<String>,\n",
        "    pub tracking_token: Option<String>,\n    pub note: Option<String>,\n",
    );
    assert_ne!(
        edited, models,
        "the README's Order has no tracking_token any more"
    );
    std::fs::write(shop.join("src/models/mod.rs"), &edited).expect("models");
    petal(&["check"]).assert_code(1);
    petal(&["revision", "--autogenerate", "-m", "add note"])
        .assert_ok()
        .assert_mentions("add column public.orders.note");
    petal(&["upgrade"]).assert_ok();
    petal(&["check"]).assert_ok();
    petal(&["downgrade", "-1"]).assert_ok();
    // Behind head, `check` says so first, and what resolves it.
    petal(&["check"])
        .assert_code(2)
        .assert_mentions("not at head: run `petal upgrade` first");
    petal(&["upgrade"]).assert_ok();
    petal(&["check"]).assert_ok();
    cargo(&shop, &["build", "--offline", "--quiet"]);
}
