//! `petal::migrate!("migrations")` and `#[petal::test]`: a migrations
//! directory embedded in the binary at compile time, and a test run on a
//! database of its own at head.
//!
//! The directory is read and every file parsed here, with petal's one
//! parser, so a malformed migration fails the build at its `file:line:col`
//! instead of the service's startup.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{ItemFn, LitStr, Token};

/// The directory a `migrate!` names when it names none.
const DEFAULT_DIR: &str = "migrations";

/// `migrate!()` or `migrate!("dir")`, the directory relative to the
/// embedding crate's `Cargo.toml`.
pub struct MigrateArgs {
    dir: Option<LitStr>,
}

impl Parse for MigrateArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Ok(MigrateArgs { dir: None });
        }
        let dir: LitStr = input.parse()?;
        let _: Option<Token![,]> = input.parse()?;
        Ok(MigrateArgs { dir: Some(dir) })
    }
}

pub fn expand_migrate(args: &MigrateArgs) -> TokenStream {
    let (dir, span) = match &args.dir {
        Some(lit) => (lit.value(), lit.span()),
        None => (DEFAULT_DIR.to_string(), Span::call_site()),
    };
    match embedded_files(&dir) {
        Ok(files) => {
            let entries = files.iter().map(|(shown, absolute)| {
                quote! {
                    ::petal::runner::EmbeddedFile {
                        path: #shown,
                        text: ::core::include_str!(#absolute),
                    }
                }
            });
            quote! { ::petal::runner::EmbeddedMigrations::new(&[#(#entries),*]) }
        }
        Err(message) => syn::Error::new(span, message).to_compile_error(),
    }
}

/// Each migration file of `dir` as (the path errors show, relative to the
/// crate; the absolute path `include_str!` reads), in file-name order, all
/// parsed and their graph built first.
fn embedded_files(dir: &str) -> Result<Vec<(String, String)>, String> {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or("petal::migrate!: CARGO_MANIFEST_DIR is not set (build with cargo)")?;
    let absolute = manifest.join(dir);
    if !absolute.is_dir() {
        return Err(format!(
            "petal::migrate!: no directory {dir} beside this crate's Cargo.toml ({} does not \
             exist); name the migrations directory relative to it",
            absolute.display()
        ));
    }
    refuse_unembeddable_names(&absolute, dir)?;
    let files = petal_migrate::load::load_dir(&absolute)
        .map_err(|e| format!("petal::migrate!: the migrations in {dir} do not parse:\n{e}"))?;
    if files.is_empty() {
        return Err(format!(
            "petal::migrate!: {dir} holds no migration (*.sql) file: a binary carrying none \
             would start on any database"
        ));
    }
    let paths: Vec<PathBuf> = files.iter().map(|f| PathBuf::from(f.path())).collect();
    petal_migrate::RevisionGraph::build(files).map_err(|e| {
        format!("petal::migrate!: the migrations in {dir} do not form a history:\n{e}")
    })?;
    paths
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or_else(|| format!("petal::migrate!: {} is not UTF-8", path.display()))?;
            let shown = Path::new(dir).join(name).display().to_string();
            let absolute = path
                .to_str()
                .ok_or_else(|| format!("petal::migrate!: {} is not UTF-8", path.display()))?;
            Ok((shown, absolute.to_string()))
        })
        .collect()
}

/// A `*.sql` file whose name is not UTF-8 cannot be named to
/// `include_str!`: refused by name rather than embedded under a mangled
/// path that does not exist.
fn refuse_unembeddable_names(absolute: &Path, dir: &str) -> Result<(), String> {
    let entries = std::fs::read_dir(absolute)
        .map_err(|e| format!("petal::migrate!: cannot read {dir}: {e}"))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_str().is_none() && name.to_string_lossy().ends_with(".sql") {
            return Err(format!(
                "petal::migrate!: {dir}/{} has a name that is not UTF-8; rename it",
                name.to_string_lossy()
            ));
        }
    }
    Ok(())
}

/// `#[petal::test]` or `#[petal::test(migrations = "dir")]`.
pub struct TestArgs {
    migrations: Option<LitStr>,
}

impl Parse for TestArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Ok(TestArgs { migrations: None });
        }
        let key: syn::Ident = input.parse()?;
        if key != "migrations" {
            return Err(syn::Error::new(
                key.span(),
                format!("unknown petal::test option `{key}`; expected `migrations = \"dir\"`"),
            ));
        }
        let _: Token![=] = input.parse()?;
        let dir: LitStr = input.parse()?;
        let _: Option<Token![,]> = input.parse()?;
        if !input.is_empty() {
            return Err(input.error("petal::test takes one option: `migrations = \"dir\"`"));
        }
        Ok(TestArgs {
            migrations: Some(dir),
        })
    }
}

/// The test function, kept as it is inside a `#[test]` of the same name
/// that makes its database and runs it.
pub fn expand_test(args: &TestArgs, function: &ItemFn) -> TokenStream {
    let signature = &function.sig;
    if signature.asyncness.is_none() {
        return syn::Error::new_spanned(
            signature.fn_token,
            "#[petal::test] runs an async fn taking its database: `async fn name(db: \
             petal::runner::TestDatabase)`",
        )
        .to_compile_error();
    }
    if signature.inputs.len() != 1 {
        return syn::Error::new_spanned(
            &signature.inputs,
            "#[petal::test] gives the test one argument, its database: `db: \
             petal::runner::TestDatabase`",
        )
        .to_compile_error();
    }
    let dir = match &args.migrations {
        Some(lit) => quote!(#lit),
        None => quote!(#DEFAULT_DIR),
    };
    let name = &signature.ident;
    let vis = &function.vis;
    // The test's attributes (`#[ignore]`, `#[should_panic]`, another
    // macro's) go on the `#[test]` fn, once; the inner fn keeps only lint
    // levels, which its body may need.
    let (lints, attrs): (Vec<_>, Vec<_>) = function.attrs.iter().partition(|attr| {
        ["allow", "expect", "warn", "deny"]
            .iter()
            .any(|lint| attr.path().is_ident(lint))
    });
    let mut inner = function.clone();
    inner.attrs = lints.into_iter().cloned().collect();
    quote! {
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis fn #name() {
            static __PETAL_TEST_MIGRATIONS: ::petal::runner::EmbeddedMigrations =
                ::petal::migrate!(#dir);
            #inner
            ::petal::runner::testing::run_test(
                ::core::env!("CARGO_MANIFEST_DIR"),
                &__PETAL_TEST_MIGRATIONS,
                #name,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeds_the_files_in_name_order_with_the_path_shown() {
        let files = embedded_files("tests/fixtures/migrations_ok").expect("embeds");
        let shown: Vec<&str> = files.iter().map(|(shown, _)| shown.as_str()).collect();
        assert_eq!(
            shown,
            [
                "tests/fixtures/migrations_ok/20260101000000_first.sql",
                "tests/fixtures/migrations_ok/20260102000000_second.sql"
            ]
        );
        assert!(
            files
                .iter()
                .all(|(_, absolute)| Path::new(absolute).is_absolute())
        );
    }

    #[test]
    fn a_malformed_migration_fails_the_build_at_its_line() {
        let error = embedded_files("tests/fixtures/migrations_malformed").unwrap_err();
        assert!(error.contains("do not parse"), "{error}");
        assert!(error.contains("20260101000000_first.sql:7"), "{error}");
    }

    #[test]
    fn an_empty_directory_is_refused() {
        let error = embedded_files("tests/fixtures/migrations_empty").unwrap_err();
        assert!(error.contains("holds no migration"), "{error}");
    }

    #[test]
    fn a_missing_directory_is_named() {
        let error = embedded_files("no_such_migrations").unwrap_err();
        assert!(error.contains("no directory no_such_migrations"), "{error}");
    }

    #[test]
    fn a_test_must_be_async_and_take_its_database() {
        let sync: ItemFn = syn::parse_quote!(
            fn t(db: TestDatabase) {}
        );
        let error = expand_test(&TestArgs { migrations: None }, &sync).to_string();
        assert!(error.contains("runs an async fn"), "{error}");
        let no_argument: ItemFn = syn::parse_quote!(
            async fn t() {}
        );
        let error = expand_test(&TestArgs { migrations: None }, &no_argument).to_string();
        assert!(error.contains("one argument"), "{error}");
    }

    #[test]
    fn a_test_keeps_its_attributes_and_names_its_directory() {
        let function: ItemFn = syn::parse_quote!(
            #[ignore]
            async fn t(db: TestDatabase) {}
        );
        let args: TestArgs = syn::parse_quote!(migrations = "../migrations");
        let expanded = expand_test(&args, &function).to_string();
        assert_eq!(expanded.matches("# [ignore]").count(), 1, "{expanded}");
        let outer_fn = expanded.find("fn t ()").expect("the outer fn");
        assert!(expanded.find("# [ignore]") < Some(outer_fn), "{expanded}");
        assert!(
            expanded.contains("migrate ! (\"../migrations\")"),
            "{expanded}"
        );
        assert!(
            expanded.contains("& __PETAL_TEST_MIGRATIONS , t"),
            "{expanded}"
        );
    }
}
