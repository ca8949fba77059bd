//! Its own test binary: it changes PETAL_PG_BIN for the whole process.

use petal_pg::EmbeddedCluster;

#[test]
fn missing_server_binaries_say_how_to_get_them() {
    let empty = tempfile::tempdir().unwrap();
    let project = tempfile::tempdir().unwrap();
    // SAFETY: the only test in this binary, so no other thread reads the
    // environment meanwhile.
    unsafe { std::env::set_var("PETAL_PG_BIN", empty.path()) };
    let err = EmbeddedCluster::locate(project.path(), "flower_shop")
        .expect_err("no binaries in an empty directory");
    let text = err.to_string();
    assert!(text.contains(&empty.path().display().to_string()), "{text}");
    assert!(text.contains("apt-get install postgresql"), "{text}");
    assert!(text.contains("PETAL_PG_BIN"), "{text}");
    assert!(text.contains("DATABASE_URL"), "{text}");
    assert!(
        !project.path().join(".petal").exists(),
        "nothing is created"
    );
}
