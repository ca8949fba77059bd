//! A partition of a table whose foreign key references the table itself,
//! made a table of its own and rolled back.

use crate::support::Project;

/// Tasks and their parent tasks, partitioned by number.
const TASKS: &str = r#"
use petal::Table;

#[derive(Table)]
#[petal(table = "tasks", partition_by = "range (id)")]
#[petal(primary_key(id))]
pub struct Task {
    pub id: i64,
    #[petal(references = "tasks.id")]
    pub parent_id: Option<i64>,
    pub title: String,
}
"#;

const PARTITIONS: &str = "
CREATE TABLE tasks_low PARTITION OF tasks FOR VALUES FROM (0) TO (100);
CREATE TABLE tasks_high PARTITION OF tasks FOR VALUES FROM (100) TO (1000);
";

/// `tasks_low` standing alone: its copy of the parent's key references
/// the parent still.
const LOW_ALONE: &str = r#"
#[derive(Table)]
#[petal(table = "tasks_low")]
#[petal(primary_key(id))]
pub struct LowTask {
    pub id: i64,
    #[petal(references = "tasks.id")]
    pub parent_id: Option<i64>,
    pub title: String,
}
"#;

/// The foreign keys of `table`, by name; not the ones PostgreSQL makes
/// below a key referencing a partitioned table, one per partition.
async fn foreign_keys(project: &Project, table: &str) -> Vec<String> {
    let sql = "SELECT conname::text FROM pg_constraint \
               WHERE conrelid = $1::text::regclass AND contype = 'f' AND conparentid = 0 \
               ORDER BY 1";
    let rows = project.client().query(sql, &[&table]).await.unwrap();
    rows.iter().map(|r| r.get(0)).collect()
}

/// Detached, the partition keeps its copy of the self-referencing key,
/// which PostgreSQL 13's detach drops: the migration adds it back there,
/// and finds it kept on later versions. Rolled back, attached again.
#[tokio::test]
async fn a_partition_under_a_self_referencing_key_keeps_it_standing_alone() {
    let project = Project::new().await;
    project.write("models/tasks.rs", TASKS);
    project.write("sql/partitions.sql", PARTITIONS);
    project.generate_and_apply("partitioned");
    // No row of the parent names a low task: the detach checks so.
    let insert = "INSERT INTO tasks VALUES (150, NULL, 'high'), (151, 150, 'high'), \
                  (1, 150, 'low'), (2, 151, 'low')";
    project.client().batch_execute(insert).await.unwrap();

    project.write("models/tasks.rs", &format!("{TASKS}{LOW_ALONE}"));
    let high_only = PARTITIONS
        .lines()
        .filter(|l| !l.contains("tasks_low"))
        .collect::<Vec<_>>()
        .join("\n");
    project.write("sql/partitions.sql", &high_only);
    project.generate_and_apply("low_alone");
    let text = project.read(&project.migration("_low_alone.sql"));
    assert!(
        text.contains(r#"DETACH PARTITION "public"."tasks_low";"#),
        "{text}"
    );
    assert!(!text.contains("DROP TABLE"), "{text}");
    assert_eq!(
        foreign_keys(&project, "tasks_low").await,
        ["tasks_low_parent_id_fkey"]
    );
    project.diff_to_models().assert_ok();
    // The key holds: a row of its own must name a task of the parent.
    let orphan = "INSERT INTO tasks_low VALUES (3, 999, 'orphan')";
    let refused = project.client().batch_execute(orphan).await;
    assert!(refused.is_err(), "a row naming no task was taken");

    project.petal(&["downgrade", "-1"]).assert_ok();
    project.write("models/tasks.rs", TASKS);
    project.write("sql/partitions.sql", PARTITIONS);
    project.diff_to_models().assert_ok();
    let row = project
        .client()
        .query_one("SELECT count(*) FROM tasks", &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 4);
}
