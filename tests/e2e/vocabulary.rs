//! Alembic's vocabulary, the rest of it: `show`, `edit`, `branches`,
//! `history -r A:B` and `-i`, `current -v`, relative targets, `stamp --sql`,
//! and revisions named by a unique suffix.

use crate::support::{Project, catalog, migration_file};

const BASE: &str = "20260101000000";
const NEXT: &str = "20260102000000";
const LAST: &str = "20260103000000";

/// Three revisions in a line: base <- next <- last.
fn write_line(project: &Project) {
    for (id, parents, name) in [
        (BASE, vec![], "base"),
        (NEXT, vec![BASE], "next"),
        (LAST, vec![NEXT], "last"),
    ] {
        project.write(
            &format!("migrations/{id}_{name}.sql"),
            &migration_file(
                id,
                &parents,
                name,
                &format!("CREATE TABLE {name}_t (id int);"),
                &format!("DROP TABLE {name}_t;"),
            ),
        );
    }
}

fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}

#[tokio::test]
async fn relative_targets_suffixes_and_the_views_of_the_log() {
    let project = Project::new().await;
    let client = project.client();
    write_line(&project);

    project.petal(&["upgrade", "base+2"]).assert_ok();
    assert_eq!(catalog::logged_revisions(client).await, [BASE, NEXT]);

    let current = project.petal(&["current", "-v"]);
    current.assert_ok();
    assert!(
        current.stdout.starts_with(&format!("{NEXT} next\n")),
        "{}",
        current.stdout
    );
    for needle in [
        "parents: 20260101000000",
        "applied at: ",
        "path: ",
        "checksum: ",
    ] {
        assert!(
            current.stdout.contains(needle),
            "{needle}:\n{}",
            current.stdout
        );
    }

    let history = project.petal(&["history", "-i"]);
    history.assert_ok();
    let marked = lines_with(&history.stdout, "current");
    assert_eq!(marked.len(), 1, "{}", history.stdout);
    assert!(marked[0].contains(NEXT), "{}", history.stdout);

    let range = project.petal(&["history", "-r", &format!("{BASE}:{NEXT}")]);
    range.assert_ok();
    assert_eq!(range.stdout.lines().count(), 2, "{}", range.stdout);
    assert!(!range.stdout.contains(LAST), "{}", range.stdout);
    let open = project.petal(&["history", "-r", "02000000:"]);
    open.assert_ok();
    assert_eq!(open.stdout.lines().count(), 2, "{}", open.stdout);
    assert!(
        !open.stdout.contains(&format!("-> {BASE}")),
        "{}",
        open.stdout
    );

    // A unique suffix names a revision: every id starts with the year.
    project.petal(&["upgrade", "3000000"]).assert_ok();
    assert_eq!(catalog::logged_revisions(client).await, [BASE, NEXT, LAST]);
    project
        .petal(&["upgrade", "2026"])
        .assert_code(2)
        .assert_mentions("ambiguous");
    project.petal(&["downgrade", "head-1"]).assert_ok();
    assert_eq!(catalog::logged_revisions(client).await, [BASE, NEXT]);
    project
        .petal(&["downgrade", "head-4"])
        .assert_code(2)
        .assert_mentions("below base");

    let show = project.petal(&["show", "head"]);
    show.assert_ok();
    for needle in [
        format!("Revision: {LAST}"),
        format!("Parents: {NEXT}"),
        "Children: none (a head)".to_string(),
        "CREATE TABLE last_t".to_string(),
    ] {
        assert!(
            show.stdout.contains(needle.as_str()),
            "{needle}:\n{}",
            show.stdout
        );
    }
    let show = project.petal(&["show", "head-1", "--format", "json"]);
    show.assert_ok();
    let value: serde_json::Value = serde_json::from_str(&show.stdout).expect("JSON");
    assert_eq!(value["revision"], NEXT, "{}", show.stdout);
    assert_eq!(value["children"][0], LAST, "{}", show.stdout);

    // Offline: the log rows alone, from base, in one transaction.
    let stamp = project.petal(&["stamp", "--sql", "head-1"]);
    stamp.assert_ok();
    assert_eq!(
        lines_with(&stamp.stdout, "INSERT INTO public.petal_migrations").len(),
        2
    );
    assert!(
        !stamp.stdout.contains("CREATE TABLE next_t"),
        "{}",
        stamp.stdout
    );
    let stamp = project.petal(&["stamp", "--sql", &format!("{NEXT}:head")]);
    stamp.assert_ok();
    assert_eq!(
        lines_with(&stamp.stdout, "INSERT INTO public.petal_migrations").len(),
        1,
        "{}",
        stamp.stdout
    );
    assert_eq!(
        catalog::logged_revisions(client).await,
        [BASE, NEXT],
        "--sql ran nothing"
    );
}

#[tokio::test]
async fn edit_opens_the_editor_and_branches_lists_branch_points() {
    let project = Project::new().await;
    write_line(&project);
    let edit = crate::support::run_petal(
        project.root(),
        &["edit", "head"],
        &[
            ("VISUAL", ""),
            ("EDITOR", "printf '%s\\n' '-- edited by hand' >>"),
        ],
    );
    edit.assert_ok();
    let path = project.migration("_last.sql");
    assert!(project.read(&path).ends_with("-- edited by hand\n"));
    project
        .petal(&["branches"])
        .assert_ok()
        .assert_mentions("no branch points");

    project.write(
        "migrations/20260104000000_side.sql",
        &migration_file("20260104000000", &[BASE], "side", "SELECT 1;", "SELECT 1;"),
    );
    let branches = project.petal(&["branches"]);
    branches.assert_ok();
    assert!(
        branches.stdout.starts_with(&format!(
            "{BASE} base (branch point)\n  -> {NEXT} next\n  -> 20260104000000 side"
        )),
        "{}",
        branches.stdout
    );
}

/// The ways out the runner offers: `stamp --purge` when an applied
/// revision's file is gone (a branch switch); a fixed down of an applied
/// revision (the step journal knows its up did not change) runs as it is.
#[tokio::test]
async fn stamp_purge_and_a_fixed_down_are_ways_out() {
    let project = Project::new().await;
    let client = project.client();
    write_line(&project);
    project.petal(&["upgrade", "head"]).assert_ok();
    std::fs::remove_file(project.path("migrations/20260103000000_last.sql")).expect("rm");
    project
        .petal(&["upgrade"])
        .assert_code(2)
        .assert_mentions("petal stamp --purge");
    project.petal(&["stamp", "--purge", "head"]).assert_ok();
    assert_eq!(catalog::logged_revisions(client).await, [BASE, NEXT]);
    project.petal(&["status"]).assert_ok();

    // Only the down of an applied revision is fixed.
    let path = "migrations/20260102000000_next.sql";
    let fixed = project
        .read(path)
        .replace("DROP TABLE next_t;", "DROP TABLE IF EXISTS next_t;");
    project.write(path, &fixed);
    project
        .petal(&["downgrade", "-1"])
        .assert_ok()
        .assert_mentions("changed since it was applied, its up did not");
    assert_eq!(catalog::logged_revisions(client).await, [BASE]);
}
