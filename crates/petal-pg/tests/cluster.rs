//! The embedded cluster, end to end: each test makes a cluster of its own
//! (initdb, start, reuse, stop) and removes it.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use petal_pg::{ClusterStatus, ConnConfig, EmbeddedCluster, connect};

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc_geteuid() == 0 }
}

unsafe extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

async fn exercise(cluster: &EmbeddedCluster) {
    assert_eq!(cluster.status(), ClusterStatus::NotInitialized);
    cluster.start().await.unwrap();
    let ClusterStatus::Running { pid } = cluster.status() else {
        panic!("not running after start: {:?}", cluster.status());
    };
    // start is idempotent: the same server is reused.
    cluster.start().await.unwrap();
    assert_eq!(cluster.status(), ClusterStatus::Running { pid });

    // The URL it hands out is one our own parser accepts.
    let url = cluster.url();
    let cfg = ConnConfig::parse(&url).unwrap();
    let client = connect(&cfg).await.unwrap();
    let row = client
        .query_one(
            "SELECT current_database(), current_user, current_setting('listen_addresses')",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "flower_shop");
    assert_eq!(row.get::<_, String>(1), "postgres");
    assert_eq!(row.get::<_, String>(2), "", "no TCP listener");
    drop(client);

    cluster.create_database("second").await.unwrap();
    cluster.create_database("second").await.unwrap();
    connect(&cluster.conn_config("second")).await.unwrap();
    cluster.drop_database("second").await.unwrap();
    assert!(connect(&cluster.conn_config("second")).await.is_err());

    assert!(
        cluster.log_file().is_file(),
        "the server logs to its own file"
    );
    cluster.stop().unwrap();
    assert_eq!(cluster.status(), ClusterStatus::Stopped);
    cluster.stop().unwrap();
}

/// Stops and removes the cluster however the test ends: a failed assertion
/// must not leave a server running after the test run.
struct Cleanup(EmbeddedCluster);

impl Drop for Cleanup {
    fn drop(&mut self) {
        cleanup(&self.0);
    }
}

fn cleanup(cluster: &EmbeddedCluster) {
    let _ = cluster.stop();
    if cluster.is_in_memory()
        && let Some(memory) = cluster.data_dir().parent()
    {
        let _ = std::fs::remove_dir_all(memory);
    }
    let _ = std::fs::remove_dir_all(cluster.base_dir());
    // The fallback under the temp directory is `petal-<hash>/pg`.
    if let Some(parent) = cluster.base_dir().parent()
        && parent.starts_with(std::env::temp_dir())
        && parent
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("petal-"))
    {
        let _ = std::fs::remove_dir(parent);
    }
    if !cluster.socket_dir().starts_with(cluster.base_dir()) {
        let _ = std::fs::remove_dir_all(cluster.socket_dir());
    }
}

#[tokio::test]
async fn a_project_under_a_private_directory() {
    let home = tempfile::tempdir().unwrap();
    // Private, like /root.
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let project = home.path().join("shop");
    std::fs::create_dir(&project).unwrap();
    let cluster = EmbeddedCluster::locate(&project, "flower_shop").unwrap();
    if is_root() {
        assert!(cluster.base_dir().starts_with(std::env::temp_dir()));
        assert!(!cluster.base_dir().starts_with(home.path()));
    } else {
        assert_eq!(cluster.base_dir(), project.join(".petal").join("pg"));
    }
    let _cleanup = Cleanup(cluster.clone());
    exercise(&cluster).await;
}

#[tokio::test]
async fn a_project_with_a_long_path() {
    let home = tempfile::tempdir().unwrap();
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let project = home
        .path()
        .join("a-rather-long-directory-name-".repeat(3))
        .join("shop");
    std::fs::create_dir_all(&project).unwrap();
    for dir in project
        .ancestors()
        .take_while(|d| d.starts_with(home.path()))
    {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let cluster = EmbeddedCluster::locate(&project, "flower_shop").unwrap();
    assert_eq!(cluster.base_dir(), project.join(".petal").join("pg"));
    let socket = cluster.socket_dir().join(".s.PGSQL.5432");
    assert!(socket.as_os_str().len() <= 100, "{}", socket.display());
    assert!(!cluster.socket_dir().starts_with(Path::new(&project)));
    let _cleanup = Cleanup(cluster.clone());
    exercise(&cluster).await;
    assert!(project.join(".petal").join(".gitignore").is_file());
}

#[tokio::test]
async fn a_disposable_cluster_in_memory_is_found_again_and_freed_once_its_directory_is_gone() {
    let home = tempfile::tempdir().unwrap();
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = home.path().join("dev");
    let cluster = EmbeddedCluster::in_dir(&dir, "flower_shop")
        .unwrap()
        .in_memory();
    if !cluster.is_in_memory() {
        eprintln!("no tmpfs with room at /dev/shm here: the cluster stays on disk");
        assert_eq!(cluster.data_dir(), dir.join("data"));
        return;
    }
    let _cleanup = Cleanup(cluster.clone());
    assert!(cluster.data_dir().starts_with("/dev/shm"));
    exercise(&cluster).await;
    let again = EmbeddedCluster::in_dir(&dir, "flower_shop")
        .unwrap()
        .in_memory();
    assert_eq!(
        again.data_dir(),
        cluster.data_dir(),
        "the same directory next time"
    );

    // The project is gone: the next cluster put in memory frees its memory.
    std::fs::remove_dir_all(&dir).unwrap();
    let other = EmbeddedCluster::in_dir(&home.path().join("other"), "app")
        .unwrap()
        .in_memory();
    let _cleanup_other = Cleanup(other.clone());
    other.start().await.unwrap();
    other.stop().unwrap();
    let memory = cluster.data_dir().parent().map(Path::to_path_buf);
    assert!(
        memory.is_some_and(|m| !m.exists()),
        "the orphan was removed"
    );
}

/// `petal check` starts the dev cluster from two tasks at once: the first
/// start of a cluster in memory must not trip over itself.
#[tokio::test]
async fn two_first_starts_of_a_cluster_in_memory_at_once() {
    let home = tempfile::tempdir().unwrap();
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let make = || {
        EmbeddedCluster::in_dir(&home.path().join("dev"), "postgres")
            .unwrap()
            .in_memory()
    };
    let (one, two) = (make(), make());
    let _cleanup = Cleanup(one.clone());
    let (a, b) = tokio::join!(one.start(), two.start());
    a.unwrap();
    b.unwrap();
    assert!(matches!(one.status(), ClusterStatus::Running { .. }));
}

/// Set in a child copy of this test binary: start a cluster there and exit.
const CHILD_DIR_VAR: &str = "PETAL_TEST_CHILD_CLUSTER_DIR";

/// A caller that pipes petal's output (`petal dev start | cat`, a test
/// harness capturing output) must see the pipes close when petal exits,
/// although the server it started keeps running.
#[tokio::test]
async fn a_started_server_holds_none_of_our_output_pipes() {
    use std::io::Read;
    use std::process::{Command, Stdio};

    if let Some(dir) = std::env::var_os(CHILD_DIR_VAR) {
        let cluster = EmbeddedCluster::in_dir(Path::new(&dir), "app").unwrap();
        cluster.start().await.unwrap();
        println!("child: started");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = home.path().join("pg");
    let cluster = EmbeddedCluster::in_dir(&dir, "app").unwrap();
    let _cleanup = Cleanup(cluster.clone());

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_started_server_holds_none_of_our_output_pipes",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR_VAR, &dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // Both reads end only when every holder of the pipes has exited or
        // closed them: a server holding one would keep them open forever.
        let mut out = String::new();
        let mut err = String::new();
        let _ = stdout.read_to_string(&mut out);
        let _ = stderr.read_to_string(&mut err);
        let _ = tx.send((out, err));
    });
    let outcome = rx.recv_timeout(std::time::Duration::from_secs(60));
    let status = child.wait().unwrap();
    let (out, err) = outcome.expect("the pipes stayed open after the child exited");
    assert!(status.success(), "child failed: {out}\n{err}");
    assert!(out.contains("child: started"), "{out}\n{err}");
    assert!(matches!(cluster.status(), ClusterStatus::Running { .. }));
}

/// A server that died without cleaning up (a crash, a reboot, SIGKILL)
/// leaves its pid file behind: it counts as stopped, and starts again.
#[tokio::test]
async fn a_killed_server_is_seen_as_stopped_and_restarts() {
    let home = tempfile::tempdir().unwrap();
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let cluster = EmbeddedCluster::in_dir(&home.path().join("pg"), "app").unwrap();
    let _cleanup = Cleanup(cluster.clone());
    cluster.start().await.unwrap();
    let ClusterStatus::Running { pid } = cluster.status() else {
        panic!("not running: {:?}", cluster.status());
    };
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while cluster.status() != ClusterStatus::Stopped {
        assert!(
            std::time::Instant::now() < deadline,
            "still {:?}",
            cluster.status()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        cluster.data_dir().join("postmaster.pid").exists(),
        "a stale pid file"
    );
    // The server's helper processes notice their postmaster's death within
    // moments; until they are gone, the old shared memory is in use.
    let mut attempts = 0;
    loop {
        match cluster.start().await {
            Ok(()) => break,
            Err(e) if attempts < 20 => {
                attempts += 1;
                eprintln!("restart attempt {attempts}: {e}");
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
            Err(e) => panic!("{e}"),
        }
    }
    let ClusterStatus::Running { pid: new_pid } = cluster.status() else {
        panic!("not running after restart: {:?}", cluster.status());
    };
    assert_ne!(pid, new_pid);
    connect(&cluster.conn_config("app")).await.unwrap();
}
