//! The reference webhook receiver on axum: all four providers, with the
//! built-in development credentials unless the environment sets them.
//!
//! Run with `cargo run --example axum_receiver` (contract: `reference-receiver.md`).

#[path = "reference/axum_app.rs"]
mod axum_app;
#[path = "reference/mod.rs"]
mod reference;

use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    // Nothing per request at the default level; `RUST_LOG=voxhook=debug` shows it.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("off"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();

    let config = reference::Config::from_env();
    let receivers = match config.receivers() {
        Ok(receivers) => receivers,
        Err(e) => {
            eprintln!("voxhook: configuration error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(&config.addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("voxhook: cannot listen on the configured address: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprint!("{}", config.startup_message("axum"));

    let all = receivers.all();
    let app = axum_app::router(config, &receivers);
    // Stop accepting on SIGINT/SIGTERM, let in-flight requests and voxhook's
    // late/background handlers finish (up to 10 s), then exit 0.
    match voxhook_axum::shutdown::serve_with_shutdown(
        listener,
        app,
        reference::shutdown_signal(),
        all,
        reference::SHUTDOWN_GRACE,
    )
    .await
    {
        Ok(true) => eprintln!("voxhook: shut down cleanly"),
        Ok(false) => eprintln!("voxhook: shut down; some handlers were still running after 10 s"),
        Err(e) => {
            eprintln!("voxhook: server error: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
