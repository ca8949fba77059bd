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

/// Applies the embedded migrations, saying each as it runs.
async fn migrate(conn: &petal_pg::ConnConfig) -> Result<(), String> {
    // Said once: the runner reports the wait about once a second.
    let mut said_waiting = false;
    let mut on_event = |event: petal::runner::Event<'_>| match event {
        petal::runner::Event::WaitingForLock(waiting) if !said_waiting => {
            said_waiting = true;
            eprintln!(
                "cvety-api: waiting for the migration lock, held by {}",
                waiting.holder
            );
        }
        petal::runner::Event::Finished(step, took) => {
            eprintln!(
                "cvety-api: applied {} ({} ms)",
                step.file.path(),
                took.as_millis()
            );
        }
        _ => {}
    };
    head::EMBEDDED
        .upgrade_with(conn, &Default::default(), &mut on_event)
        .await
        .map(|_| ())
        .map_err(|e| {
            let reports: Vec<String> = e.reports().iter().map(ToString::to_string).collect();
            format!("migrating {}: {}", conn.target(), reports.join("\n"))
        })
}

async fn run(args: Args) -> Result<(), String> {
    let config = Config::load(&args.project, args.database_url.clone())?;
    let conn = config.conn_config().await?;
    let (graph, source) = if args.migrate {
        migrate(&conn).await?;
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
        // Without a signal handler there is nothing to wait for: serve on.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
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
