//! `petal dev start|stop|status|url`: the embedded PostgreSQL clusters —
//! the one holding the project's database, and the disposable dev cluster
//! where models are canonicalized (`dev_url` replaces the latter).

use petal_engine::Settings;
use petal_engine::pg::{ClusterStatus, EmbeddedCluster};

use crate::cli::DevAction;
use crate::failure::{ErrorKind, Failure};

pub async fn run(settings: &Settings, action: DevAction) -> Result<(), Failure> {
    let cluster = settings.embedded_cluster().map_err(Failure::from)?;
    let dev = settings.dev_cluster().map_err(Failure::from)?;
    match action {
        DevAction::Start => {
            start(&cluster).await?;
            println!("running: {}", cluster.url());
            println!("data: {}", cluster.data_dir().display());
            if settings.dev_url.is_none() {
                start(&dev).await?;
                println!("dev cluster: {}", dev.url());
            }
        }
        DevAction::Stop { all } => {
            // The dev cluster too: a stopped project leaves no server behind.
            stop(dev).await?;
            stop(cluster).await?;
            if all {
                let root = settings.root.clone();
                let stopped = tokio::task::spawn_blocking(move || stop_test_clusters(&root))
                    .await
                    .map_err(|e| {
                        Failure::error(ErrorKind::Connection, format!("the stop task failed: {e}"))
                    })??;
                for data in stopped {
                    println!("stopped the test cluster in {data}");
                }
            }
            println!("stopped");
        }
        DevAction::Status => {
            println!("database: {}", describe(&cluster));
            println!("dev (canonicalization): {}", describe(&dev));
        }
        DevAction::Url { dev: false } => println!("{}", cluster.url()),
        DevAction::Url { dev: true } => println!("{}", dev.url()),
    }
    Ok(())
}

async fn start(cluster: &EmbeddedCluster) -> Result<(), Failure> {
    cluster.start().await.map_err(Failure::from)
}

async fn stop(cluster: EmbeddedCluster) -> Result<(), Failure> {
    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .map_err(|e| Failure::error(ErrorKind::Connection, format!("the stop task failed: {e}")))?
        .map_err(Failure::from)
}

fn describe(cluster: &EmbeddedCluster) -> String {
    let data = cluster.data_dir();
    let place = if cluster.is_in_memory() {
        format!("{} (in memory)", data.display())
    } else {
        data.display().to_string()
    };
    match cluster.status() {
        ClusterStatus::NotInitialized => {
            format!("not created yet (created on first use in {place})")
        }
        ClusterStatus::Stopped => format!("stopped ({place})"),
        ClusterStatus::Running { pid } => {
            format!("running, pid {pid}: {} ({place})", cluster.url())
        }
    }
}

/// Stops the clusters `petal-testkit` started for this checkout's test runs,
/// recorded as `petal-test-pg-*.where` in the target directory
/// (`CARGO_TARGET_DIR`, else `target/`), as `stop-cluster.sh` does: SIGINT
/// (PostgreSQL's fast shutdown) and up to 30 s for it to exit. Gives the
/// data directories of those it stopped.
fn stop_test_clusters(root: &std::path::Path) -> Result<Vec<String>, Failure> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|d| !d.is_empty())
        .map_or_else(|| root.join("target"), std::path::PathBuf::from);
    let Ok(entries) = std::fs::read_dir(&target) else {
        return Ok(Vec::new());
    };
    let mut pointers: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("petal-test-pg-") && n.ends_with(".where"))
        })
        .collect();
    pointers.sort();
    let mut stopped = Vec::new();
    for pointer in pointers {
        let Ok(text) = std::fs::read_to_string(&pointer) else {
            continue;
        };
        let Some(data) = text.lines().next().map(str::trim).filter(|d| !d.is_empty()) else {
            continue;
        };
        let Some(pid) = postmaster_of(data) else {
            continue;
        };
        // SAFETY: kill(2) with signal 0 or SIGINT on the pid of the server
        // whose pid file names this data directory; no memory is shared.
        // EPERM (a server run as another user) is a live process too.
        let alive = |pid| unsafe {
            libc::kill(pid, 0) == 0
                || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
        };
        if !alive(pid) {
            continue;
        }
        // SAFETY: as above.
        if unsafe { libc::kill(pid, libc::SIGINT) } != 0 {
            return Err(Failure::error(
                ErrorKind::Connection,
                format!(
                    "cannot stop the test cluster in {data} (pid {pid}): {}",
                    std::io::Error::last_os_error()
                ),
            ));
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while alive(pid) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        if alive(pid) {
            return Err(Failure::error(
                ErrorKind::Connection,
                format!("the test cluster in {data} (pid {pid}) did not stop within 30 s"),
            ));
        }
        stopped.push(data.to_string());
    }
    Ok(stopped)
}

/// The pid of the postmaster running on `data`, when its pid file says so
/// and that process is a PostgreSQL server (a stale pid file's pid may
/// belong to anything by now).
fn postmaster_of(data: &str) -> Option<i32> {
    let text = std::fs::read_to_string(std::path::Path::new(data).join("postmaster.pid")).ok()?;
    let mut lines = text.lines();
    let pid = lines
        .next()?
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|&p| p > 0)?;
    // The pid file's second line is the data directory it serves.
    if lines.next().map(str::trim) != Some(data.trim_end_matches('/')) {
        return None;
    }
    // Where /proc exists (Linux), the process must be a PostgreSQL server.
    if std::path::Path::new("/proc/self").exists() {
        let command = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        if !String::from_utf8_lossy(&command).contains("postgres") {
            return None;
        }
    }
    Some(pid)
}
