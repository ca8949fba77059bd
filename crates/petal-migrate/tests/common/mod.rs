//! Graphs and logs shared by the planner and graph tests.

#![allow(dead_code)] // each test file uses a different part

use petal_migrate::{
    AppliedRevision, Checksum, MigrationFile, NewMigration, RevisionGraph, RevisionId, Statement,
    parse, write,
};

/// Revision ids by a short name: `a` is 20260101000001, `b` ...02, and so on.
pub fn id(name: &str) -> RevisionId {
    let n = name.bytes().next().map_or(0, |b| b - b'a' + 1);
    RevisionId::parse(&format!("202601010000{n:02}")).expect("valid id")
}

pub fn file(name: &str, parents: &[&str]) -> MigrationFile {
    let new = NewMigration {
        revision: id(name),
        parents: parents.iter().map(|p| id(p)).collect(),
        message: format!("revision {name}"),
        down_unpaired: false,
        requires_server: None,
        no_transaction: false,
        up: vec![vec![Statement::new(format!("CREATE TABLE {name} ()"))].into()],
        down: vec![vec![Statement::new(format!("DROP TABLE {name}"))].into()],
    };
    parse(&new.file_name(), &write(&new)).expect("generated file parses")
}

pub fn graph(files: &[(&str, &[&str])]) -> RevisionGraph {
    RevisionGraph::build(files.iter().map(|(n, p)| file(n, p)).collect()).expect("valid graph")
}

/// a <- b <- c
pub fn linear() -> RevisionGraph {
    graph(&[("a", &[]), ("b", &["a"]), ("c", &["b"])])
}

/// a <- b, a <- c: two heads.
pub fn divergent() -> RevisionGraph {
    graph(&[("a", &[]), ("b", &["a"]), ("c", &["a"])])
}

/// a <- b, a <- c, (b, c) <- d.
pub fn merged() -> RevisionGraph {
    graph(&[("a", &[]), ("b", &["a"]), ("c", &["a"]), ("d", &["b", "c"])])
}

/// The log after applying `names` in order, with the files' checksums.
pub fn applied(graph: &RevisionGraph, names: &[&str]) -> Vec<AppliedRevision> {
    names
        .iter()
        .zip(1..)
        .map(|(name, order)| AppliedRevision {
            revision: id(name),
            checksum: graph
                .get(&id(name))
                .map_or_else(|| Checksum::from_stored("gone"), |f| f.checksum.clone()),
            applied_order: order,
            up_steps: None,
        })
        .collect()
}
