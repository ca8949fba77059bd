//! Which of petal's cargo features the model crate enables, read from its
//! `Cargo.toml`: the derive maps `Uuid` only with petal's `uuid` feature,
//! so the scanner must refuse what the build would refuse. When the
//! manifest says nothing clear (no `petal` dependency there, a file that
//! does not parse), every mapping counts, as before.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use toml::Table;

/// `crates/petal/Cargo.toml`'s `default` features (a test checks they
/// agree).
pub(crate) const PETAL_DEFAULT_FEATURES: [&str; 4] =
    ["chrono", "serde_json", "uuid", "rust_decimal"];

/// The petal features enabled for the crate whose sources are in
/// `models_dir`: its nearest manifest's `petal` dependency (or, for
/// `petal = { workspace = true }`, the workspace's, with the member's
/// added features).
pub(crate) fn petal_features(models_dir: &Path) -> Option<BTreeSet<String>> {
    let dir = std::path::absolute(models_dir).ok()?;
    let (member_path, member) = manifests(&dir).find(|(_, m)| m.contains_key("package"))?;
    let dependency = member.get("dependencies")?.get("petal")?;
    let Some(table) = dependency.as_table() else {
        // `petal = "0.1"`: the defaults.
        return Some(defaults());
    };
    let mut features = listed(table);
    let default_on = if table.get("workspace").and_then(|v| v.as_bool()) == Some(true) {
        let above = member_path.parent()?.parent()?;
        let (_, root) = manifests(above).find(|(_, m)| m.contains_key("workspace"))?;
        let shared = root.get("workspace")?.get("dependencies")?.get("petal")?;
        match shared.as_table() {
            Some(shared) => {
                features.extend(listed(shared));
                default_features(shared)
            }
            None => true,
        }
    } else {
        default_features(table)
    };
    if default_on {
        features.extend(defaults());
    }
    Some(features)
}

fn defaults() -> BTreeSet<String> {
    PETAL_DEFAULT_FEATURES
        .iter()
        .map(|f| f.to_string())
        .collect()
}

fn default_features(table: &Table) -> bool {
    table
        .get("default-features")
        .or_else(|| table.get("default_features"))
        .and_then(|v| v.as_bool())
        .unwrap_or(true)
}

fn listed(table: &Table) -> BTreeSet<String> {
    table
        .get("features")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// The `Cargo.toml`s at `dir` and above that parse, nearest first.
fn manifests(dir: &Path) -> impl Iterator<Item = (PathBuf, Table)> + '_ {
    dir.ancestors().filter_map(|d| {
        let path = d.join("Cargo.toml");
        let text = std::fs::read_to_string(&path).ok()?;
        let table = text.parse::<Table>().ok()?;
        Some((path, table))
    })
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
    fn features_follow_the_manifest_and_its_workspace() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("shop/src/models")).expect("dirs");
        let write = |path: &str, text: &str| std::fs::write(root.join(path), text).expect(path);
        write(
            "shop/Cargo.toml",
            "[package]\nname = \"shop\"\n[dependencies]\npetal = { path = \"x\", default-features = false, features = [\"chrono\"] }\n",
        );
        let models = root.join("shop/src/models");
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(petal_features(&models), Some(set(&["chrono"])));
        write(
            "shop/Cargo.toml",
            "[package]\nname = \"shop\"\n[dependencies]\npetal = { workspace = true, features = [\"time\"] }\n",
        );
        write(
            "Cargo.toml",
            "[workspace]\nmembers = [\"shop\"]\n[workspace.dependencies]\npetal = { path = \"x\", default-features = false, features = [\"uuid\"] }\n",
        );
        assert_eq!(petal_features(&models), Some(set(&["time", "uuid"])));
        write(
            "shop/Cargo.toml",
            "[package]\nname = \"shop\"\n[dependencies]\npetal = \"0.1\"\n",
        );
        assert_eq!(petal_features(&models), Some(defaults()));
        write("shop/Cargo.toml", "[package]\nname = \"shop\"\n");
        assert_eq!(petal_features(&models), None);
    }
}
