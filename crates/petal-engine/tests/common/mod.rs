//! What the database property tests share: their proptest settings, a
//! runtime per case, and schemas built from SQL.

use proptest::prelude::*;

/// `PETAL_PROPTEST_CASES` divided by `divisor` (at least 1), else `default`.
/// The generator draws one seed per case: shrinking cannot make a case
/// smaller, and each case costs real databases, so there is none.
pub fn config(divisor: u32, default: u32) -> ProptestConfig {
    let cases = std::env::var("PETAL_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .map(|n| (n / divisor).max(1))
        .unwrap_or(default);
    ProptestConfig {
        cases,
        max_shrink_iters: 0,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A runtime for one case (proptest's cases are synchronous).
pub fn runtime() -> Result<tokio::runtime::Runtime, TestCaseError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| TestCaseError::fail(e.to_string()))
}

/// The schema `sql` builds, introspected on a fresh database of its own.
pub async fn built(sql: &str) -> Result<petal_ir::Database, String> {
    built_with(sql, &Default::default()).await
}

/// [`built`], read with `opts` (its privileges, say).
pub async fn built_with(
    sql: &str,
    opts: &petal_pg::IntrospectOptions,
) -> Result<petal_ir::Database, String> {
    let db = petal_testkit::TestDb::try_new().await?;
    db.client()
        .batch_execute(sql)
        .await
        .map_err(|e| format!("the script: {e}"))?;
    petal_pg::introspect_parallel(db.config(), opts)
        .await
        .map(|found| found.database)
        .map_err(|e| e.to_string())
}

/// The settings of a project at `root` on the test server (the canonical
/// cache is per project directory).
pub fn settings(root: std::path::PathBuf) -> petal_engine::Settings {
    let server = petal_testkit::server().expect("test server");
    petal_engine::Settings {
        root,
        database_url: None,
        dev_url: Some(server.admin.to_url_with_password()),
        database: "unused".into(),
        models_dir: "models".into(),
        migrations_dir: "migrations".into(),
        sql_dir: None,
        project_file: None,
        schemas: Vec::new(),
        features: None,
        step_policy: Default::default(),
        online: false,
        recreate_with_rows: Default::default(),
        privileges: false,
    }
}

/// The test server keeps no canonical database of a finished test.
pub async fn drop_cache(settings: &petal_engine::Settings) {
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
