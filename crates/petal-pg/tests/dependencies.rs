//! Dependency edges read from a real server (tests/fixtures/
//! whole_schema.sql): each kind's edges named as the IR's objects, and the
//! edges of reads narrowed to some schemas or tables.

mod common;

use std::collections::BTreeSet;

use common::{Loaded, app, function, read};
use petal_ir::{
    Database, Dependency, DependencyKind, FunctionKey, ObjectKey, QualifiedName, TriggerKey,
};
use petal_pg::{IntrospectOptions, Objects};

fn edge(dependent: ObjectKey, referenced: ObjectKey) -> Dependency {
    Dependency {
        dependent,
        referenced,
        kind: DependencyKind::Normal,
    }
}

/// Whether the IR holds the object a key names.
fn holds(ir: &Database, key: &ObjectKey) -> bool {
    let relation_has = |relation: &QualifiedName, column: &str| {
        ir.tables
            .get(relation)
            .is_some_and(|t| t.column(column).is_some())
            || ir
                .views
                .get(relation)
                .is_some_and(|v| v.columns.iter().any(|c| c.name == column))
            || ir
                .composite_types
                .get(relation)
                .is_some_and(|c| c.attributes.iter().any(|a| a.name == column))
    };
    match key {
        ObjectKey::Table { name } => ir.tables.contains_key(name),
        ObjectKey::Column { table, column } => relation_has(table, column),
        ObjectKey::Constraint { table, name } => ir.tables.get(table).is_some_and(|t| {
            t.primary_key.iter().any(|c| &c.name == name)
                || t.uniques.iter().any(|c| &c.name == name)
                || t.checks.iter().any(|c| &c.name == name)
                || t.exclusions.iter().any(|c| &c.name == name)
                || t.foreign_keys.iter().any(|c| &c.name == name)
        }),
        ObjectKey::Index { table, name } => {
            ir.tables
                .get(table)
                .is_some_and(|t| t.indexes.iter().any(|i| &i.name == name))
                || ir
                    .views
                    .get(table)
                    .is_some_and(|v| v.indexes.iter().any(|i| &i.name == name))
        }
        ObjectKey::Enum { name } => ir.enums.contains_key(name),
        ObjectKey::Extension { name } => ir.extensions.contains_key(name),
        ObjectKey::Sequence { name } => ir.sequences.contains_key(name),
        ObjectKey::View { name } => ir.views.get(name).is_some_and(|v| !v.materialized),
        ObjectKey::MaterializedView { name } => ir.views.get(name).is_some_and(|v| v.materialized),
        ObjectKey::Function { name, signature } => ir.functions.contains_key(&FunctionKey {
            name: name.clone(),
            signature: signature.clone(),
        }),
        ObjectKey::Trigger { table, name } => ir.triggers.contains_key(&TriggerKey {
            table: table.clone(),
            name: name.clone(),
        }),
        ObjectKey::Policy { table, name } => ir.policies.contains_key(&petal_ir::PolicyKey {
            table: table.clone(),
            name: name.clone(),
        }),
        ObjectKey::Domain { name } => ir.domains.contains_key(name),
        ObjectKey::DomainCheck { domain, name } => ir
            .domains
            .get(domain)
            .is_some_and(|d| d.checks.iter().any(|c| &c.name == name)),
        ObjectKey::CompositeType { name } => ir.composite_types.contains_key(name),
        ObjectKey::RangeType { name } => ir.range_types.contains_key(name),
        ObjectKey::Collation { name } => ir.collations.contains_key(name),
        ObjectKey::Schema { .. }
        | ObjectKey::EnumLabel { .. }
        | ObjectKey::DefaultPrivileges { .. } => false,
    }
}

// One table of every edge the fixture must give: long, and clearer whole.
#[allow(clippy::too_many_lines)]
#[tokio::test]
async fn dependency_edges() {
    let l = Loaded::new().await;
    let ir = l.ir();
    let edges = &ir.dependencies;
    let view = |name: &str| ObjectKey::View { name: app(name) };
    let column = |table: &str, column: &str| ObjectKey::column(&app(table), column);
    let func = |name: &str, signature: &str| ObjectKey::function(&function("app", name, signature));
    let expected = [
        // a view over a view, column by column
        edge(view("customer_orders"), column("active_customers", "id")),
        edge(view("customer_orders"), column("active_customers", "name")),
        edge(view("active_customers"), column("customers", "email")),
        // a trigger on its function (and, auto, on its table)
        edge(
            ObjectKey::trigger(&TriggerKey {
                table: app("orders"),
                name: "orders_touch".into(),
            }),
            func("touch_updated_at", ""),
        ),
        // an expression index on its function
        edge(
            ObjectKey::index(&app("customers"), "customers_name_idx"),
            func("normalize_name", "text"),
        ),
        // a column of a domain, a domain over a domain, a domain check
        edge(
            column("customers", "email"),
            ObjectKey::Domain { name: app("email") },
        ),
        edge(
            ObjectKey::Domain { name: app("slugs") },
            ObjectKey::Domain { name: app("slug") },
        ),
        edge(
            ObjectKey::DomainCheck {
                domain: app("slug"),
                name: "slug_ok".into(),
            },
            func("is_slug", "text"),
        ),
        // a default on a function and on a standalone sequence
        edge(column("customers", "created_at"), func("now_utc", "")),
        edge(
            column("invoices", "no"),
            ObjectKey::Sequence {
                name: app("invoice_no"),
            },
        ),
        // a foreign key on the referenced primary key (named as the
        // constraint, not its index)
        edge(
            ObjectKey::constraint(&app("items"), "items_order_id_fkey"),
            ObjectKey::constraint(&app("orders"), "orders_old_pkey"),
        ),
        // an extension member is named as its extension
        edge(
            view("active_customers"),
            ObjectKey::Extension {
                name: "pg_trgm".into(),
            },
        ),
        edge(
            ObjectKey::index(&app("customers"), "customers_name_trgm"),
            ObjectKey::Extension {
                name: "pg_trgm".into(),
            },
        ),
        // a range constructor is named as its range type
        edge(
            view("Mixed Case View"),
            ObjectKey::RangeType {
                name: app("floatrange"),
            },
        ),
        edge(
            ObjectKey::RangeType {
                name: app("floatrange"),
            },
            func("float8_diff", "double precision, double precision"),
        ),
        // a materialized view on an aggregate, an aggregate on its functions
        edge(
            ObjectKey::MaterializedView {
                name: app("customer_stats"),
            },
            func("root_sum_sq", "numeric"),
        ),
        edge(
            func("root_sum_sq", "numeric"),
            func("sum_sq_step", "numeric, numeric"),
        ),
        // a composite type's attribute
        edge(
            column("address", "zip"),
            ObjectKey::Domain {
                name: app("short_text"),
            },
        ),
    ];
    for e in &expected {
        assert!(
            edges.contains(e),
            "missing {} -> {}",
            e.dependent,
            e.referenced
        );
    }
    let auto = Dependency {
        kind: DependencyKind::Auto,
        ..edge(
            ObjectKey::Sequence {
                name: app("owned_manual"),
            },
            column("customers", "name"),
        )
    };
    assert!(edges.contains(&auto));
    let extension = Dependency {
        kind: DependencyKind::Extension,
        ..edge(
            func("tied_to_hstore", ""),
            ObjectKey::Extension {
                name: "hstore".into(),
            },
        )
    };
    assert!(edges.contains(&extension));
    // BEGIN ATOMIC bodies (14+) record what they use; string bodies never.
    let atomic = edge(func("customer_count", ""), column("customers", "name"));
    assert_eq!(edges.contains(&atomic), l.version >= 140000);
    assert!(
        !edges
            .iter()
            .any(|e| e.dependent == func("secure_lookup", "app.email")
                && e.referenced.in_table().is_some()),
        "a PL/pgSQL body records nothing"
    );
    // Every edge joins two objects of the IR, never one to itself.
    for e in edges {
        assert!(holds(ir, &e.dependent), "unknown dependent {}", e.dependent);
        assert!(
            holds(ir, &e.referenced),
            "unknown referenced {}",
            e.referenced
        );
        assert_ne!(e.dependent, e.referenced);
    }
}

#[tokio::test]
async fn schemas_option_keeps_edges_within_what_was_read() {
    let l = Loaded::new().await;
    let opts = IntrospectOptions {
        schemas: Some(BTreeSet::from(["audit".to_string()])),
        ..IntrospectOptions::default()
    };
    let audit = read(&l.db, &opts).await;
    let ir = &audit.database;
    let views: Vec<String> = ir.views.keys().map(|n| n.to_string()).collect();
    assert_eq!(views, ["audit.recent"]);
    assert!(
        ir.extensions.is_empty(),
        "the extensions live in public and ext"
    );
    // audit.recent reads app.orders too: that end was not read.
    for e in &ir.dependencies {
        assert!(holds(ir, &e.dependent) && holds(ir, &e.referenced));
    }
    let recent = ObjectKey::View {
        name: QualifiedName::new("audit", "recent"),
    };
    assert!(ir.dependencies.contains(&edge(
        recent,
        ObjectKey::column(&QualifiedName::new("audit", "log"), "at")
    )));
}

/// A read narrowed to some tables names the ends on the others itself:
/// its edges are the whole read's.
#[tokio::test]
async fn a_narrowed_read_keeps_every_edge() {
    let l = Loaded::new().await;
    let opts = IntrospectOptions {
        tables: Some(BTreeSet::from([app("orders")])),
        ..IntrospectOptions::default()
    };
    let narrowed = read(&l.db, &opts).await;
    let tables: Vec<String> = narrowed
        .database
        .tables
        .keys()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(tables, ["app.orders"]);
    assert_eq!(narrowed.database.views, l.ir().views);
    assert_eq!(narrowed.database.dependencies, l.ir().dependencies);
}

fn near(tables: &BTreeSet<QualifiedName>) -> IntrospectOptions {
    IntrospectOptions {
        tables: Some(tables.clone()),
        objects: Objects::NearTables,
        ..IntrospectOptions::default()
    }
}

/// A near read of some tables, put onto the whole read, is the whole read:
/// each table alone and all at once, nothing changed. Every edge touching
/// them is read again, and nothing else is lost.
#[tokio::test]
async fn a_near_read_put_onto_the_whole_read_is_the_whole_read() {
    let l = Loaded::new().await;
    let whole = l.ir();
    let mut sets: Vec<BTreeSet<QualifiedName>> = whole
        .tables
        .keys()
        .map(|t| BTreeSet::from([t.clone()]))
        .collect();
    sets.push(whole.tables.keys().cloned().collect());
    for tables in sets {
        let near = read(&l.db, &near(&tables)).await;
        let refreshed = petal_pg::refresh(whole.clone(), near.database, &tables);
        assert_eq!(&refreshed, whole, "refreshing {tables:?}");
    }
}

/// After statements on some tables alone (a renamed column under views, a
/// dropped one, a new column, index, comment and foreign key), the near
/// read of those tables put onto the whole read before them is the whole
/// read after them; and it reads fewer views than there are.
#[tokio::test]
async fn a_near_read_after_table_changes_is_the_whole_read_after_them() {
    let l = Loaded::new().await;
    let before = l.ir().clone();
    l.db.client()
        .batch_execute(
            "ALTER TABLE app.orders RENAME COLUMN status TO state;
             ALTER TABLE app.orders DROP COLUMN note;
             ALTER TABLE app.orders ADD COLUMN shipped date;
             CREATE INDEX orders_shipped ON app.orders (shipped);
             ALTER TABLE app.customers ADD COLUMN vip boolean DEFAULT false;
             COMMENT ON COLUMN app.customers.vip IS 'pays more';
             ALTER TABLE app.invoices ADD CONSTRAINT invoices_order
                 FOREIGN KEY (order_id) REFERENCES app.orders (id);",
        )
        .await
        .expect("the changes");
    let after = read(&l.db, &IntrospectOptions::default()).await.database;
    let tables = BTreeSet::from([app("orders"), app("customers"), app("invoices")]);
    let near = read(&l.db, &near(&tables)).await.database;
    assert!(
        near.views.len() < after.views.len(),
        "only the views on them"
    );
    assert!(
        near.views[&app("big_orders")].definition.contains("state"),
        "a view on a renamed column is read again"
    );
    assert_eq!(petal_pg::refresh(before, near, &tables), after);
}

/// What uses a refreshed table only through its serial sequence or its row
/// type (a default of another table, a view selecting `nextval` or a row
/// of the table) is named as the table's column or the table by a whole
/// read: a near read reads those edges and views again too.
#[tokio::test]
async fn a_near_read_keeps_what_uses_a_tables_sequence_or_row_type() {
    let l = Loaded::new().await;
    l.db.client()
        .batch_execute(
            "CREATE TABLE app.numbers (n integer DEFAULT nextval('app.customers_id_seq'));
             CREATE VIEW app.next_customer AS SELECT nextval('app.customers_id_seq') AS id;
             CREATE VIEW app.customer_rows AS SELECT NULL::app.customers AS r;",
        )
        .await
        .expect("the users");
    let before = read(&l.db, &IntrospectOptions::default()).await.database;
    l.db.client()
        .batch_execute("ALTER TABLE app.customers ADD COLUMN vip boolean")
        .await
        .expect("the change");
    let after = read(&l.db, &IntrospectOptions::default()).await.database;
    let tables = BTreeSet::from([app("customers")]);
    let near = read(&l.db, &near(&tables)).await.database;
    assert_eq!(petal_pg::refresh(before, near, &tables), after);
}
