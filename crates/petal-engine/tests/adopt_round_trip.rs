//! Adoption as a property, on a real PostgreSQL: for a random whole
//! database (tables and enum types, and every kind the SQL files declare),
//! built on a fresh database and read back, the models and SQL files
//! `petal init --from-database` writes from it, scanned and canonicalized
//! on the dev server, equal the database as `petal check` compares them.
//! `PETAL_PROPTEST_CASES` sets the number of cases (100 by default); a
//! failure prints the files written and the difference.

use std::path::Path;

use petal_engine::Settings;
use petal_engine::adopt::Adoption;
use petal_engine::canonical::{Declared, canonicalize, read_sql, scan};
use petal_engine::sources::Loaded;
use petal_ir::Database;
use petal_ir::arbitrary::whole_database;
use petal_pg::IntrospectOptions;
use proptest::prelude::*;

#[allow(dead_code)]
mod common;

/// A project in `root` on the test server, as `petal init --from-database`
/// writes it.
fn settings(root: &Path, privileges: bool) -> Settings {
    let server = petal_testkit::server().expect("test server");
    Settings {
        dev_url: Some(server.admin.to_url_with_password()),
        ..petal_engine::adopt::project_settings(root, privileges)
    }
}

/// The database `db` describes, built and read back as PostgreSQL
/// prints it.
async fn built(db: &Database) -> Result<Loaded, String> {
    let test_db = petal_testkit::TestDb::try_new().await?;
    for role in petal_ir::arbitrary::POLICY_ROLES
        .iter()
        .filter(|r| **r != "public")
    {
        test_db.ensure_role(role).await;
    }
    let ddl: Vec<String> = petal_diff::render_schema(db)
        .into_iter()
        .map(|s| s.sql)
        .collect();
    test_db
        .client()
        .batch_execute(&ddl.join("\n"))
        .await
        .map_err(|e| format!("the database does not load: {e}"))?;
    let opts = IntrospectOptions {
        privileges: db.privileges.is_some(),
        ..IntrospectOptions::default()
    };
    let found = petal_pg::introspect_parallel(test_db.config(), &opts)
        .await
        .map_err(|e| format!("introspection: {e}"))?;
    Ok(Loaded {
        database: found.database,
        not_compared: found.not_compared,
        server_version_num: Some(found.server_version_num),
        live: None,
        copy: None,
    })
}

/// The files of `adoption`, as a failure shows them.
fn shown(adoption: &Adoption) -> String {
    adoption
        .files()
        .iter()
        .map(|(path, text)| format!("=== {path}\n{text}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes what `db` adopts into a project and canonicalizes it: the
/// difference from the database, as `check` reports it, or why not.
async fn round_trip(db: &Database) -> Result<(), String> {
    let loaded = built(db).await?;
    let adoption = Adoption::of(&loaded);
    if !adoption.sql.unwritten.is_empty() {
        return Err(format!(
            "statements not written:\n{}\n{}",
            adoption.sql.unwritten.join("\n"),
            shown(&adoption)
        ));
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    for (path, text) in adoption.files() {
        let path = dir.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
    }
    let settings = settings(dir.path(), loaded.database.privileges.is_some());
    let declared = scan(&settings)
        .and_then(|models| Ok((models, read_sql(&settings)?)))
        .map(|(models, sql)| Declared { models, sql });
    let result = match declared {
        Ok(declared) => canonicalize(&settings, &declared).await,
        Err(e) => Err(e),
    };
    petal_engine::canonical::settle().await;
    common::drop_cache(&settings).await;
    let canonical = result.map_err(|e| {
        let reports: Vec<String> = e.reports().iter().map(|r| r.to_string()).collect();
        format!(
            "the written project does not load:\n{}\n{}",
            reports.join("\n"),
            shown(&adoption)
        )
    })?;
    let diff = petal_engine::compare::compare(&settings, &loaded.database, &canonical.database);
    if !diff.is_empty() {
        return Err(format!(
            "the written project differs from the database:\n{}\n{}",
            sql_of(&diff).0,
            shown(&adoption)
        ));
    }
    // `init` generates the baseline toward what the files declare, read
    // off the database, not toward their canonical form: from nothing,
    // both must give one migration, up and down.
    let declares = adoption.declares.as_ref().ok_or_else(|| {
        format!(
            "no declared database though all was written\n{}",
            shown(&adoption)
        )
    })?;
    let empty = Database::default();
    let fast = sql_of(&petal_engine::compare::compare(
        &settings,
        &empty,
        &declares.database,
    ));
    let slow = sql_of(&petal_engine::compare::compare(
        &settings,
        &empty,
        &canonical.database,
    ));
    if fast != slow {
        return Err(format!(
            "the baseline toward the declared database differs from the one toward the \
             canonical models:\n--- declared (up, down)\n{}\n{}\n--- canonical (up, down)\n{}\n{}",
            fast.0, fast.1, slow.0, slow.1
        ));
    }
    Ok(())
}

/// The statements of a diff's up and of its down, one per line.
fn sql_of(diff: &petal_diff::Diff) -> (String, String) {
    let text = |steps: Vec<petal_diff::ReviewedStep>| {
        steps
            .into_iter()
            .flat_map(|step| step.statements)
            .map(|s| s.sql)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mode = petal_diff::Mode::Plain;
    (
        text(petal_diff::render_diff_as(diff, mode)),
        text(petal_diff::render_down_as(diff, mode)),
    )
}

proptest! {
    #![proptest_config(common::config(2, 100))]

    #[test]
    fn written_models_and_sql_files_give_the_database_back(db in whole_database()) {
        let runtime = common::runtime()?;
        runtime.block_on(round_trip(&db)).map_err(TestCaseError::fail)?;
    }
}
