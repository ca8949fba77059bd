//! Source positions for the scanner: spans → `file:line:col`, the side
//! table of where every model object was declared, and the scanner's error
//! type with its `file:line:col` rendering.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use petal_ir::QualifiedName;
use proc_macro2::Span;
use serde::Serialize;

/// A place in a source file: 1-based line, 1-based column counted in
/// characters, and the 0-based byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

impl Position {
    /// The position of byte `offset` in `text` (clamped to its length).
    /// Scans the text: for many lookups in one file use a [`LineIndex`].
    pub fn at(text: &str, offset: usize) -> Position {
        LineIndex::new(text).position(text, offset)
    }
}

/// The byte offsets where the lines of a text start, so that each lookup
/// costs a binary search and one line's worth of characters (a schema of a
/// thousand tables has tens of thousands of objects to locate).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// The position of byte `offset` of `text`, the text this index was
    /// built from.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let line_start = self.starts[line - 1];
        Position {
            line,
            column: text[line_start..offset].chars().count() + 1,
            offset,
        }
    }

    /// Where a span of `text`, parsed by the scanner, starts.
    pub fn span_position(&self, text: &str, span: Span) -> Position {
        self.position(text, span.byte_range().start)
    }
}

/// Where a model object was declared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SourceLocation {
    pub file: PathBuf,
    #[serde(flatten)]
    pub position: Position,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.file.display(),
            self.position.line,
            self.position.column
        )
    }
}

/// What a [`SourceLocation`] is the declaration of. Constraints and
/// indexes are keyed by their table and their (possibly default) name, as
/// they appear in the IR.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ObjectKey {
    /// The struct's name.
    Table { table: QualifiedName },
    /// The field's name.
    Column {
        table: QualifiedName,
        column: String,
    },
    /// The value of the field's `default = "..."`, when it has one: where a
    /// default PostgreSQL rejects should point.
    ColumnDefault {
        table: QualifiedName,
        column: String,
    },
    /// The value of the field's `sql_type = "..."`, when it has one.
    ColumnType {
        table: QualifiedName,
        column: String,
    },
    /// A primary key, unique, check or foreign key: the attribute that
    /// declared it (`primary_key`, `unique`, `check`, `references`).
    Constraint { table: QualifiedName, name: String },
    /// The `index` attribute that declared it.
    Index { table: QualifiedName, name: String },
    /// The enum's name.
    Enum { enum_type: QualifiedName },
    /// The variant's name.
    EnumLabel {
        enum_type: QualifiedName,
        label: String,
    },
}

/// Every model object's declaration site.
pub type SourceMap = BTreeMap<ObjectKey, SourceLocation>;

/// One mistake found by the scanner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    pub file: PathBuf,
    /// `None` for a file that could not be read at all.
    pub position: Option<Position>,
    pub message: String,
    /// The line the error is on, for the excerpt.
    pub source_line: Option<String>,
}

impl ScanError {
    pub(crate) fn at(
        file: &Path,
        text: &str,
        index: &LineIndex,
        span: Span,
        message: String,
    ) -> ScanError {
        let position = index.span_position(text, span);
        let source_line = text.lines().nth(position.line - 1).map(str::to_string);
        ScanError {
            file: file.to_path_buf(),
            position: Some(position),
            message,
            source_line,
        }
    }
}

impl fmt::Display for ScanError {
    /// `file:line:col: message`, then the source line and a caret under the
    /// column.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(pos) = self.position else {
            return write!(f, "{}: {}", self.file.display(), self.message);
        };
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            pos.line,
            pos.column,
            self.message
        )?;
        if let Some(line) = &self.source_line {
            let number = pos.line.to_string();
            let gutter = " ".repeat(number.len());
            // Tabs keep their width in the caret line, so the caret lines up.
            let pad: String = line
                .chars()
                .take(pos.column - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n{number} | {line}\n{gutter} | {pad}^")?;
        }
        Ok(())
    }
}

/// Everything the scanner found wrong, in file order, then source order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanErrors {
    pub errors: Vec<ScanError>,
}

impl fmt::Display for ScanErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScanErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "ab\nгде x\n";
        assert_eq!(Position::at(text, text.len()).line, 3);
        assert_eq!(
            Position::at(text, 0),
            Position {
                line: 1,
                column: 1,
                offset: 0
            }
        );
        let x = text.find('x').unwrap();
        assert_eq!(
            Position::at(text, x),
            Position {
                line: 2,
                column: 5,
                offset: x
            }
        );
    }

    #[test]
    fn display_points_a_caret_at_the_column() {
        let e = ScanError {
            file: PathBuf::from("src/order.rs"),
            position: Some(Position {
                line: 12,
                column: 5,
                offset: 200,
            }),
            message: "unknown field attribute `defualt`".into(),
            source_line: Some("    #[petal(defualt = \"0\")]".into()),
        };
        assert_eq!(
            e.to_string(),
            "src/order.rs:12:5: unknown field attribute `defualt`\n12 |     #[petal(defualt = \"0\")]\n   |     ^"
        );
    }
}
