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

async fn run(args: Args) -> Result<(), String> {
    let config = Config::load(&args.project, args.database_url.clone())?;
    let graph = head::load_graph(&config.migrations_dir).map_err(|e| e.to_string())?;
    let conn = config.conn_config().await?;
    let client = petal_pg::connect(&conn).await.map_err(|e| e.to_string())?;
    head::check(
        &client,
        &graph,
        &config.migrations_dir,
        &config.upgrade_command(),
    )
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
