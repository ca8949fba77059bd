//! The model writer's exact text for a small database written by hand: a
//! composite key, foreign keys with actions, a partial index with an
//! operator class, enums with odd labels (one in another schema, named so
//! it needs quoting), jsonb, varchar(40), a column named `type`; and the
//! text scans back to the database.

use std::collections::BTreeMap;

use petal_ir::{
    Column, Database, EnumType, FkAction, ForeignKey, Identity, Index, IndexKey, PrimaryKey,
    QualifiedName, SqlType, Table, Unique,
};
use petal_syntax::{Cfg, scan_dir, write_models};

fn name(schema: &str, name: &str) -> QualifiedName {
    QualifiedName::new(schema, name)
}

fn column(name: &str, ty: &str, nullable: bool) -> Column {
    let mut c = Column::new(name, SqlType::from_canonical(ty));
    c.nullable = nullable;
    c
}

fn key(table: &str, columns: &[&str]) -> PrimaryKey {
    PrimaryKey {
        name: format!("{table}_pkey"),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        deferrable: Default::default(),
        comment: None,
    }
}

fn foreign_key(table: &str, column: &str, target: &str, on_delete: FkAction) -> ForeignKey {
    ForeignKey {
        name: format!("{table}_{column}_fkey"),
        columns: vec![column.to_string()],
        ref_table: name("public", target),
        ref_columns: vec!["id".to_string()],
        on_delete,
        on_update: FkAction::NoAction,
        deferrable: Default::default(),
        not_valid: false,
        comment: None,
    }
}

fn customers() -> Table {
    let mut t = Table::new(name("public", "customers"));
    let mut id = column("id", "bigint", false);
    id.identity = Some(Identity::ByDefault);
    let mut attrs = column("attrs", "jsonb", true);
    attrs.default = Some("'{}'::jsonb".into());
    attrs.comment = Some("free-form, \"as given\"".into());
    t.columns = vec![
        id,
        column("phone", "character varying(40)", false),
        column("type", "text", true),
        attrs,
    ];
    t.primary_key = Some(key("customers", &["id"]));
    t.uniques.push(Unique {
        name: "customers_phone_key".into(),
        columns: vec!["phone".into()],
        nulls_not_distinct: false,
        deferrable: Default::default(),
        comment: None,
    });
    t
}

fn order_lines() -> Table {
    let mut t = Table::new(name("public", "order_lines"));
    let mut status = column("status", "public.order_status", false);
    status.default = Some("'new'::public.order_status".into());
    t.columns = vec![
        column("order_id", "integer", false),
        column("line", "smallint", false),
        status,
        column("sku", "text", false),
    ];
    t.primary_key = Some(key("order_lines", &["order_id", "line"]));
    t.foreign_keys.push(foreign_key(
        "order_lines",
        "order_id",
        "orders",
        FkAction::Cascade,
    ));
    let mut sku = IndexKey::column("sku");
    sku.opclass = Some("text_pattern_ops".into());
    t.indexes.push(Index {
        name: "order_lines_sku_idx".into(),
        unique: false,
        method: "btree".into(),
        keys: vec![sku],
        include: Vec::new(),
        predicate: Some("(sku <> ''::text)".into()),
        nulls_not_distinct: false,
        storage: Vec::new(),
        comment: None,
        concurrently: false,
        only: false,
    });
    t
}

fn orders() -> Table {
    let mut t = Table::new(name("public", "orders"));
    let mut id = column("id", "integer", false);
    id.identity = Some(Identity::ByDefault);
    t.columns = vec![
        id,
        column("customer_id", "bigint", true),
        column("priority", "crm.\"Priority Level\"", true),
    ];
    t.primary_key = Some(key("orders", &["id"]));
    t.foreign_keys.push(foreign_key(
        "orders",
        "customer_id",
        "customers",
        FkAction::SetNull,
    ));
    t
}

fn database() -> Database {
    let mut db = Database::default();
    db.add_enum(EnumType {
        name: name("public", "order_status"),
        labels: ["new", "in progress", "Done!", "it's"]
            .map(String::from)
            .to_vec(),
        comment: None,
        renamed_from: None,
        renamed_labels: BTreeMap::new(),
    });
    db.add_enum(EnumType {
        name: name("crm", "Priority Level"),
        labels: ["low", "high"].map(String::from).to_vec(),
        comment: None,
        renamed_from: None,
        renamed_labels: BTreeMap::new(),
    });
    for t in [customers(), order_lines(), orders()] {
        db.add_table(t);
    }
    db.normalize();
    db
}

const ROOT: &str = "\
//! The database's tables and enum types as petal models, written by petal from the
//! database itself (`petal init --from-database`): one module per schema. From now
//! on they are the schema's source, which petal compares the database with.

pub mod crm;
pub mod public;
";

const CRM: &str = r#"use petal::DbEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
#[petal(name = "Priority Level", schema = "crm")]
pub enum PriorityLevel {
    Low,
    High,
}
"#;

const PUBLIC: &str = r####"use petal::{DbEnum, Table};

use super::crm::PriorityLevel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
pub enum OrderStatus {
    New,
    #[petal(rename = "in progress")]
    InProgress,
    #[petal(rename = "Done!")]
    Done,
    #[petal(rename = "it's")]
    Its,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "customers")]
pub struct Customer {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(sql_type = "character varying(40)", unique)]
    pub phone: String,
    #[petal(column = "type")]
    pub type_: Option<String>,
    #[petal(default = "'{}'::jsonb", comment = r#"free-form, "as given""#)]
    pub attrs: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "order_lines")]
#[petal(primary_key(order_id, line))]
pub struct OrderLine {
    #[petal(references = "orders.id", on_delete = "cascade")]
    pub order_id: i32,
    pub line: i16,
    #[petal(default = "'new'::public.order_status")]
    pub status: OrderStatus,
    #[petal(index(where = "(sku <> ''::text)", opclass = "text_pattern_ops"))]
    pub sku: String,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "orders")]
pub struct Order {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(references = "customers.id", on_delete = "set null")]
    pub customer_id: Option<i64>,
    pub priority: Option<PriorityLevel>,
}
"####;

#[test]
fn a_small_database_is_written_as_a_reviewer_would() {
    let written = write_models(&database());
    let files: Vec<(&str, &str)> = written
        .files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        files,
        [("crm.rs", CRM), ("mod.rs", ROOT), ("public.rs", PUBLIC)]
    );
    let structs: Vec<String> = written
        .structs
        .iter()
        .map(|(n, s)| format!("{n} {s}"))
        .collect();
    assert_eq!(
        structs,
        [
            "public.customers Customer",
            "public.order_lines OrderLine",
            "public.orders Order"
        ]
    );
    let enums: Vec<String> = written
        .enums
        .iter()
        .map(|(n, s)| format!("{n} {s}"))
        .collect();
    assert_eq!(
        enums,
        [
            "crm.Priority Level PriorityLevel",
            "public.order_status OrderStatus"
        ]
    );
    assert_eq!(written.unwritten, Vec::<String>::new());
}

#[test]
fn the_small_database_scans_back() {
    let db = database();
    let written = write_models(&db);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (path, text) in &written.files {
        std::fs::write(dir.path().join(path), text).unwrap_or_else(|e| panic!("{e}"));
    }
    let scanned = scan_dir(dir.path(), &Cfg::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(scanned.database, db);
}

/// A database holding what the models cannot declare: each is said, and
/// the rest still scans back.
fn awkward() -> Database {
    let mut a = Table::new(name("public", "a"));
    let mut x = column("x", "integer", false);
    x.not_null_not_valid = Some("a_x_not_null".into());
    a.columns = vec![
        column("id", "integer", false),
        x,
        column("b_id", "integer", true),
        column("b_x", "integer", true),
    ];
    a.primary_key = Some(PrimaryKey {
        name: "old_pkey".into(),
        ..key("a", &["id"])
    });
    let check = |name: &str| petal_ir::Check {
        name: name.into(),
        expr: "(x > 0)".into(),
        not_valid: false,
        no_inherit: false,
        comment: None,
    };
    a.checks.push(check("positive"));
    let mut desc = IndexKey::column("x");
    desc.descending = true;
    a.indexes.push(Index {
        name: "a_x_idx".into(),
        unique: false,
        method: "btree".into(),
        keys: vec![desc],
        include: Vec::new(),
        predicate: None,
        nulls_not_distinct: false,
        storage: Vec::new(),
        comment: None,
        concurrently: false,
        only: false,
    });
    a.exclusions.push(petal_ir::Exclusion {
        name: "a_x_excl".into(),
        definition: "EXCLUDE USING btree (x WITH =) INCLUDE (id)".into(),
        deferrable: Default::default(),
        comment: None,
    });
    a.foreign_keys.push(ForeignKey {
        columns: vec!["b_id".into(), "b_x".into()],
        ref_columns: vec!["id".into(), "x".into()],
        ..foreign_key("a", "b_id", "b", FkAction::NoAction)
    });
    let mut b = Table::new(name("public", "b"));
    b.columns = vec![
        column("id", "integer", false),
        column("x", "integer", false),
    ];
    b.checks.push(check("positive"));
    b.uniques.push(Unique {
        name: "b_id_x_key".into(),
        columns: vec!["id".into(), "x".into()],
        nulls_not_distinct: false,
        deferrable: Default::default(),
        comment: None,
    });
    let mut db = Database::default();
    db.add_table(a);
    db.add_table(b);
    db.normalize();
    db
}

#[test]
fn what_the_models_cannot_declare_is_said() {
    let db = awkward();
    let written = write_models(&db);
    assert_eq!(
        written.unwritten,
        [
            "public.a: column `x`'s NOT NULL constraint `a_x_not_null` is NOT VALID, which the \
             models cannot declare: written NOT NULL",
            "public.a: exclusion constraint `a_x_excl` (EXCLUDE USING btree (x WITH =) INCLUDE \
             (id)) is not written: `exclude(...)` has no `INCLUDE` clause",
        ]
    );
    // Said above the struct too, where the next reader of the model looks.
    let public = written.files.get("public.rs").map_or("", String::as_str);
    assert!(public.contains(
        "// petal could not write this model exactly as the database has it:\n\
         // - column `x`'s NOT NULL constraint `a_x_not_null` is NOT VALID"
    ));
    // The rest scans back: the database less what is said.
    let mut declared = db.clone();
    let a = declared
        .tables
        .get_mut(&name("public", "a"))
        .unwrap_or_else(|| panic!("table a"));
    a.columns[1].not_null_not_valid = None;
    a.exclusions.clear();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (path, text) in &written.files {
        std::fs::write(dir.path().join(path), text).unwrap_or_else(|e| panic!("{e}"));
    }
    let scanned = scan_dir(dir.path(), &Cfg::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(scanned.database, declared);
}
