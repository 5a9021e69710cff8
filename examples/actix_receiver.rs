//! The reference webhook receiver on actix-web: all four providers, with the
//! built-in development credentials unless the environment sets them.
//!
//! Run with `cargo run --example actix_receiver` (contract: `reference-receiver.md`).

#[path = "reference/actix_app.rs"]
mod actix_app;
#[path = "reference/mod.rs"]
mod reference;

use std::process::ExitCode;

use actix_web::{App, HttpServer};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    // Nothing per request at the default level; `RUST_LOG=voxhook=debug` shows it.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("off"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();

    let config = reference::Config::from_env();
    // Inside the runtime: a Redis store (`VOXHOOK_REDIS_URL`) starts its
    // connection task on the runtime that builds it.
    actix_web::rt::System::new().block_on(async move {
        let receivers = match config.receivers() {
            Ok(receivers) => receivers,
            Err(e) => {
                eprintln!("voxhook: configuration error: {e}");
                return ExitCode::FAILURE;
            }
        };
        serve(config, receivers).await
    })
}

async fn serve(config: reference::Config, receivers: reference::Receivers) -> ExitCode {
    let addr = config.addr.clone();
    let message = config.startup_message("actix-web");
    let all = receivers.all();
    // A clone of the listening socket, so the shutdown can refuse new
    // connections while the handlers drain.
    let listener = std::net::TcpListener::bind(&addr)
        .and_then(|listener| Ok((listener.try_clone()?, listener)));
    let server = listener.and_then(|(refuse, listener)| {
        let server = HttpServer::new(move || {
            App::new().configure(actix_app::configure(config.clone(), &receivers))
        })
        // voxhook's late handlers run on the workers: on SIGINT/SIGTERM stop
        // accepting, drain them (and the handlers still in time), then stop.
        .disable_signals()
        .shutdown_timeout(reference::SHUTDOWN_GRACE.as_secs())
        .listen(listener)?;
        Ok((refuse, server))
    });
    let (refuse, server) = match server {
        Ok((refuse, server)) => (refuse, server.run()),
        Err(e) => {
            eprintln!("voxhook: cannot listen on the configured address: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprint!("{message}");

    let handle = server.handle();
    let shutdown = actix_web::rt::spawn(async move {
        reference::shutdown_signal().await;
        voxhook_actix::shutdown::stop_refusing(handle, &[refuse], all, reference::SHUTDOWN_GRACE)
            .await
    });
    if let Err(e) = server.await {
        eprintln!("voxhook: server error: {e}");
        return ExitCode::FAILURE;
    }
    match shutdown.await {
        Ok(true) => eprintln!("voxhook: shut down cleanly"),
        Ok(false) => eprintln!("voxhook: shut down; some handlers were still running after 10 s"),
        Err(_) => {}
    }
    ExitCode::SUCCESS
}
