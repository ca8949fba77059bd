//! A service that carries its migrations in its binary and applies them at
//! startup, as a Rust service using petal would: `petal::migrate!` embeds
//! `migrations/`, and the runner `petal upgrade` uses applies them under
//! the migration lock, so many copies started at once apply each migration
//! once.
//!
//! Usage: `DATABASE_URL=... embedded-app` (or the URL as its argument,
//! where `ps` shows it). Prints `waiting for the migration lock` if another
//! run holds it, one line per migration it applied, `applied REVISION`,
//! then `at head`.

use std::process::ExitCode;

static MIGRATIONS: petal::runner::EmbeddedMigrations = petal::migrate!("migrations");

async fn run(url: &str) -> Result<(), petal::runner::RunnerError> {
    let config = petal::runner::ConnConfig::parse(url)?;
    // Said once (the runner reports the wait about once a second): the
    // test starts copies while it holds the lock, and waits for each to say
    // it waits.
    let mut said_waiting = false;
    let mut on_event = |event: petal::runner::Event<'_>| {
        if let petal::runner::Event::WaitingForLock(_) = event
            && !said_waiting
        {
            said_waiting = true;
            println!("waiting for the migration lock");
        }
    };
    let plan = MIGRATIONS
        .upgrade_with(&config, &Default::default(), &mut on_event)
        .await?;
    for step in &plan.steps {
        println!("applied {}", step.revision);
    }
    println!("at head");
    Ok(())
}

fn main() -> ExitCode {
    let Some(url) = std::env::var("DATABASE_URL")
        .ok()
        .or_else(|| std::env::args().nth(1))
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
