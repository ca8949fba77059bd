//! Row-level security through the binary: a model switched on, its
//! policies in a SQL file naming a role the dev server does not have yet
//! (made there as a placeholder), generated, applied, altered in place,
//! recreated around a retyped column, and rolled back, with `check` clean
//! at each revision and the rows each role sees measured.

use crate::support::Project;

const NOTES: &str = r#"
use petal::Table;

#[derive(Table)]
#[petal(table = "notes", row_level_security)]
pub struct Note {
    #[petal(primary_key)]
    pub id: i64,
    pub owner: String,
    pub score: i32,
}
"#;

/// `petal_e2e_reader`: no other test names it, and this one creates it
/// only after the canonicalizer made and dropped it.
const POLICIES: &str = "
CREATE POLICY readable ON notes FOR SELECT TO petal_e2e_reader USING (score > 0);
COMMENT ON POLICY readable ON notes IS 'what readers see';
";

/// What `role` sees of `notes` (granted, in a transaction rolled back).
async fn seen_by(project: &Project, role: &str) -> i64 {
    let client = project.client();
    client
        .batch_execute(&format!(
            "BEGIN; GRANT SELECT ON notes TO {role}; SET LOCAL ROLE {role}"
        ))
        .await
        .unwrap();
    let seen = client.query_one("SELECT count(*) FROM notes", &[]).await;
    client.batch_execute("ROLLBACK").await.unwrap();
    seen.map_or(-1, |r| r.get(0))
}

/// Whether the test server's cluster has `role`.
async fn role_exists(project: &Project, role: &str) -> bool {
    project
        .client()
        .query_one("SELECT count(*) FROM pg_roles WHERE rolname = $1", &[&role])
        .await
        .unwrap()
        .get::<_, i64>(0)
        == 1
}

#[tokio::test]
async fn policies_from_sql_files_are_created_altered_recreated_and_rolled_back() {
    let project = Project::new().await;
    project.write("models/notes.rs", NOTES);
    project.write("sql/policies.sql", POLICIES);
    crate::support::catalog::drop_role(project.client(), "petal_e2e_reader").await;
    let run = project.petal(&["revision", "--autogenerate", "-m", "secured"]);
    run.assert_ok();
    // The dev server is a shared one (`dev_url`): the placeholder petal
    // made there to load the policy is gone again, replaying the
    // migrations makes and drops it once more, and the role the target
    // lacks is said before `upgrade` fails on it.
    run.assert_mentions("role petal_e2e_reader does not exist in the database's cluster");
    project.petal(&["check", "--migrations"]).assert_ok();
    assert!(!role_exists(&project, "petal_e2e_reader").await);
    crate::support::catalog::ensure_role(project.client(), "petal_e2e_reader").await;
    project.petal(&["upgrade", "head"]).assert_ok();
    project.petal(&["check"]).assert_ok();
    let first = project.read(&project.migration("_secured.sql"));
    for wanted in [
        r#"ALTER TABLE "public"."notes" ENABLE ROW LEVEL SECURITY;"#,
        r#"CREATE POLICY "readable" ON "public"."notes" FOR SELECT TO "petal_e2e_reader" USING ((score > 0));"#,
        r#"COMMENT ON POLICY "readable" ON "public"."notes" IS 'what readers see';"#,
    ] {
        assert!(first.contains(wanted), "{wanted} not in:\n{first}");
    }
    project
        .client()
        .batch_execute("INSERT INTO notes SELECT g, 'o', g - 5 FROM generate_series(1, 10) g")
        .await
        .unwrap();
    assert_eq!(seen_by(&project, "petal_e2e_reader").await, 5);

    // Readers see more: altered in place, rows kept.
    let wider = POLICIES.replace("score > 0", "score > -3");
    project.write("sql/policies.sql", &wider);
    project.generate_and_apply("wider");
    let text = project.read(&project.migration("_wider.sql"));
    assert!(
        text.contains(
            r#"ALTER POLICY "readable" ON "public"."notes" USING ((score > '-3'::integer));"#
        ) && text.contains("-- breaks: alter policy readable on public.notes: USING"),
        "{text}"
    );
    assert_eq!(seen_by(&project, "petal_e2e_reader").await, 8);

    // The column the policy reads is retyped: PostgreSQL refuses that
    // under a policy, so it is dropped before and created after.
    let retyped = NOTES.replace("pub score: i32", "pub score: i64");
    project.write("models/notes.rs", &retyped);
    project.generate_and_apply("bigger scores");
    let text = project.read(&project.migration("_bigger_scores.sql"));
    let drop = text.find(r#"DROP POLICY "readable""#);
    let alter = text.find(r#"ALTER COLUMN "score" TYPE bigint"#);
    let create = text.find(r#"CREATE POLICY "readable""#);
    assert!(
        drop < alter && alter < create && drop.is_some(),
        "dropped, retyped, created:\n{text}"
    );
    assert_eq!(seen_by(&project, "petal_e2e_reader").await, 8);

    // Both rolled back, each leaving the database as its models say.
    project.rolled_back_to("models/notes.rs", NOTES);
    assert_eq!(seen_by(&project, "petal_e2e_reader").await, 8);
    project.rolled_back_to("sql/policies.sql", POLICIES);
    assert_eq!(seen_by(&project, "petal_e2e_reader").await, 5);
    // And the first: no security, no policy.
    project.petal(&["downgrade", "-1"]).assert_ok();
    let left: i64 = project
        .client()
        .query_one(
            "SELECT count(*) FROM pg_policies WHERE tablename = 'notes'",
            &[],
        )
        .await
        .map_or(-1, |r| r.get(0));
    assert_eq!(left, 0, "the table is gone with its policies");
}

/// Switching row-level security on over no policy hides every row from
/// every role but the owner: marked destructive, saying so.
#[tokio::test]
async fn security_without_a_policy_is_destructive() {
    let project = Project::new().await;
    project.write(
        "models/notes.rs",
        &NOTES.replace(", row_level_security", ""),
    );
    project.generate_and_apply("notes");
    project.write("models/notes.rs", NOTES);
    let run = project.petal(&["revision", "--autogenerate", "-m", "locked"]);
    run.assert_ok();
    let text = project.read(&project.migration("_locked.sql"));
    assert!(
        text.contains("-- destructive: enable row level security on public.notes")
            && text.contains("the table has no permissive policy"),
        "{text}"
    );
}
