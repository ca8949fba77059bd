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
        DevAction::Stop => {
            // The dev cluster too: a stopped project leaves no server behind.
            stop(dev).await?;
            stop(cluster).await?;
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
