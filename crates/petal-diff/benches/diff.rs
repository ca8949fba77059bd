//! The pure diff of two 1,000-table schemas that differ in about 5% of their
//! tables, plus the rendering of both directions. Goal: under 20 ms together.
//! Run with `cargo bench -p petal-diff` (`just bench-diff`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use petal_diff::{diff, render};
use petal_ir::{
    Column, Database, EnumType, FkAction, ForeignKey, Identity, Index, IndexKey, PrimaryKey,
    QualifiedName, SqlType, Table, Unique,
};

const TABLES: usize = 1000;

fn qn(name: &str) -> QualifiedName {
    QualifiedName::new("public", name)
}

fn column(name: &str, ty: &str, nullable: bool, default: Option<&str>) -> Column {
    let mut c = Column::new(name, SqlType::from_canonical(ty));
    c.nullable = nullable;
    c.default = default.map(String::from);
    c
}

fn table(i: usize) -> Table {
    let name = format!("t{i:04}");
    let mut t = Table::new(qn(&name));
    let mut id = column("id", "integer", false, None);
    id.identity = Some(Identity::ByDefault);
    t.columns.push(id);
    t.columns.push(column(
        "created_at",
        "timestamp with time zone",
        true,
        Some("now()"),
    ));
    t.columns.push(column(
        "status",
        "public.status",
        false,
        Some("'new'::public.status"),
    ));
    t.columns.push(column("name", "text", false, None));
    t.columns
        .push(column("total", "double precision", true, Some("0")));
    t.columns
        .push(column("code", "character varying(20)", true, None));
    t.columns.push(column("parent_id", "integer", true, None));
    t.columns.push(column("payload", "jsonb", true, None));
    t.primary_key = Some(PrimaryKey {
        deferrable: Default::default(),
        comment: None,
        name: format!("{name}_pkey"),
        columns: vec!["id".into()],
    });
    t.uniques.push(Unique {
        comment: None,
        name: format!("{name}_code_key"),
        columns: vec!["code".into()],
        nulls_not_distinct: false,
        deferrable: Default::default(),
    });
    if i > 0 {
        t.foreign_keys.push(ForeignKey {
            not_valid: false,
            comment: None,
            name: format!("{name}_parent_id_fkey"),
            columns: vec!["parent_id".into()],
            ref_table: qn(&format!("t{:04}", i - 1)),
            ref_columns: vec!["id".into()],
            on_delete: FkAction::SetNull,
            on_update: FkAction::NoAction,
            deferrable: Default::default(),
        });
    }
    t.indexes.push(Index {
        name: format!("{name}_name_idx"),
        unique: false,
        method: "btree".into(),
        keys: vec![IndexKey::column("name")],
        include: vec![],
        predicate: None,
        nulls_not_distinct: false,
        comment: None,
        storage: Vec::new(),
        concurrently: false,
        only: false,
    });
    t
}

fn schemas() -> (Database, Database) {
    let mut a = Database::default();
    a.add_enum(EnumType {
        name: qn("status"),
        labels: vec!["new".into(), "paid".into(), "done".into()],
        comment: None,
        renamed_from: None,
        renamed_labels: Default::default(),
    });
    for i in 0..TABLES {
        a.add_table(table(i));
    }
    let mut b = a.clone();
    if let Some(e) = b.enums.get_mut(&qn("status")) {
        e.labels.insert(1, "assembled".into());
    }
    // 50 of the 1,000 tables change, one or two edits each, of every kind.
    for k in 0..50 {
        let i = 10 + k * 19;
        let name = qn(&format!("t{i:04}"));
        let Some(t) = b.tables.get_mut(&name) else {
            continue;
        };
        match k % 10 {
            0 => t
                .columns
                .push(column("rating", "integer", false, Some("0"))),
            1 => t.columns.retain(|c| c.name != "payload"),
            2 => {
                if let Some(c) = t.columns.iter_mut().find(|c| c.name == "total") {
                    c.ty = SqlType::from_canonical("numeric(12,2)");
                }
            }
            3 => {
                if let Some(c) = t.columns.iter_mut().find(|c| c.name == "name") {
                    c.nullable = true;
                    c.comment = Some("Имя".into());
                }
            }
            4 => {
                if let Some(c) = t.columns.iter_mut().find(|c| c.name == "payload") {
                    c.name = "data".into();
                    c.renamed_from = Some("payload".into());
                }
            }
            5 => t.indexes.clear(),
            6 => t.uniques.clear(),
            7 => {
                if let Some(c) = t.columns.iter_mut().find(|c| c.name == "id") {
                    c.identity = Some(Identity::Always);
                }
            }
            8 => {
                let mut renamed = t.clone();
                renamed.name = qn(&format!("renamed_{i:04}"));
                renamed.renamed_from = Some(name.clone());
                b.tables.remove(&name);
                for other in b.tables.values_mut() {
                    for fk in other
                        .foreign_keys
                        .iter_mut()
                        .filter(|f| f.ref_table == name)
                    {
                        fk.ref_table = renamed.name.clone();
                    }
                }
                b.add_table(renamed);
            }
            _ => t.comment = Some("changed".into()),
        }
    }
    for n in 0..5 {
        let mut t = table(TABLES + n);
        t.foreign_keys[0].ref_table = qn("t0000");
        b.add_table(t);
    }
    b.normalize();
    (a, b)
}

fn main() {
    let (a, b) = schemas();
    let d = diff(&a, &b);
    println!(
        "{} tables against {}: {} changes, {} warnings",
        a.tables.len(),
        b.tables.len(),
        d.changes.len(),
        d.warnings.len()
    );
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        let d = diff(black_box(&a), black_box(&b));
        let up = render(&d.changes);
        let down = render(&d.down());
        black_box((up, down));
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "diff + render (up and down): min {:.2} ms, median {:.2} ms, max {:.2} ms over {} runs",
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        times.len()
    );
}
