//! The diagram of a small shop: what it selects here, and the text each
//! writer makes of it in `writers.rs` (snapshots under
//! `src/erd/tests/snapshots/`).

mod writers;

use petal_ir::{
    Column, Database, EnumType, ForeignKey, PartitionOf, PrimaryKey, QualifiedName, SqlType, Table,
    Unique, View, ViewColumn,
};

use super::{Erd, KeyKind, NotFound, Selection, UnknownTable, find};

fn name(text: &str) -> QualifiedName {
    QualifiedName::parse(text, "public")
}

fn column(name: &str, ty: &str, nullable: bool) -> Column {
    Column {
        nullable,
        ..Column::new(name, SqlType::from_canonical(ty))
    }
}

fn fk(name: &str, columns: &[&str], to: &str) -> ForeignKey {
    ForeignKey {
        name: name.to_string(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        ref_table: self::name(to),
        ref_columns: vec!["id".to_string()],
        on_delete: Default::default(),
        on_update: Default::default(),
        deferrable: Default::default(),
        not_valid: false,
        comment: None,
    }
}

fn pk(table: &str, columns: &[&str]) -> Option<PrimaryKey> {
    Some(PrimaryKey {
        name: format!("{table}_pkey"),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        deferrable: Default::default(),
        comment: None,
    })
}

fn table(text: &str, columns: Vec<Column>) -> Table {
    Table {
        columns,
        ..Table::new(name(text))
    }
}

/// Customers, their orders (a customer optional: a guest's order has
/// none), items, one invoice per order, an enum type, a view, a table
/// partitioned by month and a table in another schema whose name, in
/// Mermaid's spelling, is a public table's.
fn shop() -> Database {
    let mut db = Database::default();
    let mut customers = table(
        "customers",
        vec![
            column("id", "integer", false),
            column("phone", "text", false),
            column("pk", "text", true),
        ],
    );
    customers.primary_key = pk("customers", &["id"]);
    customers.uniques.push(Unique {
        name: "customers_phone_key".into(),
        columns: vec!["phone".into()],
        nulls_not_distinct: false,
        deferrable: Default::default(),
        comment: None,
    });
    let mut orders = table(
        "orders",
        vec![
            column("id", "integer", false),
            column("customer_id", "integer", true),
            column("status", "public.order_status", false),
            column("total", "numeric(12,2)", false),
            column("created_at", "timestamp with time zone", false),
            column("tags", "text[]", true),
        ],
    );
    orders.primary_key = pk("orders", &["id"]);
    orders
        .foreign_keys
        .push(fk("orders_customer_id_fkey", &["customer_id"], "customers"));
    orders.columns[3].comment = Some("Sum of the items, \"with\" delivery".into());
    let mut items = table(
        "order_items",
        vec![
            column("order_id", "integer", false),
            column("line", "smallint", false),
            column("price", "numeric(12,2)", false),
        ],
    );
    items.primary_key = pk("order_items", &["order_id", "line"]);
    items
        .foreign_keys
        .push(fk("order_items_order_id_fkey", &["order_id"], "orders"));
    let mut invoices = table(
        "invoices",
        vec![
            column("id", "integer", false),
            column("order_id", "integer", false),
        ],
    );
    invoices.primary_key = pk("invoices", &["id"]);
    invoices.uniques.push(Unique {
        name: "invoices_order_id_key".into(),
        columns: vec!["order_id".into()],
        nulls_not_distinct: false,
        deferrable: Default::default(),
        comment: None,
    });
    invoices
        .foreign_keys
        .push(fk("invoices_order_id_fkey", &["order_id"], "orders"));
    let mut events = table(
        "events",
        vec![
            column("at", "timestamp(3) without time zone", false),
            column("customer_id", "integer", false),
        ],
    );
    events.partition_by = Some("RANGE (at)".into());
    events
        .foreign_keys
        .push(fk("events_customer_id_fkey", &["customer_id"], "customers"));
    let mut january = table("events_2024_01", Vec::new());
    january.partition_of = Some(PartitionOf {
        parent: name("events"),
        bound: "FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')".into(),
    });
    let other = table("public_audit.log", vec![column("id", "bigint", false)]);
    let same_spelling = table("public.audit_log", vec![column("id", "bigint", false)]);
    for t in [
        customers,
        orders,
        items,
        invoices,
        events,
        january,
        other,
        same_spelling,
    ] {
        db.tables.insert(t.name.clone(), t);
    }
    db.enums.insert(
        name("order_status"),
        EnumType {
            name: name("order_status"),
            labels: vec!["new".into(), "paid".into(), "in progress".into()],
            comment: None,
            renamed_from: None,
            renamed_labels: Default::default(),
        },
    );
    db.views.insert(name("daily_sales"), daily_sales());
    db
}

fn daily_sales() -> View {
    View {
        name: name("daily_sales"),
        materialized: true,
        definition: "SELECT ...".into(),
        columns: vec![
            ViewColumn {
                name: "day".into(),
                ty: SqlType::from_canonical("date"),
                comment: None,
            },
            ViewColumn {
                name: "revenue".into(),
                ty: SqlType::from_canonical("numeric"),
                comment: None,
            },
        ],
        check_option: None,
        security_barrier: false,
        security_invoker: false,
        options: Vec::new(),
        indexes: Vec::new(),
        comment: None,
        privileges: None,
        renamed_from: None,
    }
}

fn whole() -> Erd {
    Erd::of(&shop(), &Selection::default()).expect("no names to miss")
}

fn names_of(erd: &Erd) -> Vec<String> {
    erd.entities.iter().map(|e| e.name.to_string()).collect()
}

#[test]
fn the_whole_schema_folds_partitions_into_their_parent() {
    let erd = whole();
    assert_eq!(
        names_of(&erd),
        [
            "public.audit_log",
            "public.customers",
            "public.daily_sales",
            "public.events",
            "public.invoices",
            "public.order_items",
            "public.order_status",
            "public.orders",
            "public_audit.log",
        ]
    );
    let relationships: Vec<(String, bool, bool)> = erd
        .relationships
        .iter()
        .map(|r| (r.name.clone(), r.optional, r.one_to_one))
        .collect();
    assert_eq!(
        relationships,
        [
            ("events_customer_id_fkey".to_string(), false, false),
            ("invoices_order_id_fkey".to_string(), false, true),
            ("order_items_order_id_fkey".to_string(), false, false),
            ("orders_customer_id_fkey".to_string(), true, false),
        ]
    );
    let customers = &erd.entities[1];
    assert_eq!(customers.attributes[0].keys, [KeyKind::Primary]);
    assert_eq!(customers.attributes[1].keys, [KeyKind::Unique]);
}

#[test]
fn a_selection_takes_its_neighbours_to_the_depth_asked() {
    let db = shop();
    let only = |depth| {
        let selection = Selection {
            tables: Some(vec![name("order_items")]),
            depth,
        };
        names_of(&Erd::of(&db, &selection).expect("a known table"))
    };
    assert_eq!(only(0), ["public.order_items"]);
    // orders brings the enum type its status column uses.
    assert_eq!(
        only(1),
        ["public.order_items", "public.order_status", "public.orders"]
    );
    assert_eq!(
        only(2),
        [
            "public.customers",
            "public.invoices",
            "public.order_items",
            "public.order_status",
            "public.orders"
        ]
    );
    // Against the foreign key's direction too, and through the partition
    // to its parent.
    let from_partition = Selection {
        tables: Some(vec![name("events_2024_01")]),
        depth: 1,
    };
    let erd = Erd::of(&db, &from_partition).expect("a known partition");
    assert_eq!(names_of(&erd), ["public.customers", "public.events"]);
    assert_eq!(erd.relationships.len(), 1);
}

#[test]
fn an_unknown_name_is_an_error_naming_it() {
    let selection = Selection {
        tables: Some(vec![name("orders"), name("shipments")]),
        depth: 1,
    };
    assert_eq!(
        Erd::of(&shop(), &selection),
        Err(UnknownTable(name("shipments")))
    );
    assert_eq!(find(&shop(), "orders"), Ok(name("orders")));
    assert_eq!(find(&shop(), "log"), Ok(name("public_audit.log")));
    assert_eq!(find(&shop(), "events_2024_01"), Ok(name("events")));
    assert_eq!(find(&shop(), "shipments"), Err(NotFound::Unknown));
}

#[test]
fn a_bare_name_in_several_schemas_is_ambiguous_and_one_in_public_is_not() {
    let mut db = shop();
    // `log` now in two schemas besides `public_audit`: which one the user
    // means is theirs to say.
    for t in ["sales.log", "archive.log"] {
        db.tables.insert(name(t), table(t, Vec::new()));
    }
    assert_eq!(
        find(&db, "log"),
        Err(NotFound::Ambiguous(vec![
            name("archive.log"),
            name("public_audit.log"),
            name("sales.log"),
        ]))
    );
    assert_eq!(find(&db, "sales.log"), Ok(name("sales.log")));
    // One in `public` wins over the others: no question to ask.
    db.tables.insert(name("log"), table("log", Vec::new()));
    assert_eq!(find(&db, "log"), Ok(name("public.log")));
}

#[test]
fn merge_adds_what_is_missing_by_name() {
    let db = shop();
    let part = |table: &str| {
        let selection = Selection {
            tables: Some(vec![name(table)]),
            depth: 1,
        };
        Erd::of(&db, &selection).expect("a known table")
    };
    let merged = part("invoices").merge(part("order_items"));
    assert_eq!(
        names_of(&merged),
        [
            "public.invoices",
            "public.order_items",
            "public.order_status",
            "public.orders"
        ]
    );
    assert_eq!(merged.relationships.len(), 2);
    assert_eq!(merged.clone().merge(merged.clone()), merged);
}
