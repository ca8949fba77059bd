//! The Cvety.kz flower shop's HTTP API over the PostgreSQL schema that
//! petal migrates.
//!
//! The queries are built with sea-query from the `Iden`s that
//! `#[derive(Table)]` generates on the models of `cvety-schema`, so renaming
//! a column in the models breaks this crate's build rather than production.
//!
//! ```ignore
//! let graph = cvety_api::head::load_graph(Path::new("migrations"))?;
//! let client = petal_pg::connect(&conn_config).await?;
//! cvety_api::head::check(&client, &graph, "migrations", "petal upgrade head").await?;
//! let pool = cvety_api::db::pool(conn_config, 16)?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! cvety_api::serve(listener, cvety_api::AppState::new(pool)).await?;
//! ```

pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod head;
pub mod openapi;
pub mod routes;
pub mod token;
pub mod validate;

use axum::Router;
use tokio::net::TcpListener;

pub use error::ApiError;

/// What every handler shares: the connection pool.
#[derive(Clone)]
pub struct AppState {
    pub pool: db::Pool,
}

impl AppState {
    pub fn new(pool: db::Pool) -> Self {
        AppState { pool }
    }
}

/// The whole API under `/api`, with JSON 404/405 answers for unknown routes.
pub fn router(state: AppState) -> Router {
    routes::router().with_state(state)
}

/// Serves the API on `listener` until the task is dropped or the
/// listener fails.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state)).await
}

/// [`serve`] until `shutdown` completes, then finishes the requests in
/// flight.
pub async fn serve_until(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
