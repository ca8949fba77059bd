//! Named cases of the convergence property for types, collations and the
//! partitions of a recreated parent: what PostgreSQL cannot change in place
//! under columns, moved aside, with rows, up and down.

use super::{common, converges_with_rows};

/// A domain's base type, a range's subtype and a composite's attribute
/// type changed while columns are of them (one in an array, one read by a
/// view), and while a table to be dropped has one: PostgreSQL changes none
/// of them in place and drops no type a column uses. The old type is
/// renamed aside, the columns converted to the new one, the old dropped.
/// With what stands on them: a domain over the domain and a composite of
/// it (recreated too), a function taking it (dropped before the rename),
/// a check casting to it and a foreign key between range columns (dropped
/// and added back).
#[test]
fn types_recreated_under_their_columns_converge_with_rows() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let schema = |base: &str, subtype: &str, attribute: &str| {
            format!(
                "CREATE DOMAIN code AS {base};
                 CREATE DOMAIN short_code AS code;
                 CREATE TYPE span AS RANGE (SUBTYPE = {subtype});
                 CREATE TYPE pair AS (a {attribute}, b text);
                 CREATE TYPE coded AS (c code, n integer);
                 CREATE FUNCTION shout(v code) RETURNS text LANGUAGE plpgsql
                     AS $$ BEGIN RETURN upper(v); END $$;
                 CREATE TABLE spans (s span PRIMARY KEY);
                 CREATE TABLE kept (id integer PRIMARY KEY, c code DEFAULT 'x', s span,
                                    p pair, cs code[], sc short_code, cd coded,
                                    CONSTRAINT not_z CHECK (c <> 'zzz'::code),
                                    CONSTRAINT kept_s_fkey FOREIGN KEY (s) REFERENCES spans);
                 CREATE VIEW kept_codes AS SELECT id, c, s FROM kept;"
            )
        };
        let a = common::built(&format!(
            "{} CREATE TABLE gone (id integer PRIMARY KEY, s span, p pair);",
            schema("text", "integer", "integer")
        ))
        .await
        .expect("schema A");
        let b = common::built(&schema("character varying(20)", "bigint", "bigint"))
            .await
            .expect("schema B");
        converges_with_rows(&a, &b).await;
        converges_with_rows(&b, &a).await;
    });
}

/// A range whose multirange is named by hand (`MULTIRANGE_TYPE_NAME`,
/// PostgreSQL 14+), re-subtyped under a column: the multirange and its
/// constructors go aside with the range, so that the new range can take
/// the name; a plain rename keeps the hand-named multirange's name.
#[test]
fn a_range_with_a_hand_named_multirange_recreated_under_its_column_converges() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let probe = petal_testkit::TestDb::new().await;
        if probe.server_version_num().await < 140000 {
            eprintln!("skipped: multiranges came with PostgreSQL 14");
            return;
        }
        let schema = |subtype: &str, range: &str| {
            format!(
                "CREATE TYPE span AS RANGE (SUBTYPE = {subtype}, MULTIRANGE_TYPE_NAME = spans);
                 CREATE TYPE {range} AS RANGE (SUBTYPE = date, MULTIRANGE_TYPE_NAME = stays);
                 CREATE TABLE kept (id integer PRIMARY KEY, s span, m spans, k {range});"
            )
        };
        let a = common::built(&schema("integer", "period"))
            .await
            .expect("schema A");
        let mut b = common::built(&schema("bigint", "term"))
            .await
            .expect("schema B");
        let term = petal_ir::QualifiedName::new("public", "term");
        b.range_types.get_mut(&term).expect("term").renamed_from =
            Some(petal_ir::QualifiedName::new("public", "period"));
        converges_with_rows(&a, &b).await;
    });
}

/// A partitioned table whose key changes (a key column renamed, no hint
/// saying so) is dropped and created again, as PostgreSQL needs: its
/// partitions go with it and come back under the new one, never attached
/// to the old one first.
#[test]
fn partitions_of_a_recreated_parent_are_recreated_with_it() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let schema = |key: &str| {
            format!(
                "CREATE TABLE m (id int, {key} int NOT NULL, PRIMARY KEY (id, {key}))
                     PARTITION BY HASH ({key});
                 CREATE TABLE m0 PARTITION OF m FOR VALUES WITH (MODULUS 2, REMAINDER 0);
                 CREATE TABLE m1 PARTITION OF m FOR VALUES WITH (MODULUS 2, REMAINDER 1);"
            )
        };
        let a = common::built(&schema("k")).await.expect("schema A");
        let b = common::built(&schema("kk")).await.expect("schema B");
        converges_with_rows(&a, &b).await;
        // Partitions moving to another parent stay: detached, attached to
        // it once it stands.
        let moved = schema("k")
            .replace(" m ", " m2 ")
            .replace("OF m ", "OF m2 ");
        let c = common::built(&moved).await.expect("schema C");
        converges_with_rows(&a, &c).await;
    });
}

/// User collations: one created for a new column, one moved to by a kept
/// column (ICU, nondeterministic), one whose locale changes under its
/// column (recreated aside), one dropped once its column moves off it, one
/// renamed by hint; a view over the moved columns (PostgreSQL changes no
/// collation of a column a view reads); a domain of the recreated one
/// (recreated with it) and an index key naming it (dropped and built
/// again); with rows, up and down.
#[test]
fn collations_created_dropped_renamed_and_recreated_under_columns_converge() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let a = common::built(
            r#"CREATE COLLATION posix_copy (provider = libc, locale = 'POSIX');
               CREATE COLLATION "Sort Order" (provider = icu, locale = 'en');
               CREATE DOMAIN sorted_text AS text COLLATE "Sort Order";
               CREATE TABLE labels (id int PRIMARY KEY, label sorted_text, tag text);
               CREATE INDEX labels_tag ON labels (tag COLLATE "Sort Order");
               CREATE COLLATION old_name (provider = libc, locale = 'C');
               CREATE TABLE people (id int PRIMARY KEY, name text COLLATE posix_copy,
                                    title text COLLATE "Sort Order", code text COLLATE old_name,
                                    CHECK ((title COLLATE old_name) <> ''));
               CREATE VIEW people_names AS SELECT id, name FROM people;"#,
        )
        .await
        .expect("schema A");
        let mut b = common::built(
            r#"CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2',
                                     deterministic = false);
               CREATE COLLATION "Sort Order" (provider = icu, locale = 'de');
               CREATE DOMAIN sorted_text AS text COLLATE "Sort Order";
               CREATE TABLE labels (id int PRIMARY KEY, label sorted_text, tag text);
               CREATE INDEX labels_tag ON labels (tag COLLATE "Sort Order");
               CREATE COLLATION new_name (provider = libc, locale = 'C');
               CREATE TABLE people (id int PRIMARY KEY, name text COLLATE ci,
                                    title text COLLATE "Sort Order", code text COLLATE new_name,
                                    nick text COLLATE ci, CHECK ((title COLLATE new_name) <> ''));
               CREATE VIEW people_names AS SELECT id, name FROM people;"#,
        )
        .await
        .expect("schema B");
        let new_name = petal_ir::QualifiedName::new("public", "new_name");
        let renamed = b.collations.get_mut(&new_name).expect("new_name is read");
        renamed.renamed_from = Some(petal_ir::QualifiedName::new("public", "old_name"));
        converges_with_rows(&a, &b).await;
        converges_with_rows(&b, &a).await;
    });
}

/// A column read by a view moves from `pg_catalog`'s "C" to the default
/// collation and back: PostgreSQL changes the collation of no column a
/// view reads, as for a type, so the view goes out of the way and back.
#[test]
fn a_collation_change_under_a_view_converges() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let schema = |collate: &str| {
            format!(
                "CREATE TABLE codes (id int PRIMARY KEY, code text {collate});
                 CREATE VIEW code_list AS SELECT id, code FROM codes;"
            )
        };
        let a = common::built(&schema(r#"COLLATE "C""#))
            .await
            .expect("schema A");
        let b = common::built(&schema("")).await.expect("schema B");
        converges_with_rows(&a, &b).await;
        converges_with_rows(&b, &a).await;
    });
}

/// From migra's `dependencies2` fixture: a table renamed (by hint) while a
/// new view takes its old name, and a view over it is kept word for word.
/// PostgreSQL would follow the rename; the kept view must read the new
/// view, so it is recreated after the rename.
#[test]
fn a_view_over_a_renamed_table_reads_what_takes_its_name() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let a = common::built(
            "CREATE SCHEMA x;
             CREATE TABLE x.data (id uuid, name text);
             CREATE VIEW x.q AS SELECT * FROM x.data;",
        )
        .await
        .expect("schema A");
        let mut b = common::built(
            "CREATE SCHEMA x;
             CREATE TABLE x.t_data (id uuid, name text);
             CREATE VIEW x.data AS SELECT * FROM x.t_data;
             CREATE VIEW x.q AS SELECT * FROM x.data;",
        )
        .await
        .expect("schema B");
        let t_data = petal_ir::QualifiedName::new("x", "t_data");
        let table = b.tables.get_mut(&t_data).expect("x.t_data is read");
        table.renamed_from = Some(petal_ir::QualifiedName::new("x", "data"));
        converges_with_rows(&a, &b).await;
    });
}

/// Types built on a recreated type or collation: a collation only a
/// domain of a column names (the column's collation is the domain's,
/// unsaid), a range over a recreated domain; and the functions of the
/// domain that go: one a column's default calls (dropped after the
/// default), one taking it (dropped before the domain is renamed).
#[test]
fn types_built_on_a_recreated_type_converge() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let schema = |locale: &str, base: &str| {
            format!(
                "CREATE COLLATION ci (provider = icu, locale = '{locale}');
                 CREATE DOMAIN ci_text AS text COLLATE ci;
                 CREATE DOMAIN code AS {base};
                 CREATE TYPE code_range AS RANGE (SUBTYPE = code);"
            )
        };
        let a = common::built(&format!(
            "{}
             CREATE FUNCTION new_code() RETURNS code LANGUAGE sql AS $$ SELECT 'x'::code $$;
             CREATE FUNCTION shout(v code) RETURNS text LANGUAGE sql IMMUTABLE
                 AS $$ SELECT upper(v) $$;
             CREATE TABLE t (id int PRIMARY KEY, e ci_text, c code DEFAULT new_code(),
                             r code_range);",
            schema("en", "text")
        ))
        .await
        .expect("schema A");
        let b = common::built(&format!(
            "{}
             CREATE TABLE t (id int PRIMARY KEY, e ci_text, c code, r code_range);",
            schema("de", "character varying(20)")
        ))
        .await
        .expect("schema B");
        converges_with_rows(&a, &b).await;
        converges_with_rows(&b, &a).await;
    });
}

/// Found by the property: a domain renamed (by hint) while a composite
/// type's attribute is of it and a column of the composite. The rename
/// carries the attribute along; comparing without the hint would retype
/// the attribute, which PostgreSQL refuses while the column exists. (The
/// harness now carries every kind's hints, not only the models'.)
#[test]
fn a_domain_renamed_under_a_composite_column_converges() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let composite = r#"CREATE TYPE "Money Pair" AS ("Этаж" DOMAIN_NAME, x integer);
                           CREATE TABLE tags (id int PRIMARY KEY, name "Money Pair");"#;
        let a = common::built(&format!(
            r#"CREATE DOMAIN "Code Value" AS integer CONSTRAINT positive CHECK (VALUE > 0);
               {}"#,
            composite.replace("DOMAIN_NAME", r#""Code Value""#)
        ))
        .await
        .expect("schema A");
        let mut b = common::built(&format!(
            "CREATE DOMAIN amount AS integer CONSTRAINT positive CHECK (VALUE > 0); {}",
            composite.replace("DOMAIN_NAME", "amount")
        ))
        .await
        .expect("schema B");
        let amount = petal_ir::QualifiedName::new("public", "amount");
        if let Some(domain) = b.domains.get_mut(&amount) {
            domain.renamed_from = Some(petal_ir::QualifiedName::new("public", "Code Value"));
        }
        converges_with_rows(&a, &b).await;
    });
}
