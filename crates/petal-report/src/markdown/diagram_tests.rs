//! The change diagram's choice of entities: a partition's change marks its
//! root, changed views are drawn, and only the enum types that changed or
//! that a changed column uses.

use std::collections::BTreeMap;

use petal_ir::{
    Column, Database, EnumType, ForeignKey, PartitionOf, QualifiedName, SqlType, Table, View,
    ViewColumn,
};

use super::diagram::{folded, mermaid};
use crate::erd::{Mark, Marks};

fn name(text: &str) -> QualifiedName {
    QualifiedName::new("public", text)
}

fn table(table: &str, columns: &[(&str, &str)]) -> Table {
    let mut out = Table::new(name(table));
    for (column, ty) in columns {
        out.columns
            .push(Column::new(*column, SqlType::canonical(ty)));
    }
    out
}

fn enum_type(text: &str, labels: &[&str]) -> EnumType {
    EnumType {
        name: name(text),
        labels: labels.iter().map(ToString::to_string).collect(),
        comment: None,
        renamed_from: None,
        renamed_labels: BTreeMap::new(),
    }
}

fn database(tables: Vec<Table>, enums: Vec<EnumType>, views: Vec<View>) -> Database {
    let mut db = Database::default();
    db.schemas.insert("public".to_string());
    db.tables = tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    db.enums = enums.into_iter().map(|e| (e.name.clone(), e)).collect();
    db.views = views.into_iter().map(|v| (v.name.clone(), v)).collect();
    db
}

fn marked(objects: &[(&str, Mark)], columns: &[(&str, &str, Mark)]) -> Marks {
    Marks {
        objects: objects.iter().map(|(n, m)| (name(n), *m)).collect(),
        columns: columns
            .iter()
            .map(|(t, c, m)| ((name(t), c.to_string()), *m))
            .collect(),
    }
}

#[test]
fn a_new_partition_marks_its_root_changed() {
    let mut events = table("events", &[("id", "bigint"), ("at", "date")]);
    events.partition_by = Some("RANGE (at)".to_string());
    let mut partition = Table::new(name("events_2026"));
    partition.partition_of = Some(PartitionOf {
        parent: name("events"),
        bound: "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')".to_string(),
    });
    let before = database(vec![events.clone()], Vec::new(), Vec::new());
    let after = database(vec![events, partition], Vec::new(), Vec::new());
    let marks = marked(&[("events_2026", Mark::Added)], &[]);
    assert_eq!(
        folded(&marks, &before, &after).objects.get(&name("events")),
        Some(&Mark::Changed)
    );
    let text = mermaid(&marks, &before, &after, 1).expect("a diagram");
    assert!(text.contains("public.events [~]"), "{text}");
    assert!(!text.contains("events_2026"), "{text}");
}

#[test]
fn a_created_view_is_drawn_marked() {
    let orders = table("orders", &[("id", "bigint"), ("total", "numeric")]);
    let view = View {
        name: name("daily_sales"),
        materialized: false,
        definition: "SELECT sum(total) AS revenue FROM public.orders".to_string(),
        columns: vec![ViewColumn {
            name: "revenue".to_string(),
            ty: SqlType::canonical("numeric"),
            comment: None,
        }],
        check_option: None,
        security_barrier: false,
        security_invoker: false,
        options: Vec::new(),
        indexes: Vec::new(),
        comment: None,
        privileges: Default::default(),
        renamed_from: None,
    };
    let before = database(vec![orders.clone()], Vec::new(), Vec::new());
    let after = database(vec![orders], Vec::new(), vec![view]);
    let marks = marked(&[("daily_sales", Mark::Added)], &[]);
    let text = mermaid(&marks, &before, &after, 1).expect("a diagram");
    assert!(text.contains("public.daily_sales (view) [+]"), "{text}");
}

#[test]
fn only_the_enum_types_of_changed_columns_are_drawn() {
    let customers = table("customers", &[("id", "bigint"), ("tier", "public.tier")]);
    let mut orders = table(
        "orders",
        &[
            ("id", "bigint"),
            ("customer_id", "bigint"),
            ("status", "public.status"),
            ("note", "text"),
        ],
    );
    orders.foreign_keys.push(ForeignKey {
        name: "orders_customer_id_fkey".to_string(),
        columns: vec!["customer_id".to_string()],
        ref_table: name("customers"),
        ref_columns: vec!["id".to_string()],
        on_delete: Default::default(),
        on_update: Default::default(),
        deferrable: Default::default(),
        not_valid: false,
        comment: None,
    });
    let enums = vec![enum_type("status", &["new"]), enum_type("tier", &["gold"])];
    let db = database(vec![customers, orders], enums, Vec::new());

    let note = marked(
        &[("orders", Mark::Changed)],
        &[("orders", "note", Mark::Changed)],
    );
    let text = mermaid(&note, &db, &db, 1).expect("a diagram");
    assert!(text.contains("public.customers"), "the neighbour: {text}");
    assert!(
        !text.contains("(enum)"),
        "no enum type changed or used: {text}"
    );

    let status = marked(
        &[("orders", Mark::Changed)],
        &[("orders", "status", Mark::Changed)],
    );
    let text = mermaid(&status, &db, &db, 1).expect("a diagram");
    assert!(text.contains("public.status (enum)"), "{text}");
    assert!(
        !text.contains("public.tier (enum)"),
        "the neighbour's: {text}"
    );
}
