//! Every kind beside tables and enum types, read from a real server
//! (tests/fixtures/whole_schema.sql): what each kind's IR holds, and what
//! stays out (extension members, range constructors, partition clones).
//! The dependency edges are in tests/dependencies.rs.

mod common;

use std::collections::BTreeSet;

use common::{Loaded, app, for_version, function, not_compared, read};
use petal_ir::{
    CheckOption, FunctionKind, QualifiedName, SequenceOptions, SequenceOwner, SqlType,
    TriggerEnabled, TriggerKey, Volatility,
};
use petal_pg::{IntrospectOptions, Objects, introspect, introspect_parallel};
use petal_testkit::TestDb;

#[test]
fn the_fixture_is_cut_by_version() {
    let sql = "a\n--@if 140000\nb\n--@else\nc\n--@end\nd\n";
    assert_eq!(for_version(sql, 130000), "a\nc\nd\n");
    assert_eq!(for_version(sql, 140000), "a\nb\nd\n");
}

#[tokio::test]
async fn extensions_and_sequences() {
    let l = Loaded::new().await;
    let ir = l.ir();
    let extensions: Vec<(&str, &str)> = ir
        .extensions
        .values()
        .map(|e| (e.name.as_str(), e.schema.as_str()))
        .collect();
    assert_eq!(
        extensions,
        [
            ("btree_gist", "public"),
            ("citext", "public"),
            ("hstore", "public"),
            ("ltree", "ext"),
            ("pg_trgm", "public"),
        ]
    );
    assert!(ir.extensions.values().all(|e| e.version.is_some()));

    // Standalone and merely owned sequences; not the serial or identity ones.
    let names: Vec<String> = ir.sequences.keys().map(|n| n.to_string()).collect();
    assert_eq!(
        names,
        [
            "app.invoice_no",
            "app.owned_manual",
            "app.plain_seq",
            "app.scratch_seq",
            "audit.ticket_seq"
        ]
    );
    let invoice = &ir.sequences[&app("invoice_no")];
    assert_eq!(invoice.ty, SqlType::canonical("integer"));
    assert_eq!(
        invoice.options,
        SequenceOptions {
            start: 1000,
            increment: 5,
            min_value: 1000,
            max_value: 999999,
            cache: 10,
            cycle: true,
        }
    );
    assert_eq!(invoice.comment.as_deref(), Some("invoice numbers"));
    assert_eq!(invoice.owned_by, None);
    let ticket = &ir.sequences[&QualifiedName::new("audit", "ticket_seq")];
    assert_eq!((ticket.options.start, ticket.options.increment), (-1, -1));
    assert_eq!(
        (ticket.options.min_value, ticket.options.max_value),
        (-32768, -1)
    );
    assert_eq!(
        ir.sequences[&app("owned_manual")].owned_by,
        Some(SequenceOwner {
            table: app("customers"),
            column: "name".into()
        })
    );

    // A column's sequence, only when not the name PostgreSQL picks.
    let column = |table: &str, column: &str| ir.tables[&app(table)].column(column).unwrap();
    assert_eq!(
        column("orders", "id").sequence,
        Some(app("orders_old_id_seq")),
        "the table was renamed from orders_old"
    );
    assert!(column("orders", "id").serial);
    assert_eq!(column("customers", "id").sequence, None);
    assert_eq!(column("items", "id").sequence, None);
    assert_eq!(column("events", "id").sequence, Some(app("event_ids")));
    // What the IR cannot say of a column's sequence is listed.
    assert_eq!(
        not_compared(&l.found, "column sequence options"),
        ["app.event_ids", "app.items_id_seq"]
    );
    assert_eq!(
        not_compared(&l.found, "comment on a column sequence"),
        ["app.event_ids", "app.orders_old_id_seq"]
    );
    let unlogged = not_compared(&l.found, "unlogged sequence");
    if l.version >= 150000 {
        assert_eq!(unlogged, ["app.scratch_seq"]);
    } else {
        assert!(unlogged.is_empty());
    }
}

#[tokio::test]
async fn views_and_materialized_views() {
    let l = Loaded::new().await;
    let ir = l.ir();
    let active = &ir.views[&app("active_customers")];
    assert!(!active.materialized);
    assert!(
        active.definition.starts_with(" SELECT "),
        "{}",
        active.definition
    );
    assert!(active.definition.ends_with(';'));
    assert!(active.definition.contains("FROM app.customers c"));
    assert!(active.definition.contains("public.similarity("));
    let columns: Vec<(&str, &str)> = active
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.ty.as_str()))
        .collect();
    assert_eq!(
        columns,
        [
            ("id", "integer"),
            ("email", "app.email"),
            ("name", "text"),
            ("slug", "app.slug"),
            ("sim", "real")
        ]
    );
    assert_eq!(active.columns[2].comment.as_deref(), Some("normalized"));
    assert_eq!(active.comment.as_deref(), Some("customers with an e-mail"));

    let big = &ir.views[&app("big_orders")];
    assert_eq!(big.check_option, Some(CheckOption::Local));
    let open = &ir.views[&app("open_orders")];
    assert_eq!(open.check_option, Some(CheckOption::Cascaded));
    assert!(open.security_barrier && !open.security_invoker);
    assert!(open.options.is_empty());
    let my = &ir.views[&app("my_orders")];
    assert_eq!(my.security_invoker, l.version >= 150000);
    assert_eq!(
        not_compared(&l.found, "view column default"),
        ["app.big_orders.status"]
    );

    let stats = &ir.views[&app("customer_stats")];
    assert!(stats.materialized);
    assert_eq!(stats.comment.as_deref(), Some("per customer"));
    assert_eq!(stats.columns[1].comment.as_deref(), Some("order count"));
    let indexes: Vec<(&str, bool)> = stats
        .indexes
        .iter()
        .map(|i| (i.name.as_str(), i.unique))
        .collect();
    assert_eq!(
        indexes,
        [("customer_stats_busy", false), ("customer_stats_id", true)]
    );
    assert_eq!(stats.indexes[0].predicate.as_deref(), Some("(orders > 10)"));
    assert_eq!(
        stats.indexes[1].comment.as_deref(),
        Some("for REFRESH CONCURRENTLY")
    );
    assert!(ir.views.contains_key(&app("Mixed Case View")));
    assert!(
        ir.views
            .contains_key(&QualifiedName::new("audit", "recent"))
    );
    assert_eq!(ir.views.len(), 10);
}

#[tokio::test]
async fn functions_procedures_and_aggregates() {
    let l = Loaded::new().await;
    let ir = l.ir();
    let add = &ir.functions[&function("app", "add", "integer, integer")];
    assert_eq!(add.kind, FunctionKind::Function);
    assert_eq!(add.identity_arguments, "a integer, b integer");
    assert_eq!(add.arguments, "a integer, b integer DEFAULT 1");
    assert_eq!(add.result.as_deref(), Some("integer"));
    assert_eq!(add.language, "sql");
    assert_eq!(add.volatility, Volatility::Immutable);
    assert!(
        add.definition
            .starts_with("CREATE OR REPLACE FUNCTION app.add(a integer, b integer DEFAULT 1)\n"),
        "{}",
        add.definition
    );
    let overload = &ir.functions[&function("app", "add", "numeric, numeric")];
    assert_eq!(overload.comment.as_deref(), Some("numeric overload"));
    // OUT parameters are not part of the key; row types are.
    assert!(
        ir.functions
            .contains_key(&function("app", "split_name", "text"))
    );
    let orders_of = &ir.functions[&function("app", "orders_of", "app.customers")];
    assert_eq!(orders_of.result.as_deref(), Some("SETOF app.orders"));
    let archive = &ir.functions[&function(
        "app",
        "archive_orders",
        "timestamp without time zone, integer",
    )];
    assert_eq!(archive.kind, FunctionKind::Procedure);
    assert_eq!(archive.result, None);
    assert_eq!(archive.comment.as_deref(), Some("a procedure"));
    let window = &ir.functions[&function("app", "my_row_number", "")];
    assert_eq!(window.kind, FunctionKind::Window);
    let lookup = &ir.functions[&function("app", "secure_lookup", "app.email")];
    assert!(lookup.definition.contains("SECURITY DEFINER"));
    assert!(
        lookup
            .definition
            .contains("SET search_path TO 'app', 'pg_temp'")
    );
    let count = &ir.functions[&function("app", "customer_count", "")];
    assert_eq!(
        count.definition.contains("BEGIN ATOMIC"),
        l.version >= 140000
    );

    let root = &ir.functions[&function("app", "root_sum_sq", "numeric")];
    assert_eq!(root.kind, FunctionKind::Aggregate);
    assert_eq!(
        root.definition,
        "CREATE OR REPLACE AGGREGATE app.root_sum_sq(numeric) (\n    \
         SFUNC = app.sum_sq_step,\n    STYPE = numeric,\n    INITCOND = '0',\n    \
         FINALFUNC = app.sum_sq_final,\n    FINALFUNC_MODIFY = SHAREABLE,\n    \
         COMBINEFUNC = numeric_add,\n    PARALLEL = safe\n)"
    );
    let rows = &ir.functions[&function("app", "count_rows", "")];
    assert_eq!(
        (rows.arguments.as_str(), rows.identity_arguments.as_str()),
        ("*", "*")
    );
    assert!(
        rows.definition
            .starts_with("CREATE OR REPLACE AGGREGATE app.count_rows(*) (")
    );
    let common = &ir.functions[&function("app", "most_common", "anyelement")];
    assert!(
        common
            .definition
            .contains("most_common(ORDER BY anyelement)")
    );
    assert!(common.definition.contains("FINALFUNC_EXTRA"));
    let rank = &ir.functions[&function("app", "my_rank", "\"any\"")];
    assert!(rank.definition.contains("HYPOTHETICAL"));
    let max = &ir.functions[&function("app", "my_max", "integer")];
    assert!(max.definition.contains("SORTOP = OPERATOR(pg_catalog.>)"));

    // Range and multirange constructors go with their type; extension
    // members with their extension.
    assert!(
        !ir.functions
            .keys()
            .any(|k| k.name.name == "floatrange" || k.name.name.contains("multi")),
        "a range constructor was listed"
    );
    assert!(ir.functions.keys().all(|k| k.name.schema != "public"));
}

/// `CREATE OR REPLACE AGGREGATE` resets every option it does not name:
/// running the assembled definitions back changes nothing only if they
/// are complete.
#[tokio::test]
async fn aggregate_definitions_run_back_unchanged() {
    let l = Loaded::new().await;
    let aggregates: Vec<&str> = l
        .ir()
        .functions
        .values()
        .filter(|f| f.kind == FunctionKind::Aggregate)
        .map(|f| f.definition.as_str())
        .collect();
    assert_eq!(aggregates.len(), 8);
    for definition in &aggregates {
        if let Err(e) = l.db.client().batch_execute(definition).await {
            panic!("{definition}\n{}", petal_pg::error::describe(&e));
        }
    }
    let again = read(&l.db, &IntrospectOptions::default()).await;
    assert_eq!(again.database, l.found.database);
}

#[tokio::test]
async fn triggers_on_tables_and_views() {
    let l = Loaded::new().await;
    let ir = l.ir();
    let key = |table: &str, name: &str| TriggerKey {
        table: app(table),
        name: name.into(),
    };
    let names: Vec<String> = ir.triggers.keys().map(|k| k.to_string()).collect();
    assert_eq!(
        names,
        [
            "\"customer_orders_insert\" on app.customer_orders",
            "\"customers_always\" on app.customers",
            "\"customers_disabled\" on app.customers",
            "\"customers_replica\" on app.customers",
            "\"items_check\" on app.items",
            "\"measurements_audit\" on app.measurements",
            "\"orders_audit\" on app.orders",
            "\"orders_new_rows\" on app.orders",
            "\"orders_touch\" on app.orders",
            "\"orders_truncate\" on app.orders",
        ],
        "no clone on the partition, no internal foreign key trigger"
    );
    let touch = &ir.triggers[&key("orders", "orders_touch")];
    assert_eq!(
        touch.definition,
        "CREATE TRIGGER orders_touch BEFORE UPDATE ON app.orders FOR EACH ROW \
         WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION app.touch_updated_at()"
    );
    assert_eq!(touch.function, function("app", "touch_updated_at", ""));
    assert_eq!(touch.enabled, TriggerEnabled::Origin);
    assert_eq!(touch.comment.as_deref(), Some("keeps updated_at"));
    let enabled = |name: &str| ir.triggers[&key("customers", name)].enabled;
    assert_eq!(enabled("customers_disabled"), TriggerEnabled::Disabled);
    assert_eq!(enabled("customers_always"), TriggerEnabled::Always);
    assert_eq!(enabled("customers_replica"), TriggerEnabled::Replica);
    let audit = &ir.triggers[&key("orders", "orders_audit")];
    assert_eq!(audit.function, function("audit", "log_row", ""));
    assert!(audit.definition.contains("'it''s'"));
    assert!(
        ir.triggers[&key("items", "items_check")]
            .definition
            .starts_with("CREATE CONSTRAINT TRIGGER")
    );
    assert!(not_compared(&l.found, "trigger").is_empty());
}

#[tokio::test]
async fn domains_composite_and_range_types() {
    let l = Loaded::new().await;
    let ir = l.ir();
    let email = &ir.domains[&app("email")];
    assert_eq!(email.base_type, SqlType::canonical("public.citext"));
    assert_eq!(
        email.default.as_deref(),
        Some("'nobody@example.com'::public.citext")
    );
    assert!(email.not_null);
    let checks: Vec<(&str, &str)> = email
        .checks
        .iter()
        .map(|c| (c.name.as_str(), c.expr.as_str()))
        .collect();
    assert_eq!(
        checks,
        [
            (
                "email_has_at",
                "(VALUE OPERATOR(public.~) '@'::public.citext)"
            ),
            ("email_short", "(length((VALUE)::text) < 255)")
        ]
    );
    assert_eq!(email.comment.as_deref(), Some("an e-mail address"));
    // From 17 on NOT NULL is a pg_constraint row too: still no check.
    let code = &ir.domains[&app("code")];
    assert!(code.not_null && code.checks.is_empty());
    assert_eq!(code.base_type, SqlType::canonical("character varying(8)"));
    assert_eq!(
        ir.domains[&app("short_text")].collation.as_deref(),
        Some("C")
    );
    assert_eq!(ir.domains[&app("email")].collation, None);
    let money = &ir.domains[&app("money_amount")];
    let names: Vec<&str> = money.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["below_million", "nonneg"], "sorted by name");
    assert_eq!(money.default.as_deref(), Some("0"));
    assert_eq!(
        ir.domains[&app("slugs")].base_type,
        SqlType::canonical("app.slug[]")
    );
    assert_eq!(
        not_compared(&l.found, "comment on a domain check"),
        ["app.email.email_has_at"]
    );

    let address = &ir.composite_types[&app("address")];
    let attributes: Vec<(&str, &str, Option<&str>, Option<&str>)> = address
        .attributes
        .iter()
        .map(|a| {
            (
                a.name.as_str(),
                a.ty.as_str(),
                a.collation.as_deref(),
                a.comment.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        attributes,
        [
            ("street", "text", None, None),
            ("city", "text", Some("C"), None),
            ("zip", "app.short_text", None, Some("postal code")),
            ("country", "character(2)", None, None),
        ],
        "the dropped attribute is gone"
    );
    assert_eq!(address.comment.as_deref(), Some("postal address"));
    assert!(ir.composite_types[&app("empty_row")].attributes.is_empty());

    let float = &ir.range_types[&app("floatrange")];
    assert_eq!(float.subtype, SqlType::canonical("double precision"));
    assert_eq!(float.subtype_diff.as_deref(), Some("app.float8_diff"));
    assert_eq!(float.multirange, None, "the derived name is not kept");
    assert_eq!(float.comment.as_deref(), Some("ranges of float8"));
    let text = &ir.range_types[&app("textrange_c")];
    assert_eq!(text.subtype_opclass.as_deref(), Some("text_pattern_ops"));
    assert_eq!(text.collation.as_deref(), Some("C"));
    let time = &ir.range_types[&app("timerange")];
    let named = (l.version >= 140000).then_some("app.time_multi");
    assert_eq!(time.multirange.as_deref(), named);
}

#[tokio::test]
async fn extension_members_are_their_extensions() {
    let l = Loaded::new().await;
    let ir = l.ir();
    let schemas: BTreeSet<&str> = ir
        .functions
        .keys()
        .map(|k| k.name.schema.as_str())
        .chain(ir.domains.keys().map(|n| n.schema.as_str()))
        .chain(ir.composite_types.keys().map(|n| n.schema.as_str()))
        .chain(ir.range_types.keys().map(|n| n.schema.as_str()))
        .chain(ir.views.keys().map(|n| n.schema.as_str()))
        .collect();
    assert_eq!(schemas, BTreeSet::from(["app", "audit"]));
    for kind in [
        "operator",
        "operator class",
        "operator family",
        "base type",
        "cast",
    ] {
        assert_eq!(not_compared(&l.found, kind), Vec::<String>::new(), "{kind}");
    }
    assert!(!ir.extensions.contains_key("plpgsql"));
}

#[tokio::test]
async fn two_connections_and_any_search_path_read_the_same() {
    let l = Loaded::new().await;
    let two = match introspect_parallel(l.db.config(), &IntrospectOptions::default()).await {
        Ok(found) => found,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(two, l.found);
    let wide = l.db.connect().await;
    wide.batch_execute("SET search_path = app, audit, public, ext")
        .await
        .unwrap();
    let again = match introspect(&wide, &IntrospectOptions::default()).await {
        Ok(found) => found,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(again, l.found);
}

#[tokio::test]
async fn tables_only_reads_the_same_tables_and_nothing_else() {
    let l = Loaded::new().await;
    let opts = IntrospectOptions {
        objects: Objects::None,
        ..IntrospectOptions::default()
    };
    let tables_only = read(&l.db, &opts).await;
    let ir = &tables_only.database;
    assert_eq!(ir.tables, l.ir().tables);
    assert_eq!(ir.enums, l.ir().enums);
    assert_eq!(ir.schemas, l.ir().schemas);
    assert!(ir.views.is_empty() && ir.functions.is_empty() && ir.triggers.is_empty());
    assert!(ir.sequences.is_empty() && ir.extensions.is_empty() && ir.domains.is_empty());
    assert!(ir.composite_types.is_empty() && ir.range_types.is_empty());
    assert!(ir.dependencies.is_empty());
    assert!(tables_only.queries < l.found.queries);
}

/// An exclusion constraint is its table's, as `pg_get_constraintdef`
/// prints it; its index is not listed with the table's indexes.
#[tokio::test]
async fn exclusion_constraints_are_read() {
    let l = Loaded::new().await;
    let items = l.ir().tables.get(&app("items"));
    let items = items.unwrap_or_else(|| panic!("no app.items"));
    let read: Vec<(&str, &str)> = items
        .exclusions
        .iter()
        .map(|x| (x.name.as_str(), x.definition.as_str()))
        .collect();
    assert_eq!(
        read,
        [(
            "items_sku_during_excl",
            "EXCLUDE USING gist (sku WITH =, during WITH &&)"
        )]
    );
    assert!(
        items
            .indexes
            .iter()
            .all(|i| i.name != "items_sku_during_excl")
    );
    assert_eq!(
        not_compared(&l.found, "exclusion constraint"),
        Vec::<String>::new()
    );
}

/// `ALTER TABLE t RENAME TO u` keeps the sequence's name, `t_id_seq`.
#[tokio::test]
async fn a_renamed_table_keeps_its_sequence_name() {
    let db = TestDb::new().await;
    db.client()
        .batch_execute(
            "CREATE TABLE t (id serial PRIMARY KEY);
             ALTER TABLE t RENAME TO u;
             CREATE TABLE plain (id serial PRIMARY KEY);
             CREATE TABLE ident (id int GENERATED ALWAYS AS IDENTITY);
             ALTER TABLE ident RENAME COLUMN id TO ident_id;
             CREATE TABLE fresh (id bigint GENERATED BY DEFAULT AS IDENTITY);",
        )
        .await
        .unwrap();
    let found = read(&db, &IntrospectOptions::default()).await;
    let sequence = |table: &str, column: &str| {
        found.database.tables[&QualifiedName::new("public", table)]
            .column(column)
            .unwrap()
            .sequence
            .clone()
    };
    assert_eq!(
        sequence("u", "id"),
        Some(QualifiedName::new("public", "t_id_seq"))
    );
    assert_eq!(sequence("plain", "id"), None);
    assert_eq!(
        sequence("ident", "ident_id"),
        Some(QualifiedName::new("public", "ident_id_seq"))
    );
    assert_eq!(sequence("fresh", "id"), None);
    assert!(found.database.sequences.is_empty());
}
