//! What the model crate's `Cargo.toml` says about how it builds, so the
//! scanner reads the models as the compiler does:
//! - which of its own features are on by default (`#[cfg(feature = ...)]`
//!   models, when `petal.toml` does not list them);
//! - which of petal's features it enables: the derive maps `Uuid` only
//!   with petal's `uuid` feature, so the scanner refuses what the build
//!   would refuse.
//!
//! Only what is certain is used: a manifest that does not parse, a
//! dependency renamed or only for some targets, or a workspace whose other
//! members may turn petal's features on too (cargo unifies them) leave the
//! answer unknown, and then every model and every mapping counts.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

/// `crates/petal/Cargo.toml`'s `default` features (a test checks they
/// agree).
pub(crate) const PETAL_DEFAULT_FEATURES: [&str; 4] =
    ["chrono", "serde_json", "uuid", "rust_decimal"];

/// The model crate's manifest: the nearest `Cargo.toml` at or above
/// `models_dir`, when it parses and describes a package.
fn manifest(models_dir: &Path) -> Option<(PathBuf, Table)> {
    let dir = std::path::absolute(models_dir).ok()?;
    let path = dir
        .ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|p| p.is_file())?;
    let table = std::fs::read_to_string(&path).ok()?.parse::<Table>().ok()?;
    table.contains_key("package").then_some((path, table))
}

/// The crate's features on in a plain build: `default` and what it turns
/// on, transitively. `None` when there is no manifest to read.
pub(crate) fn default_features(models_dir: &Path) -> Option<BTreeSet<String>> {
    let (_, manifest) = manifest(models_dir)?;
    let features = manifest.get("features").and_then(Value::as_table);
    let mut on = BTreeSet::new();
    let mut pending = vec!["default".to_string()];
    while let Some(feature) = pending.pop() {
        let enables = features
            .and_then(|f| f.get(&feature))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            // `dep:x` and `x/y` are about dependencies, not this crate.
            .filter(|e| !e.contains(':') && !e.contains('/'));
        for next in enables {
            if on.insert(next.to_string()) {
                pending.push(next.to_string());
            }
        }
    }
    Some(on)
}

/// The petal features enabled for the crate whose sources are in
/// `models_dir`, when that is certain (see the module's note).
pub(crate) fn petal_features(models_dir: &Path) -> Option<BTreeSet<String>> {
    let (path, member) = manifest(models_dir)?;
    if shares_a_workspace(&path, &member) {
        return None;
    }
    let dependency = member.get("dependencies")?.get("petal")?;
    let mut features = match dependency.as_table() {
        Some(table) if table.contains_key("package") => return None,
        Some(table) if table.get("workspace").and_then(Value::as_bool) == Some(true) => {
            // A workspace of one: the root's entry, with the member's features.
            let root = workspace_root(&path, &member)?;
            let shared = root.get("workspace")?.get("dependencies")?.get("petal")?;
            let mut on = listed(table);
            match shared.as_table() {
                Some(shared) => {
                    on.extend(listed(shared));
                    if default_on(shared) {
                        on.extend(defaults());
                    }
                }
                None => on.extend(defaults()),
            }
            on
        }
        Some(table) => {
            let mut on = listed(table);
            if default_on(table) {
                on.extend(defaults());
            }
            on
        }
        None => defaults(),
    };
    // Any of the crate's features may be on: what they turn on in petal
    // counts (`petal/uuid`, `petal?/uuid`).
    let own = member.get("features").and_then(Value::as_table);
    for enabled in own
        .into_iter()
        .flat_map(|t| t.values())
        .filter_map(Value::as_array)
    {
        for entry in enabled.iter().filter_map(Value::as_str) {
            if let Some(feature) = entry
                .strip_prefix("petal/")
                .or_else(|| entry.strip_prefix("petal?/"))
            {
                features.insert(feature.to_string());
            }
        }
    }
    Some(features)
}

/// The manifest of the workspace the crate belongs to: its own, or the
/// nearest above with a `[workspace]`.
fn workspace_root(path: &Path, member: &Table) -> Option<Table> {
    if member.contains_key("workspace") {
        return Some(member.clone());
    }
    let above = path.parent()?.parent()?;
    above.ancestors().find_map(|d| {
        let text = std::fs::read_to_string(d.join("Cargo.toml")).ok()?;
        let table = text.parse::<Table>().ok()?;
        table.contains_key("workspace").then_some(table)
    })
}

/// Whether the crate is one member of several (or of a glob): cargo
/// unifies petal's features across them, which one manifest cannot tell.
fn shares_a_workspace(path: &Path, member: &Table) -> bool {
    let Some(root) = workspace_root(path, member) else {
        return false;
    };
    let members = root
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(Value::as_array);
    match members {
        Some(list) => {
            list.len() > 1
                || list
                    .iter()
                    .any(|m| m.as_str().is_none_or(|m| m.contains('*')))
        }
        None => false,
    }
}

fn defaults() -> BTreeSet<String> {
    PETAL_DEFAULT_FEATURES
        .iter()
        .map(|f| f.to_string())
        .collect()
}

fn default_on(table: &Table) -> bool {
    table
        .get("default-features")
        .or_else(|| table.get("default_features"))
        .and_then(Value::as_bool)
        .unwrap_or(true)
}

fn listed(table: &Table) -> BTreeSet<String> {
    table
        .get("features")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_petal_crates() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../petal/Cargo.toml");
        let text = std::fs::read_to_string(manifest).expect("crates/petal/Cargo.toml");
        let table = text.parse::<Table>().expect("a manifest");
        let defaults: BTreeSet<String> = table["features"]["default"]
            .as_array()
            .expect("default features")
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        assert_eq!(defaults, super::defaults());
    }

    #[test]
    fn features_follow_the_manifest_and_are_unknown_when_uncertain() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("shop/src/models")).expect("dirs");
        let write = |path: &str, text: &str| std::fs::write(root.join(path), text).expect(path);
        let package = "[package]\nname = \"shop\"\n";
        let models = root.join("shop/src/models");
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        write(
            "shop/Cargo.toml",
            &format!(
                "{package}[dependencies]\npetal = {{ path = \"x\", default-features = false, features = [\"chrono\"] }}\n[features]\ndefault = [\"audit\"]\naudit = [\"billing\", \"petal/uuid\"]\nbilling = []\n"
            ),
        );
        assert_eq!(petal_features(&models), Some(set(&["chrono", "uuid"])));
        assert_eq!(default_features(&models), Some(set(&["audit", "billing"])));
        write(
            "shop/Cargo.toml",
            &format!(
                "{package}[dependencies]\npetal = {{ workspace = true, features = [\"time\"] }}\n"
            ),
        );
        write(
            "Cargo.toml",
            "[workspace]\nmembers = [\"shop\"]\n[workspace.dependencies]\npetal = { path = \"x\", default-features = false, features = [\"uuid\"] }\n",
        );
        assert_eq!(petal_features(&models), Some(set(&["time", "uuid"])));
        // Another member may turn petal's features on: unknown.
        write("Cargo.toml", "[workspace]\nmembers = [\"shop\", \"api\"]\n");
        assert_eq!(petal_features(&models), None);
        std::fs::remove_file(root.join("Cargo.toml")).expect("rm");
        write(
            "shop/Cargo.toml",
            &format!("{package}[dependencies]\npetal = \"0.1\"\n"),
        );
        assert_eq!(petal_features(&models), Some(defaults()));
        write(
            "shop/Cargo.toml",
            &format!("{package}[dependencies]\nmodels = {{ package = \"petal\", path = \"x\" }}\n"),
        );
        assert_eq!(petal_features(&models), None);
        write("shop/Cargo.toml", "[package\nname = ");
        assert_eq!(petal_features(&models), None);
        assert_eq!(default_features(&models), None);
    }
}
