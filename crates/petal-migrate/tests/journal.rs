//! The step journal's rules, without a database: where a run resumes, what
//! a partly applied revision's downgrade runs, which edits are refused.

mod common;

use common::{applied, id};
use petal_migrate::{
    Direction, Edit, Journal, JournalledStep, MigrationFile, NewMigration, PlanError, PlanOptions,
    RevisionGraph, RevisionState, Statement, Step, Target, edit_of, parse, plan_journalled, status,
    write,
};

/// `a` (one step each way), then `b` with `up` and `down` steps.
fn files(up: &[&str], down: &[&str]) -> Vec<MigrationFile> {
    files_with(up, down, false)
}

/// [`files`], `b`'s down written `-- +petal down unpaired` or not.
fn files_with(up: &[&str], down: &[&str], down_unpaired: bool) -> Vec<MigrationFile> {
    let steps = |sqls: &[&str]| -> Vec<Step> {
        sqls.iter()
            .map(|sql| vec![Statement::new(*sql)].into())
            .collect()
    };
    let new = |name: &str, parents: &[&str], up: Vec<Step>, down: Vec<Step>, unpaired| {
        let new = NewMigration {
            revision: id(name),
            parents: parents.iter().map(|p| id(p)).collect(),
            message: format!("revision {name}"),
            down_unpaired: unpaired,
            requires_server: None,
            no_transaction: false,
            up,
            down,
        };
        parse(&new.file_name(), &write(&new)).expect("generated file parses")
    };
    vec![
        new(
            "a",
            &[],
            steps(&["CREATE TABLE a ()"]),
            steps(&["DROP TABLE a"]),
            false,
        ),
        new("b", &["a"], steps(up), steps(down), down_unpaired),
    ]
}

fn graph(up: &[&str], down: &[&str]) -> RevisionGraph {
    RevisionGraph::build(files(up, down)).expect("valid graph")
}

/// The journal rows of `name`'s first `k` steps in `direction`, as `graph`
/// has them.
fn committed(
    graph: &RevisionGraph,
    name: &str,
    direction: Direction,
    k: usize,
) -> Vec<JournalledStep> {
    let file = graph.get(&id(name)).expect("file");
    let checksums = file.section(direction).step_checksums();
    (0..k)
        .map(|i| JournalledStep {
            revision: id(name),
            direction,
            step: i + 1,
            of: checksums.len(),
            checksum: checksums[i].clone(),
        })
        .collect()
}

fn target(text: &str) -> Target {
    Target::parse(text).expect("target")
}

const UP: [&str; 3] = ["CREATE TABLE b1 ()", "CREATE TABLE b2 ()", "SELECT 1 / 0"];
const DOWN: [&str; 3] = ["SELECT 1", "DROP TABLE b2", "DROP TABLE b1"];

#[test]
fn an_upgrade_resumes_after_the_committed_steps() {
    let g = graph(&UP, &DOWN);
    let log = applied(&g, &["a"]);
    let journal = Journal::new(committed(&g, "b", Direction::Up, 2));
    let plan = plan_journalled(
        &g,
        &log,
        &journal,
        &target("head"),
        Direction::Up,
        PlanOptions::default(),
    )
    .expect("plan");
    assert_eq!(plan.revisions(), [&id("b")]);
    assert_eq!(plan.steps[0].first_step, 2);

    let states: Vec<RevisionState> = status(&g, &log, &journal).iter().map(|s| s.state).collect();
    assert_eq!(
        states,
        [RevisionState::Applied, RevisionState::PartlyApplied]
    );
    let progress = status(&g, &log, &journal)[1].progress.expect("progress");
    assert_eq!(progress.describe(), "2 of 3 steps committed");
}

#[test]
fn an_edit_of_a_committed_step_is_refused_and_of_the_next_one_allowed() {
    let old = graph(&UP, &DOWN);
    let journal = Journal::new(committed(&old, "b", Direction::Up, 2));
    let log = applied(&old, &["a"]);

    let fixed = graph(&[UP[0], UP[1], "SELECT 1"], &DOWN);
    let plan = plan_journalled(
        &fixed,
        &log,
        &journal,
        &target("head"),
        Direction::Up,
        PlanOptions::default(),
    );
    assert_eq!(
        plan.expect("a fix of step 3 is allowed").steps[0].first_step,
        2
    );

    let edited = graph(&["CREATE TABLE b0 ()", UP[1], "SELECT 1"], &DOWN);
    let err = plan_journalled(
        &edited,
        &log,
        &journal,
        &target("head"),
        Direction::Up,
        PlanOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, PlanError::CommittedStepEdited { step: 1, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("was edited after it committed"),
        "{err}"
    );
    assert_eq!(
        status(&edited, &log, &journal)[1].state,
        RevisionState::Modified
    );
}

/// The refusal of `downgrade -1` on `graph`.
fn refused_downgrade(
    graph: &RevisionGraph,
    log: &[petal_migrate::AppliedRevision],
    journal: &Journal,
) -> PlanError {
    plan_journalled(
        graph,
        log,
        journal,
        &target("-1"),
        Direction::Down,
        PlanOptions::default(),
    )
    .expect_err("the downgrade is refused")
}

#[test]
fn a_downgrade_undoes_a_partly_applied_revision_with_its_last_down_steps() {
    let g = graph(&UP, &DOWN);
    let log = applied(&g, &["a"]);
    let journal = Journal::new(committed(&g, "b", Direction::Up, 2));
    // `-1` is the partial revision alone; down steps 2 and 3 undo up 2 and 1.
    let plan = plan_journalled(
        &g,
        &log,
        &journal,
        &target("-1"),
        Direction::Down,
        PlanOptions::default(),
    )
    .expect("plan");
    assert_eq!(plan.revisions(), [&id("b")]);
    assert_eq!(plan.steps[0].first_step, 1);
    let plan = plan_journalled(
        &g,
        &log,
        &journal,
        &target("base"),
        Direction::Down,
        PlanOptions::default(),
    )
    .expect("plan");
    assert_eq!(plan.revisions(), [&id("b"), &id("a")]);

    // One down step undoing it all: which part to run is unknown.
    let unpaired = graph(&UP, &["DROP TABLE b2; DROP TABLE b1"]);
    let err = refused_downgrade(&unpaired, &log, &journal);
    assert!(
        matches!(
            err,
            PlanError::StepsNotPaired {
                committed: 2,
                up_steps: 3,
                down_steps: 1,
                ..
            }
        ),
        "{err:?}"
    );

    // As many down steps as up steps, but the file says they do not pair.
    let files = files_with(
        &UP,
        &["DROP TABLE b3", "DROP TABLE b2", "DROP TABLE b1"],
        true,
    );
    assert!(files[1].down_unpaired, "the directive parses back");
    let marked = RevisionGraph::build(files).expect("valid graph");
    let err = refused_downgrade(&marked, &log, &journal);
    assert!(
        matches!(
            err,
            PlanError::DownUnpaired {
                committed: 2,
                up_steps: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("`petal upgrade`"), "{err}");

    // The undo stopped after its first down step: it goes on from there,
    // and an upgrade is refused meanwhile.
    let mut rows = committed(&g, "b", Direction::Up, 2);
    rows.push(JournalledStep {
        step: 2,
        ..committed(&g, "b", Direction::Down, 2)[1].clone()
    });
    let journal = Journal::new(rows);
    let plan = plan_journalled(
        &g,
        &log,
        &journal,
        &target("-1"),
        Direction::Down,
        PlanOptions::default(),
    )
    .expect("plan");
    assert_eq!(plan.steps[0].first_step, 2);
    let err = plan_journalled(
        &g,
        &log,
        &journal,
        &target("head"),
        Direction::Up,
        PlanOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, PlanError::UndoUnderway { undone: 1, .. }),
        "{err:?}"
    );
}

#[test]
fn a_partly_reverted_revision_blocks_all_but_the_downgrade_finishing_it() {
    let g = graph(
        &["CREATE TABLE b1 ()", "CREATE TABLE b2 ()"],
        &["DROP TABLE b2", "DROP TABLE b1"],
    );
    let log = applied(&g, &["a", "b"]);
    let journal = Journal::new(committed(&g, "b", Direction::Down, 1));
    let err = plan_journalled(
        &g,
        &log,
        &journal,
        &target("head"),
        Direction::Up,
        PlanOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, PlanError::PartlyReverted { .. }), "{err:?}");
    assert!(
        err.to_string().contains("1 of 2 down steps committed"),
        "{err}"
    );
    let plan = plan_journalled(
        &g,
        &log,
        &journal,
        &target(id("a").as_str()),
        Direction::Down,
        PlanOptions::default(),
    )
    .expect("plan");
    assert_eq!(plan.steps[0].first_step, 1);
    assert_eq!(
        status(&g, &log, &journal)[1].state,
        RevisionState::PartlyReverted
    );
}

#[test]
fn an_edit_of_the_down_alone_is_told_from_one_of_the_up() {
    let g = graph(&UP[..2], &DOWN[1..]);
    let mut log = applied(&g, &["a", "b"]);
    let file = g.get(&id("b")).expect("b").clone();
    log[1].up_steps = Some(file.up.step_checksums());
    assert_eq!(edit_of(&file, &log[1]), Edit::None);

    let down_fixed = graph(&UP[..2], &["DROP TABLE IF EXISTS b2", "DROP TABLE b1"]);
    let fixed = down_fixed.get(&id("b")).expect("b");
    assert_eq!(edit_of(fixed, &log[1]), Edit::OutsideTheUp);
    assert_eq!(
        status(&down_fixed, &log, &Journal::default())[1].state,
        RevisionState::DownChanged
    );
    plan_journalled(
        &down_fixed,
        &log,
        &Journal::default(),
        &target("base"),
        Direction::Down,
        PlanOptions::default(),
    )
    .expect("a fixed down is no modification");

    // Without the up's checksums (applied before the journal), petal
    // cannot tell: modified.
    log[1].up_steps = None;
    assert_eq!(edit_of(fixed, &log[1]), Edit::Up);
    let up_edited = graph(&["CREATE TABLE b9 ()", UP[1]], &DOWN[1..]);
    log[1].up_steps = Some(file.up.step_checksums());
    assert_eq!(
        edit_of(up_edited.get(&id("b")).expect("b"), &log[1]),
        Edit::Up
    );
}
