//! The labels petal writes over each statement (`impact: ...`: the lock on
//! each relation, what it rewrites, what it reads whole) are measured, not
//! trusted: every kind of change petal generates runs, up and down, on
//! tables holding rows, one statement per transaction, and each
//! statement's label must equal what the server shows it did (see
//! `labels/measure.rs`). A failure prints the statement, its label and the
//! observation.
//!
//! Run on the machine's server in the README's test command, and on
//! PostgreSQL 13 and 18 in CI (`scripts/test-matrix.sh` runs all six).

#[allow(dead_code)]
mod common;
#[path = "labels/measure.rs"]
mod measure;

use petal_diff::{Mode, diff, render_diff_as, render_down_as};
use petal_ir::{Database, QualifiedName};
use petal_testkit::TestDb;

/// Rows every case starts from: a parent and a child table, indexed,
/// with rows in both.
const BASE: &str = "
    CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email varchar(40),
        score integer, note text);
    CREATE INDEX customers_score_idx ON customers (score);
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total double precision,
        qty integer NOT NULL DEFAULT 1, code varchar(10));
    CREATE INDEX orders_code_idx ON orders (code);
    INSERT INTO customers SELECT g, 'c' || g, 'c' || g || '@x.kz', g % 10, NULL
        FROM generate_series(1, 200) g;
    INSERT INTO orders SELECT g, 1 + g % 200, g * 1.5, 1 + g % 3, 'k' || g
        FROM generate_series(1, 500) g;";

/// A rename hint the models would carry, set on the target's IR.
type Hint = fn(&mut Database);

/// Builds `before` (with `BASE`) and `after` (with `BASE`'s tables) each on
/// a database of its own, diffs them, and runs the up then the down, as
/// `mode` writes them, on a third database holding `before` with rows,
/// measuring each statement. The up must lead to `after` and the down back.
async fn measured(before: &str, after: &str, hint: Option<Hint>, online: bool) {
    measured_with(before, after, hint, online, &How::default()).await;
}

/// How a case is read and diffed besides.
#[derive(Default)]
struct How {
    /// What each side is read with.
    opts: petal_pg::IntrospectOptions,
    /// The tables recreated with their rows where they cannot change in
    /// place (`--allow-recreate`).
    with_rows: std::collections::BTreeSet<QualifiedName>,
}

/// [`measured`], as `how` says.
async fn measured_with(before: &str, after: &str, hint: Option<Hint>, online: bool, how: &How) {
    let opts = &how.opts;
    let from = common::built_with(&format!("{BASE}\n{before}"), opts)
        .await
        .expect("the schema before");
    let mut to = common::built_with(&format!("{BASE}\n{after}"), opts)
        .await
        .expect("the schema after");
    if let Some(hint) = hint {
        hint(&mut to);
    }
    let plan = petal_diff::diff_with_rows(&from, &to, &how.with_rows);
    assert!(
        !plan.is_empty(),
        "the case changes nothing: before and after are the same schema"
    );
    let db = TestDb::new().await;
    db.client()
        .batch_execute(&format!("{BASE}\n{before}"))
        .await
        .expect("the schema before, with rows");
    // The online recipes are the target's: on 18, NOT NULL ... NOT VALID.
    let server_version_num = db.server_version_num().await;
    let mode = Mode::new(online, server_version_num);
    let mut report = String::new();
    let directions = [
        ("up", render_diff_as(&plan, mode), to.without_hints()),
        ("down", render_down_as(&plan, mode), from),
    ];
    for (direction, steps, target) in directions {
        let mismatches = measure::run(&db, &steps)
            .await
            .unwrap_or_else(|e| panic!("{direction}: {e}"));
        for mismatch in mismatches {
            if !over_stated_before_14(server_version_num, &mismatch)
                && !over_stated_before_18(server_version_num, &mismatch)
            {
                report.push_str(&format!("{direction}:\n{mismatch}"));
            }
        }
        let reached = petal_pg::introspect(db.client(), opts)
            .await
            .expect("introspection")
            .database;
        let left = diff(&reached, &target);
        assert!(
            left.is_empty(),
            "after the {direction}, the database differs from its target: {:#?}",
            left.changes
        );
    }
    assert!(
        report.is_empty(),
        "labels disagree with the server:\n{report}"
    );
}

/// PostgreSQL 13 (out of support) detaches a partition under `SHARE UPDATE
/// EXCLUSIVE` on it, and creates or attaches one without locking the
/// tables whose foreign keys reference its parent; the labels say what 14
/// and later do. There, a label on those statements may say more than
/// happened, never less.
fn over_stated_before_14(server_version_num: i32, mismatch: &measure::Mismatch) -> bool {
    let partition_ddl = [" DETACH PARTITION ", " PARTITION OF ", " ATTACH PARTITION "]
        .iter()
        .any(|ddl| mismatch.sql.contains(ddl));
    // A classification below `locks` (`indexes`, or a label equal to
    // what was seen) is no over-statement.
    let other = mismatch.indexes.is_some() || mismatch.labelled == mismatch.observed;
    if server_version_num >= 140000 || !partition_ddl || other {
        return false;
    }
    let (labelled, observed) = (&mismatch.labelled, &mismatch.observed);
    observed
        .locks
        .iter()
        .all(|(relation, mode)| labelled.locks.get(relation).is_some_and(|l| l >= mode))
        && observed.scans.is_subset(&labelled.scans)
        && observed.rewrites.is_subset(&labelled.rewrites)
}

/// PostgreSQL 13 to 17 add a unique, exclusion or foreign key to an
/// inheritance parent without locking its children; 18 locks them, and the
/// plain labels say what 18 does (`Change::locks_inheritance_children`).
/// There, such a label may name more relations than were locked, each
/// under the lock it names on the altered table, and nothing else.
fn over_stated_before_18(server_version_num: i32, mismatch: &measure::Mismatch) -> bool {
    let key_added = [" UNIQUE ", " FOREIGN KEY ", " EXCLUDE "]
        .iter()
        .any(|key| mismatch.sql.contains(" ADD CONSTRAINT ") && mismatch.sql.contains(key));
    if server_version_num >= 180000 || !key_added || mismatch.indexes.is_some() {
        return false;
    }
    let (labelled, observed) = (&mismatch.labelled, &mismatch.observed);
    let altered = labelled.locks.iter().find(|(relation, _)| {
        mismatch
            .sql
            .starts_with(&format!("ALTER TABLE {} ", relation.quoted()))
    });
    let Some((table, &table_mode)) = altered else {
        return false;
    };
    observed.locks.get(table) == Some(&table_mode)
        && observed
            .locks
            .iter()
            .all(|(relation, mode)| labelled.locks.get(relation) == Some(mode))
        && labelled
            .locks
            .iter()
            .filter(|(relation, _)| !observed.locks.contains_key(*relation))
            .all(|(_, mode)| *mode == table_mode)
        && observed.scans == labelled.scans
        && observed.rewrites == labelled.rewrites
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

macro_rules! label_case {
    ($name:ident, $before:expr, $after:expr $(, $hint:expr)?) => {
        #[test]
        fn $name() {
            #[allow(unused_mut, unused_assignments)]
            let mut hint: Option<Hint> = None;
            $(hint = Some($hint);)?
            runtime().block_on(measured($before, $after, hint, false));
        }
    };
}

/// A case written with the online recipes.
macro_rules! online_case {
    ($name:ident, $before:expr, $after:expr) => {
        #[test]
        fn $name() {
            runtime().block_on(measured($before, $after, None, true));
        }
    };
}

fn name(schema: &str, name: &str) -> QualifiedName {
    QualifiedName::new(schema, name)
}

// Columns.
label_case!(
    label_add_column_without_default,
    "",
    "ALTER TABLE orders ADD COLUMN memo text;"
);
label_case!(
    label_add_column_with_constant_default,
    "",
    "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';"
);
label_case!(
    label_add_column_with_volatile_default,
    "",
    "ALTER TABLE orders ADD COLUMN token double precision DEFAULT random();"
);
label_case!(
    label_add_identity_column,
    "",
    "ALTER TABLE orders ADD COLUMN seq bigint GENERATED BY DEFAULT AS IDENTITY;"
);
label_case!(
    label_add_stored_generated_column,
    "",
    "ALTER TABLE orders ADD COLUMN double_qty integer GENERATED ALWAYS AS (qty * 2) STORED;"
);
label_case!(
    label_widen_integer_column,
    "",
    "ALTER TABLE orders ALTER COLUMN qty TYPE bigint;"
);
label_case!(
    label_widen_varchar_column,
    "",
    "ALTER TABLE orders ALTER COLUMN code TYPE varchar(20);"
);
label_case!(
    label_varchar_to_text,
    "",
    "ALTER TABLE orders ALTER COLUMN code TYPE text;"
);
label_case!(
    label_float_to_numeric,
    "",
    "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);"
);
label_case!(
    label_set_not_null,
    "",
    "ALTER TABLE customers ALTER COLUMN email SET NOT NULL;"
);
label_case!(
    label_set_default,
    "",
    "ALTER TABLE customers ALTER COLUMN score SET DEFAULT 0;"
);
label_case!(
    label_make_identity,
    "",
    "ALTER TABLE customers ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;"
);
label_case!(
    label_rename_column,
    "",
    "ALTER TABLE customers RENAME COLUMN note TO remark;",
    |db| {
        if let Some(table) = db.tables.get_mut(&name("public", "customers"))
            && let Some(column) = table.columns.iter_mut().find(|c| c.name == "remark")
        {
            column.renamed_from = Some("note".to_string());
        }
    }
);

// A table's options: both ways, the down undoing the up.
label_case!(label_set_unlogged, "", "ALTER TABLE orders SET UNLOGGED;");
label_case!(
    label_set_storage_parameters,
    "ALTER TABLE orders SET (autovacuum_enabled = false);",
    "ALTER TABLE orders SET (fillfactor = 70);"
);
label_case!(
    label_replica_identity_full,
    "",
    "ALTER TABLE orders REPLICA IDENTITY FULL;"
);
// The identity leaves the index before its column may hold NULL, and
// takes it again (down) once the column is NOT NULL.
label_case!(
    label_replica_identity_off_an_index_whose_column_turns_nullable,
    "ALTER TABLE orders ALTER COLUMN code SET NOT NULL;
     CREATE UNIQUE INDEX orders_code_key ON orders (code);
     ALTER TABLE orders REPLICA IDENTITY USING INDEX orders_code_key;",
    "CREATE UNIQUE INDEX orders_code_key ON orders (code);"
);
label_case!(
    label_replica_identity_using_index,
    "",
    "ALTER TABLE orders REPLICA IDENTITY USING INDEX orders_pkey;"
);

// Constraints and indexes.
label_case!(
    label_check_made_no_inherit,
    "ALTER TABLE orders ADD CONSTRAINT orders_qty_check CHECK (qty > 0);",
    "ALTER TABLE orders ADD CONSTRAINT orders_qty_check CHECK (qty > 0) NO INHERIT;"
);
label_case!(
    label_add_exclusion_constraint,
    "",
    "ALTER TABLE orders ADD CONSTRAINT orders_code_excl EXCLUDE USING btree (code WITH =);"
);
label_case!(
    label_add_deferrable_gist_exclusion_constraint,
    "ALTER TABLE orders ADD COLUMN during tstzrange;",
    "ALTER TABLE orders ADD COLUMN during tstzrange;
     ALTER TABLE orders ADD CONSTRAINT orders_during_excl EXCLUDE USING gist (during WITH &&)
         WHERE (qty > 1) DEFERRABLE INITIALLY DEFERRED;"
);
label_case!(
    label_add_check,
    "",
    "ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0);"
);
label_case!(
    label_add_unique,
    "",
    "ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);"
);
label_case!(
    label_add_primary_key,
    "CREATE TABLE tags (id integer NOT NULL, label text); INSERT INTO tags VALUES (1, 'a');",
    "CREATE TABLE tags (id integer PRIMARY KEY, label text);"
);
label_case!(
    label_add_foreign_key,
    "",
    "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
         FOREIGN KEY (customer_id) REFERENCES customers (id);"
);
label_case!(
    label_add_constraints_not_valid,
    "",
    "ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0) NOT VALID;
     ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
         FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;"
);
label_case!(
    label_validate_constraints,
    "ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0) NOT VALID;
     ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
         FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;",
    "ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0);
     ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
         FOREIGN KEY (customer_id) REFERENCES customers (id);"
);
label_case!(
    label_new_table_referencing_a_kept_one,
    "",
    "CREATE TABLE payments (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));"
);
label_case!(
    label_create_index,
    "",
    "CREATE INDEX orders_customer_id_idx ON orders (customer_id);"
);
label_case!(
    label_create_unique_expression_index,
    "",
    "CREATE UNIQUE INDEX customers_lower_name_idx ON customers (lower(name));"
);
label_case!(
    label_rename_table,
    "",
    "ALTER TABLE orders RENAME TO purchases;",
    |db| {
        if let Some(table) = db.tables.get_mut(&name("public", "purchases")) {
            table.renamed_from = Some(name("public", "orders"));
        }
    }
);

// Views, triggers, comments, enum types.
label_case!(
    label_create_view,
    "",
    "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;"
);
label_case!(
    label_replace_view,
    "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;",
    "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 200;"
);
label_case!(
    label_materialized_view_with_index,
    "",
    "CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(total) AS total
         FROM orders GROUP BY customer_id;
     CREATE INDEX order_totals_customer_idx ON order_totals (customer_id);"
);
label_case!(
    label_create_trigger,
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;",
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
     CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();"
);
label_case!(
    label_disable_trigger,
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
     CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();",
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
     CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
     ALTER TABLE orders DISABLE TRIGGER orders_touch;"
);
label_case!(
    label_comments,
    "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
     CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
     CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();",
    "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
     CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
     CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
     COMMENT ON TRIGGER orders_touch ON orders IS 'stamps';
     COMMENT ON TABLE orders IS 'what customers bought';
     COMMENT ON COLUMN customers.email IS 'for receipts';
     COMMENT ON CONSTRAINT orders_pkey ON orders IS 'the key';
     COMMENT ON INDEX orders_code_idx IS 'lookups';
     COMMENT ON VIEW big_orders IS 'for the owner';"
);
label_case!(
    label_enum_label_added,
    "CREATE TYPE mood AS ENUM ('ok', 'sad'); ALTER TABLE customers ADD COLUMN mood mood;",
    "CREATE TYPE mood AS ENUM ('ok', 'sad', 'happy'); ALTER TABLE customers ADD COLUMN mood mood;"
);
label_case!(
    label_enum_label_removed,
    "CREATE TYPE mood AS ENUM ('ok', 'sad', 'happy');
     ALTER TABLE customers ADD COLUMN mood mood DEFAULT 'ok';",
    "CREATE TYPE mood AS ENUM ('ok', 'sad');
     ALTER TABLE customers ADD COLUMN mood mood DEFAULT 'ok';"
);
label_case!(
    label_retype_column_under_a_view,
    "CREATE VIEW cheap AS SELECT id, qty FROM orders WHERE qty < 2;",
    "ALTER TABLE orders ALTER COLUMN qty TYPE bigint;
     CREATE VIEW cheap AS SELECT id, qty FROM orders WHERE qty < 2;"
);
label_case!(
    label_domain_and_sequence,
    "",
    "CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
     CREATE SEQUENCE invoice_numbers START 1000;"
);

// The online recipes, up and down.
online_case!(
    label_online_index,
    "",
    "CREATE INDEX orders_customer_id_idx ON orders (customer_id);
     COMMENT ON INDEX orders_customer_id_idx IS 'by customer';"
);
online_case!(
    label_online_check,
    "",
    "ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0);"
);
online_case!(
    label_online_foreign_key,
    "",
    "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
         FOREIGN KEY (customer_id) REFERENCES customers (id);"
);
online_case!(
    label_online_set_not_null,
    "",
    "ALTER TABLE customers ALTER COLUMN email SET NOT NULL;"
);
online_case!(
    label_online_unique,
    "",
    "ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);"
);
online_case!(
    label_online_deferrable_unique,
    "",
    "ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email)
         DEFERRABLE INITIALLY DEFERRED;"
);
online_case!(
    label_online_everything_at_once,
    "",
    "ALTER TABLE orders ADD COLUMN memo text;
     CREATE INDEX orders_memo_idx ON orders (memo);
     ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0);
     ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
         FOREIGN KEY (customer_id) REFERENCES customers (id);
     ALTER TABLE customers ALTER COLUMN email SET NOT NULL;
     ALTER TABLE orders ALTER COLUMN qty TYPE bigint;"
);
label_case!(
    label_domain_check_over_a_column,
    "CREATE DOMAIN quantity AS integer; ALTER TABLE orders ALTER COLUMN qty TYPE quantity;",
    "CREATE DOMAIN quantity AS integer CHECK (VALUE > 0);
     ALTER TABLE orders ALTER COLUMN qty TYPE quantity;"
);
label_case!(
    label_domain_not_null_over_a_column,
    "CREATE DOMAIN code AS text; ALTER TABLE orders ALTER COLUMN code TYPE code;",
    "CREATE DOMAIN code AS text NOT NULL; ALTER TABLE orders ALTER COLUMN code TYPE code;"
);
online_case!(
    label_online_foreign_key_to_a_new_unique_constraint,
    "ALTER TABLE orders ADD COLUMN customer_email varchar(40);",
    "ALTER TABLE orders ADD COLUMN customer_email varchar(40);
     ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);
     ALTER TABLE orders ADD CONSTRAINT orders_customer_email_fkey
         FOREIGN KEY (customer_email) REFERENCES customers (email);"
);
online_case!(
    label_online_check_using_a_new_enum_label,
    "CREATE TYPE mood AS ENUM ('ok'); ALTER TABLE customers ADD COLUMN mood mood;",
    "CREATE TYPE mood AS ENUM ('ok', 'sad'); ALTER TABLE customers ADD COLUMN mood mood;
     ALTER TABLE customers ADD CONSTRAINT customers_not_sad CHECK (mood <> 'sad');"
);

/// PostgreSQL 18: a NOT NULL constraint left `NOT VALID` (an online `SET
/// NOT NULL` stopped before its validation) is validated, plain and
/// online, or dropped, and made `NOT VALID` again by the down. Nothing to measure on
/// older servers, which have no such constraint.
#[test]
fn label_validate_not_null_left_not_valid() {
    runtime().block_on(async {
        if TestDb::new().await.server_version_num().await < 180000 {
            return;
        }
        let before = "ALTER TABLE customers ADD CONSTRAINT customers_email_pending \
                      NOT NULL email NOT VALID;";
        let after = "ALTER TABLE customers ALTER COLUMN email SET NOT NULL;";
        measured(before, after, None, false).await;
        measured(before, after, None, true).await;
        // Dropped, and added NOT VALID again by the down.
        measured(before, "", None, true).await;
        // Under a new primary key, validated in the key's own step:
        // PostgreSQL refuses a key over a NOT NULL still NOT VALID.
        let before = "CREATE TABLE tags (id integer, label text);
                      INSERT INTO tags VALUES (1, 'a');
                      ALTER TABLE tags ADD CONSTRAINT tags_id_pending NOT NULL id NOT VALID;";
        let after = "CREATE TABLE tags (id integer PRIMARY KEY, label text);";
        measured(before, after, None, false).await;
        measured(before, after, None, true).await;
    });
}

// SET NOT NULL with an identity added to the column, which needs it first.
online_case!(
    label_online_set_not_null_for_a_new_identity,
    "CREATE TABLE tags (id integer, label text); INSERT INTO tags VALUES (1, 'a');",
    "CREATE TABLE tags (id integer GENERATED BY DEFAULT AS IDENTITY, label text);"
);
// SET NOT NULL with a new primary key over the column: the key sets it.
online_case!(
    label_online_set_not_null_under_a_new_primary_key,
    "CREATE TABLE tags (id integer, label text); INSERT INTO tags VALUES (1, 'a');",
    "CREATE TABLE tags (id integer PRIMARY KEY, label text);"
);

// Partitions, after the macros they use.
#[path = "labels/inheritance.rs"]
mod inheritance;
#[path = "labels/partitions.rs"]
mod partitions;
#[path = "labels/policies.rs"]
mod policies;
#[path = "labels/privileges.rs"]
mod privileges;
