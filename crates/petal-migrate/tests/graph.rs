//! The revision graph: structure, order and the errors that name files.

mod common;

use common::{file, graph, id, merged};
use petal_migrate::{GraphError, RevisionGraph};

#[test]
fn ancestors_descendants_and_topological_order() {
    let g = merged();
    assert_eq!(
        g.ancestors(&id("d")).into_iter().collect::<Vec<_>>(),
        [id("a"), id("b"), id("c")]
    );
    assert_eq!(g.ancestors(&id("a")).len(), 0);
    assert_eq!(
        g.descendants(&id("b")).into_iter().collect::<Vec<_>>(),
        [id("d")]
    );
    // Ids do not decide the order when parents say otherwise.
    let g = graph(&[("c", &[]), ("a", &["c"]), ("b", &["c"])]);
    assert_eq!(g.topological_order(), [id("c"), id("a"), id("b")]);
}

#[test]
fn graph_errors_name_the_files() {
    let err = RevisionGraph::build(vec![file("a", &[]), file("b", &["a"]), file("a", &[])]);
    let Err(GraphError::DuplicateRevision {
        first_path,
        second_path,
        ..
    }) = err
    else {
        panic!("expected a duplicate: {err:?}");
    };
    assert_eq!(
        first_path, second_path,
        "both files were generated with one name"
    );

    let a = file("a", &[]);
    let renamed = petal_migrate::parse("migrations/20260101000001_other.sql", a.source.text())
        .expect("the same file under another name parses");
    let err = RevisionGraph::build(vec![a, renamed]).unwrap_err();
    insta::assert_snapshot!("duplicate_revision", err.to_string());

    let err = RevisionGraph::build(vec![file("a", &[]), file("c", &["b"])]).unwrap_err();
    insta::assert_snapshot!("unknown_parent", err.to_string());

    // Ids are times, but a hand-edited header can still point forward.
    let err = RevisionGraph::build(vec![
        file("a", &[]),
        file("b", &["a", "c"]),
        file("c", &["b"]),
        file("d", &["c"]),
    ])
    .unwrap_err();
    insta::assert_snapshot!("cycle", err.to_string());
}
