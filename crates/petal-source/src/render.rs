//! The one renderer of reports: `file:line:col: message`, the line under
//! it with a caret at the column (tabs kept, so the caret lines up however
//! a terminal shows them), then the notes and the help. And the JSON form
//! of a report, with the same line and column.

use std::fmt;

use serde::Serialize;

use crate::report::Report;

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.path(), self.position()) {
            (Some(path), Some(pos)) => write!(f, "{path}:{}:{}: ", pos.line, pos.column)?,
            (Some(path), None) => write!(f, "{path}: ")?,
            (None, _) => {}
        }
        f.write_str(self.message())?;
        if let (Some(source), Some(pos)) = (self.source(), self.position())
            && source.is_quotable()
        {
            let line = source.lines().line_text(source.text(), pos.line);
            let number = pos.line.to_string();
            let gutter = " ".repeat(number.len());
            let pad: String = line
                .chars()
                .take(pos.column - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n{gutter} |\n{number} | {line}\n{gutter} | {pad}^")?;
        }
        for note in self.notes() {
            for line in note.lines() {
                write!(f, "\n  {line}")?;
            }
        }
        if let Some(help) = self.help() {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Several reports, one after another, a blank line between two: what the
/// scanner found, every statement a load refused.
pub struct ReportList<'a>(pub &'a [Report]);

impl fmt::Display for ReportList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, report) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{report}")?;
        }
        Ok(())
    }
}

/// A report as `--format json` shows it: `line` and `column` are 1-based
/// (the column in characters), `null` when the report points at no place.
#[derive(Serialize)]
struct ReportJson<'a> {
    message: &'a str,
    path: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    notes: &'a [String],
    help: Option<&'a str>,
}

impl Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let position = self.position();
        ReportJson {
            message: self.message(),
            path: self.path(),
            line: position.map(|p| p.line),
            column: position.map(|p| p.column),
            notes: self.notes(),
            help: self.help(),
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Report, SourceFile, Span};

    #[test]
    fn a_caret_under_the_column_with_the_file_line_and_column() {
        let source = SourceFile::new("src/order.rs", "struct A;\n    #[petal(defualt = \"0\")]\n");
        let at = source.text().find("defualt").unwrap_or_default();
        let report = Report::at(&source, Span::at(at), "unknown field attribute `defualt`")
            .with_note("in struct A")
            .with_help("did you mean `default`?");
        assert_eq!(
            report.to_string(),
            "src/order.rs:2:13: unknown field attribute `defualt`\n  |\n2 |     #[petal(defualt = \"0\")]\n  |             ^\n  in struct A\n  help: did you mean `default`?"
        );
    }

    #[test]
    fn tabs_stay_tabs_under_the_line() {
        let source = SourceFile::new("m.sql", "x\n\tSELECT\t'x;\n");
        let at = source.text().find('\'').unwrap_or_default();
        let text = Report::at(&source, Span::at(at), "unterminated").to_string();
        assert!(text.starts_with("m.sql:2:9: unterminated"), "{text}");
        assert!(
            text.ends_with("2 | \tSELECT\t'x;\n  | \t      \t^"),
            "{text}"
        );
    }

    #[test]
    fn a_text_holding_secrets_is_located_but_never_quoted() {
        let source = SourceFile::holding_secrets("petal.toml", "url = \"postgres://u:pw@h\n");
        let text = Report::at(&source, Span::at(6), "unterminated string").to_string();
        assert_eq!(text, "petal.toml:1:7: unterminated string");
    }

    #[test]
    fn without_a_place_or_a_file() {
        assert_eq!(
            Report::in_file("migrations", "cannot read: denied").to_string(),
            "migrations: cannot read: denied"
        );
        let text = Report::new("two\nlines")
            .with_note("a note\nof two lines")
            .to_string();
        assert_eq!(text, "two\nlines\n  a note\n  of two lines");
    }

    #[test]
    fn json_has_the_line_and_column_the_text_shows() {
        let source = SourceFile::new("m.sql", "a\nbcd\n");
        let report = Report::at(&source, Span::new(3, 4), "here").with_help("fix it");
        let json = serde_json::to_value(&report).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({
                "message": "here", "path": "m.sql", "line": 2, "column": 2,
                "notes": [], "help": "fix it"
            })
        );
        let json = serde_json::to_value(Report::new("x")).unwrap_or_default();
        assert_eq!(json["path"], serde_json::Value::Null);
        assert_eq!(json["line"], serde_json::Value::Null);
    }
}
