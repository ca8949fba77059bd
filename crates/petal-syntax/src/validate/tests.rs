//! Validation's messages, each at the attribute it is about.

use syn::parse_quote;

use crate::{enum_model, table_model};

fn errors(input: syn::DeriveInput) -> Vec<String> {
    match table_model(&input) {
        Ok(_) => Vec::new(),
        Err(diags) => diags.into_iter().map(|d| d.message).collect(),
    }
}

#[test]
fn names_must_fit_postgresql() {
    let long = "x".repeat(64);
    let input: syn::DeriveInput = parse_quote! {
        #[petal(table = "", unique(name = #long, columns(a)))]
        struct T { a: i32 }
    };
    let errs = errors(input);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!(errs[0], "`table` cannot be empty");
    assert!(
        errs[1].starts_with(&format!("name `{long}` is 64 bytes long")),
        "{errs:?}"
    );
}

#[test]
fn a_missing_table_name_is_reported_unless_misspelled() {
    let missing: syn::DeriveInput = parse_quote!(
        struct T {
            a: i32,
        }
    );
    assert_eq!(
        errors(missing),
        ["`T` has no table name: add `#[petal(table = \"...\")]`"]
    );
    let misspelled: syn::DeriveInput = parse_quote!(
        #[petal(tabel = "t")]
        struct T {
            a: i32,
        }
    );
    assert_eq!(
        errors(misspelled),
        ["unknown table attribute `tabel`; did you mean `table`?"]
    );
}

#[test]
fn settings_given_twice_and_actions_without_references() {
    let input: syn::DeriveInput = parse_quote! {
        #[petal(table = "t", table = "u")]
        struct T {
            #[petal(on_delete = "cascade")]
            a: i32,
            #[petal(identity = "always", default = "1")]
            b: i64,
        }
    };
    assert_eq!(
        errors(input),
        [
            "`table` is given twice",
            "`on_delete`/`on_update` on `a`, which has no `references = \"table.column\"`",
            "`b` has both a `default` and an `identity`; PostgreSQL allows one or the other",
        ]
    );
}

#[test]
fn enums_need_unit_variants_and_distinct_labels() {
    let input: syn::DeriveInput = parse_quote! {
        enum E { A(i32), #[petal(rename = "a")] B, #[petal(renam = "c")] C }
    };
    let errs: Vec<String> = match enum_model(&input) {
        Ok(_) => Vec::new(),
        Err(d) => d.into_iter().map(|d| d.message).collect(),
    };
    assert_eq!(
        errs,
        [
            "variant `A` has fields; a `DbEnum` has unit variants only",
            "unknown variant attribute `renam`; did you mean `rename`?",
            "duplicate label `a`: variant `A` already has it",
        ]
    );
}

#[test]
fn what_postgresql_would_refuse_is_said_at_the_attribute() {
    let errs = errors(parse_quote! {
        #[petal(table = "t")]
        #[petal(foreign_key(columns(a, b), references = "u(x)"))]
        #[petal(foreign_key(columns(a, nope), references = "u(x, y)"))]
        #[petal(index(columns(a), nulls_not_distinct))]
        #[petal(index(columns(b), method = "gin", order = "desc"))]
        #[petal(check(name = "same", expr = "a > 0"), unique(name = "same", columns(a)))]
        #[petal(index(columns(a, b), name = "same"))]
        struct T { a: i32, b: i32 }
    });
    assert_eq!(
        errs,
        [
            "the name `same` is taken by this table's unique constraint: two constraints of a \
             table cannot share a name",
            "the name `same` is taken by this table's unique constraint: two indexes of a \
             schema cannot share a name (a key and an exclusion constraint have one)",
            "`foreign_key` names unknown column `nope`",
            "the foreign key has 2 columns and references 1: it references as many columns as \
             it has, in their order",
            "`nulls_not_distinct` on an index that is not `unique`: it makes NULLs equal for \
             uniqueness; add `unique`",
            "`order` on a `gin` index: only a btree index keeps its keys in order",
        ]
    );
    let malformed = errors(parse_quote! {
        #[petal(table = "t")]
        #[petal(foreign_key(columns(a), references = "u.x"))]
        #[petal(foreign_key(columns(a)))]
        #[petal(primary_key(name = "k"))]
        struct T { #[petal(index(order = "downwards"))] a: i32 }
    });
    assert_eq!(
        malformed,
        [
            "malformed `references = \"u.x\"`: the referenced columns are missing; expected \
             \"table(column, ...)\" or \"schema.table(column, ...)\", a name with a space, a \
             dot, a comma, a parenthesis or a quote in double quotes \
             (`r#\"\"Order Items\"(\"Item Id\")\"#`)",
            "a foreign key needs what it references: `foreign_key(columns(a, b), references = \
             \"table(x, y)\")`",
            "beside its options, a primary key on the struct needs its columns: \
             `primary_key(columns(a, b), name = \"...\")`",
            "unknown key order \"downwards\": expected `asc` or `desc`, then `nulls first` or \
             `nulls last` if need be (`desc nulls last`)",
        ]
    );
}
