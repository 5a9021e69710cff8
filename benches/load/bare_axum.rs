//! The baseline of the load benchmark: a bare axum route that reads the body
//! and answers 200, on the same runtime settings as the reference receiver.
//!
//! Run with `benches/load/run.sh` (address from `VOXHOOK_ADDR`). With
//! `BARE_SERVE=voxhook` it serves through `voxhook_axum::shutdown::serve_with_shutdown`
//! (hyper's HTTP/1 builder with the request-head timeout) instead of
//! `axum::serve`, to measure what that serving path costs by itself.

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::{get, post};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("VOXHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:3001".to_owned());
    let app = Router::new()
        .route(
            "/voxpria/events",
            post(|body: Bytes| async move {
                std::hint::black_box(body);
                StatusCode::OK
            }),
        )
        .route("/healthz", get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    if std::env::var("BARE_SERVE").as_deref() == Ok("voxhook") {
        voxhook_axum::shutdown::serve_with_shutdown(
            listener,
            app,
            std::future::pending(),
            Vec::new(),
            std::time::Duration::from_secs(1),
        )
        .await
        .map(drop)
    } else {
        axum::serve(listener, app).await
    }
}
