//! The canonical cache is an optimization only: the models canonicalized
//! incrementally (A cold, then B applied as a difference, partially
//! re-introspected) equal B canonicalized from scratch.

use std::collections::BTreeMap;
use std::path::PathBuf;

use petal_engine::Settings;
use petal_engine::canonical::canonicalize;
use petal_ir::Database;
use petal_ir::arbitrary::database_pair;
use petal_syntax::ScannedModels;
use proptest::prelude::*;

mod common;

/// A project of its own (the cache is per project directory) on the test
/// server.
fn settings(root: PathBuf) -> Settings {
    let server = petal_testkit::server().expect("test server");
    Settings {
        root,
        database_url: None,
        dev_url: Some(server.admin.to_url_with_password()),
        database: "unused".into(),
        models_dir: "models".into(),
        migrations_dir: "migrations".into(),
        schemas: Vec::new(),
    }
}

/// The test server keeps no canonical database of a finished test.
async fn drop_cache(settings: &Settings) {
    let server = petal_testkit::server().expect("test server");
    let name = petal_engine::canonical::cache_db_name(settings);
    if let Ok(client) = petal_pg::connect(&server.admin).await {
        let _ = client
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                petal_ir::quote_ident(&name)
            ))
            .await;
    }
}

fn scanned(db: &Database) -> ScannedModels {
    ScannedModels {
        database: db.clone(),
        locations: BTreeMap::new(),
    }
}

proptest! {
    #![proptest_config(common::config(4, 40))]

    #[test]
    fn incremental_equals_cold((a, b) in database_pair()) {
        let runtime = common::runtime()?;
        let warm_dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let cold_dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let (warm, cold) = runtime.block_on(async {
            let warm_settings = settings(warm_dir.path().to_path_buf());
            canonicalize(&warm_settings, &scanned(&a)).await?;
            let warm = canonicalize(&warm_settings, &scanned(&b)).await?;
            let again = canonicalize(&warm_settings, &scanned(&b)).await?;
            let cold_settings = settings(cold_dir.path().to_path_buf());
            let cold = canonicalize(&cold_settings, &scanned(&b)).await?;
            assert_eq!(warm.database, again.database, "an unchanged run returns the cache");
            drop_cache(&warm_settings).await;
            drop_cache(&cold_settings).await;
            Ok::<_, petal_engine::EngineError>((warm, cold))
        }).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(cold.rebuilt);
        prop_assert!(!warm.rebuilt, "the second run applied the difference in place");
        prop_assert_eq!(&warm.database, &cold.database);
    }
}
