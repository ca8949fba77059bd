//! The report's parts, rendered whole or with some left out, and the
//! search for the most that fits under a length limit.

use std::fmt::Write as _;

use petal_diff::Impact;

use super::diagram;
use super::summary::{Concern, Summary};
use super::text::{code, fence, inline};
use super::{Input, MARKER, Migrations};

/// Everything the report may say, rendered once; [`Cut`] says how much of
/// each part a rendering keeps.
pub struct Parts {
    header: String,
    warnings: Vec<String>,
    rows: Vec<String>,
    files_intro: Option<String>,
    files: Vec<String>,
    diagram: Option<String>,
    up: Vec<String>,
    down: Vec<String>,
    full_command: String,
}

/// How many of each part's items a rendering keeps, from the start.
#[derive(Debug, Clone, Copy)]
struct Cut {
    warnings: usize,
    rows: usize,
    files: usize,
    diagram: usize,
    up: usize,
    down: usize,
}

/// Which part of a [`Cut`] a search shrinks.
type Knob = fn(&mut Cut) -> &mut usize;

impl Parts {
    pub fn of(input: &Input<'_>) -> Parts {
        let summary = Summary::of(input.labels);
        let mut header = format!("{MARKER}\n## Schema changes\n\n{}\n\n", summary.markdown());
        let _ = writeln!(
            header,
            "From {} to {}{}",
            code(input.from),
            code(input.to),
            if input.changes.is_empty() {
                ": nothing to change."
            } else {
                "."
            }
        );
        let rows = input
            .changes
            .iter()
            .zip(input.labels)
            .enumerate()
            .map(|(index, (change, (safety, impacts)))| {
                let concern = Concern::of(*safety, impacts);
                format!(
                    "| {} | {} | {} | {} |",
                    index + 1,
                    inline(&change.key().to_string()),
                    inline(&change.description()),
                    classification(concern, impacts)
                )
            })
            .collect();
        let (files_intro, files) = files(input.migrations, !input.changes.is_empty());
        let marks = diagram::marks(input.changes);
        let sql_lines = |sql: &str| -> Vec<String> {
            if input.changes.is_empty() {
                return Vec::new();
            }
            sql.lines().map(str::to_string).collect()
        };
        Parts {
            header,
            warnings: input.warnings.iter().map(|w| inline(w)).collect(),
            rows,
            files_intro,
            files,
            diagram: diagram::mermaid(&marks, input.before, input.after),
            up: sql_lines(input.up_sql),
            down: sql_lines(input.down_sql),
            full_command: input.full_command.to_string(),
        }
    }

    fn whole(&self) -> Cut {
        Cut {
            warnings: self.warnings.len(),
            rows: self.rows.len(),
            files: self.files.len(),
            diagram: usize::from(self.diagram.is_some()),
            up: self.up.len(),
            down: self.down.len(),
        }
    }

    /// The most of the report that is shorter than `limit` bytes.
    pub fn fit(&self, limit: usize) -> String {
        let mut cut = self.whole();
        let text = self.render(&cut);
        if text.len() < limit {
            return text;
        }
        // What goes first is what a reviewer misses least: the SQL (the
        // migration file holds it), the down before the up.
        let knobs: [Knob; 6] = [
            |c| &mut c.down,
            |c| &mut c.up,
            |c| &mut c.rows,
            |c| &mut c.diagram,
            |c| &mut c.files,
            |c| &mut c.warnings,
        ];
        let whole = self.whole();
        for (index, knob) in knobs.iter().enumerate() {
            let kept = self.most(&mut cut, *knob, *knob(&mut whole.clone()), limit);
            if kept {
                // A later part given up may leave room for an earlier one:
                // each is given back what fits now, the last cut first.
                for earlier in knobs[..index].iter().rev() {
                    self.most(&mut cut, *earlier, *earlier(&mut whole.clone()), limit);
                }
                return self.render(&cut);
            }
        }
        // Only a header longer than the limit comes here: the marker and
        // the note then, which always fit a comment.
        format!("{MARKER}\n\n{}\n", self.note(&cut))
    }

    /// Sets `knob` of `cut` to the most (up to `all`) that fits under
    /// `limit` with the rest of `cut`, or to 0 when nothing does; whether
    /// something did.
    fn most(&self, cut: &mut Cut, knob: Knob, all: usize, limit: usize) -> bool {
        let kept = largest(all, |n| {
            let mut tried = *cut;
            *knob(&mut tried) = n;
            self.render(&tried).len() < limit
        });
        *knob(cut) = kept.unwrap_or(0);
        kept.is_some()
    }

    fn render(&self, cut: &Cut) -> String {
        let mut out = self.header.clone();
        if cut.warnings > 0 {
            out.push('\n');
            for warning in &self.warnings[..cut.warnings] {
                let _ = writeln!(out, "- **warning:** {warning}");
            }
        }
        if !self.rows.is_empty() {
            out.push_str("\n| # | Object | Change | Classification |\n|---:|---|---|---|\n");
            for row in &self.rows[..cut.rows] {
                out.push_str(row);
                out.push('\n');
            }
            if cut.rows < self.rows.len() {
                let _ = writeln!(
                    out,
                    "\n_... and {} more changes, left out here._",
                    self.rows.len() - cut.rows
                );
            }
        }
        if let Some(intro) = &self.files_intro {
            let _ = write!(out, "\n### Migration files\n\n{intro}\n\n");
            for file in &self.files[..cut.files] {
                out.push_str(file);
                out.push('\n');
            }
        }
        if let Some(diagram) = self.diagram.as_ref().filter(|_| cut.diagram > 0) {
            let fence = fence(&diagram.lines().collect::<Vec<_>>());
            let _ = write!(
                out,
                "\n### Tables changed\n\nThe tables the changes touch and their direct neighbours, \
                 marked added, changed or removed:\n\n{fence}mermaid\n{}\n{fence}\n",
                diagram.trim_end()
            );
        }
        sql_block(&mut out, "SQL", &self.up, cut.up);
        sql_block(&mut out, "SQL (down)", &self.down, cut.down);
        let note = self.note(cut);
        if !note.is_empty() {
            let _ = write!(out, "\n{note}\n");
        }
        out
    }

    /// What `cut` leaves out, in one sentence (empty when nothing is).
    fn note(&self, cut: &Cut) -> String {
        let mut left = Vec::new();
        let mut part = |kept: usize, all: usize, whole: &str, some: &str| {
            if kept == 0 && all > 0 {
                left.push(whole.to_string());
            } else if kept < all {
                left.push(format!("{} of {all} {some}", all - kept));
            }
        };
        part(
            cut.down,
            self.down.len(),
            "the down's SQL",
            "lines of the down's SQL",
        );
        part(cut.up, self.up.len(), "the SQL", "lines of the SQL");
        part(
            cut.rows,
            self.rows.len(),
            "the table of changes",
            "changes of the table",
        );
        part(
            cut.diagram,
            usize::from(self.diagram.is_some()),
            "the diagram",
            "",
        );
        part(
            cut.files,
            self.files.len(),
            "the migration files",
            "migration files",
        );
        part(
            cut.warnings,
            self.warnings.len(),
            "the warnings",
            "warnings",
        );
        if left.is_empty() {
            return String::new();
        }
        format!(
            "_Left out to stay under GitHub's comment limit of 65,536 characters: {}. \
             {} prints everything._",
            left.join("; "),
            code(&self.full_command)
        )
    }
}

/// The classification cell: the concern, then what each statement of the
/// change locks, rewrites and reads (`petal_diff::Impact`), in order.
fn classification(concern: Concern, impacts: &[Impact]) -> String {
    let label = match concern {
        Concern::Destructive => "**destructive**",
        Concern::Breaking => "**breaking**",
        Concern::Rewrites => "**rewrites**",
        Concern::Locks => "**locks**",
        Concern::Safe => "safe",
    };
    let said: Vec<String> = impacts.iter().map(impact).collect();
    if said.is_empty() {
        label.to_string()
    } else {
        format!("{label}: {}", said.join("; then "))
    }
}

/// `ACCESS EXCLUSIVE on `public.orders` (blocks reads and writes); rewrites `public.orders``.
fn impact(impact: &Impact) -> String {
    let mut parts: Vec<String> = impact
        .locks
        .iter()
        .map(|(relation, mode)| {
            let waits = if mode.blocks_reads() {
                "blocks reads and writes"
            } else if mode.blocks_writes() {
                "blocks writes"
            } else {
                "reads and writes go on"
            };
            format!("{mode} on {} ({waits})", code(&relation.to_string()))
        })
        .collect();
    for table in &impact.rewrites {
        parts.push(format!("rewrites {}", code(&table.to_string())));
    }
    for table in impact.scans.difference(&impact.rewrites) {
        parts.push(format!("reads every row of {}", code(&table.to_string())));
    }
    parts.join(", ")
}

/// The sentence over the list of files, and the list's lines.
fn files(migrations: &Migrations, changes: bool) -> (Option<String>, Vec<String>) {
    let list = |entries: &[super::MigrationEntry]| -> Vec<String> {
        entries
            .iter()
            .map(|e| format!("- {}: {}", code(&e.file), inline(&e.message)))
            .collect()
    };
    match migrations {
        Migrations::None => (None, Vec::new()),
        Migrations::Making(entries) if entries.is_empty() => (
            Some("No migration file runs between the two.".to_string()),
            Vec::new(),
        ),
        Migrations::Making(entries) => (
            Some(match entries.len() {
                1 => "The changes are what this file does:".to_string(),
                n => format!("The changes are what these {n} files do, in the order they run:"),
            }),
            list(entries),
        ),
        Migrations::ComparedWith(entries) => {
            let replayed = count(entries.len(), "migration file", "migration files");
            let intro = if changes {
                format!(
                    "The models are compared with the {replayed} replayed; the changes are in \
                     none of them: a revision still to write (`petal revision --autogenerate`)."
                )
            } else {
                format!("The models agree with the {replayed} replayed.")
            };
            (Some(intro), list(entries))
        }
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        one.to_string()
    } else {
        format!("{n} {many}")
    }
}

/// A collapsed block of SQL, its first `kept` lines and a comment saying
/// how many more were left out; nothing when none is kept.
fn sql_block(out: &mut String, summary: &str, lines: &[String], kept: usize) {
    if kept == 0 {
        return;
    }
    let fence = fence(&lines.iter().map(String::as_str).collect::<Vec<_>>());
    let _ = write!(
        out,
        "\n<details><summary>{summary}</summary>\n\n{fence}sql\n"
    );
    for line in &lines[..kept] {
        out.push_str(line);
        out.push('\n');
    }
    if kept < lines.len() {
        let _ = writeln!(out, "-- ... {} more lines left out", lines.len() - kept);
    }
    let _ = write!(out, "{fence}\n\n</details>\n");
}

/// The largest `n` in `0..=most` for which `fits(n)` holds, `fits` being
/// true up to some point and false after it; `None` when not even 0 fits.
fn largest(most: usize, fits: impl Fn(usize) -> bool) -> Option<usize> {
    if !fits(0) {
        return None;
    }
    let (mut low, mut high) = (0, most);
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        if fits(middle) {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    Some(low)
}
