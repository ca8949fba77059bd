//! The labels of `GRANT`, `REVOKE` and `ALTER DEFAULT PRIVILEGES`,
//! measured as the others are (`labels.rs`), privileges compared: they
//! change a catalog row and lock no table.

use super::*;

/// Each side read with its privileges.
fn privileged(before: &'static str, after: &'static str) {
    let how = How {
        opts: petal_pg::IntrospectOptions {
            privileges: true,
            ..Default::default()
        },
        ..How::default()
    };
    runtime().block_on(async {
        // Roles are the cluster's: made once, for every case.
        let db = TestDb::new().await;
        petal_testkit::ensure_role(db.client(), "petal_label_reader").await;
        measured_with(before, after, None, false, &how).await;
    });
}

#[test]
fn label_privileges_granted_and_revoked() {
    privileged(
        "GRANT SELECT, UPDATE ON orders TO PUBLIC;
         GRANT SELECT ON orders TO petal_label_reader;
         GRANT UPDATE (note) ON customers TO PUBLIC;",
        "GRANT SELECT, INSERT ON orders TO petal_label_reader WITH GRANT OPTION;
         GRANT SELECT (name) ON customers TO PUBLIC;
         CREATE SEQUENCE numbers;
         GRANT USAGE ON SEQUENCE numbers TO PUBLIC;",
    );
}

#[test]
fn label_default_privileges_changed() {
    privileged(
        "ALTER DEFAULT PRIVILEGES FOR ROLE petal_label_reader GRANT SELECT ON TABLES TO PUBLIC;",
        "ALTER DEFAULT PRIVILEGES FOR ROLE petal_label_reader IN SCHEMA public
             GRANT USAGE ON SEQUENCES TO PUBLIC;
         ALTER DEFAULT PRIVILEGES FOR ROLE petal_label_reader REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;",
    );
}
