//! The convergence property, on a real PostgreSQL: for random pairs of
//! whole schemas (A, B) — tables and enum types, and views over views,
//! materialized views, SQL and PL/pgSQL functions used by defaults, checks,
//! expression indexes and triggers, procedures and aggregates, extensions, sequences, domains,
//! composite and range types — each first built on a fresh database so
//! both are in the server's canonical form, with a few rows in every table
//! of A:
//!
//! - applying petal's up SQL turns A into B (introspected, modulo column
//!   order), and columns that exist on both sides keep their values;
//! - applying the down SQL turns it back into A.
//!
//! In half the cases, every table that cannot change in place (made
//! partitioned or not) is recreated with its rows (`--allow-recreate`), and
//! its columns' values are compared like the kept tables'. A second
//! property, with a quarter as many cases, writes up and down with the
//! online recipes and runs each step as the runner does.
//!
//! "Turns into" is a second diff that is empty: no false difference after
//! petal's own output.
//!
//! A change that cannot apply to the rows present (SET NOT NULL over NULLs,
//! a unique constraint over duplicates, ...) must be flagged in its notes:
//! such a failure passes only when petal warned of it, and the case is then
//! checked again on empty tables. `PETAL_PROPTEST_CASES` sets the number of
//! cases (200 by default); a failure prints both schemas as SQL.

#[allow(dead_code)] // `drop_cache` is the cache tests'
mod common;
#[path = "convergence/stand_alone.rs"]
mod stand_alone;
mod support;
#[path = "convergence/types.rs"]
mod types;

use petal_ir::arbitrary::whole_database_pair;
use proptest::prelude::*;
use support::{Outcome, converge, converge_copying, converge_online};

proptest! {
    #![proptest_config(common::config(1, 200))]

    #[test]
    fn up_and_down_converge_on_postgres((a, b) in whole_database_pair(), copy in any::<bool>()) {
        let runtime = common::runtime()?;
        match runtime.block_on(converge_copying(&a, &b, copy)) {
            Outcome::Converged | Outcome::FlaggedAndConvergedEmpty => {}
            Outcome::Failed(report) => return Err(TestCaseError::fail(report)),
        }
    }
}

proptest! {
    // A quarter of the cases: the online recipes for the server's version
    // (concurrent builds and detaches, NOT VALID then VALIDATE, guarded
    // statements), each step run as the runner runs it.
    #![proptest_config(common::config(4, 50))]

    #[test]
    fn online_up_and_down_converge_on_postgres((a, b) in whole_database_pair()) {
        let runtime = common::runtime()?;
        match runtime.block_on(converge_online(&a, &b)) {
            Outcome::Converged | Outcome::FlaggedAndConvergedEmpty => {}
            Outcome::Failed(report) => return Err(TestCaseError::fail(report)),
        }
    }
}

/// The generator rarely changes several column types of one table, which
/// the diff folds into one `ALTER TABLE`: here they are, with rows kept,
/// up and down (defaults changing, a serial widening).
#[test]
fn several_type_changes_of_one_table_converge() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let a = common::built(
            "CREATE TABLE items (id serial PRIMARY KEY, price double precision NOT NULL,
                 qty integer NOT NULL DEFAULT 0, code character varying(20),
                 label text DEFAULT 'x', title text NOT NULL)",
        )
        .await
        .expect("schema A");
        let b = common::built(
            "CREATE TABLE items (id bigserial PRIMARY KEY, price numeric(12,2) NOT NULL,
                 qty bigint NOT NULL DEFAULT 1, code text,
                 label character varying(20) DEFAULT 'y', title text NOT NULL)",
        )
        .await
        .expect("schema B");
        let diff = petal_diff::diff(&a, &b);
        let folded: usize = petal_diff::render(&diff.changes)
            .iter()
            .flat_map(|step| &step.statements)
            .map(|s| s.folded.len())
            .sum();
        assert_eq!(folded, 4, "five type changes, one statement");
        converges_with_rows(&a, &b).await;
    });
}

/// Found by the property: a column that already owns a sequence (`ALTER
/// SEQUENCE ... OWNED BY`) turns serial and back. The serial sequence is
/// named, not looked up with `pg_get_serial_sequence`, which may return
/// the other one (the down then dropped it, and the up moved it).
#[test]
fn a_column_owning_another_sequence_turns_serial_and_back() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let owned = "CREATE SEQUENCE numbers_seq START WITH 100 INCREMENT BY 5;
                     ALTER SEQUENCE numbers_seq OWNED BY accounts.total;";
        let a = common::built(&format!(
            "CREATE TABLE accounts (id int PRIMARY KEY, total bigint NOT NULL); {owned}"
        ))
        .await
        .expect("schema A");
        let b = common::built(&format!(
            "CREATE TABLE accounts (id int PRIMARY KEY, total bigserial NOT NULL); {owned}"
        ))
        .await
        .expect("schema B");
        converges_with_rows(&a, &b).await;
    });
}

/// From migra's `seq` fixture: a serial column's sequence becomes a
/// standalone sequence of the same name feeding the column's default, and
/// back. The standalone one is created once the owned one is dropped, and
/// dropped before the column's new owned one takes its name.
#[test]
fn a_serial_sequences_name_passes_to_a_standalone_sequence_and_back() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let a = common::built("CREATE TABLE test (id serial PRIMARY KEY);")
            .await
            .expect("schema A");
        let b = common::built(
            "CREATE SEQUENCE test_id_seq;
             CREATE TABLE test (id integer PRIMARY KEY DEFAULT nextval('test_id_seq'));",
        )
        .await
        .expect("schema B");
        converges_with_rows(&a, &b).await;
        converges_with_rows(&b, &a).await;
    });
}

/// Found by the property: a function recreated (its result type changes)
/// while the only column whose default calls it goes with its table. The
/// function was dropped with the dependents, before the default; it now
/// goes with the providers, after the default is dropped.
#[test]
fn a_function_recreated_under_a_dropped_tables_default_converges() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let norm = |result: &str, body: &str| {
            format!(
                "CREATE FUNCTION norm(v text) RETURNS {result} LANGUAGE sql IMMUTABLE AS $$ {body} $$;"
            )
        };
        let a = common::built(&format!(
            "{} CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL DEFAULT norm('X'));
             CREATE TABLE kept (id int PRIMARY KEY);",
            norm("text", "SELECT lower($1)")
        ))
        .await
        .expect("schema A");
        let b = common::built(&format!(
            "{} CREATE TABLE kept (id int PRIMARY KEY);",
            norm("varchar", "SELECT lower($1)::varchar")
        ))
        .await
        .expect("schema B");
        converges_with_rows(&a, &b).await;
    });
}

/// A function recreated (an argument renamed) under the checks and the
/// expression index of a table that goes: they go first, before the
/// function's drop (found by the property, seed 4242).
#[test]
fn a_function_recreated_under_a_dropped_tables_checks_converges() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let positive = |argument: &str| {
            format!(
                "CREATE FUNCTION \"Is Positive\"({argument} integer) RETURNS boolean
                 LANGUAGE sql IMMUTABLE AS $$ SELECT $1 > 0 $$;"
            )
        };
        let a = common::built(&format!(
            "{} CREATE TABLE tags (id int PRIMARY KEY CHECK (\"Is Positive\"(id)),
                 n int CHECK (\"Is Positive\"(n)));
             CREATE INDEX tags_positive ON tags ((\"Is Positive\"(n)));
             CREATE TABLE kept (id int PRIMARY KEY);",
            positive("x")
        ))
        .await
        .expect("schema A");
        let b = common::built(&format!(
            "{} CREATE TABLE kept (id int PRIMARY KEY);",
            positive("value")
        ))
        .await
        .expect("schema B");
        converges_with_rows(&a, &b).await;
    });
}

/// A function recreated (its result type changes) under a trigger whose
/// `WHEN` calls it and a default that calls it: the trigger is moved aside
/// and back, the default dropped and set again, both ways.
#[test]
fn a_function_recreated_under_a_trigger_and_a_default_converges() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let schema = |result: &str, body: &str| {
            format!(
                "CREATE FUNCTION norm(v text) RETURNS {result} LANGUAGE sql IMMUTABLE AS $$ {body} $$;
                 CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
                 CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL DEFAULT norm('X'));
                 CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW
                     WHEN (norm(NEW.label) <> '') EXECUTE FUNCTION touch();
                 COMMENT ON TRIGGER items_touch ON items IS 'keeps labels fresh';"
            )
        };
        let a = common::built(&schema("text", "SELECT lower($1)"))
            .await
            .expect("schema A");
        let b = common::built(&schema("varchar", "SELECT lower($1)::varchar"))
            .await
            .expect("schema B");
        converges_with_rows(&a, &b).await;
    });
}

/// A function recreated (its result type changes) under a stored
/// generated column that calls it, with an index, a check and a view over
/// the column: the column is moved aside and added back (its values
/// computed again), and all that uses it with it, both ways.
#[test]
fn a_function_recreated_under_a_generated_column_converges() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let schema = |result: &str| {
            format!(
                "CREATE FUNCTION norm(v text) RETURNS {result} LANGUAGE sql IMMUTABLE
                     AS $$ SELECT lower(v)::{result} $$;
                 CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL,
                     key text GENERATED ALWAYS AS (norm(label)) STORED,
                     CONSTRAINT items_key_check CHECK (key <> ''));
                 CREATE INDEX items_key_idx ON items (key);
                 CREATE VIEW item_keys AS SELECT id, key FROM items;"
            )
        };
        let a = common::built(&schema("text")).await.expect("schema A");
        let b = common::built(&schema("varchar")).await.expect("schema B");
        converges_with_rows(&a, &b).await;
    });
}

/// The same, with the generated column renamed too (a hint): it is added
/// back under its new name (no rename of what was moved aside), beside
/// another generated column over the same function.
#[test]
fn a_function_recreated_under_a_renamed_generated_column_converges() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let a = common::built(
            "CREATE FUNCTION norm(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(v) $$;
             CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL,
                 key text GENERATED ALWAYS AS (norm(label)) STORED,
                 shout text GENERATED ALWAYS AS (upper(norm(label))) STORED);
             CREATE INDEX items_key_idx ON items (key);",
        )
        .await
        .expect("schema A");
        let mut b = common::built(
            "CREATE FUNCTION norm(v text) RETURNS varchar LANGUAGE sql IMMUTABLE
                 AS $$ SELECT lower(v)::varchar $$;
             CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL,
                 slug text GENERATED ALWAYS AS (norm(label)) STORED,
                 shout text GENERATED ALWAYS AS (upper(norm(label))) STORED);
             CREATE INDEX items_key_idx ON items (slug);",
        )
        .await
        .expect("schema B");
        let items = petal_ir::QualifiedName::new("public", "items");
        if let Some(slug) = b
            .tables
            .get_mut(&items)
            .and_then(|t| t.columns.iter_mut().find(|c| c.name == "slug"))
        {
            slug.renamed_from = Some("key".into());
        }
        converges_with_rows(&a, &b).await;
    });
}

/// A generated column's expression changes (the column is dropped and
/// added again) under an index, a check and a view: they go out of its way
/// and come back, both ways, instead of going with the column.
#[test]
fn a_generated_column_given_a_new_expression_keeps_what_uses_it() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let schema = |expression: &str| {
            format!(
                "CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL,
                     key text GENERATED ALWAYS AS ({expression}) STORED,
                     CONSTRAINT items_key_check CHECK (key <> ''));
                 CREATE INDEX items_key_idx ON items (key);
                 CREATE VIEW item_keys AS SELECT id, key FROM items;"
            )
        };
        let a = common::built(&schema("lower(label)"))
            .await
            .expect("schema A");
        let b = common::built(&schema("upper(label)"))
            .await
            .expect("schema B");
        converges_with_rows(&a, &b).await;
    });
}

/// A SQL function whose string body calls another: PostgreSQL checks the
/// body when the function is created but records no dependency of it, so
/// the callee is created first all the same, whatever the names' order
/// (pgschema's `dependency/sql_function_body_reference`). String bodies
/// load on every server version.
#[test]
fn a_sql_function_calling_another_in_its_string_body_converges() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let a = common::built("").await.expect("schema A");
        let b = common::built(
            "CREATE FUNCTION z_helper(input text) RETURNS text LANGUAGE sql IMMUTABLE
                 AS $$ SELECT upper(input) $$;
             CREATE FUNCTION a_wrapper(input text) RETURNS text LANGUAGE sql IMMUTABLE
                 AS $$ SELECT public.z_helper(input) || z_helper('x') $$;",
        )
        .await
        .expect("schema B");
        converges_with_rows(&a, &b).await;
        converges_with_rows(&b, &a).await;
    });
}

/// A named case of the property: up and down converge with the rows
/// present, no flagged failure allowed.
async fn converges_with_rows(a: &petal_ir::Database, b: &petal_ir::Database) {
    match converge(a, b).await {
        Outcome::Converged => {}
        Outcome::FlaggedAndConvergedEmpty => panic!("failed on the rows present"),
        Outcome::Failed(report) => panic!("{report}"),
    }
}
