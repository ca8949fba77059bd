//! The report short of room: Mermaid's limit on a diagram, GitHub's on a
//! comment (in characters), and what goes first when it is reached.

use petal_ir::QualifiedName;

use petal_ir::Database;

use super::tests::{assert_blocks_closed, database, report, report_within, table};
use super::{MARKER, MigrationEntry, Migrations};

/// `count` tables, each with a foreign key to `hub`, and `hub`.
fn hub_and_spokes(count: usize, hub_columns: &[(&str, &str)]) -> Database {
    let mut tables = vec![table("hub", hub_columns)];
    for i in 0..count {
        let mut spoke = table(
            &format!("spoke_{i:04}"),
            &[
                ("id", "bigint"),
                ("hub_id", "bigint"),
                ("name", "text"),
                ("created_at", "timestamp with time zone"),
            ],
        );
        spoke.foreign_keys.push(petal_ir::ForeignKey {
            name: format!("spoke_{i:04}_hub_id_fkey"),
            columns: vec!["hub_id".to_string()],
            ref_table: QualifiedName::new("public", "hub"),
            ref_columns: vec!["id".to_string()],
            on_delete: Default::default(),
            on_update: Default::default(),
            deferrable: Default::default(),
            not_valid: false,
            comment: None,
        });
        tables.push(spoke);
    }
    database(tables)
}

/// The text of the report's Mermaid block.
fn diagram_of(text: &str) -> &str {
    let start = text.find("```mermaid\n").expect("a diagram") + "```mermaid\n".len();
    let end = start + text[start..].find("\n```").expect("a closed diagram");
    &text[start..end]
}

#[test]
fn a_diagram_over_mermaids_limit_loses_the_neighbours_then_goes() {
    let before = hub_and_spokes(800, &[("id", "bigint")]);
    let after = hub_and_spokes(800, &[("id", "bigint"), ("note", "text")]);
    let text = report(&before, &after, &Migrations::None);
    assert!(
        text.contains("(their neighbours left out: with them the diagram is over the 50,000"),
        "{}",
        &text[..text.len().min(3000)]
    );
    let diagram = diagram_of(&text);
    assert!(diagram.chars().count() < super::MERMAID_TEXT_LIMIT);
    assert!(
        diagram.contains("public.hub [~]") && !diagram.contains("spoke"),
        "{diagram}"
    );
    assert!(
        !text.contains("Left out to stay under"),
        "GitHub's limit is not the cause"
    );

    // Thousands of tables created: no diagram at all, and a note saying why.
    let many = database(
        (0..3000)
            .map(|i| table(&format!("t_{i:04}"), &[("id", "bigint"), ("name", "text")]))
            .collect(),
    );
    let text = report(&database(Vec::new()), &many, &Migrations::None);
    assert!(!text.contains("```mermaid"), "no diagram");
    assert!(
        text.contains(
            "_No diagram: even without their neighbours the changed tables make one \
                       over the 50,000 characters Mermaid draws"
        ),
        "{}",
        &text[text.len().saturating_sub(1500)..]
    );
}

#[test]
fn the_diagram_shrinks_before_rows_go_and_the_note_names_what_prints_it() {
    let before = hub_and_spokes(100, &[("id", "bigint")]);
    let after = hub_and_spokes(100, &[("id", "bigint"), ("note", "text")]);
    let whole = report(&before, &after, &Migrations::None);
    assert!(
        whole.contains("spoke_0099"),
        "the whole diagram is under Mermaid's limit"
    );
    let text = report_within(&before, &after, &Migrations::None, 6_000);
    assert!(text.chars().count() < 6_000);
    assert!(text.contains("| 1 | column public.hub.note |"), "{text}");
    assert!(!text.contains("more change"), "no row left out: {text}");
    let diagram = diagram_of(&text);
    assert!(!diagram.contains("spoke"), "{diagram}");
    assert!(
        text.contains(
            "_Left out to stay under GitHub's comment limit of 65,536 characters: \
             the diagram's neighbouring tables \
             (in full: `petal diff --from before --to after --format svg`)._"
        ),
        "{text}"
    );
    // The SQL, short, is given back once the neighbours go.
    assert!(text.contains(r#"ADD COLUMN "note" text"#), "{text}");
}

#[test]
fn rows_left_out_are_the_safe_ones_and_a_locking_one_stays() {
    // A foreign key added to an existing table comes after the tables
    // created: writers on `zz_orders` wait while it is validated.
    let existing = table("zz_orders", &[("id", "bigint"), ("t_ref", "bigint")]);
    let mut linked = existing.clone();
    linked.foreign_keys.push(petal_ir::ForeignKey {
        name: "zz_orders_t_ref_fkey".to_string(),
        columns: vec!["t_ref".to_string()],
        ref_table: QualifiedName::new("public", "t_0000"),
        ref_columns: vec!["id".to_string()],
        on_delete: Default::default(),
        on_update: Default::default(),
        deferrable: Default::default(),
        not_valid: false,
        comment: None,
    });
    let mut after_tables = vec![linked];
    for i in 0..400 {
        after_tables.push(table(&format!("t_{i:04}"), &[("id", "bigint")]));
    }
    let (before, after) = (database(vec![existing]), database(after_tables));
    let diff = petal_diff::diff(&before, &after);
    let position = diff
        .changes
        .iter()
        .position(|c| c.key().to_string().contains("zz_orders_t_ref_fkey"))
        .expect("the foreign key");
    assert!(position > 100, "the test needs the key late: {position}");
    let text = report_within(&before, &after, &Migrations::None, 12_000);
    let row = format!("| {} | constraint zz_orders_t_ref_fkey", position + 1);
    assert!(text.contains(&row), "{text}");
    let kept = text
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| #"))
        .count();
    assert!(
        kept <= position,
        "kept from the start, {kept} rows would hold it too"
    );
    assert!(
        text.contains("more changes, all safe, left out here._"),
        "{text}"
    );
    assert!(
        text.contains("rows of the table (in full: `petal diff --from before --to after`)"),
        "{text}"
    );
}

#[test]
fn the_limit_counts_characters_not_bytes() {
    let after = database(vec![table("заказы", &[("итог", "bigint")])]);
    let whole = report(&database(Vec::new()), &after, &Migrations::None);
    let characters = whole.chars().count();
    assert!(
        whole.len() > characters + 20,
        "multibyte names make bytes exceed characters"
    );
    let text = report_within(
        &database(Vec::new()),
        &after,
        &Migrations::None,
        characters + 1,
    );
    assert_eq!(text, whole);
}

#[test]
fn the_last_resort_keeps_the_summary_line() {
    let after = database(vec![table("a", &[("id", "bigint")])]);
    let text = report_within(&database(Vec::new()), &after, &Migrations::None, 20);
    assert!(text.starts_with(MARKER), "{text}");
    assert!(text.contains("\n**1 change**: 1 safe\n"), "{text}");
    assert!(text.contains("_Left out to stay under"), "{text}");
}

#[test]
fn check_shows_the_last_files_and_folds_the_earlier_ones() {
    let before = database(vec![table("a", &[("id", "bigint")])]);
    let after = database(vec![
        table("a", &[("id", "bigint")]),
        table("b", &[("id", "bigint")]),
    ]);
    let files = Migrations::ComparedWith(
        (1..=8)
            .map(|i| MigrationEntry {
                file: format!("{i}_m.sql"),
                message: format!("m{i}"),
            })
            .collect(),
    );
    let text = report(&before, &after, &files);
    assert!(
        text.contains("replayed (the last 5 below); the changes are in none of them"),
        "{text}"
    );
    assert!(
        text.contains("- `8_m.sql`: m8\n\n<details><summary>The 3 earlier files</summary>\n\n- `1_m.sql`: m1\n"),
        "{text}"
    );
    assert_blocks_closed(&text);
}
