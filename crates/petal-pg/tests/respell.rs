//! A view's query printed again by a server (`respell_view_queries`): the
//! server's own printing is a fixed point, other spellings come back in the
//! server's, and what the server cannot parse, or more than one statement,
//! comes back as `None` without touching the database.

mod common;

use common::Loaded;
use petal_pg::respell_view_queries;

#[tokio::test]
async fn the_servers_own_printing_of_every_view_is_a_fixed_point() {
    let l = Loaded::new().await;
    let queries: Vec<&str> = l
        .ir()
        .views
        .values()
        .map(|v| v.definition.as_str())
        .collect();
    assert!(queries.len() >= 3, "the fixture holds views");
    let respelled = respell_view_queries(l.db.config(), &queries)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    for (query, printed) in queries.iter().zip(&respelled) {
        assert_eq!(printed.as_deref(), Some(*query));
    }
}

#[tokio::test]
async fn another_spelling_comes_back_in_the_servers() {
    let l = Loaded::new().await;
    let client = l.db.client();
    client
        .batch_execute(
            "CREATE TABLE app.respelled (id int, at timestamptz);
             CREATE VIEW app.respelled_days AS
                 SELECT (r.at AT TIME ZONE 'Asia/Almaty')::date AS day, count(*) AS n
                 FROM app.respelled r GROUP BY 1",
        )
        .await
        .unwrap();
    // The introspection's printing settings: every name qualified.
    client
        .batch_execute("SET search_path = pg_catalog")
        .await
        .unwrap();
    let introspected: String = client
        .query_one("SELECT pg_get_viewdef('app.respelled_days'::regclass)", &[])
        .await
        .unwrap()
        .get(0);
    let hand_written = "select cast((r.at at time zone 'Asia/Almaty') as date) as day, \
                        count(*) as n from app.respelled as r group by 1;";
    assert_ne!(hand_written, introspected);
    let respelled = respell_view_queries(l.db.config(), &[hand_written])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(respelled, [Some(introspected)]);
}

#[tokio::test]
async fn what_the_server_cannot_parse_comes_back_as_none_and_nothing_changes() {
    let l = Loaded::new().await;
    let client = l.db.client();
    client
        .batch_execute("CREATE TABLE app.kept (id int)")
        .await
        .unwrap();
    let queries = [
        "SELECT no_such_function(1) AS x",
        "SELECT id FROM app.no_such_table",
        "SELECT 1 AS one; DROP TABLE app.kept",
        " SELECT kept.id\n   FROM app.kept;",
    ];
    let respelled = respell_view_queries(l.db.config(), &queries)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(respelled[..3], [None, None, None]);
    assert_eq!(respelled[3].as_deref(), Some(queries[3]));
    let kept: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_class WHERE oid = 'app.kept'::regclass",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(kept, 1, "the second statement did not run");
}
