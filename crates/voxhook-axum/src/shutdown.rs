//! Graceful shutdown that also waits for voxhook's background handlers.
//!
//! `axum::serve(..).with_graceful_shutdown(signal)` stops accepting and
//! waits for in-flight requests, but a handler that missed its budget (or
//! runs acknowledge-first) keeps running in voxhook's tracked background
//! after its response was sent: [`drain`] waits for those too.
//! [`serve_with_shutdown`] does both within one grace period.

use std::future::{Future, IntoFuture};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::time::Instant;
use voxhook_core::pipeline::Receiver;

/// Waits for every receiver's background handlers to finish, up to
/// `timeout` in total; from now on those receivers refuse new deliveries
/// with 503 `overloaded`. Returns `true` when everything finished in time.
///
/// ```
/// use std::time::Duration;
/// use voxhook_core::{Provider, auth::Auth, pipeline::Receiver};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let r = Receiver::builder(Provider::TryVox).auth(Auth::none()).build().unwrap();
/// assert!(voxhook_axum::shutdown::drain([&r], Duration::from_secs(10)).await);
/// # }
/// ```
pub async fn drain<'a>(
    receivers: impl IntoIterator<Item = &'a Receiver>,
    timeout: Duration,
) -> bool {
    let until = Instant::now() + timeout;
    let mut all = true;
    for receiver in receivers {
        let left = until.saturating_duration_since(Instant::now());
        all &= receiver.drain(left).await;
    }
    all
}

/// Serves `app` on `listener` (with the peer address available to IP
/// allow-lists) until `signal` resolves, then shuts down gracefully: stops
/// accepting, lets in-flight requests finish, then [`drain`]s the
/// receivers' background handlers, all within `grace` from the signal.
///
/// Returns `Ok(true)` when everything finished within `grace`.
///
/// # Errors
///
/// The I/O error of the server, if it failed.
///
/// ```no_run
/// use std::time::Duration;
/// use axum::Router;
/// use voxhook_core::{Provider, auth::Auth, pipeline::Receiver};
///
/// # #[tokio::main] async fn main() -> std::io::Result<()> {
/// let receiver = Receiver::builder(Provider::TryVox).auth(Auth::none()).build().unwrap();
/// let app = Router::new(); // routes with VoxhookLayer::answer(receiver.clone()) ...
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// let ctrl_c = async { let _ = tokio::signal::ctrl_c().await; };
/// voxhook_axum::shutdown::serve_with_shutdown(listener, app, ctrl_c, vec![receiver], Duration::from_secs(10)).await?;
/// # Ok(()) }
/// ```
pub async fn serve_with_shutdown(
    listener: TcpListener,
    app: Router,
    signal: impl Future<Output = ()> + Send + 'static,
    receivers: Vec<Receiver>,
    grace: Duration,
) -> io::Result<bool> {
    let signalled: Arc<OnceLock<Instant>> = Arc::new(OnceLock::new());
    let notify = Arc::new(Notify::new());
    let on_signal = {
        let signalled = Arc::clone(&signalled);
        let notify = Arc::clone(&notify);
        async move {
            signal.await;
            let _ = signalled.set(Instant::now());
            notify.notify_one();
        }
    };
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(on_signal)
    .into_future();
    let grace_over = async {
        notify.notified().await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        result = server => result?,
        () = grace_over => {
            tracing::warn!(target: "voxhook::shutdown", "in-flight requests did not finish within the grace period");
            return Ok(false);
        }
    }
    let until = signalled.get().map_or_else(Instant::now, |at| *at + grace);
    Ok(drain(&receivers, until.saturating_duration_since(Instant::now())).await)
}
