//! Reading SQL files: statements split, classified, hints read, and the
//! same object declared twice reported at both places.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use petal_ir::QualifiedName;
use petal_source::{Report, SourceFile, Span};

use crate::classify::classify;
use crate::declared::{Declared, Kind};

/// The statements of every SQL file, files in path order, statements in
/// file order.
#[derive(Debug, Clone, Default)]
pub struct SqlFiles {
    pub statements: Vec<Declared>,
}

impl SqlFiles {
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// The statements that would change a table the models declare
    /// (`is_model_table`): an index on it, a comment on it, on one of its
    /// columns or constraints, or on one of its indexes
    /// (`is_model_index`). A table is its model's alone, so that the
    /// models say all of it; a trigger on it, and its state, are the SQL
    /// files'.
    pub fn on_model_tables(
        &self,
        is_model_table: impl Fn(&QualifiedName) -> bool,
        is_model_index: impl Fn(&QualifiedName) -> bool,
    ) -> Vec<Report> {
        self.statements
            .iter()
            .filter_map(|s| {
                if s.kind == Kind::Comment
                    && let Some(index) = s.name.as_ref().filter(|i| is_model_index(i))
                {
                    return Some(
                        s.report(format!(
                            "a comment on index {index} of a table the models declare: the \
                             models say all of such a table, and declare no index comment yet"
                        ))
                        .with_help("leave it out"),
                    );
                }
                let table = s.table.as_ref().filter(|t| is_model_table(t))?;
                let (what, instead) = match s.kind {
                    Kind::Index => ("an index on", "`#[petal(index(...))]` on the model"),
                    Kind::Comment => ("a comment on", "the model's `comment` attribute"),
                    Kind::RowSecurity => (
                        "row-level security of",
                        "`#[petal(row_level_security)]` (and `force_row_level_security`) on the \
                         model",
                    ),
                    Kind::ColumnDefault => (
                        "a column default of",
                        "`#[petal(default = \"...\")]` on the model's field",
                    ),
                    _ => return None,
                };
                let why = if s.kind == Kind::RowSecurity {
                    "its model says whether its rows are secured"
                } else if s.kind == Kind::ColumnDefault {
                    "its model says its columns' defaults"
                } else {
                    "a SQL file declares indexes and comments of what it creates (a \
                     materialized view, a view)"
                };
                Some(
                    s.report(format!(
                        "{what} table {table}, which the models declare: {why}"
                    ))
                    .with_help(format!("declare it with {instead}")),
                )
            })
            .collect()
    }
}

/// Reads SQL files: `(path, contents)` pairs in any order. Every mistake
/// is reported (a statement that is no declaration, an object declared
/// twice, an unterminated string), each at its `file:line:col`.
pub fn read_sql(files: &[(PathBuf, String)]) -> Result<SqlFiles, Vec<Report>> {
    let mut order: Vec<&(PathBuf, String)> = files.iter().collect();
    order.sort_by(|a, b| a.0.cmp(&b.0));
    let mut statements = Vec::new();
    // Each with its file and offset: reported in file order.
    let mut errors: Vec<(String, usize, Report)> = Vec::new();
    for (path, text) in order {
        let source = SourceFile::new(path.display().to_string(), text.as_str());
        let split = match petal_migrate::split(text) {
            Ok(split) => split,
            Err(e) => {
                let report = Report::at(&source, Span::at(e.offset), e.message);
                errors.push((source.path().to_string(), e.offset, report));
                continue;
            }
        };
        for statement in split {
            let span = statement.span.unwrap_or(Span::at(0));
            match classify(&statement.sql) {
                Ok(head) => statements.push(Declared {
                    source: Arc::clone(&source),
                    span,
                    kind: head.kind,
                    name: head.name,
                    table: head.table,
                    renamed_from: rename_hint(&statement.comments),
                    version: head.version,
                    roles: head.roles,
                    or_replace: head.or_replace,
                    sql: statement.sql,
                }),
                Err(why) => errors.push((
                    source.path().to_string(),
                    span.start,
                    Report::at(&source, span, why),
                )),
            }
        }
    }
    errors.extend(duplicates(&statements));
    if errors.is_empty() {
        Ok(SqlFiles { statements })
    } else {
        errors.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        Err(errors.into_iter().map(|(_, _, report)| report).collect())
    }
}

/// `-- petal: renamed_from = old_name` among the comment lines above a
/// statement.
fn rename_hint(comments: &[String]) -> Option<String> {
    comments.iter().find_map(|line| {
        let rest = line.trim().strip_prefix("petal:")?.trim();
        let value = rest
            .strip_prefix("renamed_from")?
            .trim()
            .strip_prefix('=')?;
        let value = value.trim().trim_matches('"').trim();
        (!value.is_empty()).then(|| value.to_string())
    })
}

/// What two declarations of one object share: the namespace they name it
/// in (relations, types, triggers of a table, ...) and the name.
fn identity(statement: &Declared) -> Option<(u8, String)> {
    let name = statement.name.as_ref()?;
    let namespace = match statement.kind {
        Kind::View
        | Kind::MaterializedView
        | Kind::Sequence
        | Kind::Index
        | Kind::Partition
        | Kind::InheritanceChild => 0,
        Kind::Domain | Kind::CompositeType | Kind::RangeType => 1,
        Kind::Schema => 2,
        Kind::Extension => 3,
        Kind::Collation => 8,
        Kind::Trigger => 4,
        Kind::TriggerState => 5,
        Kind::SequenceOwner => 7,
        Kind::Policy => 6,
        // A column's default on its table, once.
        Kind::ColumnDefault => 9,
        // Overloads share a name: the server tells two of one signature.
        // A table's security may take two switches (ENABLE, FORCE); grants
        // add up.
        Kind::Function
        | Kind::Procedure
        | Kind::Aggregate
        | Kind::Comment
        | Kind::RowSecurity
        | Kind::Grant => return None,
    };
    // A trigger's or policy's name is its table's; a sequence has one
    // owner, whichever table it names.
    let table = statement
        .table
        .as_ref()
        .filter(|_| statement.kind != Kind::SequenceOwner)
        .map(|t| format!("{t} "))
        .unwrap_or_default();
    Some((namespace, format!("{table}{name}")))
}

/// Every declaration of an object already declared, reported with the
/// place of the first.
fn duplicates(statements: &[Declared]) -> Vec<(String, usize, Report)> {
    let mut first: BTreeMap<(u8, String), &Declared> = BTreeMap::new();
    let mut errors = Vec::new();
    for statement in statements {
        let Some(key) = identity(statement) else {
            continue;
        };
        match first.get(&key) {
            Some(earlier) => errors.push((
                statement.source.path().to_string(),
                statement.span.start,
                statement
                    .report(format!(
                        "{} `{}` is declared twice",
                        statement.kind.noun(),
                        key.1
                    ))
                    .with_note(format!(
                        "first declared at {} (as a {})",
                        earlier.place(),
                        earlier.kind.noun()
                    )),
            )),
            None => {
                first.insert(key, statement);
            }
        }
    }
    errors
}
