//! Graceful shutdown of an actix-web `HttpServer` that also waits for
//! voxhook's handlers.
//!
//! A handler that missed its budget (or runs acknowledge-first) keeps
//! running after its response was sent, on the actix worker that received
//! the request. actix's own graceful stop waits only for open connections
//! and then ends the workers, which would cancel those handlers. So stop in
//! this order, as [`stop`] does: stop accepting, [`drain`] the receivers
//! (which waits for handlers in time *and* late ones, while the workers are
//! still alive), then stop the server.

use std::net::{Shutdown, TcpListener};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use socket2::SockRef;
use voxhook_core::pipeline::Receiver;

/// Waits for every receiver's handlers to finish, up to a total timeout
/// (the core's [`voxhook_core::pipeline::drain`], re-exported here beside
/// the server-side shutdown).
pub use voxhook_core::pipeline::drain;

/// Shuts the server down gracefully within `grace`: stops accepting new
/// connections, [`drain`]s the receivers' handlers, then stops the server
/// (it lets the connections still open finish, up to the server's
/// `shutdown_timeout`). Returns `true` when every handler finished in time.
///
/// Start the server with `.disable_signals()` and call this on SIGINT /
/// SIGTERM yourself; actix's own signal handling would stop the workers
/// without waiting for voxhook's background handlers.
///
/// actix only *pauses* accepting here (its workers must stay alive while
/// the handlers drain), so the operating system still completes connections
/// made meanwhile; they wait unanswered and are reset when the server stops.
/// [`stop_refusing`] makes them refused at once instead.
///
/// ```no_run
/// use std::time::Duration;
/// use actix_web::{App, HttpServer};
/// use voxhook_core::{Provider, auth::Auth, pipeline::Receiver};
///
/// # fn main() -> std::io::Result<()> {
/// # actix_web::rt::System::new().block_on(async {
/// let receiver = Receiver::builder(Provider::TryVox).auth(Auth::none()).build().unwrap();
/// let server = HttpServer::new(|| App::new()) // routes with VoxhookMiddleware::answer(..) ...
///     .disable_signals()
///     .shutdown_timeout(10)
///     .bind("127.0.0.1:3000")?
///     .run();
/// let handle = server.handle();
/// actix_web::rt::spawn(async move {
///     let _ = tokio::signal::ctrl_c().await;
///     voxhook_actix::shutdown::stop(handle, vec![receiver], Duration::from_secs(10)).await;
/// });
/// server.await
/// # })
/// # }
/// ```
pub async fn stop(handle: ServerHandle, receivers: Vec<Receiver>, grace: Duration) -> bool {
    stop_refusing(handle, &[], receivers, grace).await
}

/// [`stop`], and once accepting is paused, `listeners` (clones of the
/// sockets the server listens on, from `TcpListener::try_clone`) stop
/// listening, so a connection attempted while the handlers drain is refused
/// rather than left waiting unanswered until the server stops.
///
/// This relies on Linux, where shutting down a listening socket for reading
/// stops it listening. Elsewhere the listeners are left as they are (as with
/// [`stop`]); either way no request that arrives during the drain is read,
/// so none is acknowledged and then dropped.
///
/// ```no_run
/// use std::time::Duration;
/// use actix_web::{App, HttpServer};
/// use voxhook_core::{Provider, auth::Auth, pipeline::Receiver};
///
/// # fn main() -> std::io::Result<()> {
/// # actix_web::rt::System::new().block_on(async {
/// let receiver = Receiver::builder(Provider::TryVox).auth(Auth::none()).build().unwrap();
/// let listener = std::net::TcpListener::bind("127.0.0.1:3000")?;
/// let refuse = vec![listener.try_clone()?];
/// let server = HttpServer::new(|| App::new()) // routes with VoxhookMiddleware::answer(..) ...
///     .disable_signals()
///     .shutdown_timeout(10)
///     .listen(listener)?
///     .run();
/// let handle = server.handle();
/// actix_web::rt::spawn(async move {
///     let _ = tokio::signal::ctrl_c().await;
///     voxhook_actix::shutdown::stop_refusing(handle, &refuse, vec![receiver], Duration::from_secs(10)).await;
/// });
/// server.await
/// # })
/// # }
/// ```
pub async fn stop_refusing(
    handle: ServerHandle,
    listeners: &[TcpListener],
    receivers: Vec<Receiver>,
    grace: Duration,
) -> bool {
    handle.pause().await;
    for listener in listeners {
        if let Err(error) = SockRef::from(listener).shutdown(Shutdown::Read) {
            tracing::debug!(target: "voxhook::shutdown", %error, "the listener could not be shut; connections made during the drain wait until the server stops");
        }
    }
    let drained = drain(&receivers, grace).await;
    if !drained {
        tracing::warn!(target: "voxhook::shutdown", "handlers still running at the end of the grace period");
    }
    handle.stop(true).await;
    drained
}
