//! What the generated pairs hold and change, kind by kind: the
//! convergence properties run what petal writes for each on a server, so
//! each kind must show up, and change, in a fair share of pairs (run with
//! `--features arbitrary`, which the workspace's test build turns on).
#![cfg(feature = "arbitrary")]

use petal_ir::arbitrary::whole_database_pair;
use petal_ir::{Database, QualifiedName};
use proptest::strategy::Strategy;

#[test]
fn pairs_usually_differ() {
    use petal_ir::arbitrary::mutate_tables_and_enums;
    use petal_ir::arbitrary::{Rng, build_database, build_tables_and_enums, mutate};
    let (mut differ, mut whole_differ) = (0, 0);
    for seed in 0..200 {
        let mut rng = Rng::new(seed);
        let a = build_tables_and_enums(&mut rng);
        let b = mutate_tables_and_enums(&a, &mut rng, 3);
        if a != b.clone().without_hints() || a != b {
            differ += 1;
        }
        let mut rng = Rng::new(seed);
        let a = build_database(&mut rng);
        let b = mutate(&a, &mut rng, 3);
        if a != b.clone().without_hints() || a != b {
            whole_differ += 1;
        }
    }
    assert!(differ > 180, "only {differ} of 200 pairs differ");
    assert!(
        whole_differ > 180,
        "only {whole_differ} of 200 whole pairs differ"
    );
}

/// Some pairs make a primary key deferrable: the convergence property
/// sees it up, and undone down.
#[test]
fn pairs_make_primary_keys_deferrable() {
    use petal_ir::arbitrary::{Rng, build_tables_and_enums, mutate_tables_and_enums};
    let mut made = 0;
    for seed in 0..200 {
        let mut rng = Rng::new(seed);
        let a = build_tables_and_enums(&mut rng);
        let b = mutate_tables_and_enums(&a, &mut rng, 3);
        let deferrable = |t: &petal_ir::Table| {
            t.primary_key
                .as_ref()
                .is_some_and(|p| !p.deferrable.is_not())
        };
        made += b
            .tables
            .iter()
            .filter(|(name, after)| {
                deferrable(after) && a.tables.get(*name).is_some_and(|t| !deferrable(t))
            })
            .count();
    }
    assert!(
        made > 2,
        "only {made} primary keys made deferrable in 200 pairs"
    );
}

/// The kinds added late (drawn from the side stream) show up, and change:
/// unlogged tables, storage parameters, replica identities, exclusion
/// constraints, `NO INHERIT` checks.
#[test]
fn pairs_change_table_options_and_exclusions() {
    use petal_ir::arbitrary::{Rng, build_tables_and_enums, mutate_tables_and_enums};
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for seed in 0..200 {
        let mut rng = Rng::new(seed);
        let a = build_tables_and_enums(&mut rng);
        let b = mutate_tables_and_enums(&a, &mut rng, 3);
        for (name, after) in &b.tables {
            let Some(before) = a.tables.get(name) else {
                continue;
            };
            let (x, y) = (&before.options, &after.options);
            let changes = [
                ("unlogged", x.unlogged != y.unlogged),
                ("storage", x.storage != y.storage),
                ("replica identity", x.replica_identity != y.replica_identity),
                ("exclusions", before.exclusions != after.exclusions),
                ("no inherit", after.checks.iter().any(|c| c.no_inherit)),
            ];
            for (what, changed) in changes {
                *seen.entry(what).or_default() += usize::from(changed);
            }
        }
    }
    for (what, count) in &seen {
        assert!(
            *count > 2,
            "only {count} pairs with {what} in 200: {seen:?}"
        );
    }
    assert_eq!(seen.len(), 5, "{seen:?}");
}

/// Every kind shows up: the property tests over whole pairs see each.
#[test]
fn whole_databases_hold_every_kind() {
    use petal_ir::arbitrary::{Rng, build_database};
    let mut seen = [0usize; 9];
    for seed in 0..200 {
        let db = build_database(&mut Rng::new(seed));
        let counts = [
            db.extensions.len(),
            db.sequences.len(),
            db.views.values().filter(|v| !v.materialized).count(),
            db.views.values().filter(|v| v.materialized).count(),
            db.functions.len(),
            db.triggers.len(),
            db.domains.len(),
            db.composite_types.len(),
            db.range_types.len(),
        ];
        for (s, c) in seen.iter_mut().zip(counts) {
            *s += usize::from(c > 0);
        }
    }
    assert!(
        seen.iter().all(|&n| n >= 10),
        "databases holding each kind: {seen:?}"
    );
}

/// Procedures and aggregates are generated and edited too: over 300 pairs
/// drawn from a fixed seed, each kind is created, changed or dropped
/// somewhere (the convergence property then runs what petal writes for
/// them on a server).
#[test]
fn whole_pairs_change_procedures_and_aggregates() {
    use petal_ir::FunctionKind;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut changed = std::collections::BTreeMap::<&str, usize>::new();
    for _ in 0..300 {
        let (a, b) = whole_database_pair()
            .new_tree(&mut runner)
            .expect("a pair")
            .current();
        for (kind, name) in [
            (FunctionKind::Procedure, "procedure"),
            (FunctionKind::Aggregate, "aggregate"),
        ] {
            let of = |db: &Database| -> Vec<petal_ir::Function> {
                db.functions
                    .values()
                    .filter(|f| f.kind == kind)
                    .map(|f| petal_ir::Function {
                        renamed_from: None,
                        ..f.clone()
                    })
                    .collect()
            };
            if of(&a) != of(&b) {
                *changed.entry(name).or_default() += 1;
            }
        }
    }
    assert!(
        changed.get("procedure").is_some_and(|n| *n >= 5)
            && changed.get("aggregate").is_some_and(|n| *n >= 5),
        "pairs changing each kind: {changed:?}"
    );
}

/// The whole pairs hold partitioned tables, by list and by hash, and
/// change their partitions: one added, one dropped, one given other
/// values, one given a default of its own.
#[test]
fn pairs_hold_and_change_partitions() {
    use petal_ir::arbitrary::{Rng, build_database, mutate};
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for seed in 0..300 {
        let mut rng = Rng::new(seed);
        let a = build_database(&mut rng);
        let b = mutate(&a, &mut rng, 3);
        let partitions = |db: &petal_ir::Database| -> Vec<(QualifiedName, String)> {
            db.tables
                .values()
                .filter_map(|t| Some((t.name.clone(), t.partition_of.as_ref()?.bound.clone())))
                .collect()
        };
        let (pa, pb) = (partitions(&a), partitions(&b));
        let kinds = a.tables.values().filter_map(|t| t.partition_by.as_deref());
        for key in kinds {
            *seen
                .entry(if key.starts_with("LIST") {
                    "list"
                } else {
                    "hash"
                })
                .or_default() += 1;
        }
        let changes = [
            (
                "added",
                pb.iter().any(|(n, _)| pa.iter().all(|(m, _)| m != n)),
            ),
            (
                "dropped",
                pa.iter().any(|(n, _)| pb.iter().all(|(m, _)| m != n)),
            ),
            (
                "rebound",
                pa.iter()
                    .any(|(n, x)| pb.iter().any(|(m, y)| m == n && x != y)),
            ),
            (
                "own default",
                b.tables.values().any(|t| {
                    let before = a.tables.get(&t.name).map(|x| &x.own_defaults);
                    t.partition_of.is_some() && before.is_some_and(|d| *d != t.own_defaults)
                }),
            ),
            (
                "index copy named",
                b.tables.values().any(|t| {
                    let before = a.tables.get(&t.name).map(|x| &x.index_copies);
                    t.partition_of.is_some() && before.is_some_and(|c| *c != t.index_copies)
                }),
            ),
        ];
        for (what, changed) in changes {
            *seen.entry(what).or_default() += usize::from(changed);
        }
    }
    for (what, count) in &seen {
        assert!(
            *count > 2,
            "only {count} pairs with {what} in 300: {seen:?}"
        );
    }
    assert_eq!(seen.len(), 7, "{seen:?}");
}

/// The whole pairs secure tables and hold policies, and change them: one
/// added, one dropped, one altered, a table switched.
#[test]
fn pairs_hold_and_change_policies() {
    use petal_ir::arbitrary::{Rng, build_database, mutate};
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for seed in 0..300 {
        let mut rng = Rng::new(seed);
        let a = build_database(&mut rng);
        let b = mutate(&a, &mut rng, 3);
        let secured = |db: &Database| -> Vec<QualifiedName> {
            let on = db.tables.values().filter(|t| t.options.row_level_security);
            on.map(|t| t.name.clone()).collect()
        };
        let changes = [
            ("held", !a.policies.is_empty()),
            ("restrictive", a.policies.values().any(|p| !p.permissive)),
            (
                "added",
                b.policies.keys().any(|k| !a.policies.contains_key(k)),
            ),
            (
                "dropped",
                a.policies.keys().any(|k| !b.policies.contains_key(k)),
            ),
            (
                "altered",
                a.policies
                    .iter()
                    .any(|(k, p)| b.policies.get(k).is_some_and(|q| q != p)),
            ),
            ("switched", secured(&a) != secured(&b)),
        ];
        for (what, changed) in changes {
            *seen.entry(what).or_default() += usize::from(changed);
        }
    }
    for (what, count) in &seen {
        assert!(
            *count > 5,
            "only {count} pairs with {what} in 300: {seen:?}"
        );
    }
}

/// The whole pairs make kept tables inheritance children in place
/// (`ALTER TABLE ... INHERIT`; a pair's down is the `NO INHERIT`).
#[test]
fn pairs_reparent_kept_tables() {
    use petal_ir::arbitrary::{Rng, build_database, mutate};
    let (mut joined, mut left) = (0, 0);
    for seed in 0..300 {
        let mut rng = Rng::new(seed);
        let a = build_database(&mut rng);
        let b = mutate(&a, &mut rng, 3);
        for t in b.tables.values() {
            let Some(was) = a.tables.get(&t.name) else {
                continue;
            };
            joined += usize::from(was.inherits.is_empty() && !t.inherits.is_empty());
            left += usize::from(!was.inherits.is_empty() && t.inherits.is_empty());
        }
    }
    assert!(joined > 2, "joined {joined}, left {left}");
}
