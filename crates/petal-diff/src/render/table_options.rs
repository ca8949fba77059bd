//! SQL of a table's options: logged or unlogged, storage parameters,
//! replica identity.

use petal_ir::{QualifiedName, ReplicaIdentity};

use super::ddl::storage_parameters;

pub(super) fn set_unlogged(table: &QualifiedName, unlogged: bool) -> String {
    let how = if unlogged { "UNLOGGED" } else { "LOGGED" };
    format!("ALTER TABLE {} SET {how};", table.quoted())
}

/// `SET (...)` for the parameters set or changed, `RESET (...)` for those
/// that go, in one statement.
pub(super) fn storage(table: &QualifiedName, from: &[String], to: &[String]) -> String {
    let name = |p: &String| p.split_once('=').map_or(p.clone(), |(n, _)| n.to_string());
    let set: Vec<String> = to.iter().filter(|p| !from.contains(p)).cloned().collect();
    let kept: Vec<String> = to.iter().map(name).collect();
    let reset: Vec<String> = from
        .iter()
        .map(name)
        .filter(|n| !kept.contains(n))
        .map(|n| petal_ir::quote_ident(&n))
        .collect();
    let mut actions = Vec::new();
    if !set.is_empty() {
        actions.push(format!("SET ({})", storage_parameters(&set)));
    }
    if !reset.is_empty() {
        actions.push(format!("RESET ({})", reset.join(", ")));
    }
    format!("ALTER TABLE {} {};", table.quoted(), actions.join(", "))
}

pub(super) fn replica_identity(table: &QualifiedName, to: &ReplicaIdentity) -> String {
    format!(
        "ALTER TABLE {} REPLICA IDENTITY {};",
        table.quoted(),
        to.sql()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_sets_what_changes_and_resets_what_goes() {
        let t = QualifiedName::new("public", "t");
        let from = [
            "autovacuum_enabled=false".to_string(),
            "fillfactor=70".into(),
        ];
        let to = ["fillfactor=80".to_string()];
        assert_eq!(
            storage(&t, &from, &to),
            r#"ALTER TABLE "public"."t" SET ("fillfactor"='80'), RESET ("autovacuum_enabled");"#
        );
        assert_eq!(
            storage(&t, &to, &[]),
            r#"ALTER TABLE "public"."t" RESET ("fillfactor");"#
        );
    }
}
