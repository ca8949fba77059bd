//! The text each writer makes of the shop, with and without marks, and of
//! names Mermaid's grammar would misread.

use petal_ir::{Database, EnumType, ForeignKey, QualifiedName, Table};

use super::{column, fk, name, pk, shop, table, whole};
use crate::erd::{Erd, Mark, Marks, Selection, dot, mermaid};

fn marks() -> Marks {
    let mut marks = Marks::default();
    marks.objects.insert(name("invoices"), Mark::Added);
    marks.objects.insert(name("orders"), Mark::Changed);
    marks.objects.insert(name("audit_log"), Mark::Removed);
    marks
        .columns
        .insert((name("orders"), "tags".into()), Mark::Added);
    marks
        .columns
        .insert((name("orders"), "total".into()), Mark::Changed);
    marks
        .columns
        .insert((name("customers"), "pk".into()), Mark::Removed);
    marks
}

#[test]
fn mermaid_of_the_schema() {
    insta::assert_snapshot!(mermaid(&whole(), &Marks::default()));
}

#[test]
fn mermaid_with_marks() {
    insta::assert_snapshot!(mermaid(&whole(), &marks()));
}

#[test]
fn dot_of_the_schema() {
    insta::assert_snapshot!(dot(&whole(), &Marks::default()));
}

#[test]
fn dot_with_marks() {
    insta::assert_snapshot!(dot(&whole(), &marks()));
}

#[test]
fn the_same_schema_writes_the_same_text() {
    let shuffled = {
        let mut db = shop();
        // Another insertion order of the same maps, and the relationships
        // of a diagram built in another order.
        let tables: Vec<Table> = db.tables.values().rev().cloned().collect();
        db.tables.clear();
        for t in tables {
            db.tables.insert(t.name.clone(), t);
        }
        db
    };
    let a = whole();
    let mut b = Erd::of(&shuffled, &Selection::default()).expect("no names");
    b.relationships.reverse();
    b.entities.reverse();
    let b = Erd::default().merge(b);
    assert_eq!(mermaid(&a, &marks()), mermaid(&b, &marks()));
    assert_eq!(dot(&a, &marks()), dot(&b, &marks()));
}

/// Names and types Mermaid's grammar would take for something else:
/// spaces, quotes, a leading digit, key markers and relationship words as
/// names, another alphabet, comments with quotes, line breaks and `%%`.
/// `scripts/check-diagrams.sh` runs this snapshot through Mermaid's
/// parser.
fn odd() -> Database {
    let mut db = Database::default();
    let mut one = table(
        "Sales Dept.one",
        vec![
            column("id", "integer", false),
            column("PK", "character varying(20)[]", true),
            column("1st", "\"Sales Dept\".\"Odd Type\"", true),
            column("цена", "numeric(10,2)", true),
            column("to", "time(3) with time zone", true),
        ],
    );
    one.primary_key = pk("one", &["id"]);
    one.columns[1].comment = Some("say \"hi\"\n%% not a comment line".into());
    let mut many = table(
        "Sales Dept.order \"items\"",
        vec![
            column("one_id", "integer", false),
            column("end", "bit varying(3)", true),
        ],
    );
    many.foreign_keys.push(ForeignKey {
        ref_table: QualifiedName::new("Sales Dept", "one"),
        ..fk("many_one_fkey", &["one_id"], "one")
    });
    for t in [one, many] {
        db.tables.insert(t.name.clone(), t);
    }
    let status = QualifiedName::new("Sales Dept", "class");
    db.enums.insert(
        status.clone(),
        EnumType {
            name: status,
            labels: vec![
                "in progress".into(),
                "100%".into(),
                "a\"b".into(),
                "fk".into(),
            ],
            comment: None,
            renamed_from: None,
            renamed_labels: Default::default(),
        },
    );
    db
}

#[test]
fn mermaid_of_odd_names() {
    let erd = Erd::of(&odd(), &Selection::default()).expect("no names");
    let mut marks = Marks::default();
    marks
        .objects
        .insert(QualifiedName::new("Sales Dept", "one"), Mark::Changed);
    insta::assert_snapshot!(mermaid(&erd, &marks));
}

#[test]
fn dot_of_odd_names() {
    let erd = Erd::of(&odd(), &Selection::default()).expect("no names");
    insta::assert_snapshot!(dot(&erd, &Marks::default()));
}

/// `"a.b"."c"` and `"a"."b.c"` spell `a.b.c` alike: two tables, so two
/// nodes, and the foreign key between them an edge from one to the other,
/// not a loop on a single node.
#[test]
fn dot_node_ids_are_unique_when_names_spell_alike() {
    let mut db = Database::default();
    let mut dotted_schema = table("x", vec![column("id", "integer", false)]);
    dotted_schema.name = QualifiedName::new("a.b", "c");
    dotted_schema.foreign_keys.push(ForeignKey {
        ref_table: QualifiedName::new("a", "b.c"),
        ..fk("c_id_fkey", &["id"], "x")
    });
    let mut dotted_table = table("x", vec![column("id", "integer", false)]);
    dotted_table.name = QualifiedName::new("a", "b.c");
    for t in [dotted_schema, dotted_table] {
        db.tables.insert(t.name.clone(), t);
    }
    let erd = Erd::of(&db, &Selection::default()).expect("no names");
    let text = dot(&erd, &Marks::default());
    let nodes: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" [label=<"))
        .map(|l| l.trim_start().split(" [label=<").next().unwrap_or(""))
        .collect();
    assert_eq!(nodes, ["\"a.b.c\"", "\"a.b.c_2\""], "{text}");
    // The labels still name the tables as they are.
    assert!(text.contains("<b>a.b.c</b>"), "{text}");
    assert!(
        text.contains("  \"a.b.c_2\" -> \"a.b.c\" [label=\"id\""),
        "{text}"
    );
}
