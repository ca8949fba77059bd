//! The model writer's exact text for what the models once could not say
//! and a database adopted with `petal init --from-database` holds: foreign
//! keys of several columns, with a comment, to names that need quotes, two
//! on one column, keys named by hand, index key orders, a unique index's
//! NULLS NOT DISTINCT, a check name two tables share, an enum type whose
//! name needs quotes, an enum without labels; and the text scans back to
//! the database, nothing left unwritten.

use std::collections::BTreeMap;

use petal_ir::{
    Column, Database, EnumType, FkAction, ForeignKey, Identity, Index, IndexKey, PrimaryKey,
    QualifiedName, SqlType, Table,
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

fn key(name: &str, columns: &[&str]) -> PrimaryKey {
    PrimaryKey {
        name: name.into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        deferrable: Default::default(),
        comment: None,
    }
}

fn foreign_key(name: &str, columns: &[&str], target: &str, ref_columns: &[&str]) -> ForeignKey {
    let strings = |v: &[&str]| v.iter().map(|c| c.to_string()).collect();
    ForeignKey {
        name: name.into(),
        columns: strings(columns),
        ref_table: QualifiedName::new("public", target),
        ref_columns: strings(ref_columns),
        on_delete: FkAction::NoAction,
        on_update: FkAction::NoAction,
        deferrable: Default::default(),
        not_valid: false,
        comment: None,
    }
}

fn index(name: &str, keys: Vec<IndexKey>) -> Index {
    Index {
        name: name.into(),
        unique: false,
        method: "btree".into(),
        keys,
        include: Vec::new(),
        predicate: None,
        nulls_not_distinct: false,
        storage: Vec::new(),
        comment: None,
        concurrently: false,
        only: false,
    }
}

/// What the models once could not say (see the module's comment).
fn adopted() -> Database {
    let mut items = Table::new(name("public", "Order Items"));
    items.columns = vec![
        column("Item Id", "integer", false),
        column("region", "text", false),
    ];
    items.primary_key = Some(key("order items pk", &["Item Id", "region"]));
    let mut lines = Table::new(name("public", "lines"));
    lines.columns = vec![
        column("id", "integer", false),
        column("item_id", "integer", true),
        column("region", "text", true),
        column("parent_id", "integer", true),
        column("created_at", "timestamp with time zone", true),
        column("title", "text", true),
        column("priority", "public.\"Priority Level\"", true),
    ];
    lines.columns[0].identity = Some(Identity::ByDefault);
    lines.primary_key = Some(key("lines_id_pk", &["id"]));
    let item = ["item_id", "region"];
    lines.foreign_keys = vec![
        ForeignKey {
            on_delete: FkAction::Cascade,
            comment: Some("the item".into()),
            ..foreign_key(
                "lines_item_id_region_fkey",
                &item,
                "Order Items",
                &["Item Id", "region"],
            )
        },
        foreign_key("lines_parent_id_fkey", &["parent_id"], "lines", &["id"]),
        ForeignKey {
            on_delete: FkAction::SetNull,
            ..foreign_key("parent again", &["parent_id"], "lines", &["id"])
        },
    ];
    let mut created_at = IndexKey::column("created_at");
    created_at.descending = true;
    created_at.nulls_first = true;
    let mut title = IndexKey::column("title");
    title.nulls_first = true;
    lines.indexes = vec![
        index("lines_created_at_title_idx", vec![created_at, title]),
        Index {
            unique: true,
            nulls_not_distinct: true,
            ..index("lines_title_idx", vec![IndexKey::column("title")])
        },
    ];
    let positive = petal_ir::Check {
        name: "positive".into(),
        expr: "(id > 0)".into(),
        not_valid: false,
        no_inherit: false,
        comment: None,
    };
    lines.checks.push(positive.clone());
    let mut others = Table::new(name("public", "others"));
    others.columns = vec![column("id", "integer", false)];
    others.checks.push(positive);
    let mut db = Database::default();
    for (enum_name, labels) in [("Priority Level", vec!["low"]), ("mood", vec![])] {
        db.add_enum(EnumType {
            name: name("public", enum_name),
            labels: labels.into_iter().map(String::from).collect(),
            comment: None,
            renamed_from: None,
            renamed_labels: BTreeMap::new(),
        });
    }
    for t in [items, lines, others] {
        db.add_table(t);
    }
    db.normalize();
    db
}

const ADOPTED: &str = r####"use petal::{DbEnum, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
#[petal(name = "Priority Level")]
pub enum PriorityLevel {
    Low,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
pub enum Mood {}

#[derive(Debug, Clone, Table)]
#[petal(table = "Order Items")]
#[petal(primary_key(columns(item_id, region), name = "order items pk"))]
pub struct OrderItem {
    #[petal(column = "Item Id")]
    pub item_id: i32,
    pub region: String,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "lines")]
#[petal(check(expr = "(id > 0)", name = "positive"))]
#[petal(foreign_key(
    columns(item_id, region),
    references = r#""Order Items"("Item Id", region)"#,
    on_delete = "cascade",
    comment = "the item"
))]
#[petal(foreign_key(
    columns(parent_id),
    references = "lines(id)",
    name = "parent again",
    on_delete = "set null"
))]
#[petal(index(
    columns(created_at, title),
    order(created_at = "desc", title = "asc nulls first")
))]
pub struct Line {
    #[petal(primary_key(name = "lines_id_pk"))]
    pub id: i32,
    pub item_id: Option<i32>,
    pub region: Option<String>,
    #[petal(references = "lines.id")]
    pub parent_id: Option<i32>,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    #[petal(index(unique, nulls_not_distinct))]
    pub title: Option<String>,
    pub priority: Option<PriorityLevel>,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "others")]
#[petal(check(expr = "(id > 0)", name = "positive"))]
pub struct Other {
    pub id: i32,
}
"####;

#[test]
fn keys_names_and_orders_are_written() {
    let db = adopted();
    let written = write_models(&db);
    assert_eq!(written.unwritten, Vec::<String>::new());
    let public = written.files.get("public.rs").map_or("", String::as_str);
    assert_eq!(public, ADOPTED);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (path, text) in &written.files {
        std::fs::write(dir.path().join(path), text).unwrap_or_else(|e| panic!("{e}"));
    }
    let scanned = scan_dir(dir.path(), &Cfg::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(scanned.database, db);
}

/// An index made `ON ONLY` a partitioned table has no models form: it is
/// written as a whole index, and the note says what the next migration
/// does.
#[test]
fn an_index_on_only_is_listed_as_unwritten() {
    let mut events = Table::new(name("public", "events"));
    events.columns = vec![column("at", "date", false), column("kind", "text", true)];
    events.partition_by = Some("RANGE (at)".into());
    events.indexes = vec![Index {
        only: true,
        ..index("events_kind", vec![IndexKey::column("kind")])
    }];
    let mut db = Database::default();
    db.schemas.insert("public".into());
    db.tables.insert(events.name.clone(), events);
    let written = write_models(&db);
    assert_eq!(written.unwritten.len(), 1, "{:?}", written.unwritten);
    assert!(
        written.unwritten[0].contains("index `events_kind` is made ON ONLY"),
        "{:?}",
        written.unwritten
    );
}
