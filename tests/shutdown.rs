//! Graceful shutdown under load, on both reference receivers with the
//! shutdown wiring their examples use (`voxhook_axum::shutdown::serve_with_shutdown`,
//! `voxhook_actix::shutdown::stop`): 50 concurrent deliveries (quick events,
//! answer handlers in flight, and Vobiz answers late past their budget) plus
//! a steady stream of events, then the shutdown signal mid-load.
//!
//! Asserted: every request sent before the signal is answered; every 2xx
//! has a completed handler behind it (handler completions = 2xx answers:
//! nothing acknowledged and then dropped); in-flight and late handlers finish
//! before the shutdown reports, well within its grace period; the shutdown
//! reports clean; a connection attempted during the drain (on Linux) or
//! after the shutdown is refused, not accepted and left unanswered.

#[path = "../examples/reference/actix_app.rs"]
mod actix_app;
#[path = "actix_support/mod.rs"]
mod actix_support;
#[path = "../examples/reference/axum_app.rs"]
mod axum_app;
#[path = "hostile_support/mod.rs"]
mod hostile_support;
#[path = "../examples/reference/mod.rs"]
mod reference;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use voxhook::Provider;

use actix_support::{Req, Wire, http, sign};
use hostile_support::{Framework, config};
use reference::Receivers;

/// Every answer handler's delay: past Vobiz's 2.5 s budget (fallback, the
/// handler finishes in the background), within the others' 4.5 s.
const DELAY: Duration = Duration::from_millis(2800);
/// The shutdown's grace period.
const GRACE: Duration = Duration::from_secs(10);
/// When the signal comes, after the load started.
const SIGNAL_AT: Duration = Duration::from_millis(1000);

/// What the shutdown reported: whether everything finished in time, how
/// long after the signal, and the handler totals at that moment.
type Report = (bool, Duration, (u64, u64, u64));

/// A server with its shutdown trigger and what its shutdown reported.
struct Running {
    addr: SocketAddr,
    receivers: Receivers,
    trigger: oneshot::Sender<()>,
    done: oneshot::Receiver<Report>,
}

fn start(framework: Framework) -> Running {
    let (cfg, _store) = config(None, DELAY);
    let receivers = cfg.receivers().expect("receivers");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (trigger, signal) = oneshot::channel::<()>();
    let (report, done) = oneshot::channel();
    let r = receivers.clone();
    match framework {
        Framework::Axum => {
            listener.set_nonblocking(true).expect("nonblocking");
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                    let app = axum_app::router(cfg, &r);
                    let (at_tx, at_rx) = oneshot::channel();
                    let signal = async move {
                        let _ = signal.await;
                        let _ = at_tx.send(Instant::now());
                    };
                    let clean = voxhook_axum::shutdown::serve_with_shutdown(
                        listener,
                        app,
                        signal,
                        r.all(),
                        GRACE,
                    )
                    .await
                    .expect("serve");
                    let at = at_rx.await.expect("signalled");
                    let _ = report.send((clean, at.elapsed(), totals(&r)));
                });
            });
        }
        Framework::Actix => {
            std::thread::spawn(move || {
                actix_web::rt::System::new().block_on(async move {
                    let all = r.all();
                    let counted = r.clone();
                    let refuse = vec![listener.try_clone().expect("clone")];
                    let server = actix_web::HttpServer::new(move || {
                        actix_web::App::new().configure(actix_app::configure(cfg.clone(), &r))
                    })
                    .workers(1)
                    .disable_signals()
                    .shutdown_timeout(GRACE.as_secs())
                    .listen(listener)
                    .expect("listen")
                    .run();
                    let handle = server.handle();
                    let stopper = actix_web::rt::spawn(async move {
                        let _ = signal.await;
                        let at = Instant::now();
                        let clean =
                            voxhook_actix::shutdown::stop_refusing(handle, &refuse, all, GRACE)
                                .await;
                        (clean, at)
                    });
                    server.await.expect("serve");
                    let (clean, at) = stopper.await.expect("stopper");
                    let _ = report.send((clean, at.elapsed(), totals(&counted)));
                });
            });
        }
    }
    Running {
        addr,
        receivers,
        trigger,
        done,
    }
}

/// A signed delivery of a distinct event `id` to `path`.
fn delivery(path: &str, id: &str) -> Req {
    let (provider, content_type, body) = match path {
        "/tryvox/answer" | "/tryvox/events" => (
            Provider::TryVox,
            "application/json",
            format!(
                r#"{{"event":"call.answered","call_uuid":"{id}","from":"+15550001111","status":"answered"}}"#
            ),
        ),
        "/voxpria/events" => (
            Provider::VoxPria,
            "application/json",
            format!(
                r#"{{"event":"call.completed","call_id":"{id}","status":"completed","duration":3}}"#
            ),
        ),
        "/voxtelesys/voice" | "/voxtelesys/status" => (
            Provider::Voxtelesys,
            "application/x-www-form-urlencoded",
            format!("CallSid={id}&From=%2B15550001111&CallStatus=ringing"),
        ),
        _ => (
            Provider::Vobiz,
            "application/x-www-form-urlencoded",
            format!("CallUUID={id}&From=%2B15550001111&Event=StartApp&CallStatus=in-progress"),
        ),
    };
    let req = Req::new("POST", path, Some(content_type), body.as_bytes());
    sign(&actix_support::config(), provider, req)
}

/// The initial burst: 50 connections at once.
const BURST: [(&str, usize); 6] = [
    ("/tryvox/events", 12),
    ("/voxpria/events", 10),
    ("/voxtelesys/status", 5),
    ("/tryvox/answer", 8),
    ("/voxtelesys/voice", 5),
    ("/vobiz/answer", 10),
];

fn deliveries(receivers: &Receivers) -> u64 {
    receivers.all().iter().map(|r| r.stats().deliveries).sum()
}

fn totals(receivers: &Receivers) -> (u64, u64, u64) {
    receivers
        .all()
        .iter()
        .map(|r| r.stats())
        .fold((0, 0, 0), |t, s| {
            (
                t.0 + s.handled,
                t.1 + s.deadline_misses,
                t.2 + s.handler_failures,
            )
        })
}

/// What became of a request.
#[derive(Debug, PartialEq, Eq)]
enum Fate {
    /// The connection was refused.
    Refused,
    /// Connected, but closed or reset without an answer.
    NoAnswer,
    /// Answered with this status.
    Answered(u16),
}

async fn probe(addr: SocketAddr, req: &Req) -> Fate {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = match tokio::net::TcpStream::connect(addr).await {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => return Fate::Refused,
        Err(e) => panic!("connect: {e}"),
    };
    let mut bytes = format!(
        "{} {} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: {}\r\n",
        req.method,
        req.target,
        req.body.len()
    );
    for (n, v) in &req.headers {
        bytes.push_str(&format!("{n}: {v}\r\n"));
    }
    bytes.push_str("\r\n");
    let _ = stream.write_all(bytes.as_bytes()).await;
    let _ = stream.write_all(&req.body).await;
    let mut raw = Vec::new();
    let _ = tokio::time::timeout(GRACE, stream.read_to_end(&mut raw)).await;
    match std::str::from_utf8(raw.get(9..12).unwrap_or_default())
        .ok()
        .and_then(|s| s.parse().ok())
    {
        Some(status) => Fate::Answered(status),
        None => Fate::NoAnswer,
    }
}

async fn refused(addr: SocketAddr) -> bool {
    matches!(
        tokio::net::TcpStream::connect(addr).await,
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused
    )
}

async fn shutdown_under_load(framework: Framework) {
    let name = framework.name();
    let server = start(framework);
    let addr = server.addr;
    let started = Instant::now();

    let mut sends = Vec::new();
    for (path, n) in BURST {
        for i in 0..n {
            let req = delivery(path, &format!("{name}-burst-{path}-{i}"));
            sends.push(tokio::spawn(async move { http(addr, &req).await }));
        }
    }
    // A steady stream of quick events until the signal.
    let mut i = 0;
    while started.elapsed() < SIGNAL_AT {
        let path = if i % 2 == 0 {
            "/tryvox/events"
        } else {
            "/vobiz/events"
        };
        let req = delivery(path, &format!("{name}-stream-{i}"));
        sends.push(tokio::spawn(async move { http(addr, &req).await }));
        i += 1;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Signal once every request sent has reached the pipeline (so none is
    // refused by the shutdown), mid-load: the answer handlers are running.
    let waiting = Instant::now();
    while deliveries(&server.receivers) < sends.len() as u64 {
        assert!(
            waiting.elapsed() < GRACE,
            "{name}: the requests never all arrived"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (in_flight, _, _) = totals(&server.receivers);
    server.trigger.send(()).expect("the server is running");
    // A delivery attempted while the shutdown drains.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let during = probe(addr, &delivery("/tryvox/events", &format!("{name}-during"))).await;
    if cfg!(target_os = "linux") {
        assert_eq!(during, Fate::Refused, "{name}: a delivery during the drain");
    } else {
        assert_ne!(
            during,
            Fate::Answered(200),
            "{name}: a delivery during the drain"
        );
    }

    let mut answers: Vec<Wire> = Vec::new();
    for send in sends {
        answers
            .push(send.await.unwrap_or_else(|e| {
                panic!("{name}: a request sent before the signal failed: {e}")
            }));
    }
    let (clean, took, at_shutdown) = server.done.await.expect("the shutdown reports");
    let (handled, late, failed) = totals(&server.receivers);
    assert_eq!(
        at_shutdown,
        (handled, late, failed),
        "{name}: every handler had finished when the shutdown reported"
    );

    let ok = answers
        .iter()
        .filter(|a| (200..300).contains(&a.status))
        .count() as u64;
    let fallback = voxhook::voxml::fallback(Provider::Vobiz);
    let fallbacks = answers.iter().filter(|a| a.body == fallback.body).count() as u64;
    let statuses: std::collections::BTreeSet<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(
        statuses,
        [200].into(),
        "{name}: every request is answered 200"
    );
    assert!(clean, "{name}: the shutdown reports handlers still running");
    assert!(took < GRACE, "{name}: shutdown took {took:?}");
    assert_eq!(
        handled, ok,
        "{name}: handler completions = 2xx answers (nothing acknowledged and dropped)"
    );
    assert_eq!(
        (late, fallbacks),
        (10, 10),
        "{name}: the Vobiz answers were late, and finished"
    );
    assert_eq!(failed, 0, "{name}");
    let answer_handlers = BURST
        .iter()
        .filter(|(path, _)| path.ends_with("answer") || path.ends_with("voice"))
        .map(|(_, n)| *n as u64)
        .sum::<u64>();
    assert!(
        handled - in_flight >= answer_handlers,
        "{name}: the answer handlers were in flight at the signal, and finished"
    );
    assert!(
        refused(addr).await,
        "{name}: a connection after the shutdown is refused"
    );
    eprintln!(
        "{name}: {} requests, {ok} answered 200 ({fallbacks} fallbacks), {in_flight} handled at the signal, shutdown clean in {took:?}",
        answers.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_shuts_down_under_load_without_dropping_anything() {
    shutdown_under_load(Framework::Axum).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_shuts_down_under_load_without_dropping_anything() {
    shutdown_under_load(Framework::Actix).await;
}
