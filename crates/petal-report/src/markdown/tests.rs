//! The report over diffs made here: what it says about a destructive and
//! locking change, that it is the same each time, and that it stays under
//! the limit with every block it opens closed.

use petal_diff::{Diff, Mode, ReviewedStep};
use petal_ir::{Column, Database, QualifiedName, SqlType, Table};

use super::{Commands, GITHUB_COMMENT_LIMIT, Input, MARKER, MigrationEntry, Migrations};

pub(super) fn table(name: &str, columns: &[(&str, &str)]) -> Table {
    let mut table = Table::new(QualifiedName::new("public", name));
    for (column, ty) in columns {
        table
            .columns
            .push(Column::new(*column, SqlType::canonical(ty)));
    }
    table
}

pub(super) fn database(tables: Vec<Table>) -> Database {
    let mut db = Database::default();
    db.schemas.insert("public".to_string());
    for table in tables {
        db.tables.insert(table.name.clone(), table);
    }
    db
}

/// The SQL of steps, each statement under its comment lines.
fn sql(steps: &[ReviewedStep]) -> String {
    let mut out = String::new();
    for (comments, _, statement) in steps.iter().flat_map(ReviewedStep::annotated) {
        for line in comments {
            out.push_str(&format!("-- {line}\n"));
        }
        out.push_str(statement);
        out.push('\n');
    }
    out
}

/// The commands of a report from `before` to `after` made by `petal diff`.
fn commands() -> Commands {
    Commands::between("before", "after", "petal diff --from before --to after")
}

/// The report of the diff from `before` to `after`, as `petal diff` makes
/// it, under `limit`.
pub(super) fn report_within(
    before: &Database,
    after: &Database,
    migrations: &Migrations,
    limit: usize,
) -> String {
    let diff: Diff = petal_diff::diff(before, after);
    let labels = petal_diff::change_labels(&diff, Mode::Plain);
    let up = sql(&petal_diff::render_diff_as(&diff, Mode::Plain));
    let down = sql(&petal_diff::render_down_as(&diff, Mode::Plain));
    super::render_within(
        &Input {
            from: "before",
            to: "after",
            changes: &diff.changes,
            labels: &labels,
            warnings: &[],
            up_sql: &up,
            down_sql: &down,
            before,
            after,
            migrations,
            commands: &commands(),
        },
        limit,
    )
}

pub(super) fn report(before: &Database, after: &Database, migrations: &Migrations) -> String {
    report_within(before, after, migrations, GITHUB_COMMENT_LIMIT)
}

/// Every code fence and `<details>` block the report opens is closed.
pub(super) fn assert_blocks_closed(text: &str) {
    let mut open: Option<String> = None;
    for line in text.lines() {
        let ticks: String = line.chars().take_while(|c| *c == '`').collect();
        if ticks.len() < 3 {
            continue;
        }
        match &open {
            None => open = Some(ticks),
            Some(fence) if line.trim_end() == fence.as_str() => open = None,
            Some(_) => {}
        }
    }
    assert_eq!(open, None, "a code fence left open in:\n{text}");
    assert_eq!(
        text.matches("<details>").count(),
        text.matches("</details>").count(),
        "every <details> closed"
    );
}

#[test]
fn a_dropped_column_and_a_retyped_one_read_destructive_and_locking() {
    let before = database(vec![table(
        "orders",
        &[("id", "bigint"), ("note", "text"), ("total", "integer")],
    )]);
    let after = database(vec![table(
        "orders",
        &[("id", "bigint"), ("total", "bigint")],
    )]);
    let text = report(&before, &after, &Migrations::None);
    assert!(text.starts_with(&format!("{MARKER}\n")), "{text}");
    assert!(
        text.contains(
            "**2 changes**: 1 destructive, 2 lock tables (1 for long), 1 rewrites a table"
        ),
        "{text}"
    );
    let row = |needle: &str| {
        text.lines()
            .find(|l| l.starts_with('|') && l.contains(needle))
            .unwrap_or_else(|| panic!("a row for {needle} in:\n{text}"))
            .to_string()
    };
    assert!(row("public.orders.note").contains("**destructive**"));
    let retyped = row("public.orders.total");
    assert!(
        retyped.contains("**rewrites**: ACCESS EXCLUSIVE on `public.orders`"),
        "{retyped}"
    );
    // The dropped column is drawn, marked, in the table that keeps the rest.
    assert!(text.contains("text note \"removed\""), "{text}");
    assert!(text.contains("bigint total \"changed\""), "{text}");
    assert!(text.contains("<details><summary>SQL</summary>"), "{text}");
    assert!(text.contains(r#"DROP COLUMN "note""#), "{text}");
    assert!(
        text.contains("<details><summary>SQL (down)</summary>"),
        "{text}"
    );
    assert!(!text.contains("Left out"), "{text}");
    assert_blocks_closed(&text);
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let before = database(vec![table("a", &[("id", "bigint")])]);
    let after = database(vec![
        table("b", &[("id", "bigint")]),
        table("c", &[("id", "bigint")]),
    ]);
    let files = Migrations::Making {
        runs: vec![MigrationEntry {
            file: "20261124095348_b_and_c.sql".to_string(),
            message: "b and c".to_string(),
        }],
        undoes: Vec::new(),
    };
    let first = report(&before, &after, &files);
    assert_eq!(first, report(&before, &after, &files));
    assert!(
        first.contains("- `20261124095348_b_and_c.sql`: b and c"),
        "{first}"
    );
}

#[test]
fn no_changes_make_a_short_report() {
    let db = database(vec![table("a", &[("id", "bigint")])]);
    let files = Migrations::ComparedWith(vec![MigrationEntry {
        file: "1_a.sql".to_string(),
        message: "a".to_string(),
    }]);
    let text = report(&db, &db, &files);
    assert_eq!(
        text,
        format!(
            "{MARKER}\n## Schema changes\n\n**No schema changes**\n\n\
             From `before` to `after`: nothing to change.\n\n\
             ### Migration files\n\nThe models agree with the migration file replayed.\n\n\
             - `1_a.sql`: a\n"
        )
    );
}

#[test]
fn thousands_of_changes_stay_under_the_limit_with_blocks_closed() {
    let before = database(Vec::new());
    let tables: Vec<Table> = (0..3000)
        .map(|i| {
            table(
                &format!("table_{i:04}"),
                &[
                    ("id", "bigint"),
                    ("name", "text"),
                    ("total", "numeric(12,2)"),
                ],
            )
        })
        .collect();
    let after = database(tables);
    let text = report(&before, &after, &Migrations::None);
    let length = text.chars().count();
    assert!(length < GITHUB_COMMENT_LIMIT, "{length} characters");
    assert!(text.starts_with(MARKER), "{}", &text[..200]);
    assert!(
        text.contains("**3000 changes**: 3000 safe"),
        "{}",
        &text[..400]
    );
    // The SQL goes first, then rows of the table; the note says so.
    assert!(!text.contains("CREATE TABLE"), "the SQL is left out");
    assert!(
        text.contains("| 1 | table public.table_0000 |"),
        "the first rows are kept:\n{}",
        &text[..2000]
    );
    assert!(
        text.contains("more changes, all safe, left out here"),
        "rows are left out"
    );
    assert!(
        text.contains(
            "_Left out to stay under GitHub's comment limit of 65,536 characters: \
             the down's SQL (in full: `petal diff --from after --to before`); \
             the SQL (in full: `petal diff --from before --to after`); "
        ),
        "{}",
        &text[text.len().saturating_sub(600)..]
    );
    assert_blocks_closed(&text);
}

#[test]
fn a_little_too_much_sql_loses_the_downs_end_first() {
    let before = database(Vec::new());
    let after = database(
        (0..40)
            .map(|i| table(&format!("t{i}"), &[("id", "bigint")]))
            .collect(),
    );
    let whole = report(&before, &after, &Migrations::None);
    let limit = whole.chars().count() - 100;
    let text = report_within(&before, &after, &Migrations::None, limit);
    assert!(text.chars().count() < limit);
    assert!(
        text.contains("<details><summary>SQL (down)</summary>"),
        "{text}"
    );
    assert!(text.contains("more lines left out"), "{text}");
    assert!(text.contains("lines of the down's SQL"), "{text}");
    // The up is whole.
    assert!(text.contains(r#"CREATE TABLE "public"."t39""#), "{text}");
    assert_blocks_closed(&text);
}
