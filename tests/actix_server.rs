//! The actix reference receiver on a real `HttpServer`: the deadline
//! fallback, 100 concurrent identical deliveries, and a graceful shutdown
//! that waits for a late handler.

#[path = "../examples/reference/actix_app.rs"]
mod actix_app;
#[path = "actix_support/mod.rs"]
mod actix_support;
#[path = "../examples/reference/mod.rs"]
mod reference;

use std::net::SocketAddr;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpServer};
use voxhook::Provider;

use actix_support::{Req, config, http, sign};

/// Starts the reference app on an ephemeral port with one worker.
fn start(config: reference::Config) -> (SocketAddr, ServerHandle, reference::Receivers) {
    let receivers = config.receivers().expect("receivers");
    let r = receivers.clone();
    let server =
        HttpServer::new(move || App::new().configure(actix_app::configure(config.clone(), &r)))
            .workers(1)
            .disable_signals()
            .bind("127.0.0.1:0")
            .expect("bind");
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (addr, handle, receivers)
}

fn answer_request(call: &str) -> Req {
    let body = format!(
        r#"{{"event":"call.answered","call_uuid":"{call}","from":"+15550001111","status":"answered"}}"#
    );
    sign(
        &config(),
        Provider::TryVox,
        Req::new(
            "POST",
            "/tryvox/answer",
            Some("application/json"),
            body.as_bytes(),
        ),
    )
}

#[actix_web::test]
async fn a_late_answer_gets_the_fallback_and_the_handler_still_finishes() {
    let mut cfg = config();
    cfg.budget = Some(Duration::from_millis(150));
    cfg.demo_delay = Duration::from_millis(400);
    let (addr, handle, receivers) = start(cfg);

    let got = http(addr, &answer_request("late-1")).await;
    assert_eq!(got.status, 200);
    let fallback = voxhook::voxml::fallback(Provider::TryVox);
    assert_eq!(got.header("content-type"), Some(fallback.content_type));
    assert_eq!(got.body, fallback.body.to_vec());
    assert_eq!(receivers.tryvox.stats().deadline_misses, 1);

    // The graceful stop waits for the late handler, which settles its claim.
    assert!(voxhook_actix::shutdown::stop(handle, receivers.all(), Duration::from_secs(10)).await);
    assert_eq!(receivers.tryvox.stats().handled, 1);
}

#[actix_web::test]
async fn a_hundred_concurrent_identical_deliveries_run_the_handler_once() {
    let mut cfg = config();
    // The first delivery's handler is still running when the others arrive.
    cfg.demo_delay = Duration::from_millis(300);
    let (addr, handle, receivers) = start(cfg);
    let req = answer_request("concurrent-1");

    let sends: Vec<_> = (0..100)
        .map(|_| {
            let req = req.clone();
            actix_web::rt::spawn(async move { http(addr, &req).await })
        })
        .collect();
    let mut answers = Vec::new();
    for send in sends {
        answers.push(send.await.expect("task"));
    }

    let stats = receivers.tryvox.stats();
    assert_eq!(stats.handled, 1, "{stats:?}");
    assert_eq!(stats.duplicates, 99, "{stats:?}");
    let first = &answers[0];
    assert_eq!(first.status, 200);
    for a in &answers {
        assert_eq!((a.status, &a.body), (first.status, &first.body));
        assert_eq!(a.header("content-type"), Some("application/json"));
    }
    let replayed = answers
        .iter()
        .filter(|a| a.header("voxhook-replayed") == Some("true"))
        .count();
    assert_eq!(replayed, 99);
    handle.stop(true).await;
}
