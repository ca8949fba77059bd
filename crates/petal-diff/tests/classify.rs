//! Safety, description and notes of every change kind.

// One long table of cases, read top to bottom.
#![allow(clippy::too_many_lines)]

use petal_diff::Change::{Create, Drop};
use petal_diff::{
    AddEnumLabel, Alter, Change, ColumnType, Delta, EnumColumn, Object, RecreateEnum, Rename,
    Safety, render_change,
};
use petal_ir::{
    Check, Column, EnumType, FkAction, ForeignKey, Identity, Index, IndexKey, ObjectKey,
    PrimaryKey, QualifiedName, SqlType, Table, Unique,
};

fn comment(on: ObjectKey, to: Option<&str>) -> Change {
    Change::Alter(Alter::Comment {
        on,
        text: Delta::new(None, to.map(String::from)),
    })
}

fn identity(from: Option<Identity>, to: Option<Identity>) -> Change {
    Change::Alter(Alter::Identity {
        table: qn("orders"),
        column: "id".into(),
        identity: Delta::new(from, to),
        sequence: None,
    })
}

fn qn(name: &str) -> QualifiedName {
    QualifiedName::new("public", name)
}

fn ty(t: &str) -> SqlType {
    SqlType::canonical(t)
}

fn column(name: &str, t: &str, nullable: bool, default: Option<&str>) -> Column {
    let mut c = Column::new(name, ty(t));
    c.nullable = nullable;
    c.default = default.map(String::from);
    c
}

fn alter(from: &str, to: &str) -> Change {
    let column_type = |t: &str| ColumnType {
        ty: ty(t),
        collation: None,
        default: None,
    };
    Change::Alter(Alter::ColumnType {
        table: qn("orders"),
        column: "total".into(),
        serial: false,
        ty: Delta::new(column_type(from), column_type(to)),
    })
}

fn enum_type() -> EnumType {
    EnumType {
        name: qn("order_status"),
        labels: vec!["new".into(), "paid".into()],
        comment: None,
        renamed_from: None,
        renamed_labels: Default::default(),
    }
}

fn status_column() -> EnumColumn {
    EnumColumn {
        table: qn("orders"),
        column: "status".into(),
        array: false,
        default_before: None,
        default_after: None,
    }
}

fn fk(new_table: bool) -> Change {
    Change::Create(Object::ForeignKey {
        table: qn("orders"),
        foreign_key: ForeignKey {
            not_valid: false,
            comment: None,
            name: "orders_customer_id_fkey".into(),
            columns: vec!["customer_id".into()],
            ref_table: qn("customers"),
            ref_columns: vec!["id".into()],
            on_delete: FkAction::Cascade,
            on_update: FkAction::NoAction,
            deferrable: Default::default(),
        },
        new_table,
    })
}

fn index() -> Index {
    Index {
        name: "orders_total_idx".into(),
        unique: false,
        method: "btree".into(),
        keys: vec![IndexKey::column("total")],
        include: vec![],
        predicate: None,
        nulls_not_distinct: false,
        comment: None,
        storage: Vec::new(),
        concurrently: false,
        only: false,
    }
}

/// (change, expected safety, a word its description must hold)
fn cases() -> Vec<(Change, Safety, &'static str)> {
    let t = qn("orders");
    let mut table = Table::new(qn("orders"));
    table.columns.push(column("id", "integer", false, None));
    vec![
        (
            Create(Object::Schema { name: "crm".into() }),
            Safety::Safe,
            "create schema crm",
        ),
        (
            Drop(Object::Schema { name: "crm".into() }),
            Safety::Safe,
            "drop schema crm",
        ),
        (
            Create(Object::Enum {
                enum_type: enum_type(),
            }),
            Safety::Safe,
            "create enum type",
        ),
        (
            Drop(Object::Enum {
                enum_type: enum_type(),
            }),
            Safety::Safe,
            "drop enum type",
        ),
        (
            Change::Rename(Rename::Enum {
                name: Delta::new(qn("a"), qn("b")),
            }),
            Safety::Safe,
            "rename enum type",
        ),
        (
            Change::AddEnumLabel(AddEnumLabel {
                name: qn("order_status"),
                labels: vec!["new".into()],
                label: "paid".into(),
                index: 1,
                columns: vec![status_column()],
                foreign_keys: vec![],
                comment: None,
                privileges: None,
                dependents: Vec::new(),
            }),
            Safety::Safe,
            "add label 'paid'",
        ),
        (
            Change::Rename(Rename::EnumLabel {
                enum_type: qn("order_status"),
                label: Delta::new("a".into(), "b".into()),
            }),
            Safety::Safe,
            "rename label 'a'",
        ),
        (
            Change::RecreateEnum(RecreateEnum {
                name: qn("order_status"),
                from_labels: vec!["new".into(), "paid".into()],
                to_labels: vec!["new".into()],
                columns: vec![status_column()],
                foreign_keys: vec![],
                comment: None,
                privileges: None,
                dependents: Vec::new(),
            }),
            Safety::Destructive,
            "removing 'paid'",
        ),
        (
            Change::RecreateEnum(RecreateEnum {
                name: qn("order_status"),
                from_labels: vec!["paid".into(), "new".into()],
                to_labels: vec!["new".into(), "paid".into()],
                columns: vec![status_column()],
                foreign_keys: vec![],
                comment: None,
                privileges: None,
                dependents: Vec::new(),
            }),
            Safety::Locks,
            "recreate enum type",
        ),
        (
            comment(ObjectKey::Enum { name: qn("e") }, Some("x")),
            Safety::Safe,
            "comment on enum",
        ),
        (
            Create(Object::Table {
                table: table.clone(),
                default_partition: None,
                referenced_by: Vec::new(),
                parent_references: Vec::new(),
                rows_copied: None,
            }),
            Safety::Safe,
            "create table public.orders",
        ),
        (
            Drop(Object::Table {
                table,
                default_partition: None,
                referenced_by: Vec::new(),
                parent_references: Vec::new(),
                rows_copied: None,
            }),
            Safety::Destructive,
            "drop table public.orders",
        ),
        (
            Change::Rename(Rename::Table {
                name: Delta::new(qn("a"), qn("b")),
            }),
            Safety::Safe,
            "rename table public.a to public.b",
        ),
        (
            Create(Object::Column {
                table: t.clone(),
                column: column("rating", "integer", false, Some("0")),
            }),
            Safety::Safe,
            "add column public.orders.rating integer NOT NULL DEFAULT 0",
        ),
        (
            Create(Object::Column {
                table: t.clone(),
                column: column("uid", "uuid", true, Some("gen_random_uuid()")),
            }),
            Safety::Locks,
            "add column",
        ),
        (
            Drop(Object::Column {
                table: t.clone(),
                column: column("x", "text", true, None),
            }),
            Safety::Destructive,
            "drop column public.orders.x",
        ),
        (
            Change::Rename(Rename::Column {
                table: t.clone(),
                name: Delta::new("a".into(), "b".into()),
            }),
            Safety::Safe,
            "rename column public.orders.a to b",
        ),
        (
            alter("integer", "bigint"),
            Safety::Locks,
            "from integer to bigint",
        ),
        (
            alter("double precision", "numeric(12,2)"),
            Safety::Destructive,
            "numeric(12,2)",
        ),
        (
            alter("bigint", "integer"),
            Safety::Destructive,
            "to integer",
        ),
        (
            alter("text", "varchar(10)"),
            Safety::Destructive,
            "character varying(10)",
        ),
        (
            alter("varchar(10)", "varchar(20)"),
            Safety::Safe,
            "character varying(20)",
        ),
        (alter("varchar", "text"), Safety::Safe, "to text"),
        (
            alter("numeric(10,2)", "numeric(12,2)"),
            Safety::Safe,
            "numeric(12,2)",
        ),
        (
            Change::Alter(Alter::Nullable {
                table: t.clone(),
                column: "x".into(),
                nullable: Delta::new(true, false),
            }),
            Safety::Locks,
            "set NOT NULL on public.orders.x",
        ),
        (
            Change::Alter(Alter::Nullable {
                table: t.clone(),
                column: "x".into(),
                nullable: Delta::new(false, true),
            }),
            Safety::Safe,
            "drop NOT NULL",
        ),
        (
            Change::Alter(Alter::Default {
                table: t.clone(),
                column: "x".into(),
                default: Delta::new(None, Some("0".into())),
                because: None,
            }),
            Safety::Safe,
            "set default of public.orders.x to 0",
        ),
        (
            identity(None, Some(Identity::Always)),
            Safety::Breaking,
            "GENERATED ALWAYS AS IDENTITY",
        ),
        (
            identity(None, Some(Identity::ByDefault)),
            Safety::Locks,
            "GENERATED BY DEFAULT AS IDENTITY",
        ),
        (
            identity(Some(Identity::ByDefault), Some(Identity::Always)),
            Safety::Breaking,
            "GENERATED ALWAYS AS IDENTITY",
        ),
        (
            identity(Some(Identity::Always), Some(Identity::ByDefault)),
            Safety::Safe,
            "BY DEFAULT",
        ),
        (
            identity(Some(Identity::Always), None),
            Safety::Safe,
            "drop identity",
        ),
        (
            Change::Alter(Alter::Serial {
                table: t.clone(),
                column: "id".into(),
                ty: ty("bigint"),
                serial: Delta::new(false, true),
                sequence: None,
            }),
            Safety::Locks,
            "serial",
        ),
        (
            Change::Alter(Alter::Serial {
                table: t.clone(),
                column: "id".into(),
                ty: ty("bigint"),
                serial: Delta::new(true, false),
                sequence: None,
            }),
            Safety::Safe,
            "plain column",
        ),
        (
            comment(ObjectKey::table(&t), None),
            Safety::Safe,
            "comment on table",
        ),
        (
            comment(ObjectKey::column(&t, "x"), None),
            Safety::Safe,
            "comment on column",
        ),
        (
            Create(Object::PrimaryKey {
                table: t.clone(),
                primary_key: PrimaryKey {
                    deferrable: Default::default(),
                    comment: None,
                    name: "orders_pkey".into(),
                    columns: vec!["id".into()],
                },
            }),
            Safety::Locks,
            "add primary key orders_pkey",
        ),
        (
            Drop(Object::PrimaryKey {
                table: t.clone(),
                primary_key: PrimaryKey {
                    deferrable: Default::default(),
                    comment: None,
                    name: "orders_pkey".into(),
                    columns: vec!["id".into()],
                },
            }),
            Safety::Safe,
            "drop primary key",
        ),
        (
            Create(Object::Unique {
                table: t.clone(),
                unique: Unique {
                    comment: None,
                    name: "u".into(),
                    columns: vec!["x".into()],
                    nulls_not_distinct: false,
                    deferrable: Default::default(),
                },
            }),
            Safety::Locks,
            "add unique constraint u",
        ),
        (
            Create(Object::Check {
                table: t.clone(),
                check: Check {
                    not_valid: false,
                    no_inherit: false,
                    comment: None,
                    name: "c".into(),
                    expr: "(x > 0)".into(),
                },
            }),
            Safety::Locks,
            "add check constraint c",
        ),
        (
            Drop(Object::Check {
                table: t.clone(),
                check: Check {
                    not_valid: false,
                    no_inherit: false,
                    comment: None,
                    name: "c".into(),
                    expr: "(x > 0)".into(),
                },
            }),
            Safety::Safe,
            "drop check constraint c",
        ),
        (
            fk(false),
            Safety::Locks,
            "add foreign key orders_customer_id_fkey",
        ),
        (fk(true), Safety::Safe, "add foreign key"),
        (fk(false).inverse(), Safety::Safe, "drop foreign key"),
        (
            Change::Rename(Rename::Constraint {
                table: t.clone(),
                name: Delta::new("a".into(), "b".into()),
            }),
            Safety::Safe,
            "rename constraint a",
        ),
        (
            Create(Object::Index {
                table: t.clone(),
                index: index(),
            }),
            Safety::Locks,
            "create index orders_total_idx",
        ),
        (
            Drop(Object::Index {
                table: t.clone(),
                index: index(),
            }),
            Safety::Safe,
            "drop index orders_total_idx",
        ),
        (
            Change::Rename(Rename::Index {
                table: t.clone(),
                name: Delta::new("a".into(), "b".into()),
            }),
            Safety::Safe,
            "rename index a",
        ),
        (
            comment(ObjectKey::index(&t, "i"), Some("x")),
            Safety::Safe,
            "comment on index i",
        ),
    ]
}

#[test]
fn every_change_kind_is_classified_and_described() {
    for (change, safety, words) in cases() {
        assert_eq!(change.safety(), safety, "{change:?}");
        let description = change.description();
        assert!(
            description.contains(words),
            "{description:?} lacks {words:?}"
        );
        let statements = render_change(&change);
        assert!(!statements.is_empty(), "{change:?} renders nothing");
        assert_eq!(statements[0].safety, safety);
        assert_eq!(statements[0].description, description);
        // Every kind also renders its inverse.
        assert!(!render_change(&change.inverse()).is_empty());
    }
}

#[test]
fn notes_say_what_fails_on_existing_rows() {
    let t = qn("orders");
    let set_not_null = Change::Alter(Alter::Nullable {
        table: t.clone(),
        column: "x".into(),
        nullable: Delta::new(true, false),
    });
    assert!(
        set_not_null
            .notes()
            .iter()
            .any(|n| n.contains("fails if any row holds NULL"))
    );
    let without_default = Change::Create(Object::Column {
        table: t.clone(),
        column: column("x", "integer", false, None),
    });
    assert!(
        without_default
            .notes()
            .iter()
            .any(|n| n.contains("fails unless the table is empty"))
    );
    let with_default = Change::Create(Object::Column {
        table: t,
        column: column("x", "integer", false, Some("0")),
    });
    assert!(with_default.notes().is_empty());
    assert!(alter("double precision", "numeric(12,2)").notes()[0].contains("can round"));
}

#[test]
fn identifiers_and_literals_are_quoted() {
    let change = comment(
        ObjectKey::column(&QualifiedName::new("Склад", "Order \"Items\""), "цена"),
        Some("it's Цена"),
    );
    assert_eq!(
        render_change(&change)[0].sql,
        r#"COMMENT ON COLUMN "Склад"."Order ""Items"""."цена" IS 'it''s Цена';"#
    );
    let drop = Change::Drop(Object::Table {
        table: Table::new(QualifiedName::new("Склад", "a\"b")),
        default_partition: None,
        referenced_by: Vec::new(),
        parent_references: Vec::new(),
        rows_copied: None,
    });
    assert_eq!(render_change(&drop)[0].sql, r#"DROP TABLE "Склад"."a""b";"#);
    let drop = Change::Drop(Object::Enum {
        enum_type: EnumType {
            name: QualifiedName::new("s", "Big \"E\""),
            ..enum_type()
        },
    });
    assert_eq!(render_change(&drop)[0].sql, r#"DROP TYPE "s"."Big ""E""";"#);
}

#[test]
fn an_error_position_is_traced_to_the_attribute_not_to_keywords_in_literals() {
    use petal_ir::{Origin, Part};
    let t = qn("orders");
    let mut table = Table::new(t.clone());
    table.columns.push(column(
        "note",
        "text",
        true,
        Some("'a DEFAULT b CONSTRAINT c'::text"),
    ));
    table
        .columns
        .push(column("bad", "integer", true, Some("nope()")));
    table.checks.push(Check {
        not_valid: false,
        no_inherit: false,
        comment: None,
        name: "orders \"DEFAULT\" CONSTRAINT".into(),
        expr: "(note <> 'CONSTRAINT x CHECK')".into(),
    });
    let change = Create(Object::Table {
        table,
        default_partition: None,
        referenced_by: Vec::new(),
        parent_references: Vec::new(),
        rows_copied: None,
    });
    let statement = &render_change(&change)[0];
    let position = |needle: &str| {
        statement
            .sql
            .find(needle)
            .map(|at| statement.sql[..at].chars().count() + 1)
    };
    assert_eq!(
        statement.origin_at(position("nope()")),
        Some(&Origin::part(ObjectKey::column(&t, "bad"), Part::Default))
    );
    assert_eq!(
        statement.origin_at(position("'a DEFAULT")),
        Some(&Origin::part(ObjectKey::column(&t, "note"), Part::Default))
    );
    assert_eq!(
        statement.origin_at(position("note <>")),
        Some(&Origin::part(
            ObjectKey::constraint(&t, "orders \"DEFAULT\" CONSTRAINT"),
            Part::Expression
        ))
    );
    assert_eq!(
        statement.origin_at(None),
        Some(&Origin::whole(ObjectKey::table(&t)))
    );
}
