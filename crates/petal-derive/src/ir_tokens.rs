//! IR values → the Rust expressions that build them at run time, written as
//! struct literals through `::petal::ir`.

use petal_ir::{
    Check, Column, Deferrable, EnumType, Exclusion, FkAction, ForeignKey, Identity, Index,
    IndexKey, IndexKeyExpr, PrimaryKey, QualifiedName, ReplicaIdentity, Table, TableOptions,
    Unique,
};
use proc_macro2::TokenStream;
use quote::quote;

pub fn string(s: &str) -> TokenStream {
    quote!(::petal::__private::String::from(#s))
}

fn opt<T>(value: &Option<T>, f: impl Fn(&T) -> TokenStream) -> TokenStream {
    match value {
        Some(v) => {
            let v = f(v);
            quote!(::petal::__private::Option::Some(#v))
        }
        None => quote!(::petal::__private::Option::None),
    }
}

fn vec<T>(items: &[T], f: impl Fn(&T) -> TokenStream) -> TokenStream {
    let items = items.iter().map(f);
    quote!(::petal::__private::Vec::from([#(#items),*]))
}

fn strings(items: &[String]) -> TokenStream {
    vec(items, |s| string(s))
}

pub fn qualified(name: &QualifiedName) -> TokenStream {
    let (schema, name) = (&name.schema, &name.name);
    quote!(::petal::ir::QualifiedName::new(#schema, #name))
}

/// The table; `column_types[i]`, when given, replaces the type of column `i`
/// (the derive's `<T as petal::SqlType>::sql_type()`).
pub fn table(t: &Table, column_types: &[Option<TokenStream>]) -> TokenStream {
    let name = qualified(&t.name);
    let columns = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| column(c, column_types.get(i).cloned().flatten()));
    let primary_key = opt(&t.primary_key, primary_key);
    let uniques = vec(&t.uniques, unique);
    let checks = vec(&t.checks, check);
    let foreign_keys = vec(&t.foreign_keys, foreign_key);
    let exclusions = vec(&t.exclusions, exclusion);
    let indexes = vec(&t.indexes, index);
    let comment = opt(&t.comment, |c| string(c));
    let renamed_from = opt(&t.renamed_from, qualified);
    let options = table_options(&t.options);
    let partition_by = opt(&t.partition_by, |p| string(p));
    quote! {
        ::petal::ir::Table {
            name: #name,
            columns: ::petal::__private::Vec::from([#(#columns),*]),
            primary_key: #primary_key,
            uniques: #uniques,
            checks: #checks,
            foreign_keys: #foreign_keys,
            exclusions: #exclusions,
            indexes: #indexes,
            comment: #comment,
            options: #options,
            partition_by: #partition_by,
            partition_of: ::petal::__private::Option::None,
            own_defaults: ::petal::__private::BTreeMap::new(),
            index_copies: ::petal::__private::BTreeMap::new(),
            inherits: ::petal::__private::Vec::new(),
            renamed_from: #renamed_from,
        }
    }
}

fn table_options(o: &TableOptions) -> TokenStream {
    let unlogged = o.unlogged;
    let row_level_security = o.row_level_security;
    let force_row_level_security = o.force_row_level_security;
    let storage = strings(&o.storage);
    let identity = match &o.replica_identity {
        ReplicaIdentity::Default => quote!(::petal::ir::ReplicaIdentity::Default),
        ReplicaIdentity::Full => quote!(::petal::ir::ReplicaIdentity::Full),
        ReplicaIdentity::Nothing => quote!(::petal::ir::ReplicaIdentity::Nothing),
        ReplicaIdentity::Index(name) => {
            let name = string(name);
            quote!(::petal::ir::ReplicaIdentity::Index(#name))
        }
    };
    quote! {
        ::petal::ir::TableOptions {
            unlogged: #unlogged,
            storage: #storage,
            replica_identity: #identity,
            row_level_security: #row_level_security,
            force_row_level_security: #force_row_level_security,
        }
    }
}

fn column(c: &Column, ty: Option<TokenStream>) -> TokenStream {
    let name = string(&c.name);
    let ty = ty.unwrap_or_else(|| {
        let text = c.ty.as_str();
        quote!(::petal::ir::SqlType::from_canonical(#text))
    });
    let nullable = c.nullable;
    let default = opt(&c.default, |d| string(d));
    let identity = opt(&c.identity, |i| match i {
        Identity::Always => quote!(::petal::ir::Identity::Always),
        Identity::ByDefault => quote!(::petal::ir::Identity::ByDefault),
    });
    let serial = c.serial;
    let sequence = opt(&c.sequence, qualified);
    let generated = opt(&c.generated, |g| string(g));
    let collation = opt(&c.collation, |g| string(g));
    let comment = opt(&c.comment, |g| string(g));
    let renamed_from = opt(&c.renamed_from, |g| string(g));
    quote! {
        ::petal::ir::Column {
            name: #name,
            ty: #ty,
            nullable: #nullable,
            not_null_not_valid: ::core::option::Option::None,
            default: #default,
            identity: #identity,
            serial: #serial,
            sequence: #sequence,
            generated: #generated,
            collation: #collation,
            comment: #comment,
            renamed_from: #renamed_from,
        }
    }
}

fn primary_key(pk: &PrimaryKey) -> TokenStream {
    let name = string(&pk.name);
    let columns = strings(&pk.columns);
    let deferrable = deferrable(pk.deferrable);
    let comment = opt(&pk.comment, |c| string(c));
    quote!(::petal::ir::PrimaryKey {
        name: #name,
        columns: #columns,
        deferrable: #deferrable,
        comment: #comment,
    })
}

fn unique(u: &Unique) -> TokenStream {
    let name = string(&u.name);
    let columns = strings(&u.columns);
    let nnd = u.nulls_not_distinct;
    let deferrable = deferrable(u.deferrable);
    let comment = opt(&u.comment, |c| string(c));
    quote! {
        ::petal::ir::Unique {
            name: #name,
            columns: #columns,
            nulls_not_distinct: #nnd,
            deferrable: #deferrable,
            comment: #comment,
        }
    }
}

fn check(c: &Check) -> TokenStream {
    let name = string(&c.name);
    let expr = string(&c.expr);
    let not_valid = c.not_valid;
    let no_inherit = c.no_inherit;
    let comment = opt(&c.comment, |c| string(c));
    quote! {
        ::petal::ir::Check {
            name: #name,
            expr: #expr,
            not_valid: #not_valid,
            no_inherit: #no_inherit,
            comment: #comment,
        }
    }
}

fn foreign_key(fk: &ForeignKey) -> TokenStream {
    let name = string(&fk.name);
    let columns = strings(&fk.columns);
    let ref_table = qualified(&fk.ref_table);
    let ref_columns = strings(&fk.ref_columns);
    let on_delete = action(fk.on_delete);
    let on_update = action(fk.on_update);
    let deferrable = deferrable(fk.deferrable);
    let not_valid = fk.not_valid;
    let comment = opt(&fk.comment, |c| string(c));
    quote! {
        ::petal::ir::ForeignKey {
            name: #name,
            columns: #columns,
            ref_table: #ref_table,
            ref_columns: #ref_columns,
            on_delete: #on_delete,
            on_update: #on_update,
            deferrable: #deferrable,
            not_valid: #not_valid,
            comment: #comment,
        }
    }
}

fn exclusion(x: &Exclusion) -> TokenStream {
    let name = string(&x.name);
    let definition = string(&x.definition);
    let deferrable = deferrable(x.deferrable);
    let comment = opt(&x.comment, |c| string(c));
    quote! {
        ::petal::ir::Exclusion {
            name: #name,
            definition: #definition,
            deferrable: #deferrable,
            comment: #comment,
        }
    }
}

fn action(a: FkAction) -> TokenStream {
    match a {
        FkAction::NoAction => quote!(::petal::ir::FkAction::NoAction),
        FkAction::Restrict => quote!(::petal::ir::FkAction::Restrict),
        FkAction::Cascade => quote!(::petal::ir::FkAction::Cascade),
        FkAction::SetNull => quote!(::petal::ir::FkAction::SetNull),
        FkAction::SetDefault => quote!(::petal::ir::FkAction::SetDefault),
    }
}

fn deferrable(d: Deferrable) -> TokenStream {
    match d {
        Deferrable::NotDeferrable => quote!(::petal::ir::Deferrable::NotDeferrable),
        Deferrable::InitiallyImmediate => quote!(::petal::ir::Deferrable::InitiallyImmediate),
        Deferrable::InitiallyDeferred => quote!(::petal::ir::Deferrable::InitiallyDeferred),
    }
}

fn index(ix: &Index) -> TokenStream {
    let name = string(&ix.name);
    let unique = ix.unique;
    let method = string(&ix.method);
    let keys = vec(&ix.keys, index_key);
    let include = strings(&ix.include);
    let predicate = opt(&ix.predicate, |p| string(p));
    let nnd = ix.nulls_not_distinct;
    let comment = opt(&ix.comment, |c| string(c));
    let concurrently = ix.concurrently;
    let storage = strings(&ix.storage);
    quote! {
        ::petal::ir::Index {
            name: #name,
            unique: #unique,
            method: #method,
            keys: #keys,
            include: #include,
            predicate: #predicate,
            nulls_not_distinct: #nnd,
            comment: #comment,
            storage: #storage,
            concurrently: #concurrently,
            only: false,
        }
    }
}

fn index_key(k: &IndexKey) -> TokenStream {
    let expr = match &k.expr {
        IndexKeyExpr::Column(c) => {
            let c = string(c);
            quote!(::petal::ir::IndexKeyExpr::Column(#c))
        }
        IndexKeyExpr::Expression(e) => {
            let e = string(e);
            quote!(::petal::ir::IndexKeyExpr::Expression(#e))
        }
    };
    let descending = k.descending;
    let nulls_first = k.nulls_first;
    let opclass = opt(&k.opclass, |o| string(o));
    let collation = opt(&k.collation, |o| string(o));
    quote! {
        ::petal::ir::IndexKey {
            expr: #expr,
            descending: #descending,
            nulls_first: #nulls_first,
            opclass: #opclass,
            collation: #collation,
        }
    }
}

pub fn enum_type(e: &EnumType) -> TokenStream {
    let name = qualified(&e.name);
    let labels = strings(&e.labels);
    let comment = opt(&e.comment, |c| string(c));
    let renamed_from = opt(&e.renamed_from, qualified);
    let renamed = e.renamed_labels.iter().map(|(new, old)| {
        let (new, old) = (string(new), string(old));
        quote!((#new, #old))
    });
    quote! {
        ::petal::ir::EnumType {
            name: #name,
            labels: #labels,
            comment: #comment,
            renamed_from: #renamed_from,
            renamed_labels: ::petal::__private::BTreeMap::from([#(#renamed),*]),
        }
    }
}
