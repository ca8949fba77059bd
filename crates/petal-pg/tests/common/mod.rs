//! What the whole-schema tests share: the fixture (tests/fixtures/
//! whole_schema.sql) cut for the server's version and loaded into a fresh
//! database, and the IR read from it.

#![allow(dead_code)] // each test file uses its own part

use petal_ir::{Database, FunctionKey, QualifiedName};
use petal_pg::{IntrospectOptions, Introspection, introspect};
use petal_testkit::TestDb;

const WHOLE_SCHEMA: &str = include_str!("../fixtures/whole_schema.sql");

/// The fixture for one server version: the lines between `--@if <version>`
/// and `--@else` (or `--@end`) from that version on, the lines after
/// `--@else` before it.
pub fn for_version(sql: &str, version: i32) -> String {
    let mut out = String::new();
    let mut taken: Vec<bool> = Vec::new();
    for line in sql.lines() {
        let trimmed = line.trim();
        if let Some(from) = trimmed.strip_prefix("--@if ") {
            let from: i32 = from.parse().expect("--@if takes a server_version_num");
            taken.push(version >= from);
        } else if trimmed == "--@else" {
            let last = taken.last_mut().expect("--@else without --@if");
            *last = !*last;
        } else if trimmed == "--@end" {
            taken.pop().expect("--@end without --@if");
        } else if taken.iter().all(|t| *t) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

pub struct Loaded {
    pub db: TestDb,
    pub version: i32,
    pub found: Introspection,
}

impl Loaded {
    pub async fn new() -> Loaded {
        let db = TestDb::new().await;
        let version: i32 = db
            .client()
            .query_one("SELECT current_setting('server_version_num')::int", &[])
            .await
            .unwrap()
            .get(0);
        if let Err(e) = db
            .client()
            .batch_execute(&for_version(WHOLE_SCHEMA, version))
            .await
        {
            panic!("loading the fixture: {}", petal_pg::error::describe(&e));
        }
        let found = read(&db, &IntrospectOptions::default()).await;
        Loaded { db, version, found }
    }

    pub fn ir(&self) -> &Database {
        &self.found.database
    }
}

pub async fn read(db: &TestDb, opts: &IntrospectOptions) -> Introspection {
    match introspect(db.client(), opts).await {
        Ok(found) => found,
        Err(e) => panic!("{e}"),
    }
}

pub fn app(name: &str) -> QualifiedName {
    QualifiedName::new("app", name)
}

pub fn function(schema: &str, name: &str, signature: &str) -> FunctionKey {
    FunctionKey {
        name: QualifiedName::new(schema, name),
        signature: signature.into(),
    }
}

pub fn not_compared(found: &Introspection, kind: &str) -> Vec<String> {
    found
        .not_compared
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.name.clone())
        .collect()
}
