//! Parsing `#[derive(Table)]` structs and their fields.

use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Fields};

use super::constraints::{
    FOREIGN_KEY, constraint_option, parse_check, parse_exclusion, parse_field_primary_key,
    parse_primary_key, parse_unique,
};
use super::foreign_key::{fk_action, parse_foreign_key, parse_reference};
use super::index::parse_index;
use super::table_options::{partition_by, replica_identity, storage_parameters};
use super::{FIELD_ATTRS, Once, TABLE_ATTRS, identity, string, unknown};
use crate::ast::{ConstraintOptions, FieldModel, Spanned, TableModel};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::meta::petal_items;

/// Parses a `#[derive(Table)]` struct. The model comes back even when some
/// items were wrong (those are left out), so that validation can still
/// report the mistakes that do not depend on them.
pub fn parse_table(input: &DeriveInput) -> (TableModel, Vec<Diagnostic>) {
    let mut diags = Diagnostics::new();
    let mut model = TableModel {
        ident: input.ident.clone(),
        table: None,
        schema: None,
        primary_key: None,
        primary_key_options: ConstraintOptions::default(),
        primary_key_name: None,
        indexes: Vec::new(),
        uniques: Vec::new(),
        checks: Vec::new(),
        exclusions: Vec::new(),
        foreign_keys: Vec::new(),
        comment: None,
        renamed_from: None,
        unlogged: None,
        storage: None,
        replica_identity: None,
        partition_by: None,
        row_level_security: None,
        force_row_level_security: None,
        fields: Vec::new(),
    };
    let mut once = Once::default();
    for item in petal_items(&input.attrs, &mut diags) {
        let result = match item.name.as_str() {
            "table" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| model.table = Some(v)),
            "schema" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| model.schema = Some(v)),
            "comment" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| model.comment = Some(v)),
            "renamed_from" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| model.renamed_from = Some(v)),
            "primary_key" => once
                .check(&item)
                .and_then(|()| parse_primary_key(&item, &mut model, &mut diags)),
            "unlogged" => once
                .check(&item)
                .and_then(|()| item.flag())
                .map(|s| model.unlogged = Some(s)),
            "with" => once
                .check(&item)
                .and_then(|()| string(&item))
                .and_then(|v| storage_parameters(&v))
                .map(|v| model.storage = Some(v)),
            "replica_identity" => once
                .check(&item)
                .and_then(|()| string(&item))
                .and_then(|v| replica_identity(&v))
                .map(|v| model.replica_identity = Some(v)),
            "partition_by" => once
                .check(&item)
                .and_then(|()| string(&item))
                .and_then(|v| partition_by(&v))
                .map(|v| model.partition_by = Some(v)),
            "row_level_security" => once
                .check(&item)
                .and_then(|()| item.flag())
                .map(|s| model.row_level_security = Some(s)),
            "force_row_level_security" => once
                .check(&item)
                .and_then(|()| item.flag())
                .map(|s| model.force_row_level_security = Some(s)),
            "index" => parse_index(&item, None, &mut diags).map(|ix| model.indexes.push(ix)),
            "unique" => parse_unique(&item, None, &mut diags).map(|u| model.uniques.push(u)),
            "check" => parse_check(&item, &mut diags).map(|c| model.checks.push(c)),
            "exclude" => parse_exclusion(&item, &mut diags).map(|x| model.exclusions.push(x)),
            "foreign_key" => {
                parse_foreign_key(&item, &mut diags).map(|fk| model.foreign_keys.extend(fk))
            }
            other => Err(unknown("table", other, item.name_span, TABLE_ATTRS)),
        };
        if let Err(d) = result {
            diags.push(d);
        }
    }
    match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => {
                for field in &named.named {
                    if let Some(f) = parse_field(field, &mut model, &mut diags) {
                        model.fields.push(f);
                    }
                }
            }
            other => diags.error(
                other.span(),
                "a `Table` model needs named fields: `struct Order { id: i32, ... }`",
            ),
        },
        _ => diags.error(
            input.ident.span(),
            "`Table` can only be derived for a struct with named fields",
        ),
    }
    (model, diags.into_vec())
}

/// Parses a field; its `unique`/`index` items become table-level entries so
/// that declaration order is kept in one list.
fn parse_field(
    field: &syn::Field,
    table: &mut TableModel,
    diags: &mut Diagnostics,
) -> Option<FieldModel> {
    let ident = field.ident.clone()?;
    let mut f = FieldModel {
        ident,
        ty: field.ty.clone(),
        column: None,
        primary_key: None,
        default: None,
        sql_type: None,
        references: None,
        on_delete: None,
        on_update: None,
        foreign_key: ConstraintOptions::default(),
        unique: None,
        index: None,
        renamed_from: None,
        comment: None,
        skip: None,
        identity: None,
        generated: None,
        sequence: None,
        collation: None,
    };
    let column_name = |f: &FieldModel| Spanned::new(f.column_name(), f.ident.span());
    let mut once = Once::default();
    for item in petal_items(&field.attrs, diags) {
        if let Some(result) = constraint_option(&item, &mut f.foreign_key, &mut once, FOREIGN_KEY) {
            if let Err(d) = result {
                diags.push(d);
            }
            continue;
        }
        let result = match item.name.as_str() {
            "column" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| f.column = Some(v)),
            "default" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| f.default = Some(v)),
            "sql_type" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| f.sql_type = Some(v)),
            "comment" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| f.comment = Some(v)),
            "renamed_from" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| f.renamed_from = Some(v)),
            "primary_key" => once
                .check(&item)
                .and_then(|()| parse_field_primary_key(&item, table, diags))
                .map(|s| f.primary_key = Some(s)),
            "skip" => once
                .check(&item)
                .and_then(|()| item.flag())
                .map(|s| f.skip = Some(s)),
            "references" => once
                .check(&item)
                .and_then(|()| string(&item))
                .and_then(|v| parse_reference(&v))
                .map(|r| f.references = Some(r)),
            "on_delete" => once
                .check(&item)
                .and_then(|()| fk_action(&item))
                .map(|a| f.on_delete = Some(a)),
            "on_update" => once
                .check(&item)
                .and_then(|()| fk_action(&item))
                .map(|a| f.on_update = Some(a)),
            "identity" => once
                .check(&item)
                .and_then(|()| identity(&item))
                .map(|i| f.identity = Some(i)),
            "generated" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| f.generated = Some(v)),
            "sequence" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| f.sequence = Some(v)),
            "collation" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| f.collation = Some(v)),
            "unique" => once.check(&item).and_then(|()| {
                f.unique = Some(item.name_span);
                parse_unique(&item, Some(column_name(&f)), diags).map(|u| table.uniques.push(u))
            }),
            "index" => once.check(&item).and_then(|()| {
                f.index = Some(item.name_span);
                parse_index(&item, Some(column_name(&f)), diags).map(|ix| table.indexes.push(ix))
            }),
            other => Err(unknown("field", other, item.name_span, FIELD_ATTRS)),
        };
        if let Err(d) = result {
            diags.push(d);
        }
    }
    Some(f)
}
