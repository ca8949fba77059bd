//! Terminal output: colour only on terminals (and never with `NO_COLOR`),
//! JSON when asked.

use std::io::{IsTerminal, Write};

use crate::cli::{ColorChoice, Format};
use crate::failure::{ErrorKind, Failure};

#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    pub fn new(choice: ColorChoice) -> Style {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        Style { color }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn red(&self, text: &str) -> String {
        self.paint("31", text)
    }

    pub fn green(&self, text: &str) -> String {
        self.paint("32", text)
    }

    pub fn yellow(&self, text: &str) -> String {
        self.paint("33", text)
    }
}

/// Prints a value as pretty JSON on standard output.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::error(ErrorKind::Io, format!("cannot encode JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

/// Shows a failure: each report on standard error (`error: ` and the
/// report: `file:line:col: message`, the line with a caret, notes, help),
/// and with `--format json`, the error as one JSON object on standard
/// output too ([`error_json`]), unless the command printed its own JSON.
pub fn print_failure(failure: &Failure, format: Format) {
    let mut stderr = std::io::stderr().lock();
    for (index, report) in failure.reports.iter().enumerate() {
        let gap = if index > 0 { "\n" } else { "" };
        let _ = writeln!(stderr, "{gap}error: {report}");
    }
    if format == Format::Json && !failure.output_printed && !failure.reports.is_empty() {
        let json = error_json(failure);
        if let Ok(text) = serde_json::to_string_pretty(&json) {
            println!("{text}");
        }
    }
}

/// The JSON form of a failure: `kind`, then the first report's `message`,
/// `path`, `line`, `column`, `notes` and `help`, then `reports`, every
/// report in that shape (the first included): the scanner reports each
/// mistake, a load each refused statement.
pub fn error_json(failure: &Failure) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    object.insert("kind".into(), serde_json::json!(failure.kind));
    if let Some(serde_json::Value::Object(first)) = failure
        .reports
        .first()
        .and_then(|report| serde_json::to_value(report).ok())
    {
        object.extend(first);
    }
    object.insert("reports".into(), serde_json::json!(failure.reports));
    serde_json::Value::Object(object)
}
