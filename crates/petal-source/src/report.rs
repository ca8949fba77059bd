//! Spans, the texts they point into, and reports of what is wrong there.

use std::sync::Arc;

use serde::Serialize;

use crate::line_index::{LineIndex, Position};

/// A range of bytes in a [`SourceFile`]'s text: `start..end`. An empty span
/// marks a point (where something is missing, say).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The empty span at `offset`.
    pub fn at(offset: usize) -> Span {
        Span::new(offset, offset)
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The same span moved `by` bytes on: a span in a part of a text made
    /// a span in the whole.
    pub fn shifted(self, by: usize) -> Span {
        Span::new(self.start + by, self.end + by)
    }
}

/// A text petal read (a model file, a migration file, `petal.toml`), with
/// the path it is shown under and its line index. Shared (`Arc`) by every
/// span and report that points into it.
#[derive(Debug, PartialEq, Eq)]
pub struct SourceFile {
    path: String,
    text: String,
    lines: LineIndex,
    /// Whether a report may quote the text: not a configuration file, whose
    /// lines may hold a database password.
    quotable: bool,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        Arc::new(SourceFile::build(path.into(), text.into(), true))
    }

    /// A text whose lines reports must never show (they may hold secrets):
    /// its reports give the place, never the excerpt.
    pub fn holding_secrets(path: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        Arc::new(SourceFile::build(path.into(), text.into(), false))
    }

    fn build(path: String, text: String, quotable: bool) -> SourceFile {
        let lines = LineIndex::new(&text);
        SourceFile {
            path,
            text,
            lines,
            quotable,
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn lines(&self) -> &LineIndex {
        &self.lines
    }

    pub fn is_quotable(&self) -> bool {
        self.quotable
    }

    /// The text of `span` (empty when it is not a range of this text).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// The 1-based line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.lines.line_of(offset)
    }

    pub fn position(&self, offset: usize) -> Position {
        self.lines.position(&self.text, offset)
    }
}

/// One thing wrong, said where it is: a message, the file and the span it
/// is about (when known), notes that add context, and help that says what
/// to do. Shown by its `Display` (text) or serialized (`--format json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    path: Option<String>,
    at: Option<(Arc<SourceFile>, Span)>,
    message: String,
    notes: Vec<String>,
    help: Option<String>,
}

impl Report {
    /// A report about no file in particular (a server, the revision graph).
    pub fn new(message: impl Into<String>) -> Report {
        Report {
            path: None,
            at: None,
            message: message.into(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// A report about a whole file (one that cannot be read, say).
    pub fn in_file(path: impl Into<String>, message: impl Into<String>) -> Report {
        Report {
            path: Some(path.into()),
            ..Report::new(message)
        }
    }

    /// A report about `span` of `source`.
    pub fn at(source: &Arc<SourceFile>, span: Span, message: impl Into<String>) -> Report {
        Report {
            path: Some(source.path.clone()),
            at: Some((Arc::clone(source), span)),
            ..Report::new(message)
        }
    }

    /// Adds a line of context; an empty one is left out.
    pub fn with_note(mut self, note: impl Into<String>) -> Report {
        let note = note.into();
        if !note.is_empty() {
            self.notes.push(note);
        }
        self
    }

    /// Says what to do about it; an empty help is left out.
    pub fn with_help(mut self, help: impl Into<String>) -> Report {
        let help = help.into();
        self.help = (!help.is_empty()).then_some(help);
        self
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    pub fn span(&self) -> Option<Span> {
        self.at.as_ref().map(|(_, span)| *span)
    }

    /// The text the span points into.
    pub fn source(&self) -> Option<&Arc<SourceFile>> {
        self.at.as_ref().map(|(source, _)| source)
    }

    /// Where the span starts, as a line and column.
    pub fn position(&self) -> Option<Position> {
        self.at
            .as_ref()
            .map(|(source, span)| source.position(span.start))
    }

    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }
}
