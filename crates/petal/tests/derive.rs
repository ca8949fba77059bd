//! The derives on real code: their IR equals the scanner's for the same
//! file, the generated identifiers render with sea-query, and `DbEnum`
//! values convert to and from labels.

#[path = "models/shop.rs"]
mod shop;

use std::path::PathBuf;

use petal::ir::{Deferrable, Identity, QualifiedName};
use petal::sea_query::{Iden, PostgresQueryBuilder, Query};
use petal::{DbEnum, SqlType, Table};
use shop::{
    Customer, CustomerIden, CustomerTier, Mood, Note, Order, OrderIden, OrderLine, OrderStatus,
    PriorityLevel, Return, Visit,
};

#[test]
fn derive_and_scanner_agree() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/models/shop.rs");
    let text = std::fs::read_to_string(&path).expect("the models file");
    let scanned = match petal_syntax::scan_sources(&[(path, text)]) {
        Ok(s) => s.database,
        Err(e) => panic!("{e}"),
    };
    let derived = petal::database(
        [
            Customer::table(),
            Order::table(),
            OrderLine::table(),
            Note::table(),
            Visit::table(),
            Return::table(),
        ],
        [
            OrderStatus::enum_type(),
            CustomerTier::enum_type(),
            PriorityLevel::enum_type(),
            Mood::enum_type(),
        ],
    );
    for (name, t) in &derived.tables {
        assert_eq!(Some(t), scanned.tables.get(name), "{name}");
    }
    assert_eq!(derived, scanned);
    assert_eq!(derived.tables.len(), 6);
    let visits = &derived.tables[&QualifiedName::new("public", "visits")];
    assert_eq!(visits.partition_by.as_deref(), Some("range (seen_at)"));
    assert_eq!(derived.enums.len(), 4);
}

/// What the scanner and the derive read of keys, foreign keys and index
/// orders a database adopted with `petal init --from-database` holds.
#[test]
fn keys_foreign_keys_and_orders_follow_the_attributes() {
    let t = Return::table();
    let pk = t.primary_key.clone().unwrap_or_else(|| panic!("no key"));
    assert_eq!(pk.name, "returns pk");
    let keys: Vec<(&str, &str, bool)> = t
        .foreign_keys
        .iter()
        .map(|f| (f.name.as_str(), f.ref_table.name.as_str(), f.not_valid))
        .collect();
    assert_eq!(
        keys,
        [
            ("Returns_order_id_fkey", "orders", false),
            ("Returns_order_id_line_fkey", "order_lines", false),
            ("returns_customer", "customers", true),
        ]
    );
    let lines = &t.foreign_keys[1];
    assert_eq!(lines.ref_columns, ["order_id", "line"]);
    assert_eq!(lines.deferrable, Deferrable::InitiallyDeferred);
    assert_eq!(lines.comment.as_deref(), Some("the line returned"));
    let orders: Vec<Vec<(bool, bool)>> = t
        .indexes
        .iter()
        .map(|i| {
            i.keys
                .iter()
                .map(|k| (k.descending, k.nulls_first))
                .collect()
        })
        .collect();
    assert_eq!(
        orders,
        [vec![(true, true)], vec![(true, false), (false, false)]]
    );
    assert!(t.indexes[0].unique && t.indexes[0].nulls_not_distinct);
    let col = |n: &str| t.column(n).unwrap_or_else(|| panic!("no column {n}"));
    assert_eq!(col("priority").ty.as_str(), r#"public."Priority Level""#);
    assert_eq!(col("moods").ty.as_str(), "public.mood[]");
    assert!(Order::table().checks.iter().any(|c| c.name == "positive"));
    assert_eq!(Mood::LABELS, [""; 0]);
    assert_eq!(PriorityLevel::High.as_label(), "high");
}

#[test]
fn table_ir_follows_the_attributes() {
    let t = Order::table();
    assert_eq!(t.name, QualifiedName::new("public", "orders"));
    assert_eq!(
        t.renamed_from,
        Some(QualifiedName::new("public", "old_orders"))
    );
    let col = |n: &str| t.column(n).unwrap_or_else(|| panic!("no column {n}"));
    assert_eq!(col("id").identity, Some(Identity::ByDefault));
    assert!(!col("id").nullable);
    assert_eq!(col("status").ty.as_str(), "public.order_status");
    assert_eq!(col("history").ty.as_str(), "public.order_status[]");
    assert_eq!(col("total").ty.as_str(), "numeric(12,2)");
    assert_eq!(col("window").ty.as_str(), "jsonb");
    assert!(col("window").nullable);
    assert_eq!(col("note_text").renamed_from.as_deref(), Some("note"));
    assert!(t.column("cached_label").is_none());
    assert_eq!(t.foreign_keys[0].name, "orders_customer_id_fkey");
    assert_eq!(
        t.foreign_keys[0].ref_table,
        QualifiedName::new("crm", "customers")
    );
    assert_eq!(t.foreign_keys[0].deferrable, Deferrable::InitiallyDeferred);
    assert!(t.foreign_keys[0].not_valid);
    assert_eq!(t.indexes[0].name, "orders_status_created_at_idx");
    assert_eq!(t.uniques[0].name, "orders_number_uc");
    assert_eq!(t.uniques[0].deferrable, Deferrable::InitiallyImmediate);
    assert_eq!(t.uniques[0].comment.as_deref(), Some("one number"));
    let exclusions: Vec<(&str, &str)> = t
        .exclusions
        .iter()
        .map(|x| (x.name.as_str(), x.definition.as_str()))
        .collect();
    assert_eq!(
        exclusions,
        [(
            "orders_number_excl",
            r#"EXCLUDE USING btree ("number" WITH =) WHERE (total > 0)"#
        )]
    );
    assert_eq!(
        Order::COLUMNS.first().copied(),
        Some("id"),
        "columns in field order"
    );
    let lines = OrderLine::table();
    let pk = lines
        .primary_key
        .clone()
        .unwrap_or_else(|| panic!("no key"));
    assert_eq!(pk.columns, ["order_id", "line"]);
    assert_eq!(pk.deferrable, Deferrable::InitiallyDeferred);
    assert_eq!(pk.comment.as_deref(), Some("one per line"));
    let customers = Customer::table();
    let check = customers
        .checks
        .iter()
        .find(|c| c.name == "customers_email_at");
    let check = check.unwrap_or_else(|| panic!("no check"));
    assert!(check.not_valid);
    assert_eq!(check.comment.as_deref(), Some("old rows unproven"));
    let brin = customers.indexes.iter().find(|i| i.method == "brin");
    let brin = brin.unwrap_or_else(|| panic!("no brin index"));
    assert_eq!(brin.storage, ["pages_per_range=16"]);
    assert_eq!(brin.comment.as_deref(), Some("by birthday"));
    let nickname = customers
        .column("nickname")
        .and_then(|c| c.collation.clone());
    assert_eq!(nickname.as_deref(), Some("C"));
    let note = Note::table().primary_key.map(|p| p.deferrable);
    assert_eq!(note, Some(Deferrable::InitiallyImmediate));
    // A composite key gets no identity; an explicit one is kept.
    assert_eq!(lines.column("order_id").and_then(|c| c.identity), None);
    assert_eq!(
        lines.column("seq").and_then(|c| c.identity),
        Some(Identity::Always)
    );
}

#[test]
fn idens_render_with_sea_query() {
    let sql = Query::select()
        .columns([OrderIden::Id, OrderIden::CustomerId, OrderIden::NoteText])
        .column(OrderIden::TableColumn)
        .column(OrderIden::Type)
        .from(OrderIden::Table)
        .to_string(PostgresQueryBuilder);
    assert_eq!(
        sql,
        r#"SELECT "id", "customer_id", "note_text", "table", "type" FROM "orders""#
    );
    assert_eq!(OrderIden::Table.unquoted(), "orders");
    assert_eq!(<Customer as Table>::SCHEMA, "crm");
    assert_eq!(<Customer as Table>::NAME, "customers");
    assert_eq!(
        Customer::qualified_name(),
        QualifiedName::new("crm", "customers")
    );
}

/// The table named in `FROM`, `INSERT INTO`, `UPDATE` and `DELETE FROM`
/// carries its schema: a model in `crm` is not found through the
/// `search_path`, which holds `public` alone by default.
#[test]
fn table_ref_names_the_schema() {
    let select = Query::select()
        .column((CustomerIden::Table, CustomerIden::Id))
        .from(CustomerIden::table_ref())
        .to_string(PostgresQueryBuilder);
    assert_eq!(select, r#"SELECT "customers"."id" FROM "crm"."customers""#);
    let insert = Query::insert()
        .into_table(CustomerIden::table_ref())
        .columns([CustomerIden::Id])
        .values_panic([1.into()])
        .to_string(PostgresQueryBuilder);
    assert_eq!(insert, r#"INSERT INTO "crm"."customers" ("id") VALUES (1)"#);
    let update = Query::update()
        .table(OrderIden::table_ref())
        .value(OrderIden::NoteText, "x")
        .to_string(PostgresQueryBuilder);
    assert_eq!(update, r#"UPDATE "public"."orders" SET "note_text" = 'x'"#);
}

#[test]
fn db_enum_labels_round_trip() {
    assert_eq!(OrderStatus::LABELS, ["new", "paid", "self-pickup"]);
    assert_eq!(OrderStatus::SelfPickup.as_label(), "self-pickup");
    assert_eq!(OrderStatus::from_label("paid"), Some(OrderStatus::Paid));
    assert_eq!(OrderStatus::from_label("Paid"), None);
    assert_eq!(CustomerTier::from_label("vip"), Some(CustomerTier::Vip));
    assert_eq!(
        <OrderStatus as SqlType>::sql_type().as_str(),
        "public.order_status"
    );
    assert_eq!(
        <Option<CustomerTier> as SqlType>::sql_type().as_str(),
        "crm.customer_tier"
    );
    const { assert!(<Option<CustomerTier> as SqlType>::NULLABLE) };
    let e = OrderStatus::enum_type();
    assert_eq!(
        e.renamed_labels.get("self-pickup").map(String::as_str),
        Some("pickup")
    );
    assert_eq!(
        CustomerTier::enum_type().comment.as_deref(),
        Some("customer kinds")
    );
}
