//! Fuzzing on the stable toolchain: the `#[petal(...)]` attribute grammar
//! through the scanner ([`scan_sources`], the pure entry point over file
//! contents; the directory walk of `scan_dir` is not fuzzed), over random
//! text (arbitrary Unicode, random bytes read as lossy UTF-8, soups of the
//! model language's tokens) and over mutations of valid model files. Never
//! a panic; every error is a report at a place inside its model file, on
//! character boundaries; every location of a scanned model is too.
//!
//! `PETAL_FUZZ_CASES` sets the cases per target (10,000 by default;
//! `just fuzz` runs a million). What a run finds is kept below as a
//! `regression_...` test with its minimal input.

use std::path::PathBuf;

use petal_source::Report;
use petal_syntax::{Cfg, scan_sources, scan_sources_with};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, RngAlgorithm};

fn config() -> Config {
    let cases = std::env::var("PETAL_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    Config {
        cases,
        // Failures are kept as the regression tests below, not as files
        // written into the source tree.
        failure_persistence: None,
        // ChaCha, unoptimized in a debug build, took most of the time.
        rng_algorithm: RngAlgorithm::XorShift,
        ..Config::default()
    }
}

/// Valid model files to mutate: the scanner's fixture of every feature and
/// the Cvety.kz models (alone, their references name tables of other
/// files: the scanner says so, at the attribute).
const SEEDS: &[&str] = &[
    include_str!("fixtures/features.rs"),
    include_str!("fixtures/name_collisions.rs"),
    include_str!("../../../schema/src/customer.rs"),
    include_str!("../../../schema/src/order.rs"),
    include_str!("../../../schema/src/product.rs"),
    include_str!("../../../schema/src/production.rs"),
    include_str!("../../../schema/src/settings.rs"),
    include_str!("../../../schema/src/user.rs"),
    include_str!("../../../schema/src/warehouse.rs"),
    "use petal::{DbEnum, Table};\n\
     pub type Money = rust_decimal::Decimal;\n\
     #[derive(DbEnum)]\n#[petal(name = \"tier\")]\npub enum Tier { Regular, #[petal(rename = \"VIP\")] Vip }\n\
     #[derive(Table)]\n#[petal(table = \"items\")]\n\
     #[petal(index(columns(name), unique, where = \"name <> ''\"))]\n\
     pub struct Item {\n    #[petal(primary_key)]\n    pub id: i64,\n    \
     #[petal(sql_type = \"numeric(12,2)\", default = \"0\")]\n    pub price: Money,\n    \
     #[petal(references = \"items.id\", on_delete = \"cascade\")]\n    pub parent: Option<i64>,\n    \
     pub tier: Option<Tier>,\n    #[cfg(feature = \"names\")]\n    pub name: String,\n}\n",
];

/// What the model language and the Rust around it are made of.
const TOKENS: &[&str] = &[
    "#[petal(",
    ")]",
    "#[derive(Table)]",
    "#[derive(DbEnum)]",
    "#[derive(petal::Table)]",
    "#[cfg(test)]",
    "#[cfg(feature = \"names\")]",
    "#[cfg(not(test))]",
    "#![cfg(test)]",
    "=",
    "\"",
    "\"\"",
    "\"x\"",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "::",
    ";",
    "<",
    ">",
    "table = \"t\"",
    "schema = \"s\"",
    "name = \"n\"",
    "sql_type = \"x\"",
    "sql_type = \"numeric(12,2)\"",
    "default",
    "default = \"now()\"",
    "references",
    "references = \"t.id\"",
    "references = \"a.b.c.d\"",
    "on_delete = \"cascade\"",
    "on_update = \"nope\"",
    "primary_key",
    "primary_key(id, x)",
    "primary_key(columns(id), initially_deferred, comment = \"k\")",
    "primary_key(deferrable)",
    "deferrable",
    "not_valid",
    "with = \"fillfactor = 70\"",
    "with = \"a\"",
    "identity = \"always\"",
    "identity = \"by default\"",
    "generated = \"upper(code)\"",
    "sequence = \"s.q\"",
    "column = \"c\"",
    "comment = \"c\"",
    "renamed_from = \"old\"",
    "rename = \"R\"",
    "skip",
    "unique",
    "unique(name = \"u\", nulls_not_distinct)",
    "index",
    "index(columns(a, b), expr = \"lower(a)\", unique, method = \"gin\")",
    "columns(",
    "include(",
    "opclass(a = \"text_pattern_ops\")",
    "opclass = \"o\"",
    "order = \"desc\"",
    "order(a = \"asc nulls first\")",
    "nulls_not_distinct",
    "foreign_key(columns(a, b), references = \"t(x, y)\", name = \"f\")",
    "foreign_key(",
    "references = r#\"\"S s\".\"T t\"(\"a\"\"b\", c)\"#",
    "references = \"t(\"",
    "primary_key(name = \"k\")",
    "primary_key(columns(id), name = \"k\")",
    "collation = \"C\"",
    "where = \"a > 0\"",
    "check(expr = \"a > 0\")",
    "check(",
    "expr = \"",
    "pub ",
    "struct S ",
    "enum E ",
    "type A = ",
    "mod m ",
    "fn f() {}",
    "impl S {}",
    "r#type",
    "Option<",
    "Vec<",
    "i16",
    "i32",
    "i64",
    "String",
    "f64",
    "bool",
    "chrono::DateTime<Utc>",
    "serde_json::Value",
    "uuid::Uuid",
    "id: i64,",
    "'",
    "'a",
    "b\"",
    "r#\"",
    "\"#",
    "//",
    "///",
    "/*",
    "*/",
    "\\",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "\u{feff}",
    "#!",
    "1",
    "0x",
    "1.5e3",
    "é",
    "日本",
    "\u{a0}",
    "\0",
];

/// One edit of a text; positions are taken modulo its length and moved
/// back to a character boundary.
#[derive(Debug, Clone)]
enum Edit {
    Delete(Index, usize),
    Insert(Index, String),
    Replace(Index, usize, String),
    Copy(Index, usize, Index),
    /// Whole lines keep the text lexically valid more often.
    DeleteLine(Index),
    CopyLine(Index, Index),
    /// A string literal's contents replaced (escaped, so still a literal).
    Literal(Index, String),
    /// A setting put first in a `#[petal(...)]`.
    Setting(Index, String),
}

fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn range(text: &str, at: Index, len: usize) -> (usize, usize) {
    let start = floor(text, at.index(text.len() + 1));
    (start, floor(text, start + len))
}

fn apply(text: &mut String, edit: &Edit) {
    match edit {
        Edit::Delete(at, len) => {
            let (start, end) = range(text, *at, *len);
            text.replace_range(start..end, "");
        }
        Edit::Insert(at, what) => {
            let at = floor(text, at.index(text.len() + 1));
            text.insert_str(at, what);
        }
        Edit::Replace(at, len, what) => {
            let (start, end) = range(text, *at, *len);
            text.replace_range(start..end, what);
        }
        Edit::Copy(from, len, to) => {
            let (start, end) = range(text, *from, *len);
            let piece = text[start..end].to_owned();
            let to = floor(text, to.index(text.len() + 1));
            text.insert_str(to, &piece);
        }
        Edit::DeleteLine(at) => {
            let (start, end) = line(text, *at);
            text.replace_range(start..end, "");
        }
        Edit::CopyLine(from, to) => {
            let (start, end) = line(text, *from);
            let piece = text[start..end].to_owned();
            let (to, _) = line(text, *to);
            text.insert_str(to, &piece);
        }
        Edit::Literal(at, what) => {
            let literals: Vec<usize> = text.match_indices("= \"").map(|(i, _)| i + 3).collect();
            if literals.is_empty() {
                return;
            }
            let start = literals[at.index(literals.len())];
            let Some(len) = text[start..].find('"') else {
                return;
            };
            let escaped = what.escape_default().to_string();
            text.replace_range(start..start + len, &escaped);
        }
        Edit::Setting(at, what) => {
            let attributes: Vec<usize> =
                text.match_indices("#[petal(").map(|(i, _)| i + 8).collect();
            if attributes.is_empty() {
                return;
            }
            text.insert_str(attributes[at.index(attributes.len())], &format!("{what}, "));
        }
    }
}

/// The line holding the `at`th byte, with its line break.
fn line(text: &str, at: Index) -> (usize, usize) {
    let at = floor(text, at.index(text.len() + 1));
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    (start, end)
}

fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Text to insert: mostly a token, else anything.
fn insertion() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(TOKENS).prop_map(str::to_owned),
        1 => vec(any::<char>(), 0..6).prop_map(String::from_iter),
        1 => vec(any::<u8>(), 0..6).prop_map(lossy),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        1 => (any::<Index>(), 0..48usize).prop_map(|(at, len)| Edit::Delete(at, len)),
        1 => (any::<Index>(), insertion()).prop_map(|(at, what)| Edit::Insert(at, what)),
        1 => (any::<Index>(), 0..8usize, insertion())
            .prop_map(|(at, len, what)| Edit::Replace(at, len, what)),
        1 => (any::<Index>(), 0..64usize, any::<Index>())
            .prop_map(|(from, len, to)| Edit::Copy(from, len, to)),
        2 => any::<Index>().prop_map(Edit::DeleteLine),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(from, to)| Edit::CopyLine(from, to)),
        4 => (any::<Index>(), literal_text()).prop_map(|(at, what)| Edit::Literal(at, what)),
        4 => (any::<Index>(), setting()).prop_map(|(at, what)| Edit::Setting(at, what)),
    ]
}

/// What a string setting's value may hold: SQL-ish words and the
/// separators petal splits on.
fn literal_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        select(
            &[
                "",
                ".",
                "..",
                " ",
                "id",
                "t",
                "s",
                "public",
                "customers.id",
                "a.b.c",
                "a.b.c.d",
                "\"Q\"",
                "(",
                ")",
                ",",
                "'",
                "numeric(12,2)",
                "varchar(",
                "int[]",
                "[]",
                "now()",
                "cascade",
                "set null",
                "by default",
                "always",
                "none",
                "gin",
                "btree",
                "text_pattern_ops",
                "C",
                "VIP",
                "é",
                "日本",
                "\u{a0}",
                "\0",
                "\n",
                "\\",
            ][..]
        )
        .prop_map(str::to_owned),
        vec(any::<char>(), 0..4).prop_map(String::from_iter),
    ];
    vec(piece, 0..5).prop_map(|pieces| pieces.concat())
}

/// The names settings have, and some they do not.
const KEYS: &[&str] = &[
    "table",
    "schema",
    "name",
    "rename",
    "primary_key",
    "index",
    "unique",
    "check",
    "expr",
    "columns",
    "include",
    "where",
    "method",
    "opclass",
    "collation",
    "nulls_not_distinct",
    "comment",
    "renamed_from",
    "identity",
    "default",
    "sql_type",
    "references",
    "on_delete",
    "on_update",
    "generated",
    "sequence",
    "column",
    "skip",
    "deferrable",
    "initially_deferred",
    "not_valid",
    "with",
    "id",
    "a",
    "b",
    "tables",
    "r#type",
];

/// A `#[petal(...)]` setting, from the grammar: `key`, `key = literal`,
/// `key(settings)`.
fn setting() -> impl Strategy<Value = String> {
    let literal = prop_oneof![
        4 => literal_text().prop_map(|s| format!("\"{}\"", s.escape_default())),
        1 => select(&["0", "1", "-1", "1.5", "true", "x", "r\"raw\"", "b\"b\"", "'c'"][..])
            .prop_map(str::to_owned),
    ];
    let leaf = prop_oneof![
        select(KEYS).prop_map(str::to_owned),
        (select(KEYS), literal).prop_map(|(key, value)| format!("{key} = {value}")),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        (select(KEYS), vec(inner, 0..4))
            .prop_map(|(key, list)| format!("{key}({})", list.join(", ")))
    })
}

/// A model built from the grammar: lexically valid Rust always, so every
/// case reaches the attribute grammar.
fn model() -> impl Strategy<Value = String> {
    let attribute = || vec(setting(), 0..4).prop_map(|s| format!("#[petal({})]", s.join(", ")));
    let ty = select(
        &[
            "i16",
            "i32",
            "i64",
            "String",
            "Option<String>",
            "Vec<i32>",
            "f64",
            "bool",
            "Money",
            "Tier",
            "Option<Tier>",
            "Vec<u8>",
            "chrono::DateTime<chrono::Utc>",
            "serde_json::Value",
            "uuid::Uuid",
            "Nope",
            "Option<Option<i32>>",
            "(i32, i32)",
            "[u8; 4]",
            "&'static str",
        ][..],
    );
    let field = (
        vec(attribute(), 0..3),
        select(&["id", "a", "b", "r#type", "name"][..]),
        ty,
    )
        .prop_map(|(attrs, name, ty)| {
            format!("    {}\n    pub {name}: {ty},\n", attrs.join("\n    "))
        });
    let derive = select(&["Table", "DbEnum", "petal::Table", "Debug"][..]);
    (derive, vec(attribute(), 0..3), vec(field, 0..5)).prop_map(|(derive, attrs, fields)| {
        format!(
            "pub type Money = rust_decimal::Decimal;\n\
             #[derive(DbEnum)]\npub enum Tier {{ Regular, Vip }}\n\
             #[derive({derive})]\n{}\npub struct T {{\n{}}}\n",
            attrs.join("\n"),
            fields.concat()
        )
    })
}

/// A seed file with one to eight edits.
fn mutated() -> impl Strategy<Value = String> {
    (select(SEEDS), vec(edit(), 1..8)).prop_map(|(seed, edits)| {
        let mut text = seed.to_owned();
        for edit in &edits {
            apply(&mut text, edit);
        }
        text
    })
}

/// Random text of every kind; the token soups inside a model struct, so
/// they reach the attribute grammar.
fn random() -> impl Strategy<Value = String> {
    prop_oneof![
        vec(any::<char>(), 0..256).prop_map(String::from_iter),
        vec(any::<u8>(), 0..512).prop_map(lossy),
        vec(select(TOKENS), 0..64).prop_map(|tokens| tokens.concat()),
        vec(select(TOKENS), 0..32).prop_map(|tokens| format!(
            "#[derive(Table)]\n#[petal(table = \"t\")]\npub struct T {{\n    #[petal({})]\n    pub id: i64,\n}}\n",
            tokens.join(" ")
        )),
    ]
}

const PATH: &str = "src/models.rs";

/// A report points inside the model file, on character boundaries, and
/// renders.
fn check_report(report: &Report, text: &str) -> Result<(), TestCaseError> {
    let span = report
        .span()
        .ok_or_else(|| TestCaseError::fail(format!("no location: {report}")))?;
    let source = report
        .source()
        .ok_or_else(|| TestCaseError::fail(format!("no source: {report}")))?;
    prop_assert_eq!(source.path(), PATH);
    prop_assert_eq!(source.text(), text);
    prop_assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
    prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
    prop_assert!(!report.message().is_empty());
    let _ = report.to_string();
    Ok(())
}

fn check(text: &str, cfg: &Cfg) -> Result<(), TestCaseError> {
    let files = [(PathBuf::from(PATH), text.to_owned())];
    let scanned = scan_sources_with(&files, cfg);
    // The spans of the scan are byte ranges now: the thread's source map
    // of proc-macro2 (which keeps every text parsed) can be emptied, or a
    // long run would grow it past its 4 GiB of positions.
    proc_macro2::extra::invalidate_current_thread_spans();
    match scanned {
        Ok(scanned) => {
            for (origin, location) in &scanned.locations {
                let span = location.span;
                prop_assert_eq!(location.source.text(), text);
                prop_assert!(span.end <= text.len(), "{origin:?} at {span:?}");
                prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
                let _ = location.to_string();
            }
            Ok(())
        }
        Err(errors) => {
            prop_assert!(!errors.reports.is_empty(), "an error without a report");
            for report in &errors.reports {
                check_report(report, text)?;
            }
            Ok(())
        }
    }
}

fn cfg() -> impl Strategy<Value = Cfg> {
    prop_oneof![
        Just(Cfg::default()),
        Just(Cfg::with_features(["names".to_owned()])),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// A quarter random text, a quarter mutated model files, half models
    /// built from the grammar (cheaper, and every one reaches it).
    #[test]
    fn the_scanner_never_panics(
        text in prop_oneof![1 => random(), 1 => mutated(), 2 => model()],
        cfg in cfg(),
    ) {
        check(&text, &cfg)?;
    }
}

/// The seeds scan without a panic; those that stand alone scan clean.
#[test]
fn seeds_scan() {
    for (i, seed) in SEEDS.iter().enumerate() {
        let files = [(PathBuf::from(PATH), (*seed).to_owned())];
        let scanned = scan_sources(&files);
        if [0, 9].contains(&i)
            && let Err(e) = scanned
        {
            panic!("seed {i}:\n{e}");
        }
    }
}

/// `#[petal(index(index(...)))]` 900 deep overflowed the stack of the
/// attribute parser (an abort, not even a panic): settings nest eight deep
/// at most, and deeper is an error at the item.
#[test]
fn regression_deeply_nested_settings_are_an_error_not_a_stack_overflow() {
    let text = format!(
        "#[derive(Table)]\n#[petal(table = \"t\", {}a{})]\npub struct T {{\n    #[petal(primary_key)]\n    pub id: i64,\n}}\n",
        "index(".repeat(900),
        ")".repeat(900)
    );
    let files = [(PathBuf::from(PATH), text)];
    let Err(errors) = scan_sources(&files) else {
        panic!("900 nested settings were accepted");
    };
    let said = format!("{errors:?}");
    assert!(said.contains("nests too deep"), "{said}");
}
