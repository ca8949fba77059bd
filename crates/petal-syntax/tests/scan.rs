//! The scanner on fixture files: the IR it reads, where it says each object
//! was declared, and its `file:line:col` errors.

use std::path::{Path, PathBuf};

use petal_ir::QualifiedName;
use petal_ir::{ObjectKey, Origin, Part};
use petal_syntax::{ScanErrors, ScannedModels, scan_sources};

/// Reads fixtures under a stable relative path, so snapshots do not depend
/// on where the repository lives.
fn fixture(name: &str) -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    (PathBuf::from("tests/fixtures").join(name), text)
}

fn scan_ok(names: &[&str]) -> ScannedModels {
    let files: Vec<_> = names.iter().map(|n| fixture(n)).collect();
    scan_sources(&files).unwrap_or_else(|e| panic!("unexpected errors:\n{e}"))
}

fn scan_err(names: &[&str]) -> ScanErrors {
    let files: Vec<_> = names.iter().map(|n| fixture(n)).collect();
    match scan_sources(&files) {
        Ok(_) => panic!("{names:?} scanned without errors"),
        Err(e) => e,
    }
}

#[test]
fn attribute_errors_have_file_line_col() {
    for case in [
        "unknown_attribute",
        "misspelled_attribute",
        "malformed_references",
        "duplicate_column",
        "default_on_skip",
        "duplicate_label",
        "unmapped_type",
        "dangling_reference",
        "not_rust",
        "no_follow_up_errors",
        "misplaced_constraint_options",
        "partition_by_mistakes",
    ] {
        let errors = scan_err(&[&format!("{case}.rs")]);
        insta::assert_snapshot!(case, errors.to_string());
    }
}

#[test]
fn five_mistakes_give_five_errors() {
    let errors = scan_err(&["five_mistakes.rs"]);
    assert_eq!(errors.reports.len(), 5, "{errors}");
    insta::assert_snapshot!("five_mistakes", errors.to_string());
}

#[test]
fn every_feature_lowers() {
    let scanned = scan_ok(&["features.rs"]);
    insta::assert_snapshot!("features_dump", petal_ir::dump(&scanned.database));
}

#[test]
fn locations_point_at_declarations() {
    let scanned = scan_ok(&["features.rs"]);
    let (_, text) = fixture("features.rs");
    let at = |key: Origin| {
        let loc = scanned
            .locations
            .get(&key)
            .unwrap_or_else(|| panic!("{key:?}"));
        assert_eq!(loc.path(), "tests/fixtures/features.rs");
        let line = text
            .lines()
            .nth(loc.position().line - 1)
            .unwrap_or_default();
        (
            line.trim().to_string(),
            text[loc.span.start..].chars().take(12).collect::<String>(),
        )
    };
    let lines = QualifiedName::new("public", "order_lines");
    let customers = QualifiedName::new("crm", "customers");
    assert_eq!(
        at(Origin::whole(ObjectKey::table(&lines))).0,
        "pub struct OrderLine {"
    );
    assert_eq!(
        at(Origin::whole(ObjectKey::column(&lines, "sku_code"))).0,
        "pub sku: String,"
    );
    assert_eq!(
        at(Origin::whole(ObjectKey::constraint(
            &lines,
            "order_lines_pkey"
        )))
        .1,
        "primary_key("
    );
    let default = at(Origin::part(
        ObjectKey::column(&lines, "qty"),
        Part::Default,
    ))
    .1;
    assert!(default.starts_with("\"1\")]"), "{default:?}");
    let price = at(Origin::part(ObjectKey::column(&lines, "price"), Part::Type)).1;
    assert_eq!(price, "\"numeric(12,");
    // A foreign key points at its `references` value.
    assert_eq!(
        at(Origin::whole(ObjectKey::constraint(
            &lines,
            "order_lines_order_id_fkey"
        )))
        .1,
        "\"crm.custome"
    );
    assert!(
        at(Origin::whole(ObjectKey::index(
            &customers,
            "customers_email_lower"
        )))
        .0
        .starts_with("#[petal(index(expr")
    );
    assert_eq!(
        at(Origin::whole(ObjectKey::constraint(
            &customers,
            "customers_phone_check"
        )))
        .1,
        "check(expr ="
    );
    // The parts of a check and an index point at their expressions.
    let check_expr = Origin::part(
        ObjectKey::constraint(&customers, "customers_phone_check"),
        Part::Expression,
    );
    assert!(at(check_expr).1.starts_with('"'));
    let index_expr = Origin::part(
        ObjectKey::index(&customers, "customers_email_lower"),
        Part::Expression,
    );
    assert!(at(index_expr).1.starts_with("\"lower("), "index expression");
    let tier = QualifiedName::new("crm", "customer_tier");
    assert_eq!(
        at(Origin::whole(ObjectKey::Enum { name: tier.clone() })).0,
        "pub enum CustomerTier {"
    );
    assert_eq!(
        at(Origin::whole(ObjectKey::EnumLabel {
            enum_type: tier,
            label: "VIP".into()
        }))
        .0,
        "Vip,"
    );
}

#[test]
fn default_names_avoid_every_name_in_the_schema() {
    let db = scan_ok(&["name_collisions.rs"]).database;
    let table = |n: &str| &db.tables[&QualifiedName::new("public", n)];
    assert_eq!(table("a").indexes[0].name, "a_b_c_idx");
    assert_eq!(table("a_b").indexes[0].name, "a_b_c_idx1");
    // A table already called `a_x_key` pushes the constraint to `a_x_key1`.
    assert_eq!(table("a").uniques[0].name, "a_x_key1");
    // `#[cfg(test)]` models are not part of the schema.
    let names: Vec<String> = db.tables.keys().map(|n| n.name.clone()).collect();
    assert_eq!(names, ["a", "a_b", "a_x_key"]);
}

#[test]
fn an_enum_name_used_twice_is_ambiguous() {
    let a = (
        PathBuf::from("a.rs"),
        "#[derive(petal::DbEnum)] #[petal(schema = \"one\")] pub enum Status { On }".to_string(),
    );
    let b = (
        PathBuf::from("b.rs"),
        "#[derive(DbEnum)] #[petal(schema = \"two\")] pub enum Status { Off }\n\
         #[derive(Table)] #[petal(table = \"t\")] pub struct T { pub status: Status }"
            .to_string(),
    );
    let errors = match scan_sources(&[b, a]) {
        Ok(_) => panic!("an ambiguous enum was accepted"),
        Err(e) => e,
    };
    insta::assert_snapshot!("ambiguous_enum", errors.to_string());
}

#[test]
fn files_are_read_in_path_order_whatever_the_input_order() {
    let names = ["features.rs", "name_collisions.rs"];
    let forward = scan_ok(&names);
    let backward = scan_ok(&[names[1], names[0]]);
    assert_eq!(forward.database, backward.database);
    assert_eq!(forward.locations, backward.locations);
}

/// The attributes the whole schema leans on say what is wrong with them.
#[test]
fn generated_sequence_and_key_options_are_checked() {
    let text = r#"
use petal::Table;

#[derive(Table)]
#[petal(table = "t1")]
pub struct T1 {
    #[petal(generated = "upper(b)", default = "'x'")]
    pub a: String,
}

#[derive(Table)]
#[petal(table = "t2")]
pub struct T2 {
    #[petal(sequence = "b_numbers")]
    pub b: i64,
}

#[derive(Table)]
#[petal(table = "t3")]
#[petal(index(columns(a), opclass(b = "text_pattern_ops")))]
pub struct T3 {
    pub a: String,
    pub b: String,
}
"#;
    let errors = match scan_sources(&[("models/t.rs".into(), text.to_string())]) {
        Ok(_) => panic!("models with mistakes scanned"),
        Err(e) => e.to_string(),
    };
    for expected in [
        "models/t.rs:7:25: `a` is `generated` and has a `default`",
        "models/t.rs:14:24: `sequence` names an identity or serial column's sequence, and `b` is neither",
        "models/t.rs:20:35: `b` is not a column key of this index",
    ] {
        assert!(errors.contains(expected), "{expected:?} not in:\n{errors}");
    }
}

/// PostgreSQL keeps a check's and a foreign key's name unique in its
/// table, an index's (and a key's) in its schema: the scanner refuses the
/// same, no more.
#[test]
fn names_repeat_across_tables_where_postgresql_allows_it() {
    let shared = r#"
#[derive(Table)]
#[petal(table = "a", check(name = "positive", expr = "id > 0"))]
#[petal(foreign_key(columns(id), references = "b(id)", name = "to_b"))]
pub struct A { pub id: i32 }

#[derive(Table)]
#[petal(table = "b", check(name = "positive", expr = "id > 0"))]
#[petal(unique(columns(id)), foreign_key(columns(id), references = "a(id)", name = "to_b"))]
pub struct B { #[petal(primary_key)] pub id: i32 }
"#;
    let scanned = scan_sources(&[("models/m.rs".into(), shared.to_string())])
        .unwrap_or_else(|e| panic!("shared check names were refused:\n{e}"));
    let b = &scanned.database.tables[&QualifiedName::new("public", "b")];
    assert_eq!(b.checks[0].name, "positive");
    assert_eq!(b.foreign_keys[0].name, "to_b");
    let clashing = r#"
#[derive(Table)]
#[petal(table = "a", index(columns(id), name = "by_id"))]
pub struct A { pub id: i32 }

#[derive(Table)]
#[petal(table = "b", unique(columns(id), name = "by_id"))]
pub struct B { pub id: i32 }
"#;
    let dangling = r##"
#[derive(Table)]
#[petal(table = "b")]
#[petal(foreign_key(columns(id, id), references = "b(id, nope)"))]
#[petal(foreign_key(columns(id), references = r#"elsewhere."A"(id)"#))]
pub struct B { pub id: i32 }
"##;
    let errors = |text: &str| match scan_sources(&[("models/m.rs".into(), text.to_string())]) {
        Ok(_) => panic!("scanned without errors:\n{text}"),
        Err(e) => e.to_string(),
    };
    let (clashing, dangling) = (errors(clashing), errors(dangling));
    for (errors, expected) in [
        (
            &clashing,
            "models/m.rs:7:49: the name `by_id` is already the index of table `a` in schema \
             `public`: the indexes of a schema",
        ),
        (
            &dangling,
            "models/m.rs:4:51: `references` names column `nope` of `public.b`, which has no such \
             column",
        ),
        (
            &dangling,
            "models/m.rs:5:47: `references` names table `elsewhere.A`, which no model defines",
        ),
    ] {
        assert!(errors.contains(expected), "{expected:?} not in:\n{errors}");
    }
}
