//! Where every model object was declared, and the scanner's errors: each a
//! [`Report`] pointing into the model file it is about.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use petal_ir::Origin;
use petal_source::{Position, Report, ReportList, SourceFile, Span};

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

/// Every model object's declaration site, and where its parts are
/// written: a column's `default` and `sql_type`, a check's `expr`, an
/// index's `where` and expression keys. Keyed like the diff's statements
/// are traced ([`petal_ir::Origin`]), so a statement PostgreSQL refuses
/// leads straight to the attribute.
pub type SourceMap = BTreeMap<Origin, SourceLocation>;

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
