use super::*;

fn kind(sql: &str) -> Kind {
    match classify(sql) {
        Ok(head) => head.kind,
        Err(e) => panic!("{sql}: {e}"),
    }
}

#[test]
fn a_policy_names_its_table_and_the_roles_to_create() {
    let head = classify(
        "CREATE POLICY own ON crm.orders AS RESTRICTIVE FOR SELECT \
         TO app, \"Report Reader\", PUBLIC, \"public\" USING (owner = 'TO x')",
    )
    .expect("a policy");
    assert_eq!(head.kind, Kind::Policy);
    assert_eq!(head.name, Some(QualifiedName::new("crm", "own")));
    assert_eq!(head.table, Some(QualifiedName::new("crm", "orders")));
    assert_eq!(head.roles, ["app", "Report Reader"]);
    let bare = classify("create policy p on t using (true)").expect("a policy");
    assert!(bare.roles.is_empty());
    assert_eq!(bare.table, Some(QualifiedName::new("public", "t")));
    let error =
        classify("create policy p on t to app, current_user using (true)").expect_err("refused");
    assert!(error.contains("name the role"), "{error}");
    assert_eq!(
        roles_named("ALTER POLICY p ON t TO \"App\", PUBLIC USING (true)"),
        ["App"]
    );
    assert!(roles_named("ALTER POLICY p ON t RENAME TO q").is_empty());
    assert_eq!(roles_named("GRANT SELECT ON t TO app"), ["app"]);
    assert_eq!(roles_named("REVOKE SELECT ON t FROM GROUP app"), ["app"]);
    assert_eq!(
        roles_named("ALTER DEFAULT PRIVILEGES FOR ROLE o GRANT SELECT ON TABLES TO app"),
        ["app", "o"]
    );
    let head = classify("GRANT SELECT (a), UPDATE ON TABLE t TO app, \"Report\", PUBLIC")
        .expect("a grant");
    assert_eq!(
        (head.kind, head.roles),
        (Kind::Grant, vec!["app".into(), "Report".into()])
    );
    let head = classify("REVOKE GRANT OPTION FOR EXECUTE ON FUNCTION f(int) FROM app CASCADE")
        .expect("a revoke");
    assert_eq!(
        (head.kind, head.roles),
        (Kind::Grant, vec!["app".to_string()])
    );
    assert_eq!(kind("GRANT USAGE ON SCHEMA s TO PUBLIC"), Kind::Grant);
    assert_eq!(
        kind("GRANT SELECT ON ALL TABLES IN SCHEMA s TO app"),
        Kind::Grant
    );
    assert_eq!(kind("GRANT SELECT ON orders To app"), Kind::Grant);
    let head = classify(
        "alter default privileges for role owner, \"Boss\" in schema crm \
         grant select on tables to app with grant option",
    )
    .expect("default privileges");
    assert_eq!(head.kind, Kind::Grant);
    assert_eq!(head.roles, ["Boss", "app", "owner"]);
    let head =
        classify("ALTER DEFAULT PRIVILEGES IN SCHEMA crm FOR USER o REVOKE ALL ON TYPES FROM app")
            .expect("IN SCHEMA first");
    assert_eq!(head.roles, ["app", "o"]);
    for (sql, says) in [
        (
            "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO app",
            "FOR ROLE",
        ),
        (
            "ALTER DEFAULT PRIVILEGES FOR ROLE o GRANT SELECT ON LARGE OBJECTS TO app",
            "LARGE OBJECTS",
        ),
        (
            "ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER GRANT SELECT ON TABLES TO app",
            "CURRENT_USER",
        ),
        ("GRANT app TO alice", "membership"),
        (
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            "ON SCHEMA public",
        ),
        ("GRANT CONNECT ON DATABASE d TO app", "ON DATABASE"),
        ("GRANT SELECT ON t TO app GRANTED BY bob", "GRANTED BY"),
        ("REVOKE SELECT ON t FROM CURRENT_USER", "CURRENT_USER"),
    ] {
        let error = classify(sql).expect_err(sql);
        assert!(error.contains(says), "{sql}: {error}");
    }
    assert!(roles_named("ALTER POLICY p ON rename TO app USING (true)") == ["app"]);
    for sql in [
        "ALTER TABLE t_2024 ENABLE ROW LEVEL SECURITY",
        "alter table t_2024 no force row level security",
        "ALTER TABLE t_2024 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY",
    ] {
        let head = classify(sql).expect("a partition's row-level security");
        assert_eq!(head.kind, Kind::RowSecurity);
        assert_eq!(head.table, Some(QualifiedName::new("public", "t_2024")));
    }
    // A column named `row` is no row-level security.
    let error = classify("ALTER TABLE t DROP row").expect_err("refused");
    assert!(error.contains("say it in the model"), "{error}");
}

/// A partition's own column default: one `SET DEFAULT` or `DROP DEFAULT`
/// alone; any other column change is the model's.
#[test]
fn a_partitions_column_default_is_declared() {
    for (sql, column) in [
        (
            "ALTER TABLE t_2024 ALTER COLUMN kind SET DEFAULT 'x'",
            "kind",
        ),
        (
            "alter table only t_2024 alter \"Kind\" drop default",
            "Kind",
        ),
        (
            "ALTER TABLE t_2024 ALTER note SET DEFAULT concat('a', 'b')",
            "note",
        ),
    ] {
        let head = classify(sql).expect(sql);
        assert_eq!(head.kind, Kind::ColumnDefault, "{sql}");
        assert_eq!(head.table, Some(QualifiedName::new("public", "t_2024")));
        assert_eq!(head.name, Some(QualifiedName::new("public", column)));
    }
    for sql in [
        "ALTER TABLE t ALTER COLUMN a SET DEFAULT 1, ALTER COLUMN b DROP DEFAULT",
        "ALTER TABLE t ALTER COLUMN a SET DEFAULT",
        "ALTER TABLE t ALTER COLUMN a DROP DEFAULT CASCADE",
        "ALTER TABLE t ALTER COLUMN a SET NOT NULL",
    ] {
        let error = classify(sql).expect_err(sql);
        assert!(error.contains("say it in the model"), "{sql}: {error}");
    }
}

#[test]
fn declarations_are_recognized() {
    assert_eq!(kind("create or replace view v as select 1"), Kind::View);
    assert_eq!(
        kind("CREATE MATERIALIZED VIEW IF NOT EXISTS s.m AS SELECT 1"),
        Kind::MaterializedView
    );
    assert_eq!(
        kind("CREATE FUNCTION f() RETURNS int AS $$ select 1 $$ LANGUAGE sql"),
        Kind::Function
    );
    assert_eq!(
        kind(
            "CREATE OR REPLACE CONSTRAINT TRIGGER t AFTER INSERT ON x FOR EACH ROW EXECUTE FUNCTION f()"
        ),
        Kind::Trigger
    );
    assert_eq!(
        kind("CREATE TYPE r AS RANGE (subtype = float8)"),
        Kind::RangeType
    );
    assert_eq!(kind("CREATE TYPE c AS (a int)"), Kind::CompositeType);
    assert_eq!(
        kind("ALTER TABLE orders DISABLE TRIGGER audit"),
        Kind::TriggerState
    );
    assert_eq!(
        kind("ALTER TABLE orders ENABLE ALWAYS TRIGGER audit"),
        Kind::TriggerState
    );
    assert_eq!(kind("COMMENT ON VIEW v IS 'x'"), Kind::Comment);
    let owner = classify("ALTER SEQUENCE billing.no OWNED BY billing.invoices.no")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(owner.kind, Kind::SequenceOwner);
    assert_eq!(owner.name, Some(QualifiedName::new("billing", "no")));
    assert_eq!(owner.table, Some(QualifiedName::new("billing", "invoices")));
    let owner = classify(r#"alter sequence if exists "n" owned by "T"."c""#)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(owner.table, Some(QualifiedName::new("public", "T")));
    assert_eq!(kind("create unique index on m (a)"), Kind::Index);
    assert_eq!(
        kind("CREATE TABLE p PARTITION OF t FOR VALUES IN (1)"),
        Kind::Partition
    );
    assert_eq!(
        kind("create unlogged table if not exists s.p partition of s.t default"),
        Kind::Partition
    );
    for refused in [
        "CREATE TABLE t (a int)",
        "CREATE UNLOGGED TABLE t (a int)",
        "CREATE TEMP TABLE p PARTITION OF t DEFAULT",
        "ALTER SEQUENCE s RESTART 5",
        "ALTER SEQUENCE s OWNED BY NONE",
        "ALTER SEQUENCE s OWNED BY t.c RESTART 5",
    ] {
        assert!(classify(refused).is_err(), "{refused}");
    }
    let head = classify("CREATE TABLE s.p PARTITION OF t DEFAULT").unwrap();
    assert_eq!(head.name, Some(QualifiedName::new("s", "p")));
    assert_eq!(head.table, Some(QualifiedName::new("public", "t")));
}

#[test]
fn an_inheritance_child_names_its_first_parent() {
    let head = classify(
        "CREATE TABLE IF NOT EXISTS s.archive (note text, CHECK (note <> '')) \
         INHERITS (crm.orders, public.audited) WITH (fillfactor = 70)",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(head.kind, Kind::InheritanceChild);
    assert_eq!(head.name, Some(QualifiedName::new("s", "archive")));
    assert_eq!(head.table, Some(QualifiedName::new("crm", "orders")));
    // `INHERITS` inside a column list or a check is not the clause.
    for refused in [
        "CREATE TABLE t (inherits int)",
        "CREATE TABLE t (a int CHECK (a > 0)) INHERITS",
    ] {
        let why = classify(refused).expect_err(refused);
        assert!(why.contains("inheritance children"), "{why}");
    }
}

#[test]
fn a_comment_names_the_relation_it_is_on() {
    let on = |sql: &str| classify(sql).unwrap_or_else(|e| panic!("{e}")).table;
    assert_eq!(
        on("COMMENT ON TABLE crm.orders IS 'x'"),
        Some(QualifiedName::new("crm", "orders"))
    );
    assert_eq!(
        on(r#"COMMENT ON COLUMN "Crm".orders.total IS 'x'"#),
        Some(QualifiedName::new("Crm", "orders"))
    );
    assert_eq!(
        on("COMMENT ON COLUMN orders.total IS 'x'"),
        Some(QualifiedName::new("public", "orders"))
    );
    assert_eq!(on("COMMENT ON VIEW v IS 'x'"), None);
    assert_eq!(
        on("COMMENT ON CONSTRAINT orders_total_check ON crm.orders IS 'x'"),
        Some(QualifiedName::new("crm", "orders"))
    );
    let index = classify("COMMENT ON INDEX crm.orders_total_idx IS 'x'").map(|h| h.name);
    assert_eq!(
        index,
        Ok(Some(QualifiedName::new("crm", "orders_total_idx")))
    );
    assert_eq!(on("COMMENT ON FUNCTION f(int) IS 'x'"), None);
    for sql in [
        "COMMENT ON SCHEMA crm IS 'x'",
        "comment on extension citext is 'x'",
    ] {
        let refused = classify(sql).err().unwrap_or_default();
        assert!(refused.contains("would be lost"), "{sql}: {refused}");
    }
}

#[test]
fn names_and_tables_are_read() {
    let head = classify(r#"CREATE OR REPLACE VIEW "Sales"."Big View" AS SELECT 1"#)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(head.name, Some(QualifiedName::new("Sales", "Big View")));
    assert_eq!(head.or_replace, Some((7, 17)));
    let head = classify(
        "CREATE TRIGGER Touch BEFORE UPDATE ON crm.orders FOR EACH ROW EXECUTE FUNCTION t()",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(head.name, Some(QualifiedName::new("crm", "touch")));
    assert_eq!(head.table, Some(QualifiedName::new("crm", "orders")));
    let head = classify("CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public VERSION '1.6'")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(head.version.as_deref(), Some("1.6"));
}

#[test]
fn other_statements_are_refused_with_a_reason() {
    for (sql, words) in [
        ("INSERT INTO t VALUES (1)", "is data"),
        ("DROP VIEW v", "petal writes the `DROP`"),
        ("CREATE TABLE t (a int)", "Rust models"),
        ("CREATE TYPE e AS ENUM ('a')", "DbEnum"),
        ("ALTER TABLE t ADD COLUMN a int", "say it in the model"),
        ("CREATE TEMP VIEW v AS SELECT 1", "not part of a schema"),
        ("CREATE INDEX CONCURRENTLY i ON m (a)", "without it"),
        ("VACUUM", "not a declaration"),
    ] {
        match classify(sql) {
            Ok(head) => panic!("{sql} accepted as {head:?}"),
            Err(e) => assert!(e.contains(words), "{sql}: {e}"),
        }
    }
}
