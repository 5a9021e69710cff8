//! The reference router through a real TCP listener: the deadline fallback
//! (with a short budget override) and 100 concurrent identical deliveries.

#[path = "../examples/reference/axum_app.rs"]
mod axum_app;
#[path = "../examples/reference/mod.rs"]
mod reference;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use reference::{Config, Receivers};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ANSWERED: &str = r#"{"event":"call.answered","call_uuid":"tcp-1","account_id":"AC1","from":"+15550001","to":"+15550002","direction":"inbound","status":"answered","timestamp":"2026-04-09T10:30:45.123Z"}"#;

fn config(budget: Duration, delay_ms: u64) -> Config {
    let delay = delay_ms.to_string();
    let mut config = Config::from_lookup(|name| match name {
        "VOXHOOK_QUIET" => Some("1".to_owned()),
        "VOXHOOK_DEMO_DELAY_MS" => Some(delay.clone()),
        _ => None,
    });
    config.budget = Some(budget);
    config
}

async fn serve(config: Config) -> (SocketAddr, Receivers) {
    let receivers = config.receivers().unwrap();
    let app = axum_app::router(config, &receivers);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (addr, receivers)
}

/// What a client got back.
struct Answer {
    status: u16,
    headers: http::HeaderMap,
    body: bytes::Bytes,
}

/// POSTs a TryVox delivery over a fresh connection.
async fn tryvox(addr: SocketAddr, path: &str) -> Answer {
    use http_body_util::BodyExt;

    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(connection);
    let request = http::Request::post(path)
        .header("host", addr.to_string())
        .header(
            "authorization",
            format!("Bearer {}", reference::DEFAULT_TRYVOX_TOKEN),
        )
        .header("content-type", "application/json")
        .body(http_body_util::Full::new(bytes::Bytes::from_static(
            ANSWERED.as_bytes(),
        )))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    Answer {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body: body.collect().await.unwrap().to_bytes(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_budget_the_answer_route_falls_back_and_a_stalled_upload_gets_503() {
    let (addr, receivers) = serve(config(Duration::from_millis(200), 700)).await;
    let started = Instant::now();
    let response = tryvox(addr, "/tryvox/answer").await;
    let elapsed = started.elapsed();
    assert_eq!(response.status, 200);
    assert!(
        elapsed < Duration::from_millis(650),
        "answered at the budget, not after the handler: {elapsed:?}"
    );
    let fallback = voxhook::voxml::fallback(voxhook::Provider::TryVox);
    assert_eq!(response.headers["content-type"], fallback.content_type);
    assert_eq!(response.body, fallback.body);

    // The late handler finishes in the background and settles its entry.
    assert!(receivers.tryvox.drain(Duration::from_secs(5)).await);
    assert_eq!(receivers.tryvox.stats().handled, 1);

    // An events route whose upload stalls answers 503 at the budget.
    let (addr, _receivers) = serve(config(Duration::from_millis(200), 0)).await;
    let started = Instant::now();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /tryvox/events HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{{\"event\":",
        reference::DEFAULT_TRYVOX_TOKEN
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0; 4096];
    let n = stream.read(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(text.starts_with("HTTP/1.1 503"), "{text}");
    assert!(text.contains("retry-after: 1"), "{text}");
    assert!(
        text.ends_with(voxhook::Rejection::Deadline.body()),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_hundred_concurrent_identical_deliveries_run_the_handler_once() {
    // The handler takes 300 ms, so every delivery arrives while the first runs.
    let (addr, receivers) = serve(config(Duration::from_secs(4), 300)).await;
    let mut tasks = Vec::new();
    for _ in 0..100 {
        tasks.push(tokio::spawn(async move {
            let a = tryvox(addr, "/tryvox/answer").await;
            (a.status, a.headers.contains_key("voxhook-replayed"), a.body)
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    let first = answers[0].2.clone();
    assert!(String::from_utf8_lossy(&first).contains("Hello +15550001, this is voxhook."));
    for (status, _, body) in &answers {
        assert_eq!(*status, 200);
        assert_eq!(body, &first, "every delivery gets the same answer");
    }
    assert_eq!(
        answers.iter().filter(|a| !a.1).count(),
        1,
        "exactly one fresh answer, 99 replayed"
    );
    let stats = receivers.tryvox.stats();
    assert_eq!(stats.handled, 1, "{stats:?}");
    assert_eq!(stats.duplicates, 99, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_413_is_readable_by_a_client_that_sent_its_whole_body() {
    let (addr, _receivers) = serve(config(Duration::from_secs(4), 0)).await;
    for chunked in [false, true] {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (mut read, mut write) = stream.into_split();
        let body = vec![b'x'; 2 * 1024 * 1024];
        let writer = tokio::spawn(async move {
            let framing = if chunked {
                "transfer-encoding: chunked\r\n".to_owned()
            } else {
                format!("content-length: {}\r\n", body.len())
            };
            let head = format!(
                "POST /tryvox/events HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\n{framing}\r\n",
                reference::DEFAULT_TRYVOX_TOKEN
            );
            write.write_all(head.as_bytes()).await?;
            if chunked {
                for part in body.chunks(64 * 1024) {
                    write
                        .write_all(format!("{:x}\r\n", part.len()).as_bytes())
                        .await?;
                    write.write_all(part).await?;
                    write.write_all(b"\r\n").await?;
                }
                write.write_all(b"0\r\n\r\n").await?;
            } else {
                write.write_all(&body).await?;
            }
            std::io::Result::Ok(write)
        });
        let mut response = Vec::new();
        let mut buf = vec![0; 4096];
        loop {
            let n = read
                .read(&mut buf)
                .await
                .expect("no reset before the answer");
            response.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&response);
            if n == 0 || text.ends_with(voxhook::Rejection::PayloadTooLarge.body()) {
                break;
            }
        }
        let text = String::from_utf8_lossy(&response);
        assert!(
            text.starts_with("HTTP/1.1 413"),
            "chunked={chunked}: {text}"
        );
        assert!(
            text.ends_with(voxhook::Rejection::PayloadTooLarge.body()),
            "chunked={chunked}: {text}"
        );
        let _ = writer.await;
    }
}
