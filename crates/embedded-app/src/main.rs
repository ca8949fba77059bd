//! A service that carries its migrations in its binary and applies them at
//! startup, as a Rust service using petal would: `petal::migrate!` embeds
//! `migrations/`, and the runner `petal upgrade` uses applies them under
//! the migration lock, so many copies started at once apply each migration
//! once.
//!
//! Usage: `embedded-app URL` (or `DATABASE_URL`). Prints one line per
//! migration it applied, `applied REVISION`, then `at head`.

use std::process::ExitCode;

static MIGRATIONS: petal::runner::EmbeddedMigrations = petal::migrate!("migrations");

async fn run(url: &str) -> Result<(), petal::runner::RunnerError> {
    let plan = MIGRATIONS.upgrade(url).await?;
    for step in &plan.steps {
        println!("applied {}", step.revision);
    }
    println!("at head");
    Ok(())
}

fn main() -> ExitCode {
    let Some(url) = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("DATABASE_URL").ok())
    else {
        eprintln!("embedded-app: give the database URL as an argument or in DATABASE_URL");
        return ExitCode::FAILURE;
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("embedded-app: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&url)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            for report in e.reports() {
                eprintln!("embedded-app: {report}");
            }
            ExitCode::FAILURE
        }
    }
}
