//! Lowering: default names, nullability and identity, and what the
//! grammar's keys, foreign keys and index orders become.

use petal_ir::Identity;
use syn::parse_quote;

use super::*;
use crate::types::MappedKind;

struct Builtins;

impl ResolveType for Builtins {
    fn resolve(&self, field: &FieldModel, mapped: &MappedType) -> Result<SqlType, Diagnostic> {
        match &mapped.kind {
            MappedKind::Builtin(t) => Ok(t.clone()),
            _ => Err(Diagnostic::new(field.span(), "not a builtin")),
        }
    }
}

fn lower(input: syn::DeriveInput) -> Table {
    let model = crate::table_model(&input).unwrap_or_else(|d| panic!("{d:?}"));
    match crate::lower_table_alone(&model, &Builtins) {
        Ok(lowered) => lowered.table,
        Err(d) => panic!("{d:?}"),
    }
}

#[test]
fn default_names_follow_postgresql_creation_order() {
    let t = lower(parse_quote! {
        #[petal(table = "t", index(columns(a)), index(columns(b), name = "t_b_idx"))]
        #[petal(check(expr = "a > b"), check(expr = "a < b + 10"))]
        struct T {
            #[petal(primary_key)]
            id: i32,
            #[petal(unique, index, references = "u.id")]
            a: i32,
            #[petal(index)]
            b: i32,
        }
    });
    let names = |v: Vec<&String>| v.into_iter().cloned().collect::<Vec<_>>();
    assert_eq!(t.primary_key.map(|p| p.name).as_deref(), Some("t_pkey"));
    assert_eq!(
        names(t.uniques.iter().map(|u| &u.name).collect()),
        ["t_a_key"]
    );
    assert_eq!(
        names(t.checks.iter().map(|c| &c.name).collect()),
        ["t_check", "t_check1"]
    );
    assert_eq!(
        names(t.foreign_keys.iter().map(|f| &f.name).collect()),
        ["t_a_fkey"]
    );
    // The container's index on `a` comes first; the explicit `t_b_idx`
    // pushes the unnamed index on `b` to `t_b_idx1`. Sorted by name.
    assert_eq!(
        names(t.indexes.iter().map(|i| &i.name).collect()),
        ["t_a_idx", "t_a_idx1", "t_b_idx", "t_b_idx1"]
    );
}

#[test]
fn nullability_and_identity() {
    let t = lower(parse_quote! {
        #[petal(table = "t")]
        struct T {
            #[petal(primary_key)]
            id: Option<i64>,
            #[petal(identity = "by default")]
            seq: Option<i32>,
            name: Option<String>,
            code: String,
            #[petal(sql_type = "varchar(20)")]
            tag: Option<Whatever>,
        }
    });
    let col = |n: &str| t.column(n).cloned().unwrap_or_else(|| panic!("{n}"));
    // A primary key and an identity are NOT NULL whatever the type says.
    assert!(!col("id").nullable);
    assert_eq!(col("id").identity, Some(Identity::ByDefault));
    assert!(!col("seq").nullable);
    assert!(col("name").nullable);
    assert!(!col("code").nullable);
    assert_eq!(col("tag").ty.as_str(), "character varying(20)");
    assert!(col("tag").nullable);
}

#[test]
fn only_a_lone_integer_key_gets_an_identity() {
    let text_key = lower(parse_quote! {
        #[petal(table = "t")]
        struct T { #[petal(primary_key)] code: String }
    });
    assert_eq!(text_key.columns[0].identity, None);
    let typed_key = lower(parse_quote! {
        #[petal(table = "t")]
        struct T { #[petal(primary_key, sql_type = "bigint")] id: MyId }
    });
    assert_eq!(typed_key.columns[0].identity, Some(Identity::ByDefault));
    let model = crate::table_model(&parse_quote! {
        #[petal(table = "t")]
        struct T { #[petal(identity = "always")] code: String }
    });
    let errors = model.map(|m| crate::lower_table_alone(&m, &Builtins).map(|_| ()));
    let message = match errors {
        Ok(Err(d)) => d[0].message.clone(),
        _ => panic!("an identity on a text column was accepted"),
    };
    assert_eq!(
        message,
        "`identity` on `code`, a `text` column: an identity column is smallint, integer or bigint"
    );
    let opted_out = lower(parse_quote! {
        #[petal(table = "t")]
        struct T { #[petal(primary_key, identity = "none")] id: i32 }
    });
    assert_eq!(opted_out.columns[0].identity, None);
}

#[test]
fn foreign_keys_of_the_struct_and_the_fields() {
    let t = lower(parse_quote! {
        #[petal(table = "lines")]
        #[petal(foreign_key(
            columns(order_id, region),
            references = r#""my schema"."Order Items"("Item Id", "Region")"#,
            on_delete = "cascade",
            on_update = "set null",
            initially_deferred,
            not_valid,
            comment = "the item"
        ))]
        #[petal(foreign_key(columns(order_id), references = "orders(id)", name = "by_order"))]
        #[petal(foreign_key(columns(order_id), references = "orders (id)"))]
        struct Line {
            #[petal(references = "orders.id", column = "order_ref")]
            order_id: i64,
            region: String,
        }
    });
    let keys: Vec<_> = t
        .foreign_keys
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.columns.join(","),
                f.ref_table.to_string(),
            )
        })
        .collect();
    // The struct's unnamed keys are named first; the field's then takes
    // `lines_order_ref_fkey1`, as PostgreSQL names them in turn.
    assert_eq!(
        keys,
        [
            ("by_order", "order_ref".into(), "public.orders".into()),
            (
                "lines_order_ref_fkey",
                "order_ref".into(),
                "public.orders".into()
            ),
            (
                "lines_order_ref_fkey1",
                "order_ref".into(),
                "public.orders".into()
            ),
            (
                "lines_order_ref_region_fkey",
                "order_ref,region".into(),
                "my schema.Order Items".into()
            ),
        ]
    );
    let quoted = &t.foreign_keys[3];
    assert_eq!(quoted.ref_columns, ["Item Id", "Region"]);
    assert_eq!(quoted.on_delete, petal_ir::FkAction::Cascade);
    assert_eq!(quoted.on_update, petal_ir::FkAction::SetNull);
    assert_eq!(quoted.deferrable, petal_ir::Deferrable::InitiallyDeferred);
    assert!(quoted.not_valid);
    assert_eq!(quoted.comment.as_deref(), Some("the item"));
}

#[test]
fn primary_keys_take_a_name() {
    let on_struct = lower(parse_quote! {
        #[petal(table = "t", primary_key(columns(a, b), name = "t_key", deferrable))]
        struct T { a: i32, b: i32 }
    });
    let pk = on_struct.primary_key.unwrap_or_else(|| panic!("no key"));
    assert_eq!((pk.name.as_str(), pk.columns.len()), ("t_key", 2));
    assert_eq!(pk.deferrable, petal_ir::Deferrable::InitiallyImmediate);
    let on_field = lower(parse_quote! {
        #[petal(table = "t")]
        struct T { #[petal(primary_key(name = "Old PK", comment = "k"))] id: i32 }
    });
    let pk = on_field.primary_key.unwrap_or_else(|| panic!("no key"));
    assert_eq!(
        (pk.name.as_str(), pk.comment.as_deref()),
        ("Old PK", Some("k"))
    );
    assert_eq!(on_field.columns[0].identity, Some(Identity::ByDefault));
}

#[test]
fn index_keys_take_an_order() {
    let t = lower(parse_quote! {
        #[petal(table = "t")]
        #[petal(index(
            expr = "lower(title)",
            columns(created_at, title),
            order = "desc",
            order(created_at = "asc nulls first", title = "asc"),
        ))]
        #[petal(index(columns(title), unique, nulls_not_distinct, name = "t_title_uq"))]
        struct T {
            title: Option<String>,
            created_at: i64,
            #[petal(index(order = "desc nulls last"))]
            rank: i32,
        }
    });
    let order = |name: &str| -> Vec<(bool, bool)> {
        let index = t.indexes.iter().find(|i| i.name == name);
        let index = index.unwrap_or_else(|| panic!("no index {name}"));
        index
            .keys
            .iter()
            .map(|k| (k.descending, k.nulls_first))
            .collect()
    };
    assert_eq!(
        order("t_lower_created_at_title_idx"),
        [(true, true), (false, true), (false, false)]
    );
    assert_eq!(order("t_rank_idx"), [(true, false)]);
    let unique = t.indexes.iter().find(|i| i.name == "t_title_uq");
    assert!(unique.is_some_and(|i| i.unique && i.nulls_not_distinct));
}
