//! `petal dev start|stop|status|url`: the embedded PostgreSQL cluster.

use petal_engine::Settings;
use petal_engine::pg::ClusterStatus;

use crate::cli::DevAction;
use crate::failure::Failure;

pub async fn run(settings: &Settings, action: DevAction) -> Result<(), Failure> {
    let cluster = settings.embedded_cluster().map_err(Failure::from)?;
    match action {
        DevAction::Start => {
            cluster
                .start()
                .await
                .map_err(|e| Failure::error(e.to_string()))?;
            println!("running: {}", cluster.url());
            println!("data: {}", cluster.data_dir().display());
        }
        DevAction::Stop => {
            let stop = cluster.clone();
            tokio::task::spawn_blocking(move || stop.stop())
                .await
                .map_err(|e| Failure::error(format!("the stop task failed: {e}")))?
                .map_err(|e| Failure::error(e.to_string()))?;
            println!("stopped");
        }
        DevAction::Status => match cluster.status() {
            ClusterStatus::NotInitialized => {
                println!(
                    "not created yet (`petal dev start` creates it in {})",
                    cluster.base_dir().display()
                )
            }
            ClusterStatus::Stopped => println!("stopped ({})", cluster.data_dir().display()),
            ClusterStatus::Running { pid } => {
                println!("running, pid {pid}: {}", cluster.url())
            }
        },
        DevAction::Url => println!("{}", cluster.url()),
    }
    Ok(())
}
