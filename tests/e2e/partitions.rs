//! A partitioned model and its partitions, declared in the SQL files:
//! created, given rows that land in their partitions, changed (a new
//! partition, one rebound, one dropped) and rolled back, with `check`
//! clean at each revision; a change of partitioning refused.

use crate::support::Project;

/// A partitioned model, its partitions declared in SQL files.
pub(crate) const EVENTS: &str = r#"
use petal::Table;

#[derive(Table)]
#[petal(table = "events", partition_by = "range (happened_on)")]
#[petal(primary_key(id, happened_on))]
pub struct Event {
    pub id: i64,
    pub happened_on: chrono::NaiveDate,
    pub kind: String,
}
"#;

const PARTITIONS: &str = "
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_old PARTITION OF events FOR VALUES FROM ('2000-01-01') TO ('2025-01-01');
CREATE TABLE events_rest PARTITION OF events DEFAULT;
CREATE INDEX events_rest_kind ON events_rest (kind);
";

/// `events_old` as a table of its own, with the parent's columns.
pub(crate) const OLD_ALONE: &str = r#"
#[derive(Table)]
#[petal(table = "events_old")]
#[petal(primary_key(columns(id, happened_on), name = "events_old_key"))]
pub struct OldEvent {
    pub id: i64,
    pub happened_on: chrono::NaiveDate,
    pub kind: String,
}
"#;

async fn rows_in(project: &Project, table: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM ONLY {table}");
    let row = project.client().query_one(&sql, &[]).await;
    row.map_or(-1, |r| r.get(0))
}

#[tokio::test]
async fn partitions_from_sql_files_are_created_changed_and_rolled_back() {
    let project = Project::new().await;
    project.write("models/events.rs", EVENTS);
    project.write("sql/partitions.sql", PARTITIONS);
    project.generate_and_apply("partitioned");
    let first = project.read(&project.migration("_partitioned.sql"));
    assert!(
        first.contains("PARTITION BY RANGE (happened_on);")
            && first.contains(
                r#"CREATE TABLE "public"."events_rest" PARTITION OF "public"."events" DEFAULT;"#
            ),
        "{first}"
    );
    project
        .client()
        .batch_execute(
            "INSERT INTO events SELECT g, date '2024-12-01' + g, 'k' FROM generate_series(1, 100) g;",
        )
        .await
        .unwrap();
    assert_eq!(rows_in(&project, "events_2025").await, 70);
    assert_eq!(rows_in(&project, "events_old").await, 30);
    assert_eq!(rows_in(&project, "events_rest").await, 0);

    // 2026 gets a partition of its own, 2025 grows to take the old rows'
    // last month, and the default's index goes.
    let second = "
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2024-12-01') TO ('2026-01-01');
CREATE TABLE events_old PARTITION OF events FOR VALUES FROM ('2000-01-01') TO ('2024-12-01');
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE events_rest PARTITION OF events DEFAULT;
";
    project.write("sql/partitions.sql", second);
    let run = project.petal(&["revision", "--autogenerate", "-m", "rebound"]);
    run.assert_ok();
    let text = project.read(&project.migration("_rebound.sql"));
    for wanted in [
        r#"ALTER TABLE "public"."events" DETACH PARTITION "public"."events_old";"#,
        r#"ALTER TABLE "public"."events" ATTACH PARTITION "public"."events_2025" FOR VALUES FROM ('2024-12-01') TO ('2026-01-01');"#,
        "-- locks: create partition public.events_2026 of public.events",
    ] {
        assert!(text.contains(wanted), "{wanted} not in:\n{text}");
    }
    // events_old holds December 2024, which must move to events_2025:
    // attaching it there fails while events_old still has them.
    project
        .client()
        .batch_execute(
            "DELETE FROM events WHERE happened_on >= '2024-12-01' AND happened_on < '2025-01-01'",
        )
        .await
        .unwrap();
    project.petal(&["upgrade", "head"]).assert_ok();
    project.petal(&["check"]).assert_ok();
    project
        .client()
        .batch_execute("INSERT INTO events VALUES (500, '2026-03-01', 'k')")
        .await
        .unwrap();
    assert_eq!(rows_in(&project, "events_2026").await, 1);
    assert_eq!(rows_in(&project, "events_2025").await, 70);

    project.rolled_back_to("sql/partitions.sql", PARTITIONS);
    assert_eq!(rows_in(&project, "events_2025").await, 70);
}

/// A partition renamed by a hint in its SQL file keeps its rows.
#[tokio::test]
async fn a_partition_renamed_by_its_hint_keeps_its_rows() {
    let project = Project::new().await;
    project.write("models/events.rs", EVENTS);
    project.write("sql/partitions.sql", PARTITIONS);
    project.generate_and_apply("partitioned");
    project
        .client()
        .batch_execute("INSERT INTO events VALUES (1, '2010-05-01', 'k'), (2, '2025-05-01', 'k')")
        .await
        .unwrap();
    let renamed = PARTITIONS.replace(
        "CREATE TABLE events_old",
        "-- petal: renamed_from = events_old\nCREATE TABLE events_legacy",
    );
    project.write("sql/partitions.sql", &renamed);
    project.generate_and_apply("renamed");
    let text = project.read(&project.migration("_renamed.sql"));
    assert!(
        text.contains(r#"ALTER TABLE "public"."events_old" RENAME TO "events_legacy";"#)
            && !text.contains("DROP TABLE"),
        "{text}"
    );
    assert_eq!(rows_in(&project, "events_legacy").await, 1);
    project.rolled_back_to("sql/partitions.sql", PARTITIONS);
    assert_eq!(rows_in(&project, "events_old").await, 1);
}

#[tokio::test]
async fn a_table_made_partitioned_is_refused() {
    let project = Project::new().await;
    project.write(
        "models/events.rs",
        &EVENTS.replace(", partition_by = \"range (happened_on)\"", ""),
    );
    project.generate_and_apply("plain");
    project.write("models/events.rs", EVENTS);
    project.write("sql/partitions.sql", PARTITIONS);
    let run = project.petal(&["revision", "--autogenerate", "-m", "partitioned"]);
    run.assert_code(2);
    run.assert_mentions("cannot change how a table is partitioned in place");
    run.assert_mentions(
        "table public.events: a table that is not partitioned in the database, partitioned by \
         RANGE (happened_on) as wanted",
    );
    assert_eq!(project.migrations().len(), 1, "no file written");
    let typo = [
        "revision",
        "--autogenerate",
        "-m",
        "partitioned",
        "--allow-recreate",
        "event",
    ];
    project
        .petal(&typo)
        .assert_mentions("--allow-recreate public.event: there is no table public.event");
    assert_eq!(project.migrations().len(), 1, "no file written");
    // `petal diff` says it in the JSON a tool reads, not on standard error
    // alone.
    let json = project.petal(&[
        "diff",
        "--from",
        "database",
        "--to",
        "models",
        "--allow-recreate",
        "event",
        "--format",
        "json",
    ]);
    json.assert_ok();
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let warnings = parsed["warnings"].as_array().cloned().unwrap_or_default();
    assert!(
        warnings.iter().any(|w| w
            .as_str()
            .is_some_and(|w| w.contains("--allow-recreate public.event: there is no table"))),
        "{parsed}"
    );
}

/// Events with an `always` identity, and notes referencing them: the
/// table a user partitions once it has grown.
const PLAIN_EVENTS: &str = r#"
use petal::Table;

#[derive(Table)]
#[petal(table = "events", row_level_security, force_row_level_security)]
#[petal(primary_key(id, happened_on))]
pub struct Event {
    #[petal(identity = "always")]
    pub id: i64,
    pub happened_on: chrono::NaiveDate,
    #[petal(index)]
    pub kind: String,
    pub code: String,
}

#[derive(Table)]
#[petal(table = "event_notes")]
#[petal(foreign_key(columns(event_id, happened_on), references = "events(id, happened_on)"))]
pub struct EventNote {
    #[petal(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub happened_on: chrono::NaiveDate,
}
"#;

/// A policy over the events, which row-level security holds them to.
const POLICY: &str = "CREATE POLICY events_read ON events FOR SELECT USING (true);\n";

/// `--allow-recreate events`: the plain table is renamed aside, the
/// partitioned one created with its partitions, the rows copied (the
/// identity's sequence carried on, `code` cast from text to integer) and
/// the old table dropped; the foreign key into it comes back after, and
/// the grants on it (privileges are not compared) are given again, and
/// its owner, which is not the role running the migration, kept. The
/// down copies them back into a plain table; `check` is clean at both
/// ends.
#[tokio::test]
async fn a_table_made_partitioned_with_allow_recreate_keeps_its_rows() {
    let project = Project::new().await;
    project.write("models/events.rs", PLAIN_EVENTS);
    project.write("sql/policies.sql", POLICY);
    project.generate_and_apply("plain");
    let insert = "INSERT INTO events (happened_on, kind, code) \
                  SELECT date '2024-12-01' + g, 'k' || g, g::text FROM generate_series(1, 100) g;
                  INSERT INTO event_notes SELECT id, id, happened_on FROM events WHERE id <= 10;
                  DO $$ BEGIN CREATE ROLE petal_e2e_events_reader;
                  EXCEPTION WHEN duplicate_object THEN NULL; END $$;
                  DO $$ BEGIN CREATE ROLE petal_e2e_events_owner;
                  EXCEPTION WHEN duplicate_object THEN NULL; END $$;
                  ALTER TABLE events OWNER TO petal_e2e_events_owner;
                  GRANT SELECT ON events TO petal_e2e_events_reader;
                  GRANT UPDATE (kind) ON events TO petal_e2e_events_reader;";
    project.client().batch_execute(insert).await.unwrap();
    let partitioned = PLAIN_EVENTS
        .replace(
            "#[petal(table = \"events\", ",
            "#[petal(table = \"events\", partition_by = \"range (happened_on)\", ",
        )
        .replace("pub code: String,", "pub code: i32,");
    project.write("models/events.rs", &partitioned);
    project.write("sql/partitions.sql", PARTITIONS);
    let run = project.petal(&[
        "revision",
        "--autogenerate",
        "-m",
        "partitioned",
        "--allow-recreate",
        "events",
    ]);
    run.assert_ok();
    let text = project.read(&project.migration("_partitioned.sql"));
    let up = text.split("-- +petal down").next().unwrap_or_default();
    for wanted in [
        r#"ALTER TABLE "public"."events" RENAME TO "events_petal_old";"#,
        r#"INSERT INTO "public"."events" ("id", "happened_on", "kind", "code") OVERRIDING SYSTEM VALUE SELECT "id", "happened_on", "kind", "code"::integer FROM "public"."events_petal_old";"#,
        r#"SELECT setval('"public"."events_id_seq"', last_value, is_called) FROM "public"."events_id_seq_petal_old";"#,
        r#"DROP TABLE "public"."events_petal_old";"#,
        "-- locks: copy every row of public.events_petal_old into public.events",
    ] {
        assert!(up.contains(wanted), "{wanted} not in:\n{text}");
    }
    assert!(!up.contains(r#"DROP TABLE "public"."events";"#), "{text}");
    project.petal(&["upgrade", "head"]).assert_ok();
    project.petal(&["check"]).assert_ok();
    assert_eq!(rows_in(&project, "events_2025").await, 70);
    assert_eq!(rows_in(&project, "events_old").await, 30);
    assert_eq!(rows_in(&project, "event_notes").await, 10);
    assert_eq!(reader_grants(&project).await, (true, true));
    // The identity goes on where it was.
    let next = "INSERT INTO events (happened_on, kind, code) VALUES ('2025-06-01', 'new', '7') \
                RETURNING id";
    let row = project.client().query_one(next, &[]).await.unwrap();
    assert_eq!(row.get::<_, i64>(0), 101);

    project.petal(&["downgrade", "-1"]).assert_ok();
    project.write("models/events.rs", PLAIN_EVENTS);
    project.write("sql/partitions.sql", "");
    project.diff_to_models().assert_ok();
    assert_eq!(rows_in(&project, "events").await, 101);
    assert_eq!(rows_in(&project, "event_notes").await, 10);
    assert_eq!(reader_grants(&project).await, (true, true));
    let row = project.client().query_one(next, &[]).await.unwrap();
    assert_eq!(row.get::<_, i64>(0), 102);
}

/// Whether the reader role holds `SELECT` on the events and `UPDATE` on
/// their `kind`; the events' owner is checked to be the owner role.
async fn reader_grants(project: &Project) -> (bool, bool) {
    let sql = "SELECT has_table_privilege('petal_e2e_events_reader', 'events', 'SELECT'), \
               has_column_privilege('petal_e2e_events_reader', 'events', 'kind', 'UPDATE'), \
               pg_get_userbyid(relowner)::text FROM pg_class WHERE oid = 'events'::regclass";
    let row = project.client().query_one(sql, &[]).await.unwrap();
    assert_eq!(
        row.get::<_, String>(2),
        "petal_e2e_events_owner",
        "the table's owner"
    );
    (row.get(0), row.get(1))
}

/// A column of the partition key changing type: PostgreSQL refuses to
/// alter it, so autogenerate refuses, naming it, and writes no file.
#[tokio::test]
async fn a_partition_key_column_changing_type_is_refused() {
    let project = Project::new().await;
    project.write("models/events.rs", EVENTS);
    project.write("sql/partitions.sql", PARTITIONS);
    project.generate_and_apply("partitioned");
    project.write(
        "models/events.rs",
        &EVENTS.replace(
            "pub happened_on: chrono::NaiveDate,",
            "pub happened_on: chrono::DateTime<chrono::Utc>,",
        ),
    );
    let run = project.petal(&["revision", "--autogenerate", "-m", "timestamps"]);
    run.assert_code(2);
    run.assert_mentions("cannot change the type of a column in a partition key");
    run.assert_mentions(
        "column public.events.happened_on: date to timestamp with time zone, in the key \
         RANGE (happened_on)",
    );
    assert_eq!(project.migrations().len(), 1, "no file written");
}

/// An enum type recreated (a label dropped) under a list partition key:
/// its columns move to the new type, which PostgreSQL refuses for a key
/// column; autogenerate refuses first, naming it. A label added is written,
/// with a warning that its down (the type recreated) cannot run.
#[tokio::test]
async fn an_enum_recreated_under_a_partition_key_is_refused() {
    let models = |labels: &str, table: &str| {
        format!(
            "use petal::{{DbEnum, Table}};

#[derive(DbEnum)]
#[petal(name = \"event_kind\")]
pub enum EventKind {{ {labels} }}

#[derive(Table)]
#[petal({table}, partition_by = \"list (kind)\")]
#[petal(primary_key(id, kind))]
pub struct Event {{
    pub id: i64,
    pub kind: EventKind,
}}
"
        )
    };
    let project = Project::new().await;
    let events = "table = \"events\"";
    project.write("models/events.rs", &models("Open, Close, Lost", events));
    project.write(
        "sql/partitions.sql",
        "CREATE TABLE events_all PARTITION OF events DEFAULT;\n",
    );
    project.generate_and_apply("kinds");
    // A label added, the table renamed: the up runs, its down (the type
    // recreated last, under the table's name of today) would not.
    let renamed = "table = \"event_log\", renamed_from = \"events\"";
    project.write(
        "models/events.rs",
        &models("Open, Close, Lost, Found", renamed),
    );
    project.write(
        "sql/partitions.sql",
        "CREATE TABLE events_all PARTITION OF event_log DEFAULT;\n",
    );
    project
        .petal(&["revision", "--autogenerate", "-m", "found"])
        .assert_ok()
        .assert_mentions(
            "the down cannot run: PostgreSQL cannot change the type of a column in a partition \
             key (column public.events.kind: to the recreated enum type",
        );
    project.petal(&["upgrade"]).assert_ok();
    let event_log = "table = \"event_log\"";
    project.write("models/events.rs", &models("Open, Close, Found", event_log));
    let run = project.petal(&["revision", "--autogenerate", "-m", "no lost"]);
    run.assert_code(2);
    run.assert_mentions(
        "column public.event_log.kind: to the recreated enum type public.event_kind, in the key \
         LIST (kind)",
    );
    assert_eq!(project.migrations().len(), 2, "no file written");
}

/// A partition that becomes a table of its own (its `PARTITION OF` gone
/// from the SQL files, a model in its place): detached, never dropped,
/// its rows kept and its copy of the parent's key renamed to the model's;
/// then, rolled back, attached again with what matches the parent's.
#[tokio::test]
async fn a_partition_made_a_table_of_its_own_is_detached_and_attached_back() {
    let project = Project::new().await;
    project.write("models/events.rs", EVENTS);
    project.write("sql/partitions.sql", PARTITIONS);
    project.generate_and_apply("partitioned");
    let insert = "INSERT INTO events SELECT g, date '2024-12-01' + g, 'k' \
                  FROM generate_series(1, 100) g;";
    project.client().batch_execute(insert).await.unwrap();
    let alone = OLD_ALONE.replace(
        "    pub kind: String,\n",
        "    pub kind: String,\n    pub archived: Option<bool>,\n",
    );
    project.write("models/events.rs", &format!("{EVENTS}{alone}"));
    let partitions: String = PARTITIONS
        .lines()
        .filter(|l| !l.contains("events_old"))
        .collect::<Vec<_>>()
        .join("\n");
    project.write("sql/partitions.sql", &partitions);
    project.generate_and_apply("stand_alone");
    let text = project.read(&project.migration("_stand_alone.sql"));
    let up = text.split("-- +petal down").next().unwrap_or_default();
    for wanted in [
        r#"ALTER TABLE "public"."events" DETACH PARTITION "public"."events_old";"#,
        "('\"public\".\"events_pkey\"', 'events_old_key')",
        r#"ALTER TABLE "public"."events_old" ADD COLUMN "archived" boolean;"#,
    ] {
        assert!(up.contains(wanted), "{wanted} not in:\n{text}");
    }
    assert!(!text.contains("DROP TABLE"), "{text}");
    assert_eq!(rows_in(&project, "events_old").await, 30);
    let through_parent = "SELECT count(*) FROM events";
    let row = project
        .client()
        .query_one(through_parent, &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 70);

    project.petal(&["downgrade", "-1"]).assert_ok();
    project.write("models/events.rs", EVENTS);
    project.write("sql/partitions.sql", PARTITIONS);
    project.diff_to_models().assert_ok();
    let row = project
        .client()
        .query_one(through_parent, &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 100);
    assert_eq!(rows_in(&project, "events_old").await, 30);
}

/// A staging table numbered on its own joins a parent with an identity:
/// attached, its rows kept, and the parent's identity moved past the
/// numbers it brings, so the next row through the parent takes a new one.
#[tokio::test]
async fn a_table_attached_moves_its_parents_identity_past_its_rows() {
    let project = Project::new().await;
    let model = EVENTS.replace(
        "    pub id: i64,",
        "    #[petal(identity = \"by default\")]\n    pub id: i64,",
    );
    let staging = r#"
#[derive(Table)]
#[petal(table = "events_old")]
#[petal(primary_key(id, happened_on))]
pub struct OldEvent {
    pub id: i64,
    pub happened_on: chrono::NaiveDate,
    pub kind: String,
}
"#;
    let partitions: String = PARTITIONS
        .lines()
        .filter(|l| !l.contains("events_old"))
        .collect::<Vec<_>>()
        .join("\n");
    project.write("models/events.rs", &format!("{model}{staging}"));
    project.write("sql/partitions.sql", &partitions);
    project.generate_and_apply("staging");
    let insert = "INSERT INTO events_old SELECT 500 + g, date '2010-01-01' + g, 'old' \
                  FROM generate_series(1, 30) g;";
    project.client().batch_execute(insert).await.unwrap();
    project.write("models/events.rs", &model);
    project.write("sql/partitions.sql", PARTITIONS);
    project.generate_and_apply("attached");
    let text = project.read(&project.migration("_attached.sql"));
    assert!(
        text.contains("ATTACH PARTITION \"public\".\"events_old\""),
        "{text}"
    );
    assert!(!text.contains("DROP TABLE"), "{text}");
    assert_eq!(rows_in(&project, "events_old").await, 30);
    let next = "INSERT INTO events (happened_on, kind) VALUES ('2025-06-01', 'new') RETURNING id";
    let row = project.client().query_one(next, &[]).await.unwrap();
    assert_eq!(row.get::<_, i64>(0), 531);
}

/// A partition's own column default, declared in the SQL files: created
/// with the partition, changed, and rolled back; a row inserted into the
/// partition directly takes it.
#[tokio::test]
async fn a_partitions_own_default_is_created_changed_and_rolled_back() {
    let project = Project::new().await;
    project.write("models/events.rs", EVENTS);
    let rest = "PARTITION OF events DEFAULT;";
    let own = PARTITIONS.replace(rest, "PARTITION OF events (kind DEFAULT 'other') DEFAULT;");
    project.write("sql/partitions.sql", &own);
    project.generate_and_apply("own_default");
    let kind_of_a_new_row = async |id: i64| -> String {
        let insert =
            format!("INSERT INTO events_rest (id, happened_on) VALUES ({id}, '1990-01-01')");
        project.client().batch_execute(&insert).await.unwrap();
        let select = format!("SELECT kind FROM events WHERE id = {id}");
        let row = project.client().query_one(&select, &[]).await.unwrap();
        row.get(0)
    };
    assert_eq!(kind_of_a_new_row(1).await, "other");

    let changed = PARTITIONS.replace(rest, "PARTITION OF events (kind DEFAULT 'rest') DEFAULT;");
    project.write("sql/partitions.sql", &changed);
    project.generate_and_apply("rest_default");
    let text = project.read(&project.migration("_rest_default.sql"));
    let set = r#"ALTER TABLE "public"."events_rest" ALTER COLUMN "kind" SET DEFAULT 'rest'::text;"#;
    assert!(text.contains(set), "{text}");
    assert_eq!(kind_of_a_new_row(2).await, "rest");

    project.rolled_back_to("sql/partitions.sql", &own);
    assert_eq!(kind_of_a_new_row(3).await, "other");
}
