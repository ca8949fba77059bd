//! The labels of partition DDL and of statements on partitioned tables,
//! measured as the others are (`labels.rs`).

use super::*;

// Partitions: a range-partitioned table with a default partition, rows in
// each partition.
const EVENTS: &str = "
    CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, kind text) PARTITION BY RANGE (at);
    CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    CREATE TABLE events_rest PARTITION OF events DEFAULT;
    INSERT INTO events SELECT g, date '2023-10-01' + g, 'k' FROM generate_series(1, 300) g;";

label_case!(
    label_create_partition_beside_a_default,
    EVENTS,
    &format!(
        "{EVENTS}
        CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');"
    )
);
// A partition's copies of its parent's indexes named otherwise than
// PostgreSQL names them: renamed by a block that locks no table.
label_case!(
    label_partition_index_copies_named,
    &format!(
        "{EVENTS}
        CREATE INDEX events_kind_idx ON events (kind);
        ALTER INDEX events_2024_kind_idx RENAME TO events_2024_by_kind;"
    ),
    &format!(
        "{EVENTS}
        CREATE INDEX events_kind_idx ON events (kind);
        ALTER INDEX events_rest_kind_idx RENAME TO events_rest_by_kind;
        CREATE INDEX events_2024_by_day ON events_2024 (at);
        CREATE INDEX events_at_idx ON events (at);"
    )
);
label_case!(
    label_partition_rebound,
    EVENTS,
    &EVENTS.replace("TO ('2025-01-01')", "TO ('2025-06-01')")
);
label_case!(
    label_partition_on_its_own,
    "CREATE TABLE log (id int, at date) PARTITION BY RANGE (at);
     CREATE TABLE log_2024 PARTITION OF log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
     INSERT INTO log VALUES (1, '2024-05-01');",
    "CREATE TABLE log (id int, at date) PARTITION BY RANGE (at);
     CREATE TABLE log_2024 PARTITION OF log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
     CREATE TABLE log_rest PARTITION OF log DEFAULT;"
);
// A statement on a partitioned table reaches every partition.
label_case!(
    label_add_column_to_partitioned_table,
    EVENTS,
    &EVENTS.replace("kind text)", "kind text, note text DEFAULT 'x')")
);
label_case!(
    label_index_and_check_on_partitioned_table,
    EVENTS,
    &format!(
        "{EVENTS}
        CREATE INDEX events_kind_idx ON events (kind);
        ALTER TABLE events ADD CONSTRAINT events_id_check CHECK (id > 0);"
    )
);
label_case!(
    label_retype_column_of_partitioned_table,
    EVENTS,
    &EVENTS.replace("id bigint NOT NULL", "id numeric NOT NULL")
);
label_case!(
    label_foreign_key_on_partitioned_table,
    &format!("CREATE TABLE kinds (name text PRIMARY KEY); INSERT INTO kinds VALUES ('k'); {EVENTS}"),
    &format!(
        "CREATE TABLE kinds (name text PRIMARY KEY); INSERT INTO kinds VALUES ('k'); {EVENTS}
        ALTER TABLE events ADD CONSTRAINT events_kind_fkey FOREIGN KEY (kind) REFERENCES kinds (name);"
    )
);
online_case!(
    online_index_and_foreign_key_on_partitioned_table,
    &format!("CREATE TABLE kinds (name text PRIMARY KEY); INSERT INTO kinds VALUES ('k'); {EVENTS}"),
    &format!(
        "CREATE TABLE kinds (name text PRIMARY KEY); INSERT INTO kinds VALUES ('k'); {EVENTS}
        CREATE INDEX events_kind_idx ON events (kind);
        ALTER TABLE events ADD CONSTRAINT events_kind_fkey FOREIGN KEY (kind) REFERENCES kinds (name);
        ALTER TABLE events ADD CONSTRAINT events_id_check CHECK (id > 0);"
    )
);
label_case!(
    label_partition_dropped_under_a_foreign_key,
    "CREATE TABLE log (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
     CREATE TABLE log_2024 PARTITION OF log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
     CREATE TABLE log_2025 PARTITION OF log FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
     CREATE TABLE marks (id int, at date, FOREIGN KEY (id, at) REFERENCES log (id, at));
     INSERT INTO log VALUES (1, '2024-05-01'), (2, '2025-05-01');
     INSERT INTO marks VALUES (2, '2025-05-01');",
    "CREATE TABLE log (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
     CREATE TABLE log_2025 PARTITION OF log FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
     CREATE TABLE marks (id int, at date, FOREIGN KEY (id, at) REFERENCES log (id, at));"
);
label_case!(
    label_partition_rebound_under_a_foreign_key,
    "CREATE TABLE log (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
     CREATE TABLE log_2024 PARTITION OF log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
     CREATE TABLE marks (id int, at date, FOREIGN KEY (id, at) REFERENCES log (id, at));
     INSERT INTO log VALUES (1, '2024-05-01');
     INSERT INTO marks VALUES (1, '2024-05-01');",
    "CREATE TABLE log (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
     CREATE TABLE log_2024 PARTITION OF log FOR VALUES FROM ('2024-01-01') TO ('2025-06-01');
     CREATE TABLE marks (id int, at date, FOREIGN KEY (id, at) REFERENCES log (id, at));"
);

/// A plain table made partitioned with `--allow-recreate`: renamed aside,
/// the new one created with its partitions, the rows copied (every row of
/// the old one read), the old one dropped; the down copies them back. A
/// foreign key into it goes and comes back.
#[test]
fn label_table_made_partitioned_with_its_rows() {
    let plain = "
        CREATE SEQUENCE log_n_seq;
        CREATE TABLE log (id bigint GENERATED ALWAYS AS IDENTITY, at date NOT NULL, kind text,
            n bigint DEFAULT nextval('log_n_seq'), PRIMARY KEY (id, at));
        ALTER SEQUENCE log_n_seq OWNED BY log.n;
        CREATE SEQUENCE log_tick OWNED BY log.kind;
        CREATE INDEX log_kind_idx ON log (kind);
        CREATE TABLE marks (id bigint, at date, FOREIGN KEY (id, at) REFERENCES log (id, at));
        INSERT INTO log (at, kind) SELECT date '2024-10-01' + g, 'k' FROM generate_series(1, 200) g;
        INSERT INTO marks SELECT id, at FROM log WHERE id < 20;";
    let partitioned = "
        CREATE SEQUENCE log_n_seq;
        CREATE TABLE log (id bigint GENERATED ALWAYS AS IDENTITY, at date NOT NULL, kind text,
            n bigint DEFAULT nextval('log_n_seq'), PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        ALTER SEQUENCE log_n_seq OWNED BY log.n;
        CREATE SEQUENCE log_tick OWNED BY log.kind;
        CREATE INDEX log_kind_idx ON log (kind);
        CREATE TABLE log_2024 PARTITION OF log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE log_rest PARTITION OF log DEFAULT;
        CREATE TABLE marks (id bigint, at date, FOREIGN KEY (id, at) REFERENCES log (id, at));";
    let how = How {
        with_rows: [QualifiedName::new("public", "log")].into(),
        ..How::default()
    };
    runtime().block_on(measured_with(plain, partitioned, None, false, &how));
}

/// A plain table made a partition of a partitioned one, `--allow-recreate`
/// naming it: attached (no copy is needed), the down detaches it.
#[test]
fn label_table_made_a_partition_with_its_rows() {
    let parent = "
        CREATE TABLE ev (id bigint GENERATED BY DEFAULT AS IDENTITY, at date NOT NULL,
            PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE ev_2024 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        INSERT INTO ev (at) SELECT date '2024-01-01' + g FROM generate_series(1, 20) g;";
    table_made_a_partition_of(parent, "ev");
}

/// `ev_2023`, a plain table with rows, made a partition of `parent`'s
/// `under` with `--allow-recreate`, measured.
fn table_made_a_partition_of(parent: &str, under: &str) {
    let before = format!(
        "{parent}
        CREATE TABLE ev_2023 (id bigint NOT NULL, at date NOT NULL, PRIMARY KEY (id, at));
        INSERT INTO ev_2023 SELECT 1000 + g, date '2023-01-01' + g FROM generate_series(1, 50) g;"
    );
    let after = format!(
        "{parent}
        CREATE TABLE ev_2023 PARTITION OF {under} FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');"
    );
    let how = How {
        with_rows: [QualifiedName::new("public", "ev_2023")].into(),
        ..How::default()
    };
    runtime().block_on(measured_with(&before, &after, None, false, &how));
}

// The partition's own settings on a column, gone once it stands alone.
const OWN_SETTINGS: &str = "
    ALTER TABLE log_2025 ALTER COLUMN kind SET DEFAULT 'own';
    COMMENT ON COLUMN log_2025.kind IS 'its own';";

// A parent with a key, an index and a foreign key, a partition with rows
// and settings of its own on a column (which petal does not read: the
// detach gives it its parent's first), and a table referencing the parent
// (its rows only the other partition's).
const LOG: &str = "
    CREATE TABLE kinds (name text PRIMARY KEY);
    INSERT INTO kinds VALUES ('k');
    CREATE TABLE log (id int NOT NULL, at date NOT NULL, kind text REFERENCES kinds,
        PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
    CREATE INDEX log_kind ON log (kind);
    CREATE TABLE log_2025 PARTITION OF log FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    ALTER TABLE log_2025 ALTER COLUMN kind SET DEFAULT 'own';
    COMMENT ON COLUMN log_2025.kind IS 'its own';
    CREATE TABLE log_rest PARTITION OF log DEFAULT;
    CREATE TABLE marks (id int, at date, FOREIGN KEY (id, at) REFERENCES log (id, at));
    INSERT INTO log SELECT g, date '2025-01-01' + g, 'k' FROM generate_series(1, 200) g;
    INSERT INTO log VALUES (1000, '2030-01-01', 'k');
    INSERT INTO marks VALUES (1000, '2030-01-01');";

// A partition that comes to stand alone (its copies renamed, detached,
// then altered), and back: a table that joins a parent, conformed to it
// and attached, its rows read to fit the bound and the default
// partition's to fit the rest.
label_case!(
    label_partition_comes_to_stand_alone,
    LOG,
    &LOG.replace(
        "CREATE TABLE log_2025 PARTITION OF log FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
        "CREATE TABLE log_2025 (id int NOT NULL, at date NOT NULL, kind text, note text,
             CONSTRAINT log_2025_key PRIMARY KEY (id, at));",
    )
    .replace("INSERT INTO log SELECT", "INSERT INTO log_2025 SELECT")
    .replace(OWN_SETTINGS, "")
);

/// A plain table made a partition of a sub-partitioned one (which petal
/// does not attach to) with `--allow-recreate`: its rows copied into the
/// new partition, the root's identity moved past them; the down copies
/// them back out.
#[test]
fn label_table_made_a_subpartition_with_its_rows() {
    let parent = "
        CREATE TABLE ev (id bigint GENERATED BY DEFAULT AS IDENTITY, at date NOT NULL,
            PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE ev_2020s PARTITION OF ev FOR VALUES FROM ('2020-01-01') TO ('2030-01-01')
            PARTITION BY RANGE (at);
        CREATE TABLE ev_2024 PARTITION OF ev_2020s FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        INSERT INTO ev (at) SELECT date '2024-01-01' + g FROM generate_series(1, 20) g;";
    table_made_a_partition_of(parent, "ev_2020s");
}

// The same table joining its parent with the online recipes: the check
// proving its bound added NOT VALID and validated while writers go on,
// the attach reading none of its rows.
online_case!(
    online_table_joins_a_parent,
    &LOG.replace(
        "CREATE TABLE log_2025 PARTITION OF log FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
        "CREATE TABLE log_2025 (id int NOT NULL, at date NOT NULL, kind text, note text,
             CONSTRAINT log_2025_key PRIMARY KEY (id, at));",
    )
    .replace("INSERT INTO log SELECT", "INSERT INTO log_2025 SELECT"),
    LOG
);

// A table joining a list-partitioned parent online: membership proved.
online_case!(
    online_table_joins_a_list_parent,
    "CREATE TABLE tasks (id int NOT NULL, kind text NOT NULL) PARTITION BY LIST (kind);
     CREATE TABLE tasks_rest PARTITION OF tasks DEFAULT;
     CREATE TABLE tasks_mail (id int NOT NULL, kind text NOT NULL);
     INSERT INTO tasks_mail SELECT g, CASE WHEN g % 2 = 0 THEN 'mail' ELSE 'sms' END
         FROM generate_series(1, 200) g;",
    "CREATE TABLE tasks (id int NOT NULL, kind text NOT NULL) PARTITION BY LIST (kind);
     CREATE TABLE tasks_rest PARTITION OF tasks DEFAULT;
     CREATE TABLE tasks_mail PARTITION OF tasks FOR VALUES IN ('mail', 'sms');"
);

// A partition with a primary key of its own under a parent without one:
// its key's columns are NOT NULL where the parent's are not, and stay so
// when it comes to stand alone (PostgreSQL refuses to drop a key
// column's NOT NULL).
label_case!(
    label_partition_with_its_own_key_comes_to_stand_alone,
    "CREATE TABLE visits (id int, at date) PARTITION BY RANGE (at);
     CREATE TABLE visits_2024 PARTITION OF visits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
     ALTER TABLE visits_2024 ADD PRIMARY KEY (id, at);
     INSERT INTO visits SELECT g, date '2024-01-01' + g FROM generate_series(1, 100) g;",
    "CREATE TABLE visits (id int, at date) PARTITION BY RANGE (at);
     CREATE TABLE visits_2024 (id int NOT NULL, at date NOT NULL, PRIMARY KEY (id, at));"
);

// A partition coming to stand alone with the online recipes, from a
// parent with no default partition: detached CONCURRENTLY, the parent
// locked SHARE UPDATE EXCLUSIVE in both of the detach's transactions, the
// partition ACCESS EXCLUSIVE in its second, and the table the parent's
// foreign key references SHARE ROW EXCLUSIVE there (its triggers gain the
// partition's copy of the key).
online_case!(
    online_partition_comes_to_stand_alone,
    "CREATE TABLE visits (id int NOT NULL, at date NOT NULL, customer_id bigint REFERENCES customers,
         note text) PARTITION BY RANGE (at);
     CREATE TABLE visits_2024 PARTITION OF visits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
     CREATE TABLE visits_2025 PARTITION OF visits FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
     INSERT INTO visits SELECT g, date '2024-01-01' + g, 1 + g % 200, 'n'
         FROM generate_series(1, 500) g;",
    "CREATE TABLE visits (id int NOT NULL, at date NOT NULL, customer_id bigint REFERENCES customers,
         note text) PARTITION BY RANGE (at);
     CREATE TABLE visits_2025 PARTITION OF visits FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
     CREATE TABLE visits_2024 (id int NOT NULL, at date NOT NULL,
         customer_id bigint CONSTRAINT visits_customer_id_fkey REFERENCES customers, note text);"
);

// An index made for the partitioned table alone (`ON ONLY`), as the first
// step of building one partition by partition: it reads no partition and
// locks none, made or dropped.
label_case!(
    label_index_on_only_a_partitioned_table,
    EVENTS,
    &format!("{EVENTS}\n        CREATE INDEX events_kind_only ON ONLY events (kind);")
);

// A partition dropped from a parent whose foreign key references another
// table: its detach changes the triggers there.
const VISITS: &str = "
    CREATE TABLE visits (id int NOT NULL, at date NOT NULL, customer_id bigint REFERENCES customers,
        note text) PARTITION BY RANGE (at);
    CREATE TABLE visits_2024 PARTITION OF visits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    CREATE TABLE visits_2025 PARTITION OF visits FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');";
const VISITS_ROWS: &str = "
    INSERT INTO visits SELECT g, date '2024-01-01' + g, 1 + g % 200, 'n'
        FROM generate_series(1, 500) g;";

label_case!(
    label_partition_dropped_from_a_parent_with_a_foreign_key,
    &format!("{VISITS}{VISITS_ROWS}"),
    &VISITS.replace(
        "CREATE TABLE visits_2024 PARTITION OF visits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
        "",
    )
);

// The same partition dropped with the online recipes: detached
// CONCURRENTLY first, then dropped standing alone.
online_case!(
    online_partition_dropped_from_a_parent_with_a_foreign_key,
    &format!("{VISITS}{VISITS_ROWS}"),
    &VISITS.replace(
        "CREATE TABLE visits_2024 PARTITION OF visits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
        "",
    )
);

// A table with checks of its own and its parent's joining a parent with
// no default partition, online: the down detaches it CONCURRENTLY and
// keeps both checks, dropping only the one PostgreSQL gave it on its
// bound.
const MARKS: &str = "
    CREATE TABLE marks (id int NOT NULL, at date NOT NULL, note text,
        CONSTRAINT marks_id_check CHECK (id > 0)) PARTITION BY RANGE (at);
    CREATE TABLE marks_2024 PARTITION OF marks FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";

online_case!(
    online_table_with_checks_joins_a_parent,
    &format!(
        "{MARKS}
        CREATE TABLE marks_2025 (id int NOT NULL, at date NOT NULL, note text,
            CONSTRAINT marks_id_check CHECK (id > 0), CONSTRAINT marks_2025_note CHECK (note <> ''));
        INSERT INTO marks_2025 SELECT g, date '2025-01-01' + g % 300, 'n' FROM generate_series(1, 200) g;"
    ),
    &format!(
        "{MARKS}
        CREATE TABLE marks_2025 PARTITION OF marks (CONSTRAINT marks_2025_note CHECK (note <> ''))
            FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
    )
);

/// The online detach's `FINALIZE`, measured as the others are: a detach
/// left pending (its wait for a session using the parent timed out) is
/// finished by the guarded `FINALIZE` of the step run again, whose label
/// is the detach's; the guarded `CONCURRENTLY` is skipped.
#[test]
fn online_finalize_of_a_detach_left_pending() {
    runtime().block_on(async {
        let before = format!("{BASE}\n{VISITS}");
        let after = format!(
            "{BASE}\n{}\nCREATE TABLE visits_2024 (id int NOT NULL, at date NOT NULL, \
             customer_id bigint CONSTRAINT visits_customer_id_fkey REFERENCES customers, note text);",
            VISITS.replace(
                "CREATE TABLE visits_2024 PARTITION OF visits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
                "",
            )
        );
        let opts = petal_pg::IntrospectOptions::default();
        let from = common::built_with(&before, &opts).await.expect("before");
        let to = common::built_with(&after, &opts).await.expect("after");
        let db = TestDb::new().await;
        db.client()
            .batch_execute(&format!("{before}{VISITS_ROWS}"))
            .await
            .expect("the schema before, with rows");
        let server_version_num = db.server_version_num().await;
        if server_version_num < 140000 {
            return;
        }
        let plan = petal_diff::diff(&from, &to);
        let steps = render_diff_as(&plan, Mode::new(true, server_version_num));
        let at = steps
            .iter()
            .position(|s| s.statements.iter().any(|s| s.sql.contains("FINALIZE")))
            .expect("a step with the FINALIZE");
        let mismatches = measure::run(&db, &steps[..at]).await.expect("before");
        assert!(mismatches.is_empty(), "the steps before disagree");
        // A session using the parent; the detach's wait for it times out.
        let reader = db.connect().await;
        reader
            .batch_execute("BEGIN; SELECT FROM ONLY visits LIMIT 0")
            .await
            .expect("a reader");
        // Each on its own: several statements in one query are one
        // transaction, which a detach CONCURRENTLY refuses.
        let client = db.client();
        client
            .batch_execute("SET lock_timeout = '200ms'")
            .await
            .expect("set");
        let stopped = client
            .batch_execute("ALTER TABLE visits DETACH PARTITION visits_2024 CONCURRENTLY")
            .await;
        assert!(stopped.is_err(), "the detach waits for the reader");
        client.batch_execute("RESET lock_timeout").await.expect("reset");
        reader.batch_execute("COMMIT").await.expect("commit");
        let pending: i64 = client
            .query_one("SELECT count(*) FROM pg_inherits WHERE inhdetachpending", &[])
            .await
            .expect("pending")
            .get(0);
        assert_eq!(pending, 1, "the detach is left pending");
        let report: Vec<String> = measure::run(&db, &steps[at..])
            .await
            .expect("the rest")
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(report.is_empty(), "labels disagree:\n{}", report.join("\n"));
        let reached = petal_pg::introspect(db.client(), &opts)
            .await
            .expect("introspection")
            .database;
        assert!(petal_diff::diff(&reached, &to.without_hints()).is_empty());
    });
}
