//! Named cases of the convergence property for a partition that comes to
//! stand alone and a table that joins a parent: detached and attached,
//! never dropped and created, rows kept, up and down.

use super::{common, converges_with_rows};

/// A parent with a key, a check, an index, a default and a foreign key,
/// and its partitions; `alone` is the 2024 one as a table of its own, or
/// its bound.
fn events(alone: Option<&str>) -> String {
    let partition = match alone {
        Some(table) => table.to_string(),
        None => "CREATE TABLE events_2024 PARTITION OF events \
                 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
            .to_string(),
    };
    format!(
        "CREATE TABLE q (id integer PRIMARY KEY);
         CREATE TABLE events (id integer NOT NULL CHECK (id > 0), at date NOT NULL,
                              note text DEFAULT 'n', qid integer REFERENCES q,
                              PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
         CREATE INDEX events_note ON events (note);
         CREATE INDEX ON events (lower(note));
         CREATE TABLE events_2025 PARTITION OF events
             FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
         {partition}"
    )
}

/// The 2024 partition wanted as a table of its own, with the parent's key
/// and one of its indexes under other names, a column of its own and
/// without the parent's foreign key: detached, its copies renamed, then
/// altered; and back, attached with what matches the parent's.
#[test]
fn a_partition_comes_to_stand_alone_and_joins_again() {
    let runtime = common::runtime().expect("runtime");
    runtime.block_on(async {
        let a = common::built(&events(None)).await.expect("A");
        let b = common::built(&events(Some(
            "CREATE TABLE events_2024 (id integer NOT NULL, at date NOT NULL,
                                       note text DEFAULT 'n', extra text,
                                       CONSTRAINT events_2024_key PRIMARY KEY (id, at));
             CREATE INDEX events_2024_by_note ON events_2024 (note);",
        )))
        .await
        .expect("B");
        converges_with_rows(&a, &b).await;
        converges_with_rows(&b, &a).await;
    });
}
