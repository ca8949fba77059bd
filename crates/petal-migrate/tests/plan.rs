//! The planner: every target form, in both directions, over linear,
//! divergent and merged histories, and the log checks.

mod common;

use common::{applied, divergent, graph, id, linear, merged};
use petal_migrate::{
    AppliedRevision, Checksum, Direction, Journal, Plan, PlanError, PlanOptions, RevisionGraph,
    RevisionId, RevisionState, RevisionStatus, Target, current, plan, plan_stamp, status,
};

fn target(text: &str) -> Target {
    Target::parse(text).expect("valid target")
}

/// The plan as `+name` / `-name` in execution order.
fn steps(plan: &Plan) -> Vec<String> {
    plan.steps
        .iter()
        .map(|step| {
            let sign = if step.direction == Direction::Up {
                '+'
            } else {
                '-'
            };
            let n = step.revision.as_str()[12..].parse::<u8>().expect("test id");
            format!("{sign}{}", (b'a' + n - 1) as char)
        })
        .collect()
}

fn up(graph: &RevisionGraph, done: &[&str], to: &str) -> Result<Vec<String>, PlanError> {
    let log = applied(graph, done);
    plan(
        graph,
        &log,
        &target(to),
        Direction::Up,
        PlanOptions::default(),
    )
    .map(|p| steps(&p))
}

fn down(graph: &RevisionGraph, done: &[&str], to: &str) -> Result<Vec<String>, PlanError> {
    let log = applied(graph, done);
    plan(
        graph,
        &log,
        &target(to),
        Direction::Down,
        PlanOptions::default(),
    )
    .map(|p| steps(&p))
}

#[test]
fn linear_upgrade_and_downgrade() {
    let g = linear();
    assert_eq!(up(&g, &[], "head").unwrap(), ["+a", "+b", "+c"]);
    assert_eq!(up(&g, &["a"], "head").unwrap(), ["+b", "+c"]);
    assert_eq!(
        up(&g, &["a", "b", "c"], "head").unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(up(&g, &[], "20260101000002").unwrap(), ["+a", "+b"]);
    assert_eq!(
        down(&g, &["a", "b", "c"], "base").unwrap(),
        ["-c", "-b", "-a"]
    );
    assert_eq!(
        down(&g, &["a", "b", "c"], "20260101000001").unwrap(),
        ["-c", "-b"]
    );
    assert_eq!(
        down(&g, &["a", "b", "c"], "head").unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(down(&g, &[], "base").unwrap(), Vec::<String>::new());
}

#[test]
fn planned_migrations_carry_their_section() {
    let g = linear();
    let p = plan(
        &g,
        &[],
        &target("+1"),
        Direction::Up,
        PlanOptions::default(),
    )
    .unwrap();
    assert_eq!(
        p.steps[0].section().statements().next().unwrap().sql,
        "CREATE TABLE a ()"
    );
    let log = applied(&g, &["a"]);
    let p = plan(
        &g,
        &log,
        &target("-1"),
        Direction::Down,
        PlanOptions::default(),
    )
    .unwrap();
    assert_eq!(
        p.steps[0].section().statements().next().unwrap().sql,
        "DROP TABLE a"
    );
}

#[test]
fn relative_targets() {
    let g = linear();
    assert_eq!(up(&g, &[], "+2").unwrap(), ["+a", "+b"]);
    assert_eq!(up(&g, &["a"], "+1").unwrap(), ["+b"]);
    assert_eq!(down(&g, &["a", "b", "c"], "-2").unwrap(), ["-c", "-b"]);
    let err = up(&g, &["a", "b"], "+2").unwrap_err();
    assert_eq!(
        err.to_string(),
        "asked for 2 revisions but only 1 is pending"
    );
    let err = down(&g, &["a"], "-3").unwrap_err();
    assert_eq!(
        err.to_string(),
        "asked for 3 revisions but only 1 is applied"
    );
    assert_eq!(
        up(&g, &["a"], "-1").unwrap_err().to_string(),
        "`-1` goes back; use `petal downgrade -1`"
    );
    assert_eq!(
        down(&g, &["a"], "+1").unwrap_err().to_string(),
        "`+1` goes forward; use `petal upgrade +1`"
    );
}

#[test]
fn two_heads_make_head_ambiguous_but_heads_works() {
    let g = divergent();
    let heads: Vec<&str> = g.heads().iter().map(|h| h.as_str()).collect();
    assert_eq!(heads, ["20260101000002", "20260101000003"]);
    let err = up(&g, &[], "head").unwrap_err();
    assert!(matches!(err, PlanError::MultipleHeads { ref heads } if heads.len() == 2));
    assert_eq!(
        err.to_string(),
        "`head` is ambiguous: the migrations have 2 heads (20260101000002, 20260101000003); \
         run `petal merge` to join them, or name one revision, or use `heads` for all"
    );
    assert!(matches!(
        up(&g, &["a"], "+1"),
        Err(PlanError::MultipleHeads { .. })
    ));
    assert_eq!(up(&g, &[], "heads").unwrap(), ["+a", "+b", "+c"]);
    assert_eq!(up(&g, &["a", "c"], "heads").unwrap(), ["+b"]);
    // One branch, then the other.
    assert_eq!(up(&g, &["a", "b"], "20260101000003").unwrap(), ["+c"]);
    assert_eq!(
        down(&g, &["a", "b", "c"], "20260101000002").unwrap(),
        ["-c"]
    );
    assert_eq!(
        current(&g, &applied(&g, &["a", "b", "c"])),
        [id("b"), id("c")]
    );
}

#[test]
fn merges() {
    let g = merged();
    assert_eq!(g.merges(), [&id("d")]);
    assert_eq!(g.heads(), [&id("d")]);
    assert_eq!(g.bases(), [&id("a")]);
    assert_eq!(g.children(&id("a")), [id("b"), id("c")]);
    assert_eq!(up(&g, &[], "head").unwrap(), ["+a", "+b", "+c", "+d"]);
    assert_eq!(up(&g, &["a", "c"], "head").unwrap(), ["+b", "+d"]);
    // -1 after a merge un-applies only the merge.
    assert_eq!(down(&g, &["a", "b", "c", "d"], "-1").unwrap(), ["-d"]);
    // Then the most recently applied of the two branches.
    assert_eq!(down(&g, &["a", "c", "b", "d"], "-2").unwrap(), ["-d", "-b"]);
    assert_eq!(down(&g, &["a", "b", "c", "d"], "-2").unwrap(), ["-d", "-c"]);
    assert_eq!(
        down(&g, &["a", "b", "c", "d"], "20260101000002").unwrap(),
        ["-d", "-c"]
    );
    assert_eq!(
        down(&g, &["a", "b", "c", "d"], "base").unwrap(),
        ["-d", "-c", "-b", "-a"]
    );
    assert_eq!(current(&g, &applied(&g, &["a", "b", "c", "d"])), [id("d")]);
    assert_eq!(current(&g, &applied(&g, &["a", "b"])), [id("b")]);
    assert_eq!(current(&g, &[]), Vec::<RevisionId>::new());
}

#[test]
fn target_behind_current() {
    let g = linear();
    let err = up(&g, &["a", "b", "c"], "20260101000001").unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot upgrade to 20260101000001: the database is past it (applied after it: \
         20260101000002, 20260101000003); use `petal downgrade 20260101000001` to go back"
    );
    assert!(matches!(
        up(&g, &["a"], "base"),
        Err(PlanError::TargetBehindCurrent { .. })
    ));
    assert_eq!(up(&g, &[], "base").unwrap(), Vec::<String>::new());
    let err = down(&g, &["a"], "20260101000003").unwrap_err();
    assert!(
        matches!(err, PlanError::TargetAheadOfCurrent { .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("use `petal upgrade 20260101000003`")
    );
}

#[test]
fn prefixes() {
    let g = linear();
    assert_eq!(
        up(&g, &[], "2026010100000").unwrap_err().to_string(),
        "revision 2026010100000 is ambiguous: 20260101000001, 20260101000002, 20260101000003 \
         start or end with it; give more digits"
    );
    assert_eq!(
        up(&g, &[], "99").unwrap_err().to_string(),
        "no migration file has a revision starting or ending with 99"
    );
    // A unique suffix names a revision too: ids all start with the year.
    assert_eq!(up(&g, &[], "02").unwrap(), ["+a", "+b"]);
    assert_eq!(down(&g, &["a", "b", "c"], "1").unwrap(), ["-c", "-b"]);
    let g = graph(&[("a", &[]), ("b", &["a"]), ("l", &["b"])]);
    assert!(matches!(
        up(&g, &[], "202601010000"),
        Err(PlanError::Resolve(_))
    ));
    assert_eq!(up(&g, &[], "2026010100001").unwrap(), ["+a", "+b", "+l"]);
}

/// Alembic's relative targets: `head-1`, `base+2`, `REV+1`, `REV-1`, along
/// a line of history; a branch or a merge on the way is named.
#[test]
fn targets_relative_to_a_revision() {
    let g = linear();
    let all = ["a", "b", "c"];
    assert_eq!(down(&g, &all, "head-1").unwrap(), ["-c"]);
    assert_eq!(down(&g, &all, "head-3").unwrap(), ["-c", "-b", "-a"]);
    assert_eq!(up(&g, &[], "base+2").unwrap(), ["+a", "+b"]);
    assert_eq!(up(&g, &["a"], "01+1").unwrap(), ["+b"]);
    assert_eq!(down(&g, &all, "03-2").unwrap(), ["-c", "-b"]);
    let message = |r: Result<Vec<String>, PlanError>| r.unwrap_err().to_string();
    assert_eq!(
        message(down(&g, &all, "head-4")),
        "cannot go to head-4: it goes below base"
    );
    assert_eq!(
        message(up(&g, &[], "03+1")),
        "cannot go to 03+1: 20260101000003 is a head: nothing comes after it"
    );
    let g = merged();
    assert_eq!(
        message(down(&g, &["a", "b", "c", "d"], "head-2")),
        "cannot go to head-2: 20260101000004 merges 20260101000002, 20260101000003: name one of them"
    );
    assert_eq!(
        message(up(&g, &[], "base+2")),
        "cannot go to base+2: the history branches after 20260101000001 \
         (20260101000002, 20260101000003): name one"
    );
    assert_eq!(up(&g, &[], "02+1").unwrap(), ["+a", "+b", "+c", "+d"]);
    assert_eq!(
        message(up(&divergent(), &[], "heads-1")),
        "cannot go to heads-1: `heads` is no single revision to count from"
    );
}

#[test]
fn ranges_are_offline() {
    let g = linear();
    // The log is ignored, even a log that would be an error.
    let garbage = applied(&g, &["c"]);
    let run =
        |t: &str, d| steps(&plan(&g, &garbage, &target(t), d, PlanOptions::default()).unwrap());
    assert_eq!(run("base:head", Direction::Up), ["+a", "+b", "+c"]);
    assert_eq!(run("20260101000001:head", Direction::Up), ["+b", "+c"]);
    assert_eq!(run("20260101000001:20260101000002", Direction::Up), ["+b"]);
    assert_eq!(run("head:base", Direction::Down), ["-c", "-b", "-a"]);
    assert_eq!(run("head:20260101000001", Direction::Down), ["-c", "-b"]);
    let err = plan(
        &g,
        &[],
        &target("head:20260101000001"),
        Direction::Up,
        PlanOptions::default(),
    );
    assert!(matches!(err, Err(PlanError::TargetBehindCurrent { .. })));
}

#[test]
fn missing_files_stop_every_plan() {
    let g = linear();
    let mut log = applied(&g, &["a", "b"]);
    log.push(AppliedRevision {
        revision: RevisionId::parse("20250101000000").unwrap(),
        checksum: Checksum::from_stored("x"),
        applied_order: 3,
        up_steps: None,
    });
    for direction in [Direction::Up, Direction::Down] {
        let err = plan(&g, &log, &target("base"), direction, PlanOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the database has applied a revision that no migration file holds: 20250101000000; \
             restore the missing file (from version control, or from the branch that added it), \
             or record where the database really is with `petal stamp --purge REV`"
        );
    }
    let states: Vec<RevisionState> = status(&g, &log, &Journal::default())
        .iter()
        .map(|s| s.state)
        .collect();
    assert_eq!(
        states,
        [
            RevisionState::Applied,
            RevisionState::Applied,
            RevisionState::Pending,
            RevisionState::MissingFile
        ]
    );
}

#[test]
fn modified_files_stop_plans_unless_allowed() {
    let g = linear();
    let mut log = applied(&g, &["a", "b"]);
    log[0].checksum = Checksum::from_stored("0000");
    let err = plan(
        &g,
        &log,
        &target("head"),
        Direction::Up,
        PlanOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "applied migrations were edited after they ran:\n  \
         20260101000001_revision_a.sql (revision 20260101000001)\n\
         the database did not get those edits; undo them and put the change in a new revision, \
         or pass --allow-modified if the edit changes nothing that ran"
    );
    let allowed = PlanOptions {
        allow_modified: true,
    };
    let p = plan(&g, &log, &target("head"), Direction::Up, allowed).unwrap();
    assert_eq!(steps(&p), ["+c"]);
    assert_eq!(
        status(&g, &log, &Journal::default()),
        [
            RevisionStatus {
                revision: id("a"),
                state: RevisionState::Modified,
                path: Some("20260101000001_revision_a.sql".into()),
                progress: None,
                applied_order: Some(1)
            },
            RevisionStatus {
                revision: id("b"),
                state: RevisionState::Applied,
                path: Some("20260101000002_revision_b.sql".into()),
                progress: None,
                applied_order: Some(2)
            },
            RevisionStatus {
                revision: id("c"),
                state: RevisionState::Pending,
                path: Some("20260101000003_revision_c.sql".into()),
                applied_order: None,
                progress: None
            },
        ]
    );
}

#[test]
fn a_log_with_a_child_but_not_its_parent_is_refused() {
    let g = linear();
    let log = applied(&g, &["b"]);
    let err = plan(
        &g,
        &log,
        &target("head"),
        Direction::Up,
        PlanOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the log says revision 20260101000002 is applied but its parent 20260101000001 is not; \
         fix petal_migrations with `petal stamp`"
    );
}

#[test]
fn stamp_moves_the_log_in_either_direction() {
    let g = divergent();
    let stamp = |done: &[&str], t: &str| {
        steps(&plan_stamp(&g, &applied(&g, done), &target(t), PlanOptions::default()).unwrap())
    };
    assert_eq!(stamp(&[], "heads"), ["+a", "+b", "+c"]);
    assert_eq!(stamp(&["a", "b"], "20260101000003"), ["-b", "+c"]);
    assert_eq!(stamp(&["a", "b", "c"], "base"), ["-c", "-b", "-a"]);
    assert_eq!(stamp(&["a", "b"], "-1"), ["-b"]);
    let err = plan_stamp(&g, &[], &target("base:heads"), PlanOptions::default()).unwrap_err();
    assert!(matches!(err, PlanError::RangeNotAllowed { .. }));
}

#[test]
fn empty_graph() {
    let g = RevisionGraph::build(Vec::new()).unwrap();
    assert!(g.is_empty());
    assert_eq!(up(&g, &[], "head").unwrap(), Vec::<String>::new());
    assert_eq!(up(&g, &[], "heads").unwrap(), Vec::<String>::new());
    assert_eq!(down(&g, &[], "base").unwrap(), Vec::<String>::new());
    assert!(status(&g, &[], &Journal::default()).is_empty());
}

#[test]
fn status_serializes_for_json_output() {
    let g = linear();
    let json =
        serde_json::to_string(&status(&g, &applied(&g, &["a"]), &Journal::default())[..2]).unwrap();
    assert_eq!(
        json,
        r#"[{"revision":"20260101000001","state":"applied","path":"20260101000001_revision_a.sql","applied_order":1,"progress":null},{"revision":"20260101000002","state":"pending","path":"20260101000002_revision_b.sql","applied_order":null,"progress":null}]"#
    );
}
