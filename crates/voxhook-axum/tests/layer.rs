//! The layer and the extractors through `tower::ServiceExt::oneshot`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::Bytes;
use http_body_util::BodyExt;
use tower::ServiceExt;
use voxhook_axum::{
    Delivery, RawBody, Unverified, Verified, VoxMl, VoxhookLayer, WebhookRejection,
};
use voxhook_core::auth::Auth;
use voxhook_core::pipeline::Receiver;
use voxhook_core::{Challenge, Event, Provider, Rejection, voxml};

const TOKEN: &str = "s3cret";
const ANSWERED: &str = r#"{"event":"call.answered","call_uuid":"c-1","account_id":"AC1","from":"+15550001","to":"+15550002","direction":"inbound","status":"answered","timestamp":"2026-04-09T10:30:45.123Z"}"#;

fn receiver() -> Receiver {
    receiver_with_budget(Provider::TryVox.default_budget())
}

fn receiver_with_budget(budget: Duration) -> Receiver {
    Receiver::builder(Provider::TryVox)
        .auth(Auth::bearer([TOKEN]))
        .budget(budget)
        .build()
        .unwrap()
}

fn request(path: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(path)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "application/json")
        .body(body.into())
        .unwrap()
}

async fn parts(response: Response) -> (StatusCode, http::HeaderMap, String) {
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

async fn say_hello(Verified(event): Verified<Event>) -> VoxMl {
    VoxMl::from(voxml::Response::new().say(format!("Hello {}", event.from().unwrap_or("there"))))
}

fn answer_app(receiver: Receiver) -> Router {
    Router::new().route(
        "/answer",
        post(say_hello).route_layer(VoxhookLayer::answer(receiver)),
    )
}

#[tokio::test]
async fn answer_route_renders_the_dialect_and_replays_duplicates() {
    let app = answer_app(receiver());
    let (status, headers, body) = parts(
        app.clone()
            .oneshot(request("/answer", ANSWERED))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["instructions"][0]["text"], "Hello +15550001");
    assert!(headers.get("voxhook-replayed").is_none());

    let (status2, headers2, body2) =
        parts(app.oneshot(request("/answer", ANSWERED)).await.unwrap()).await;
    assert_eq!(status2, 200);
    assert_eq!(headers2["voxhook-replayed"], "true");
    assert_eq!(body2, body, "a duplicate gets the same answer");
}

#[tokio::test]
async fn rejections_are_the_core_responses() {
    struct Case {
        name: &'static str,
        request: Request<Body>,
        want: Rejection,
    }
    let big = "x".repeat(2 * 1024 * 1024);
    let cases = vec![
        Case {
            name: "missing credentials",
            request: Request::post("/answer")
                .header("content-type", "application/json")
                .body(Body::from(ANSWERED))
                .unwrap(),
            want: Rejection::MissingCredentials(Challenge::Bearer),
        },
        Case {
            name: "wrong token",
            request: Request::post("/answer")
                .header("authorization", "Bearer nope")
                .header("content-type", "application/json")
                .body(Body::from(ANSWERED))
                .unwrap(),
            want: Rejection::InvalidCredentials(Challenge::Bearer),
        },
        Case {
            name: "declared too large",
            request: Request::post("/answer")
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("content-length", big.len())
                .body(Body::from(big.clone()))
                .unwrap(),
            want: Rejection::PayloadTooLarge,
        },
        Case {
            name: "too large while reading (no content-length)",
            request: request("/answer", chunked(vec![Bytes::from(big.clone())])),
            want: Rejection::PayloadTooLarge,
        },
        Case {
            name: "unsupported media type",
            request: Request::post("/answer")
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("content-type", "text/plain")
                .body(Body::from(ANSWERED))
                .unwrap(),
            want: Rejection::UnsupportedMediaType,
        },
        Case {
            name: "malformed",
            request: request("/answer", "{not json"),
            want: Rejection::MalformedPayload,
        },
    ];
    for case in cases {
        let app = answer_app(receiver());
        let (status, headers, body) = parts(app.oneshot(case.request).await.unwrap()).await;
        assert_eq!(status.as_u16(), case.want.status(), "{}", case.name);
        assert_eq!(body, case.want.body(), "{}", case.name);
        assert_eq!(headers["content-type"], "application/json", "{}", case.name);
        for (name, value) in case.want.headers() {
            assert_eq!(headers[name], value, "{}", case.name);
        }
    }
}

/// A body of the given chunks with no known length (as a chunked upload),
/// optionally never ending (a trickle that stalls).
struct Chunks {
    chunks: std::collections::VecDeque<Bytes>,
    endless: bool,
}

fn chunked(chunks: Vec<Bytes>) -> Body {
    Body::new(Chunks {
        chunks: chunks.into(),
        endless: false,
    })
}

fn stalled(chunks: Vec<Bytes>) -> Body {
    Body::new(Chunks {
        chunks: chunks.into(),
        endless: true,
    })
}

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        match self.chunks.pop_front() {
            Some(c) => std::task::Poll::Ready(Some(Ok(http_body::Frame::data(c)))),
            None if self.endless => std::task::Poll::Pending,
            None => std::task::Poll::Ready(None),
        }
    }
}

/// Counts handler runs and answers after `delay`.
fn slow_app(receiver: Receiver, delay: Duration, runs: Arc<AtomicUsize>, answer: bool) -> Router {
    let handler = move |Verified(_): Verified<Event>| {
        let runs = Arc::clone(&runs);
        async move {
            tokio::time::sleep(delay).await;
            runs.fetch_add(1, Ordering::SeqCst);
            VoxMl::from(voxml::Response::new().say("late"))
        }
    };
    let layer = if answer {
        VoxhookLayer::answer(receiver)
    } else {
        VoxhookLayer::events(receiver)
    };
    Router::new().route("/hook", post(handler).route_layer(layer))
}

#[tokio::test(start_paused = true)]
async fn at_the_budget_answer_routes_fall_back_and_the_late_handler_settles() {
    let runs = Arc::new(AtomicUsize::new(0));
    let receiver = receiver_with_budget(Duration::from_millis(100));
    let app = slow_app(
        receiver.clone(),
        Duration::from_millis(300),
        Arc::clone(&runs),
        true,
    );

    let (status, headers, body) = parts(
        app.clone()
            .oneshot(request("/hook", ANSWERED))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let fallback = voxml::fallback(Provider::TryVox);
    assert_eq!(headers["content-type"], fallback.content_type);
    assert_eq!(body.as_bytes(), &fallback.body[..]);
    assert_eq!(
        runs.load(Ordering::SeqCst),
        0,
        "the handler is still running"
    );

    // The late handler finishes in the background and stores its answer.
    assert!(receiver.drain(Duration::from_secs(5)).await);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn at_the_budget_events_routes_answer_503_and_the_retry_gets_the_late_answer() {
    let runs = Arc::new(AtomicUsize::new(0));
    let receiver = receiver_with_budget(Duration::from_millis(100));
    let app = slow_app(
        receiver.clone(),
        Duration::from_millis(300),
        Arc::clone(&runs),
        false,
    );

    let (status, headers, body) = parts(
        app.clone()
            .oneshot(request("/hook", ANSWERED))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 503);
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(body, Rejection::Deadline.body());

    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, headers, _) = parts(app.oneshot(request("/hook", ANSWERED)).await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(headers["voxhook-replayed"], "true");
    assert_eq!(
        runs.load(Ordering::SeqCst),
        1,
        "the retry did not run the handler again"
    );
}

#[tokio::test(start_paused = true)]
async fn a_stalled_body_cannot_hold_past_the_budget() {
    let runs = Arc::new(AtomicUsize::new(0));
    let receiver = receiver_with_budget(Duration::from_millis(100));
    for (answer, want) in [(true, 200), (false, 503)] {
        let app = slow_app(receiver.clone(), Duration::ZERO, Arc::clone(&runs), answer);
        let started = tokio::time::Instant::now();
        let req = request("/hook", stalled(vec![Bytes::from_static(b"{\"event\":")]));
        let (status, _, _) = parts(app.oneshot(req).await.unwrap()).await;
        assert_eq!(status.as_u16(), want, "answer route: {answer}");
        assert!(
            started.elapsed() < Duration::from_millis(150),
            "answer route: {answer}"
        );
    }
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_failing_handler_releases_the_claim_so_the_retry_runs() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let handler = move |Verified(_): Verified<Event>| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            if n == 0 {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::OK
            }
        }
    };
    let app = Router::new().route(
        "/events",
        post(handler).route_layer(VoxhookLayer::events(receiver())),
    );
    let (status, _, _) = parts(
        app.clone()
            .oneshot(request("/events", ANSWERED))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 500);
    let (status, headers, body) =
        parts(app.oneshot(request("/events", ANSWERED)).await.unwrap()).await;
    assert_eq!(status, 200);
    assert!(headers.get("voxhook-replayed").is_none());
    assert_eq!(body, "");
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_handler_rejection_keeps_its_headers() {
    let handler = |Verified(_): Verified<Event>| async { WebhookRejection(Rejection::InFlight) };
    let app = Router::new().route(
        "/events",
        post(handler).route_layer(VoxhookLayer::events(receiver())),
    );
    let (status, headers, body) =
        parts(app.oneshot(request("/events", ANSWERED)).await.unwrap()).await;
    assert_eq!(status, 503);
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(body, Rejection::InFlight.body());
}

#[tokio::test]
async fn raw_body_and_delivery_come_from_the_layer() {
    let handler = |RawBody(raw): RawBody,
                   Delivery(meta): Delivery,
                   Verified(event): Verified<Event>| async move {
        assert_eq!(raw, ANSWERED.as_bytes());
        assert_eq!(meta.provider, Provider::TryVox);
        assert!(meta.time_left() > Duration::ZERO);
        assert_eq!(event.kind(), "call.answered");
        StatusCode::OK
    };
    let app = Router::new().route(
        "/events",
        post(handler).route_layer(VoxhookLayer::events(receiver())),
    );
    let (status, _, _) = parts(app.oneshot(request("/events", ANSWERED)).await.unwrap()).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_layer_on_the_whole_router_covers_every_route() {
    async fn ok(Verified(_): Verified<Event>) -> StatusCode {
        StatusCode::NO_CONTENT
    }
    let app = Router::new()
        .route("/a", post(ok))
        .route("/b", post(ok))
        .layer(VoxhookLayer::events(receiver()));
    for path in ["/a", "/b"] {
        let unauthenticated = Request::post(path).body(Body::from(ANSWERED)).unwrap();
        let (status, _, _) = parts(app.clone().oneshot(unauthenticated).await.unwrap()).await;
        assert_eq!(status, 401, "{path}");
        let (status, _, _) =
            parts(app.clone().oneshot(request(path, ANSWERED)).await.unwrap()).await;
        assert_eq!(status, 204, "{path}");
    }
}

#[tokio::test(start_paused = true)]
async fn acknowledge_first_answers_at_once_and_runs_in_the_background() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let handler = move |Verified(_): Verified<Event>| {
        let counter = Arc::clone(&counter);
        async move {
            tokio::time::sleep(Duration::from_secs(60)).await;
            counter.fetch_add(1, Ordering::SeqCst);
            StatusCode::OK
        }
    };
    let receiver = receiver();
    let app = Router::new().route(
        "/events",
        post(handler).route_layer(VoxhookLayer::acknowledge_first(receiver.clone())),
    );
    let (status, _, body) = parts(app.oneshot(request("/events", ANSWERED)).await.unwrap()).await;
    assert_eq!((status.as_u16(), body.as_str()), (200, ""));
    assert_eq!(runs.load(Ordering::SeqCst), 0);
    assert!(receiver.drain(Duration::from_secs(120)).await);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn composes_with_tower_http_trace_timeout_and_compression() {
    use tower_http::compression::CompressionLayer;
    use tower_http::timeout::TimeoutLayer;
    use tower_http::trace::TraceLayer;

    async fn long_answer(Verified(_): Verified<Event>) -> VoxMl {
        VoxMl::from(
            voxml::Response::new().say("a long enough sentence to be worth compressing ".repeat(8)),
        )
    }
    let app = Router::new()
        .route(
            "/answer",
            post(long_answer).route_layer(VoxhookLayer::answer(receiver())),
        )
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(10),
        ))
        .layer(TraceLayer::new_for_http());

    let mut req = request("/answer", ANSWERED);
    req.headers_mut()
        .insert("accept-encoding", "gzip".parse().unwrap());
    let response = app.clone().oneshot(req).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(response.headers()["content-type"], "application/json");

    let unauthenticated = Request::post("/answer").body(Body::from(ANSWERED)).unwrap();
    let (status, _, body) = parts(app.oneshot(unauthenticated).await.unwrap()).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        Rejection::MissingCredentials(Challenge::Bearer).body()
    );
}

#[tokio::test]
async fn verified_without_the_layer_authenticates_from_state() {
    async fn handler(Verified(event): Verified<Event>) -> Response {
        VoxMl::for_provider(event.provider(), voxml::Response::new().say("direct"))
    }
    let app: Router = Router::new()
        .route("/answer", post(handler))
        .with_state(receiver());

    let (status, headers, _) = parts(
        app.clone()
            .oneshot(request("/answer", ANSWERED))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
    // No dedup without the layer: the same delivery runs again, not replayed.
    let (status, headers, _) = parts(
        app.clone()
            .oneshot(request("/answer", ANSWERED))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert!(headers.get("voxhook-replayed").is_none());

    let unauthenticated = Request::post("/answer")
        .header("content-type", "application/json")
        .body(Body::from(ANSWERED))
        .unwrap();
    let (status, headers, body) = parts(app.oneshot(unauthenticated).await.unwrap()).await;
    assert_eq!(status, 401);
    assert_eq!(headers["www-authenticate"], r#"Bearer realm="voxhook""#);
    assert_eq!(
        body,
        Rejection::MissingCredentials(Challenge::Bearer).body()
    );
}

#[tokio::test]
async fn without_a_layer_or_a_receiver_the_extractors_say_misconfigured() {
    async fn verified(Verified(_): Verified<Event>) -> StatusCode {
        StatusCode::OK
    }
    async fn raw(RawBody(_): RawBody) -> StatusCode {
        StatusCode::OK
    }
    async fn unrendered() -> VoxMl {
        VoxMl::from(voxml::Response::new().say("nobody renders me"))
    }
    let app = Router::new()
        .route("/verified", post(verified))
        .route("/raw", post(raw))
        .route("/voxml", post(unrendered));
    for path in ["/verified", "/raw", "/voxml"] {
        let (status, _, body) =
            parts(app.clone().oneshot(request(path, ANSWERED)).await.unwrap()).await;
        assert_eq!(status, 500, "{path}");
        assert_eq!(body, Rejection::Misconfigured.body(), "{path}");
    }
}

#[tokio::test]
async fn unverified_decodes_without_authentication() {
    async fn handler(Unverified(event): Unverified<Event>) -> String {
        event.kind().to_owned()
    }
    let app = Router::new().route("/x", post(handler));
    let req = Request::post("/x")
        .header("content-type", "application/json")
        .body(Body::from(ANSWERED))
        .unwrap();
    let (status, _, body) = parts(app.oneshot(req).await.unwrap()).await;
    assert_eq!((status.as_u16(), body.as_str()), (200, "call.answered"));
}

#[test]
fn the_service_keeps_the_inner_error_type() {
    fn assert_infallible<S: tower::Service<Request<Body>, Error = std::convert::Infallible>>(
        _: &S,
    ) {
    }
    let svc = voxhook_axum::Voxhook::new(
        tower::service_fn(|_: Request<Body>| async {
            Ok::<_, std::convert::Infallible>(StatusCode::OK.into_response())
        }),
        receiver(),
        voxhook_core::pipeline::Mode::Events,
    );
    assert_infallible(&svc);
}
