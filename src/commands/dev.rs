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
                for stopped in stop_test_clusters(&settings.root)? {
                    println!("stopped the test cluster in {stopped}");
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
        let pidfile = std::path::Path::new(data).join("postmaster.pid");
        let pid = std::fs::read_to_string(&pidfile)
            .ok()
            .and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<i32>().ok()));
        let Some(pid) = pid.filter(|&p| p > 0) else {
            continue;
        };
        // SAFETY: kill(2) with signal 0 or SIGINT on a pid read from the
        // server's own pid file; no memory is shared.
        let alive = |pid| unsafe { libc::kill(pid, 0) == 0 };
        if !alive(pid) {
            continue;
        }
        // SAFETY: as above.
        unsafe {
            libc::kill(pid, libc::SIGINT);
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
