//! The report's parts, rendered whole or with some left out, and the
//! search for the most that fits under a length limit.

use std::fmt::Write as _;

use super::diagram::{self, Drawn, TooLong};
use super::files::{Files, files};
use super::rows::{Row, keeping_order, rows};
use super::summary::Summary;
use super::text::{code, fence, inline};
use super::{Commands, Input, MARKER};

/// Everything the report may say, rendered once; [`Cut`] says how much of
/// each part a rendering keeps.
pub struct Parts {
    header: String,
    summary: String,
    warnings: Vec<String>,
    rows: Vec<Row>,
    /// Row indexes in the order rows are kept when not all fit.
    row_order: Vec<usize>,
    files: Files,
    /// The diagrams Mermaid draws, the smaller first: the changed tables
    /// alone, then with their neighbours (one of them when both are one).
    diagrams: Vec<Drawn>,
    too_long: TooLong,
    up: Vec<String>,
    down: Vec<String>,
    commands: Commands,
}

/// How many of each part's items a rendering keeps: from the start, but
/// the earlier files (the last ones kept), the rows (those not safe
/// first) and the diagram (an index into the diagrams, from 1).
#[derive(Debug, Clone, Copy)]
struct Cut {
    warnings: usize,
    rows: usize,
    files: usize,
    earlier: usize,
    diagram: usize,
    up: usize,
    down: usize,
}

/// Which part of a [`Cut`] a search shrinks.
type Knob = fn(&mut Cut) -> &mut usize;

/// A report's length as GitHub counts it: in characters.
fn length(text: &str) -> usize {
    text.chars().count()
}

impl Parts {
    pub fn of(input: &Input<'_>) -> Parts {
        let summary = Summary::of(input.labels).markdown();
        let mut header = format!("{MARKER}\n## Schema changes\n\n{summary}\n\n");
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
        let rows = rows(input);
        let sql_lines = |sql: &str| -> Vec<String> {
            if input.changes.is_empty() {
                return Vec::new();
            }
            sql.lines().map(str::to_string).collect()
        };
        let (diagrams, too_long) =
            diagram::within_mermaids_limit(input.changes, input.before, input.after);
        Parts {
            header,
            summary,
            warnings: input.warnings.iter().map(|w| inline(w)).collect(),
            row_order: keeping_order(&rows),
            rows,
            files: files(input.migrations, !input.changes.is_empty()),
            diagrams,
            too_long,
            up: sql_lines(input.up_sql),
            down: sql_lines(input.down_sql),
            commands: input.commands.clone(),
        }
    }

    fn whole(&self) -> Cut {
        Cut {
            warnings: self.warnings.len(),
            rows: self.rows.len(),
            files: self.files.shown.len(),
            earlier: self.files.earlier.len(),
            diagram: self.diagrams.len(),
            up: self.up.len(),
            down: self.down.len(),
        }
    }

    /// The most of the report that is shorter than `limit` characters.
    pub fn fit(&self, limit: usize) -> String {
        let mut cut = self.whole();
        let text = self.render(&cut);
        if length(&text) < limit {
            return text;
        }
        // What goes first is what a reviewer misses least: the SQL (the
        // migration file holds it), the down before the up; the files
        // long merged; the diagram (its neighbours first) before the rows
        // that say what changes.
        let knobs: [Knob; 7] = [
            |c| &mut c.down,
            |c| &mut c.up,
            |c| &mut c.earlier,
            |c| &mut c.diagram,
            |c| &mut c.rows,
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
        // Only a header longer than the limit comes here (sources named at
        // great length): the marker, the summary line and the note then.
        format!(
            "{MARKER}\n## Schema changes\n\n{}\n\n{}\n",
            self.summary,
            self.note(&cut)
        )
    }

    /// Sets `knob` of `cut` to the most (up to `all`) that fits under
    /// `limit` with the rest of `cut`, or to 0 when nothing does; whether
    /// something did.
    fn most(&self, cut: &mut Cut, knob: Knob, all: usize, limit: usize) -> bool {
        let kept = largest(all, |n| {
            let mut tried = *cut;
            *knob(&mut tried) = n;
            length(&self.render(&tried)) < limit
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
        self.render_rows(&mut out, cut.rows);
        self.render_files(&mut out, cut);
        self.render_diagram(&mut out, cut.diagram);
        sql_block(&mut out, "SQL", &self.up, cut.up);
        sql_block(&mut out, "SQL (down)", &self.down, cut.down);
        let note = self.note(cut);
        if !note.is_empty() {
            let _ = write!(out, "\n{note}\n");
        }
        out
    }

    /// The table of changes, its first `kept` rows in keeping order shown
    /// in the diff's order.
    fn render_rows(&self, out: &mut String, kept: usize) {
        if self.rows.is_empty() {
            return;
        }
        out.push_str("\n| # | Object | Change | Classification |\n|---:|---|---|---|\n");
        let mut shown = self.row_order[..kept].to_vec();
        shown.sort_unstable();
        for index in shown {
            out.push_str(&self.rows[index].text);
            out.push('\n');
        }
        let left = self.rows.len() - kept;
        if left == 0 {
            return;
        }
        // The safe rows are left out first: they are the last in order.
        let safe = self.rows.iter().filter(|r| r.safe).count().min(left);
        let more = if left == 1 { "change" } else { "changes" };
        let which = match safe {
            0 => String::new(),
            s if s == left && left == 1 => ", safe,".to_string(),
            s if s == left => ", all safe,".to_string(),
            s => format!(" ({s} safe)"),
        };
        let _ = writeln!(out, "\n_... and {left} more {more}{which} left out here._");
    }

    fn render_files(&self, out: &mut String, cut: &Cut) {
        let Some(intro) = &self.files.intro else {
            return;
        };
        let _ = write!(out, "\n### Migration files\n\n{intro}\n\n");
        for file in &self.files.shown[..cut.files] {
            out.push_str(file);
            out.push('\n');
        }
        if cut.earlier > 0 {
            let all = self.files.earlier.len();
            let _ = write!(
                out,
                "\n<details><summary>The {all} earlier files</summary>\n\n"
            );
            for file in &self.files.earlier[all - cut.earlier..] {
                out.push_str(file);
                out.push('\n');
            }
            out.push_str("\n</details>\n");
        }
    }

    /// The diagram `kept` picks (0: none), or why Mermaid could have none.
    fn render_diagram(&self, out: &mut String, kept: usize) {
        let Some(drawn) = kept.checked_sub(1).and_then(|i| self.diagrams.get(i)) else {
            if self.too_long == TooLong::Diagram {
                let _ = write!(
                    out,
                    "\n### Tables changed\n\n_No diagram: even without their neighbours the \
                     changed tables make one over the 50,000 characters Mermaid \
                     draws ({} draws it)._\n",
                    code(&self.commands.diagram)
                );
            }
            return;
        };
        let intro = if drawn.neighbours {
            "The tables and views the changes touch and their direct neighbours, marked \
             added, changed or removed:"
        } else if self.too_long == TooLong::Neighbours {
            "The tables and views the changes touch, marked added, changed or removed (their \
             neighbours left out: with them the diagram is over the 50,000 characters Mermaid \
             draws):"
        } else {
            "The tables and views the changes touch, marked added, changed or removed:"
        };
        let fence = fence(&drawn.text.lines().collect::<Vec<_>>());
        let _ = write!(
            out,
            "\n### Tables changed\n\n{intro}\n\n{fence}mermaid\n{}\n{fence}\n",
            drawn.text
        );
    }

    /// What `cut` leaves out, in one sentence, each part with the command
    /// that prints it whole (empty when nothing is left out).
    fn note(&self, cut: &Cut) -> String {
        let commands = &self.commands;
        let whole = self.whole();
        // What of a part is left out: all of it, or `n of all ...`.
        let amount = |kept: usize, all: usize, it: &str, some: &str| -> Option<String> {
            match all - kept {
                0 => None,
                _ if kept == 0 => Some(it.to_string()),
                n => Some(format!("{n} of {all} {some}")),
            }
        };
        let earlier = whole.earlier;
        let parts = [
            (
                amount(
                    cut.down,
                    whole.down,
                    "the down's SQL",
                    "lines of the down's SQL",
                ),
                &commands.down,
            ),
            (
                amount(cut.up, whole.up, "the SQL", "lines of the SQL"),
                &commands.up,
            ),
            (
                (cut.earlier < earlier).then(|| match cut.earlier {
                    0 => format!("the {earlier} earlier migration files"),
                    kept => format!(
                        "the {} oldest of the {earlier} earlier migration files",
                        earlier - kept
                    ),
                }),
                &commands.files,
            ),
            (
                (cut.diagram < whole.diagram).then(|| match cut.diagram {
                    0 => "the diagram".to_string(),
                    _ => "the diagram's neighbouring tables".to_string(),
                }),
                &commands.diagram,
            ),
            (
                amount(
                    cut.rows,
                    whole.rows,
                    "the table of changes",
                    "rows of the table",
                ),
                &commands.changes,
            ),
            (
                amount(
                    cut.files,
                    whole.files,
                    "the migration files",
                    "migration files",
                ),
                &commands.files,
            ),
            (
                amount(cut.warnings, whole.warnings, "the warnings", "warnings"),
                &commands.changes,
            ),
        ];
        let left: Vec<String> = parts
            .into_iter()
            .filter_map(|(what, command)| Some(format!("{} (in full: {})", what?, code(command))))
            .collect();
        if left.is_empty() {
            return String::new();
        }
        format!(
            "_Left out to stay under GitHub's comment limit of 65,536 characters: {}._",
            left.join("; ")
        )
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
