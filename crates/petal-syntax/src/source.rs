//! Where every model object was declared, and the scanner's errors: each a
//! [`Report`] pointing into the model file it is about.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use petal_ir::QualifiedName;
use petal_source::{Position, Report, ReportList, SourceFile, Span};
use serde::Serialize;

/// Where a model object was declared: a span of its model file, which the
/// location shares, so a report about the object can quote the file
/// without reading it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    pub source: Arc<SourceFile>,
    pub span: Span,
}

impl SourceLocation {
    pub fn path(&self) -> &str {
        self.source.path()
    }

    /// The line and column, computed when asked (only a report shows them).
    pub fn position(&self) -> Position {
        self.source.position(self.span.start)
    }
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let position = self.position();
        write!(f, "{}:{}:{}", self.path(), position.line, position.column)
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

/// Everything the scanner found wrong, in file order, then source order:
/// a report per mistake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanErrors {
    pub reports: Vec<Report>,
}

impl fmt::Display for ScanErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ReportList(&self.reports).fmt(f)
    }
}

impl std::error::Error for ScanErrors {}
