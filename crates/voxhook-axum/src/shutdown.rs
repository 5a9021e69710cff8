//! Graceful shutdown that also waits for voxhook's background handlers.
//!
//! `axum::serve(..).with_graceful_shutdown(signal)` stops accepting and
//! waits for in-flight requests, but a handler that missed its budget (or
//! runs acknowledge-first) keeps running in voxhook's tracked background
//! after its response was sent: [`drain`] waits for those too.
//! [`serve_with_shutdown`] does both within one grace period, and also
//! bounds how long a client may take to send a request head, which
//! `axum::serve` does not.

#[cfg(test)]
mod tests;
mod watchdog;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::{GracefulConnection, GracefulShutdown};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, timeout_at};
use tower_service::Service;
use voxhook_core::pipeline::Receiver;

use watchdog::{Activity, Ticks, Tracked, Watchdog};

/// Waits for every receiver's handlers to finish, up to a total timeout
/// (the core's [`voxhook_core::pipeline::drain`], re-exported here beside
/// the server-side shutdown).
pub use voxhook_core::pipeline::drain;

/// How long a connection served by [`serve_with_shutdown`] may stay quiet:
/// open with no request in flight and no request head completed. That
/// covers a client that sends no head, one that trickles its head (bytes
/// that do not complete a head are not activity), and an idle kept-alive
/// connection. Such a connection is closed, without an answer, between
/// three quarters of `HEAD_TIMEOUT` (3.75 s) and `HEAD_TIMEOUT` (5 s)
/// after it went quiet, that is after it was accepted or after its last
/// response was sent. A client therefore has at least 3.75 s to complete a
/// head. A request in flight (its handler running, its response being
/// sent, however long) is never cut off by this; voxhook's deadline bounds
/// it. 5 s, as actix-web's default `client_request_timeout`; providers send
/// a whole request at once.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves `app` on `listener` (with the peer address available to IP
/// allow-lists, as `ConnectInfo<SocketAddr>`) until `signal` resolves, then
/// shuts down gracefully: stops accepting (the listener is closed, so new
/// connections are refused), lets in-flight requests finish, then
/// [`drain`]s the receivers' background handlers, all within `grace` from
/// the signal.
///
/// Unlike plain `axum::serve`, a connection must send its request head in
/// time: a client that opens a connection and trickles its headers, or
/// sends none, or keeps an idle connection open, cannot hold it for ever
/// (voxhook's own deadline only starts once the head is complete). It is
/// closed 3.75 to 5 s after it went quiet, as [`HEAD_TIMEOUT`] details. The
/// check costs a request two relaxed atomic increments, no timer: one
/// background thread per call (named `voxhook-head-watchdog`) ticks every
/// 1.25 s and wakes the connections, and a connection is closed at the
/// fourth tick after it went quiet, the last three ticks having seen no
/// request in flight and none started or finished since the tick before.
/// The thread ends within a tick once the server and its connections are
/// gone. HTTP/1.1, without connection upgrades (webhooks use neither HTTP/2
/// nor WebSockets).
///
/// Returns `Ok(true)` when everything finished within `grace`.
///
/// # Errors
///
/// When the watchdog's thread cannot be started (before anything is
/// served). Accept errors are not returned but retried (after a pause for
/// errors such as too many open files), as `axum::serve` does.
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
    let ticks = Ticks::start()?;
    let connections = GracefulShutdown::new();
    let mut signal = pin!(signal);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => serve_connection(&connections, &ticks, stream, peer, app.clone()),
                Err(error) => accept_failed(error).await,
            },
            () = &mut signal => break,
        }
    }
    let until = Instant::now() + grace;
    drop(listener);
    if timeout_at(until, connections.shutdown()).await.is_err() {
        tracing::warn!(target: "voxhook::shutdown", "in-flight requests did not finish within the grace period");
        return Ok(false);
    }
    Ok(drain(&receivers, until.saturating_duration_since(Instant::now())).await)
}

/// Serves one connection on its own task, watched for the graceful shutdown.
fn serve_connection(
    connections: &GracefulShutdown,
    ticks: &Arc<Ticks>,
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
) {
    let connection = connections.watch(connection(stream, peer, app, Arc::clone(ticks)));
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::trace!(target: "voxhook::serve", %error, "connection ended with an error");
        }
    });
}

/// One HTTP/1.1 connection serving `app` on `io`, with the head-timeout
/// watchdog on `ticks` in its read path (hyper's own timer is off: it costs
/// a timer per request).
fn connection<I>(
    io: I,
    peer: SocketAddr,
    app: Router,
    ticks: Arc<Ticks>,
) -> impl GracefulConnection<Error = hyper::Error> + Send + 'static
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let activity = Arc::new(Activity::default());
    let io = TokioIo::new(Watchdog::new(io, ticks, Arc::clone(&activity)));
    let service = service_fn(move |mut req: Request<Incoming>| {
        let request = activity.start();
        req.extensions_mut().insert(ConnectInfo(peer));
        // `Router` is always ready.
        let response = app.clone().call(req);
        async move {
            response
                .await
                .map(|response| response.map(|body| Tracked::new(body, request)))
        }
    });
    http1::Builder::new()
        .header_read_timeout(None)
        .serve_connection(io, service)
}

/// After a failed accept: go on at once when only that connection failed;
/// otherwise (e.g. too many open files) log and pause a second, as
/// `axum::serve` does.
async fn accept_failed(error: io::Error) {
    if matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(target: "voxhook::serve", %error, "accept failed; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
