//! What a model says of its tables, constraints and indexes besides their
//! columns (unlogged tables, storage parameters, replica identity,
//! deferrable keys, `NOT VALID`, comments, column collations) reaches the
//! database through a migration, leaves nothing for `check` to report, and
//! changes and rolls back like the rest.

use crate::support::Project;

const ACCOUNTS: &str = r#"
use petal::Table;

#[derive(Table)]
#[petal(table = "accounts")]
pub struct Account {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(collation = "C")]
    pub login: String,
}
"#;

/// Every option once; `{check}` and `{unique}` are what the second model
/// version changes.
fn payments(check: &str, unique: &str) -> String {
    format!(
        r#"
use chrono::{{DateTime, Utc}};
use petal::Table;

#[derive(Table)]
#[petal(table = "payments")]
#[petal(primary_key(columns(account_id, attempt), initially_deferred, comment = "one per attempt"))]
#[petal(unique(columns(reference){unique}))]
#[petal(check(expr = "amount > 0"{check}))]
#[petal(exclude(element(expr = "int8range(account_id, account_id, '[]')", with = "&&"), where = "amount > 0"))]
#[petal(index(columns(paid_at), method = "brin", with = "pages_per_range = 16", comment = "by time"))]
pub struct Payment {{
    #[petal(references = "accounts.id", initially_deferred, not_valid)]
    pub account_id: i64,
    pub attempt: i16,
    pub reference: String,
    pub amount: i64,
    pub paid_at: DateTime<Utc>,
}}
"#
    )
}

#[tokio::test]
async fn constraint_options_in_models_reach_the_database() {
    let project = Project::new().await;
    project.write("models/accounts.rs", ACCOUNTS);
    let first = payments(
        ", not_valid, comment = \"old rows unproven\"",
        ", deferrable, comment = \"the bank's\"",
    );
    project.write("models/payments.rs", &first);
    project.generate_and_apply("options");
    let text = project.read(&project.migration("_options.sql"));
    for wanted in [
        r#""login" text COLLATE "C" NOT NULL"#,
        r#"PRIMARY KEY ("account_id", "attempt") DEFERRABLE INITIALLY DEFERRED"#,
        r#"UNIQUE ("reference") DEFERRABLE INITIALLY IMMEDIATE"#,
        r#"CHECK ((amount > 0)) NOT VALID"#,
        r#"DEFERRABLE INITIALLY DEFERRED NOT VALID"#,
        r#"USING brin ("paid_at") WITH ("pages_per_range"='16')"#,
        r#"COMMENT ON CONSTRAINT "payments_pkey" ON "public"."payments" IS 'one per attempt'"#,
        r#"COMMENT ON CONSTRAINT "payments_amount_check" ON "public"."payments" IS 'old rows unproven'"#,
        r#"COMMENT ON INDEX "public"."payments_paid_at_idx" IS 'by time'"#,
        r#"CONSTRAINT "payments_int8range_excl" EXCLUDE USING gist (int8range(account_id, account_id, '[]'::text) WITH &&) WHERE ((amount > 0))"#,
    ] {
        assert!(text.contains(wanted), "no {wanted} in:\n{text}");
    }
    let row = project
        .client()
        .query_one(
            "SELECT c.convalidated, d.condeferrable, d.condeferred
             FROM pg_constraint c, pg_constraint d
             WHERE c.conname = 'payments_amount_check' AND d.conname = 'payments_account_id_fkey'",
            &[],
        )
        .await
        .expect("constraints");
    let flags: (bool, bool, bool) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(
        flags,
        (false, true, true),
        "not valid; deferrable, deferred"
    );

    // The check proven, the unique key made plain: validated in place, the
    // key dropped and added; both undone by the down.
    project.write("models/payments.rs", &payments("", ""));
    project.generate_and_apply("plain");
    let text = project.read(&project.migration("_plain.sql"));
    let (up, down) = text.split_once("-- +petal down").unwrap_or((&text, ""));
    assert!(
        up.contains(r#"VALIDATE CONSTRAINT "payments_amount_check""#),
        "{text}"
    );
    assert!(up.contains(r#"UNIQUE ("reference");"#), "{text}");
    assert!(down.contains("DEFERRABLE INITIALLY IMMEDIATE"), "{text}");
    project.rolled_back_to("models/payments.rs", &first);
}

/// PostgreSQL refuses a foreign key to a deferrable key; the models say
/// where.
#[tokio::test]
async fn a_foreign_key_to_a_deferrable_key_is_refused_at_its_field() {
    let project = Project::new().await;
    let deferrable = "#[petal(primary_key(deferrable))]";
    project.write(
        "models/accounts.rs",
        &ACCOUNTS.replace("#[petal(primary_key)]", deferrable),
    );
    project.write("models/payments.rs", &payments("", ""));
    project
        .petal(&["revision", "--autogenerate", "-m", "refused"])
        .assert_code(2)
        .assert_mentions("models/payments.rs:13:26:")
        .assert_mentions("cannot use a deferrable unique constraint");
    assert_eq!(project.migrations(), Vec::<String>::new());
}

fn sessions(options: &str) -> String {
    format!(
        r#"
use petal::Table;

#[derive(Table)]
#[petal(table = "sessions"{options})]
pub struct Session {{
    #[petal(primary_key)]
    pub id: i64,
    pub token: String,
}}
"#
    )
}

#[tokio::test]
async fn table_options_in_models_reach_the_database() {
    let project = Project::new().await;
    let first =
        ", unlogged, with = \"fillfactor = 70\", replica_identity = \"using index sessions_pkey\"";
    project.write("models/sessions.rs", &sessions(first));
    project.generate_and_apply("options");
    let text = project.read(&project.migration("_options.sql"));
    for wanted in [
        r#"CREATE UNLOGGED TABLE "public"."sessions" ("#,
        r#") WITH ("fillfactor"='70');"#,
        r#"ALTER TABLE "public"."sessions" REPLICA IDENTITY USING INDEX "sessions_pkey";"#,
    ] {
        assert!(text.contains(wanted), "no {wanted} in:\n{text}");
    }
    let row = project
        .client()
        .query_one(
            "SELECT relpersistence::text, reloptions, relreplident::text
             FROM pg_class WHERE relname = 'sessions'",
            &[],
        )
        .await
        .expect("the table");
    let read: (String, Vec<String>, String) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(read, ("u".into(), vec!["fillfactor=70".into()], "i".into()));

    // Logged again, its parameters and identity back to the defaults.
    project.write("models/sessions.rs", &sessions(""));
    project.generate_and_apply("plain");
    let text = project.read(&project.migration("_plain.sql"));
    let (up, _) = text.split_once("-- +petal down").unwrap_or((&text, ""));
    for wanted in [
        "SET LOGGED;",
        r#"RESET ("fillfactor");"#,
        "REPLICA IDENTITY DEFAULT;",
    ] {
        assert!(up.contains(wanted), "no {wanted} in:\n{text}");
    }
    project.rolled_back_to("models/sessions.rs", &sessions(first));
}
