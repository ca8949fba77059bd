//! User collations as read from a server, on every version: the provider
//! and its locale wherever the version keeps it (an ICU locale in
//! `collcollate` up to 14, `colliculocale` in 15 and 16, `colllocale` from
//! 17), libc's two settings, nondeterminism, ICU rules (16+), comments;
//! the edges from what uses one; and none left in the not-compared list.

mod common;

use common::{not_compared, read};
use petal_ir::{Collation, ObjectKey, QualifiedName};
use petal_pg::IntrospectOptions;
use petal_testkit::TestDb;

const SCHEMA: &str = r#"
    CREATE SCHEMA app;
    CREATE COLLATION app.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    CREATE COLLATION "Posix Copy" (provider = libc, locale = 'POSIX');
    CREATE COLLATION split (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX');
    COMMENT ON COLLATION app.ci IS 'case-insensitive';
    CREATE DOMAIN app.name_ci AS text COLLATE app.ci;
    CREATE TABLE app.users (id int PRIMARY KEY, email text COLLATE app.ci,
                            code text COLLATE "Posix Copy", nick app.name_ci);
    CREATE INDEX users_code ON app.users (code COLLATE split);"#;

fn name(schema: &str, name: &str) -> QualifiedName {
    QualifiedName::new(schema, name)
}

#[tokio::test]
async fn collations_are_read_on_every_version() {
    let db = TestDb::new().await;
    db.client().batch_execute(SCHEMA).await.unwrap();
    let version = db.server_version_num().await;
    if version >= 160000 {
        db.client()
            .batch_execute(
                "CREATE COLLATION ruled (provider = icu, locale = 'und', rules = '&a < g')",
            )
            .await
            .unwrap();
    }
    let found = read(&db, &IntrospectOptions::default()).await;
    let ir = &found.database;
    let ci = &ir.collations[&name("app", "ci")];
    assert_eq!(
        (ci.provider.as_str(), ci.locale.as_deref()),
        ("icu", Some("und-u-ks-level2"))
    );
    assert_eq!(
        (ci.lc_collate.as_deref(), ci.lc_ctype.as_deref()),
        (None, None)
    );
    assert!(!ci.deterministic);
    assert_eq!(ci.comment.as_deref(), Some("case-insensitive"));
    let posix = &ir.collations[&name("public", "Posix Copy")];
    assert_eq!(
        (posix.provider.as_str(), posix.locale.as_deref()),
        ("libc", None)
    );
    assert_eq!(
        (posix.lc_collate.as_deref(), posix.lc_ctype.as_deref()),
        (Some("POSIX"), Some("POSIX"))
    );
    assert!(posix.deterministic);
    let split = &ir.collations[&name("public", "split")];
    assert_eq!(
        (split.lc_collate.as_deref(), split.lc_ctype.as_deref()),
        (Some("C"), Some("POSIX"))
    );
    if version >= 160000 {
        assert_eq!(
            ir.collations[&name("public", "ruled")].rules.as_deref(),
            Some("&a < g")
        );
    }

    // Uses spell it as the catalogs do, and depend on it.
    let users = &ir.tables[&name("app", "users")];
    let email = users.column("email").unwrap();
    assert_eq!(
        email.collation.as_deref(),
        Some(Collation::spelling(&name("app", "ci")).as_str())
    );
    assert_eq!(
        users.column("code").unwrap().collation.as_deref(),
        Some(r#""public"."Posix Copy""#)
    );
    assert_eq!(
        ir.domains[&name("app", "name_ci")].collation.as_deref(),
        Some(r#""app"."ci""#)
    );
    let on_ci = |dependent: ObjectKey| {
        ir.dependencies.iter().any(|d| {
            d.dependent == dependent
                && d.referenced
                    == ObjectKey::Collation {
                        name: name("app", "ci"),
                    }
        })
    };
    assert!(on_ci(ObjectKey::column(&name("app", "users"), "email")));
    assert!(on_ci(ObjectKey::Domain {
        name: name("app", "name_ci")
    }));
    let on_split = ir.dependencies.iter().any(|d| {
        d.dependent == ObjectKey::index(&name("app", "users"), "users_code")
            && d.referenced
                == ObjectKey::Collation {
                    name: name("public", "split"),
                }
    });
    assert!(on_split, "{:#?}", ir.dependencies);
    assert!(not_compared(&found, "collation").is_empty());
}
