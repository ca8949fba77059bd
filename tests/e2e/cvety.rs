//! The Cvety.kz migrations in `migrations/`, run by the `petal` binary on a
//! fresh database: they build exactly the models, roll back to nothing, and
//! do it again, all at once and step by step.

use crate::support::{Project, catalog};

fn migration_count() -> usize {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    std::fs::read_dir(dir)
        .expect("migrations/")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count()
}

/// Tables (petal's log and step journal excepted) and enum types left in the database.
async fn leftovers(project: &Project) -> (Vec<String>, Vec<String>) {
    let tables = catalog::tables(project.client())
        .await
        .into_iter()
        .filter(|t| !t.ends_with("petal_migrations") && !t.ends_with("petal_migration_steps"))
        .collect();
    (tables, catalog::enum_types(project.client()).await)
}

#[tokio::test]
async fn upgrade_check_downgrade_upgrade() {
    let project = Project::cvety().await;
    project.petal(&["upgrade", "head"]).assert_ok();
    assert_eq!(
        catalog::log(project.client()).await.len(),
        migration_count()
    );
    project
        .petal(&["check"])
        .assert_ok()
        .assert_mentions("agree");
    let (tables, types) = leftovers(&project).await;
    assert_eq!(tables.len(), 14, "{tables:?}");
    assert_eq!(types.len(), 6, "{types:?}");

    project.petal(&["downgrade", "base"]).assert_ok();
    assert_eq!(leftovers(&project).await, (Vec::new(), Vec::new()));
    assert!(catalog::log(project.client()).await.is_empty());

    project.petal(&["upgrade", "head"]).assert_ok();
    project
        .petal(&["check"])
        .assert_ok()
        .assert_mentions("agree");
    project
        .petal(&["current"])
        .assert_ok()
        .assert_mentions("(head)");
}

#[tokio::test]
async fn step_by_step() {
    let project = Project::cvety().await;
    let n = migration_count();
    for applied in 1..=n {
        project.petal(&["upgrade", "+1"]).assert_ok();
        assert_eq!(catalog::log(project.client()).await.len(), applied);
    }
    project
        .petal(&["check"])
        .assert_ok()
        .assert_mentions("agree");
    for left in (0..n).rev() {
        project.petal(&["downgrade", "-1"]).assert_ok();
        assert_eq!(catalog::log(project.client()).await.len(), left);
    }
    assert_eq!(leftovers(&project).await, (Vec::new(), Vec::new()));
}

#[tokio::test]
async fn models_and_migrations_agree() {
    let project = Project::cvety().await;
    project
        .petal(&["check", "--migrations"])
        .assert_ok()
        .assert_mentions("agree");
}
