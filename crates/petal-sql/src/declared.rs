//! A statement of a SQL file, as the canonicalizer loads it.

use std::sync::Arc;

use petal_ir::QualifiedName;
use petal_source::{Report, SourceFile, Span};

/// What a statement declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Schema,
    Extension,
    /// `CREATE COLLATION`: loaded with the schemas, since a model's column
    /// may use it.
    Collation,
    Sequence,
    Domain,
    CompositeType,
    RangeType,
    Function,
    Procedure,
    Aggregate,
    View,
    MaterializedView,
    Trigger,
    /// `CREATE POLICY name ON table`: a row-level security policy.
    Policy,
    /// `CREATE TABLE ... PARTITION OF`: a partition of a model's table (or
    /// of another partition).
    Partition,
    /// `CREATE TABLE ... (...) INHERITS (parent, ...)`: an inheritance
    /// child of a model's table (or of another child).
    InheritanceChild,
    /// An index, of a materialized view or a partition (a model table's
    /// are the model's).
    Index,
    /// `ALTER TABLE ... ENABLE|DISABLE [REPLICA|ALWAYS] TRIGGER`.
    TriggerState,
    /// `ALTER SEQUENCE s OWNED BY t.c`: a sequence a model's column owns
    /// (and may take its default from, so the sequence comes before the
    /// table and its owner after, as pg_dump writes them).
    SequenceOwner,
    /// `ALTER TABLE ... ENABLE|DISABLE|[NO] FORCE ROW LEVEL SECURITY`: a
    /// partition's (a model's table says its own).
    RowSecurity,
    /// `ALTER TABLE ... ALTER [COLUMN] c SET DEFAULT ... | DROP DEFAULT`: a
    /// partition's own default (a model's table says its own).
    ColumnDefault,
    Comment,
    /// `GRANT` or `REVOKE` of privileges on objects (the project compares
    /// privileges).
    Grant,
}

/// When a statement loads: schemas, extensions and collations first (a
/// model column may be `citext`, or of a collation), then what tables may use (types, sequences,
/// functions), then the tables, then what uses them, then the privileges
/// on all of it, in the files' order (a `REVOKE` after a `GRANT` undoes
/// it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    First,
    BeforeTables,
    AfterTables,
    Privileges,
}

impl Kind {
    pub fn phase(self) -> Phase {
        match self {
            Kind::Schema | Kind::Extension | Kind::Collation => Phase::First,
            Kind::Sequence
            | Kind::Domain
            | Kind::CompositeType
            | Kind::RangeType
            | Kind::Function
            | Kind::Procedure
            | Kind::Aggregate => Phase::BeforeTables,
            Kind::View
            | Kind::MaterializedView
            | Kind::Partition
            | Kind::InheritanceChild
            | Kind::Trigger
            | Kind::Policy
            | Kind::Index
            | Kind::TriggerState
            | Kind::SequenceOwner
            | Kind::RowSecurity
            | Kind::ColumnDefault
            | Kind::Comment => Phase::AfterTables,
            Kind::Grant => Phase::Privileges,
        }
    }

    /// As messages name it.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Schema => "schema",
            Kind::Extension => "extension",
            Kind::Collation => "collation",
            Kind::Sequence => "sequence",
            Kind::Domain => "domain",
            Kind::CompositeType => "composite type",
            Kind::RangeType => "range type",
            Kind::Function => "function",
            Kind::Procedure => "procedure",
            Kind::Aggregate => "aggregate",
            Kind::View => "view",
            Kind::MaterializedView => "materialized view",
            Kind::Trigger => "trigger",
            Kind::Policy => "policy",
            Kind::Partition => "partition",
            Kind::InheritanceChild => "inheritance child",
            Kind::Index => "index",
            Kind::TriggerState => "trigger state",
            Kind::SequenceOwner => "sequence owner",
            Kind::RowSecurity => "row-level security switch",
            Kind::ColumnDefault => "column default",
            Kind::Comment => "comment",
            Kind::Grant => "grant",
        }
    }
}

/// One statement of a SQL file.
#[derive(Debug, Clone)]
pub struct Declared {
    pub source: Arc<SourceFile>,
    /// Where its SQL stands in the file.
    pub span: Span,
    /// As written, without its `;`.
    pub sql: String,
    pub kind: Kind,
    /// The object it declares (unqualified names are in `public`, where
    /// the scratch database creates them); none for a comment, or an
    /// index left unnamed.
    pub name: Option<QualifiedName>,
    /// The table or view a trigger, a policy, an index or a trigger state
    /// is on,
    /// the relation of a comment on a table or a column, a partition's
    /// parent, and an inheritance child's first parent.
    pub table: Option<QualifiedName>,
    /// A `-- petal: renamed_from = old_name` comment above the statement.
    pub renamed_from: Option<String>,
    /// An extension's `VERSION`: without one, the version is not compared.
    pub version: Option<String>,
    /// The roles a policy, a `GRANT` or a `REVOKE` names: the
    /// canonicalizer creates them, as placeholders, where they are
    /// missing.
    pub roles: Vec<String>,
    /// Byte range of `OR REPLACE` in `sql`, taken out for the load: the
    /// same object declared twice must fail, not replace the first.
    pub(crate) or_replace: Option<(usize, usize)>,
}

impl Declared {
    /// The statement as the canonicalizer runs it: `OR REPLACE` left out.
    pub fn load_sql(&self) -> String {
        match self.or_replace {
            Some((start, end)) => format!("{}{}", &self.sql[..start], &self.sql[end..]),
            None => self.sql.clone(),
        }
    }

    /// A report about this statement, at its place in its file.
    pub fn report(&self, message: impl Into<String>) -> Report {
        Report::at(&self.source, self.span, message)
    }

    /// A report at byte `offset` of [`Self::load_sql`] (where PostgreSQL
    /// says it failed), mapped back into the file.
    pub fn report_at(&self, offset: usize, message: impl Into<String>) -> Report {
        let removed = match self.or_replace {
            Some((start, end)) if offset >= start => end - start,
            _ => 0,
        };
        let at = (self.span.start + offset + removed).min(self.span.end);
        Report::at(&self.source, Span::at(at), message)
    }

    /// `file:line:col` of the statement.
    pub fn place(&self) -> String {
        let position = self.source.position(self.span.start);
        format!(
            "{}:{}:{}",
            self.source.path(),
            position.line,
            position.column
        )
    }
}
