//! Constraint and index rows → IR values, before they are put into their
//! tables (constraints name their columns by number until then).

use petal_ir::{
    Check, Deferrable, Exclusion, FkAction, ForeignKey, Index, IndexKey, IndexKeyExpr, PrimaryKey,
    QualifiedName, Unique,
};

use super::rows::{Rows, get, unknown};
use crate::error::PgError;

/// `indoption` bits (`INDOPTION_DESC`, `INDOPTION_NULLS_FIRST`).
const INDOPTION_DESC: i32 = 1;
const INDOPTION_NULLS_FIRST: i32 = 2;

pub(super) struct ParsedConstraint {
    pub oid: u32,
    pub table_oid: u32,
    /// The constrained columns' attnums, in constraint order.
    pub column_nums: Vec<i16>,
    /// With empty `columns` until [`ConstraintKind::with_columns`].
    pub kind: ConstraintKind,
}

pub(super) enum ConstraintKind {
    Primary(PrimaryKey),
    Unique(Unique),
    Check(Check),
    Exclusion(Exclusion),
    Foreign(ForeignKey),
}

impl ConstraintKind {
    pub fn name(&self) -> &str {
        match self {
            ConstraintKind::Primary(c) => &c.name,
            ConstraintKind::Unique(c) => &c.name,
            ConstraintKind::Check(c) => &c.name,
            ConstraintKind::Exclusion(c) => &c.name,
            ConstraintKind::Foreign(c) => &c.name,
        }
    }

    /// Fills in the constrained columns' names (a check names none).
    pub fn with_columns(mut self, names: Vec<String>) -> Self {
        match &mut self {
            ConstraintKind::Primary(c) => c.columns = names,
            ConstraintKind::Unique(c) => c.columns = names,
            ConstraintKind::Check(_) | ConstraintKind::Exclusion(_) => {}
            ConstraintKind::Foreign(c) => c.columns = names,
        }
        self
    }
}

pub(super) fn constraints(rows: Rows) -> Result<Vec<ParsedConstraint>, PgError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let table_oid: u32 = get(row, "table_oid")?;
        let name: String = get(row, "name")?;
        let context = || format!("constraint {name:?} on the table with oid {table_oid}");
        let deferrable = match (
            get::<bool>(row, "deferrable")?,
            get::<bool>(row, "deferred")?,
        ) {
            (false, _) => Deferrable::NotDeferrable,
            (true, false) => Deferrable::InitiallyImmediate,
            (true, true) => Deferrable::InitiallyDeferred,
        };
        let comment: Option<String> = get(row, "comment")?;
        let not_valid: bool = get(row, "not_valid")?;
        let kind = match get::<String>(row, "kind")?.as_str() {
            "p" => ConstraintKind::Primary(PrimaryKey {
                name,
                columns: Vec::new(),
                deferrable,
                comment,
            }),
            "u" => ConstraintKind::Unique(Unique {
                name,
                columns: Vec::new(),
                nulls_not_distinct: get(row, "nulls_not_distinct")?,
                deferrable,
                comment,
            }),
            "c" => {
                let expr: Option<String> = get(row, "check_expr")?;
                let expr = expr
                    .ok_or_else(|| PgError::Catalog(format!("{} has no expression", context())))?;
                ConstraintKind::Check(Check {
                    not_valid,
                    no_inherit: get(row, "no_inherit")?,
                    name,
                    expr,
                    comment,
                })
            }
            "x" => {
                let text: Option<String> = get(row, "exclusion")?;
                let text = text
                    .ok_or_else(|| PgError::Catalog(format!("{} has no definition", context())))?;
                ConstraintKind::Exclusion(Exclusion {
                    definition: without_deferrability(&text),
                    name,
                    deferrable,
                    comment,
                })
            }
            "f" => {
                let ref_schema: Option<String> = get(row, "ref_schema")?;
                let ref_table: Option<String> = get(row, "ref_table")?;
                let (Some(ref_schema), Some(ref_table)) = (ref_schema, ref_table) else {
                    return Err(PgError::Catalog(format!(
                        "{}: the referenced table was not found",
                        context()
                    )));
                };
                ConstraintKind::Foreign(ForeignKey {
                    not_valid,
                    comment,
                    columns: Vec::new(),
                    ref_table: QualifiedName::new(ref_schema, ref_table),
                    ref_columns: get::<Option<Vec<String>>>(row, "ref_columns")?
                        .unwrap_or_default(),
                    on_delete: fk_action(&get::<String>(row, "on_delete")?, &context())?,
                    on_update: fk_action(&get::<String>(row, "on_update")?, &context())?,
                    deferrable,
                    name,
                })
            }
            other => return Err(unknown("contype", other, &context())),
        };
        // An exclusion constraint's definition names its columns, and its
        // expression elements are column 0.
        let column_nums = match kind {
            ConstraintKind::Exclusion(_) => Vec::new(),
            _ => get(row, "column_nums")?,
        };
        out.push(ParsedConstraint {
            oid: get(row, "oid")?,
            table_oid,
            column_nums,
            kind,
        });
    }
    Ok(out)
}

/// `pg_get_constraintdef` ends with ` DEFERRABLE` and then ` INITIALLY
/// DEFERRED` as they apply; the IR keeps them apart.
fn without_deferrability(text: &str) -> String {
    let text = text.strip_suffix(" INITIALLY DEFERRED").unwrap_or(text);
    text.strip_suffix(" DEFERRABLE").unwrap_or(text).to_string()
}

fn fk_action(code: &str, context: &str) -> Result<FkAction, PgError> {
    Ok(match code {
        "a" => FkAction::NoAction,
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        other => return Err(unknown("foreign key action", other, context)),
    })
}

/// An index as read: its relation's oid (a table's or a materialized
/// view's), its own oid, the index.
pub(super) struct IndexRow {
    pub relation: u32,
    pub oid: u32,
    pub index: Index,
}

/// Index rows come one per index column, ordered by relation, index name
/// and position: consecutive rows with the same relation and name are one
/// index.
pub(super) fn indexes(rows: Rows) -> Result<Vec<IndexRow>, PgError> {
    let mut out: Vec<IndexRow> = Vec::new();
    for row in &rows {
        let table_oid: u32 = get(row, "table_oid")?;
        let name: String = get(row, "name")?;
        let same =
            matches!(out.last(), Some(ix) if ix.relation == table_oid && ix.index.name == name);
        if !same {
            out.push(IndexRow {
                relation: table_oid,
                oid: get(row, "index_oid")?,
                index: Index {
                    name: name.clone(),
                    unique: get(row, "is_unique")?,
                    method: get(row, "method")?,
                    keys: Vec::new(),
                    include: Vec::new(),
                    predicate: get(row, "predicate")?,
                    nulls_not_distinct: get(row, "nulls_not_distinct")?,
                    storage: get::<Option<Vec<String>>>(row, "storage")?.unwrap_or_default(),
                    comment: get(row, "comment")?,
                    concurrently: false,
                    only: get(row, "only_table")?,
                },
            });
        }
        let Some(IndexRow { index, .. }) = out.last_mut() else {
            continue;
        };
        let column: Option<String> = get(row, "column_name")?;
        let expr: Option<String> = get(row, "expr")?;
        let key_expr = match (column, expr) {
            (Some(c), _) => IndexKeyExpr::Column(c),
            (None, Some(e)) => IndexKeyExpr::Expression(e),
            (None, None) => {
                return Err(PgError::Catalog(format!(
                    "index {name}: a column that is neither a table column nor an expression"
                )));
            }
        };
        if get::<i32>(row, "pos")? > get::<i32>(row, "key_count")? {
            match key_expr {
                IndexKeyExpr::Column(c) => index.include.push(c),
                IndexKeyExpr::Expression(e) => {
                    return Err(PgError::Catalog(format!(
                        "index {name}: INCLUDE holds an expression ({e})"
                    )));
                }
            }
            continue;
        }
        let options: i32 = get(row, "options")?;
        index.keys.push(IndexKey {
            expr: key_expr,
            descending: options & INDOPTION_DESC != 0,
            nulls_first: options & INDOPTION_NULLS_FIRST != 0,
            opclass: get(row, "opclass")?,
            collation: get(row, "collation")?,
        });
    }
    Ok(out)
}
