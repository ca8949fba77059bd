//! `cvety-api`: serves the Cvety.kz API after checking that the database is
//! at the migrations' head.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cvety_api::config::Config;
use cvety_api::{AppState, db, head};

#[derive(Debug, Parser)]
#[command(name = "cvety-api", about = "The Cvety.kz flower shop's HTTP API")]
struct Args {
    /// Address to listen on [default: 127.0.0.1:$PORT, else 127.0.0.1:8080]
    #[arg(long)]
    bind: Option<SocketAddr>,
    /// Database URL [default: petal.toml's, else petal's embedded cluster]
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// The petal project directory (petal.toml, migrations/, .petal/)
    #[arg(long, default_value = ".")]
    project: PathBuf,
    /// Database connections in the pool
    #[arg(long, default_value_t = 16)]
    pool_size: usize,
    /// Apply the migrations built into this binary before serving, with
    /// petal's runner (under its migration lock: replicas started at once
    /// apply each migration once). Without it, a database that is not at
    /// head is refused
    #[arg(long)]
    migrate: bool,
}

fn bind_address(args: &Args) -> Result<SocketAddr, String> {
    if let Some(addr) = args.bind {
        return Ok(addr);
    }
    let port = match std::env::var("PORT") {
        Ok(p) if !p.is_empty() => p
            .parse::<u16>()
            .map_err(|_| format!("PORT={p:?} is not a port number"))?,
        _ => 8080,
    };
    Ok(SocketAddr::from(([127, 0, 0, 1], port)))
}

/// Applies the embedded migrations as `petal upgrade` would: the project's
/// step policy, a signal cancelling the running statement on the server.
async fn migrate(config: &Config, conn: &petal_pg::ConnConfig) -> Result<(), String> {
    let how = petal::runner::RunSettings {
        policy: config.step_policy,
        interrupt: petal::runner::listen_for_signals(),
        ..Default::default()
    };
    let mut said_waiting = false;
    let mut on_event = |event: petal::runner::Event<'_>| say(event, &mut said_waiting);
    head::EMBEDDED
        .upgrade_with(conn, &how, &mut on_event)
        .await
        .map(|_| ())
        .map_err(|e| {
            let reports: Vec<String> = e.reports().iter().map(ToString::to_string).collect();
            format!("migrating {}: {}", conn.target(), reports.join("\n"))
        })
}

/// A line for the operator per thing a migrating run does.
fn say(event: petal::runner::Event<'_>, said_waiting: &mut bool) {
    use petal::runner::{Event, StepEvent};
    match event {
        // Said once: the runner reports the wait about once a second.
        Event::WaitingForLock(waiting) if !*said_waiting => {
            *said_waiting = true;
            eprintln!(
                "cvety-api: waiting for the migration lock, held by {}",
                waiting.holder
            );
        }
        Event::Finished(m, took) => eprintln!(
            "cvety-api: applied {} {} ({} ms)",
            m.revision,
            m.file.message,
            took.as_millis()
        ),
        Event::Step(StepEvent::Resumed {
            migration,
            committed,
            of,
        }) => eprintln!(
            "cvety-api: resuming {} after {committed} of {of} committed steps",
            migration.revision
        ),
        Event::Step(StepEvent::LockTimeout {
            migration,
            step,
            attempt,
            attempts,
            pause,
        }) => eprintln!(
            "cvety-api: {} step {} waited too long for a lock (attempt {attempt} of {attempts}); \
             again in {} ms",
            migration.revision,
            step + 1,
            pause.as_millis()
        ),
        Event::DownChanged { revision, .. } => {
            eprintln!("cvety-api: {revision}: its down changed since it ran; the log records it")
        }
        _ => {}
    }
}

async fn run(args: Args) -> Result<(), String> {
    let config = Config::load(&args.project, args.database_url.clone())?;
    let conn = config.conn_config().await?;
    let (graph, source) = if args.migrate {
        migrate(&config, &conn).await?;
        let graph = head::EMBEDDED.graph().map_err(|e| e.to_string())?;
        (graph, head::EMBEDDED_SOURCE.to_string())
    } else {
        let graph = head::load_graph(&config.migrations_dir).map_err(|e| e.to_string())?;
        (graph, config.migrations_dir.display().to_string())
    };
    let client = petal_pg::connect(&conn).await.map_err(|e| e.to_string())?;
    head::check(&client, &graph, &source, &config.upgrade_command())
        .await
        .map_err(|e| format!("refusing to serve {}: {e}", conn.target()))?;
    drop(client);
    let pool = db::pool(conn, args.pool_size.max(1))?;
    let addr = bind_address(&args)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    eprintln!("cvety-api: serving http://{addr}/api/ (OpenAPI at /api/openapi.json)");
    let shutdown = async {
        use tokio::signal::unix::{SignalKind, signal};
        // SIGTERM too: what an orchestrator sends (and, once `--migrate`
        // listened for it, no longer ends the process by itself). Without
        // a signal handler there is nothing to wait for: serve on.
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(mut int), Ok(mut term)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            _ => std::future::pending::<()>().await,
        }
        eprintln!("cvety-api: shutting down");
    };
    cvety_api::serve_until(listener, AppState::new(pool), shutdown)
        .await
        .map_err(|e| format!("server: {e}"))
}

fn main() -> ExitCode {
    // `.env` fills variables the environment does not set.
    let _ = dotenvy::dotenv();
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cvety-api: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cvety-api: {e}");
            ExitCode::FAILURE
        }
    }
}
