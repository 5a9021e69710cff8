//! The middleware and extractors through `actix_web::test`, one case per path.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::test::{self, TestRequest};
use actix_web::{App, HttpResponse, web};
use bytes::Bytes;
use tokio::sync::Notify;
use voxhook_actix::{
    Delivery, RawBody, Unverified, Verified, VoxMl, VoxhookMiddleware, WebhookRejection,
};
use voxhook_core::auth::Auth;
use voxhook_core::pipeline::Receiver;
use voxhook_core::{Event, Provider, voxml};

const TOKEN: &str = "tok";
const BODY: &str = r#"{"event":"call.answered","call_uuid":"c-1","from":"+15550001111","to":"+15550002222","status":"answered"}"#;

fn receiver() -> Receiver {
    Receiver::builder(Provider::TryVox)
        .auth(Auth::tryvox(TOKEN))
        .budget(Duration::from_secs(2))
        .body_limit(1024)
        .build()
        .unwrap()
}

fn post(path: &str, body: &'static str) -> TestRequest {
    TestRequest::post()
        .uri(path)
        .insert_header((CONTENT_TYPE, "application/json"))
        .insert_header(("authorization", format!("Bearer {TOKEN}")))
        .set_payload(body)
}

struct Parts {
    status: StatusCode,
    headers: Vec<(String, String)>,
    body: Bytes,
}

impl Parts {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

async fn parts<B: actix_web::body::MessageBody>(res: ServiceResponse<B>) -> Parts {
    let status = res.status();
    let headers = res
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    let body = test::read_body(res).await;
    Parts {
        status,
        headers,
        body,
    }
}

/// An app with an answer route, an events route and an acknowledge-first
/// route on one receiver, counting handler runs.
macro_rules! app {
    ($receiver:expr, $runs:expr) => {{
        let r: Receiver = $receiver;
        let runs: Arc<AtomicUsize> = $runs;
        let (a, b, c) = (runs.clone(), runs.clone(), runs);
        test::init_service(
            App::new()
                .route(
                    "/answer",
                    web::post()
                        .to(move |Verified(event): Verified<Event>| {
                            let runs = a.clone();
                            async move {
                                runs.fetch_add(1, Ordering::SeqCst);
                                VoxMl::from(voxml::Response::new().say(format!(
                                    "Hello {}, this is voxhook.",
                                    event.from().unwrap_or("there")
                                )))
                            }
                        })
                        .wrap(VoxhookMiddleware::answer(r.clone())),
                )
                .route(
                    "/events",
                    web::post()
                        .to(
                            move |Verified(_e): Verified<Event>,
                                  RawBody(raw): RawBody,
                                  Delivery(meta): Delivery| {
                                let runs = b.clone();
                                async move {
                                    runs.fetch_add(1, Ordering::SeqCst);
                                    assert_eq!(&raw[..], BODY.as_bytes());
                                    assert_eq!(meta.prior_failures, 0);
                                    HttpResponse::Ok().finish()
                                }
                            },
                        )
                        .wrap(VoxhookMiddleware::events(r.clone())),
                )
                .route(
                    "/ack",
                    web::post()
                        .to(move |Verified(_e): Verified<Event>| {
                            let runs = c.clone();
                            async move {
                                runs.fetch_add(1, Ordering::SeqCst);
                                HttpResponse::Accepted().finish()
                            }
                        })
                        .wrap(VoxhookMiddleware::acknowledge_first(r)),
                ),
        )
        .await
    }};
}

#[actix_web::test]
async fn answers_render_for_the_route_and_duplicates_replay() {
    let runs = Arc::new(AtomicUsize::new(0));
    let app = app!(receiver(), runs.clone());

    let first = parts(test::call_service(&app, post("/answer", BODY).to_request()).await).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert_eq!(first.header("voxhook-replayed"), None);
    let doc: serde_json::Value = serde_json::from_slice(&first.body).unwrap();
    assert_eq!(
        doc["instructions"][0]["text"],
        "Hello +15550001111, this is voxhook."
    );

    let again = parts(test::call_service(&app, post("/answer", BODY).to_request()).await).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.header("voxhook-replayed"), Some("true"));
    assert_eq!(again.header("content-type"), Some("application/json"));
    assert_eq!(again.body, first.body);
    assert_eq!(runs.load(Ordering::SeqCst), 1);

    // The same event on another route is handled once there too.
    let events = parts(test::call_service(&app, post("/events", BODY).to_request()).await).await;
    assert_eq!((events.status, events.body.len()), (StatusCode::OK, 0));
    assert_eq!(events.header("content-type"), None);
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[actix_web::test]
async fn rejections_never_reach_the_handler() {
    struct Case {
        name: &'static str,
        req: TestRequest,
        status: u16,
        kind: &'static str,
        header: Option<(&'static str, &'static str)>,
    }
    let cases = [
        Case {
            name: "no credentials",
            req: TestRequest::post()
                .uri("/answer")
                .insert_header((CONTENT_TYPE, "application/json"))
                .set_payload(BODY),
            status: 401,
            kind: "missing_credentials",
            header: Some(("www-authenticate", r#"Bearer realm="voxhook""#)),
        },
        Case {
            name: "wrong token",
            req: post("/answer", BODY).insert_header(("authorization", "Bearer nope")),
            status: 401,
            kind: "invalid_credentials",
            header: Some(("www-authenticate", r#"Bearer realm="voxhook""#)),
        },
        Case {
            name: "declared length over the limit",
            req: post("/answer", BODY).insert_header((CONTENT_LENGTH, "4096")),
            status: 413,
            kind: "payload_too_large",
            header: None,
        },
        Case {
            name: "unsupported media type",
            req: post("/events", BODY).insert_header((CONTENT_TYPE, "text/csv")),
            status: 415,
            kind: "unsupported_media_type",
            header: None,
        },
        Case {
            name: "malformed body",
            req: post("/events", "{not json"),
            status: 400,
            kind: "malformed_payload",
            header: None,
        },
    ];
    let runs = Arc::new(AtomicUsize::new(0));
    let app = app!(receiver(), runs.clone());
    for case in cases {
        let got = parts(test::call_service(&app, case.req.to_request()).await).await;
        assert_eq!(got.status.as_u16(), case.status, "{}", case.name);
        assert_eq!(
            got.header("content-type"),
            Some("application/json"),
            "{}",
            case.name
        );
        let v: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
        assert_eq!(v["error"], case.kind, "{}", case.name);
        if let Some((name, value)) = case.header {
            assert_eq!(got.header(name), Some(value), "{}", case.name);
        }
    }
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[actix_web::test]
async fn a_body_over_the_limit_without_a_length_is_refused_while_reading() {
    let runs = Arc::new(AtomicUsize::new(0));
    let app = app!(receiver(), runs.clone());
    let big: &'static str = Box::leak("x".repeat(2000).into_boxed_str());
    let mut req = post("/events", big).to_request();
    req.headers_mut().remove(CONTENT_LENGTH);
    let got = parts(app.call(req).await.unwrap()).await;
    assert_eq!(got.status, 413);
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[actix_web::test]
async fn at_the_budget_answer_routes_fall_back_and_events_routes_answer_503() {
    tokio::time::pause();
    let release = Arc::new(Notify::new());
    let finished = Arc::new(AtomicUsize::new(0));
    let r = receiver();
    let (rel_a, rel_b, fin_a, fin_b) = (
        release.clone(),
        release.clone(),
        finished.clone(),
        finished.clone(),
    );
    let app = test::init_service(
        App::new()
            .route(
                "/answer",
                web::post()
                    .to(move |Verified(_e): Verified<Event>| {
                        let (release, finished) = (rel_a.clone(), fin_a.clone());
                        async move {
                            release.notified().await;
                            finished.fetch_add(1, Ordering::SeqCst);
                            VoxMl::from(voxml::Response::new().say("late"))
                        }
                    })
                    .wrap(VoxhookMiddleware::answer(r.clone())),
            )
            .route(
                "/events",
                web::post()
                    .to(move |Verified(_e): Verified<Event>| {
                        let (release, finished) = (rel_b.clone(), fin_b.clone());
                        async move {
                            release.notified().await;
                            finished.fetch_add(1, Ordering::SeqCst);
                            HttpResponse::Ok().finish()
                        }
                    })
                    .wrap(VoxhookMiddleware::events(r.clone())),
            ),
    )
    .await;

    let answer = parts(test::call_service(&app, post("/answer", BODY).to_request()).await).await;
    assert_eq!(answer.status, 200);
    let fallback = voxml::fallback(Provider::TryVox);
    assert_eq!(answer.header("content-type"), Some(fallback.content_type));
    assert_eq!(answer.body, fallback.body);

    let events = parts(test::call_service(&app, post("/events", BODY).to_request()).await).await;
    assert_eq!(events.status, 503);
    assert_eq!(events.header("retry-after"), Some("1"));
    assert_eq!(r.tracker().active(), 2, "both late handlers still run");

    // The late handlers finish in the background and settle their claims:
    // the provider's retry gets the late handler's answer.
    release.notify_waiters();
    while r.tracker().active() > 0 {
        tokio::task::yield_now().await;
    }
    assert_eq!(finished.load(Ordering::SeqCst), 2);
    let retry = parts(test::call_service(&app, post("/events", BODY).to_request()).await).await;
    assert_eq!(retry.status, 200);
    assert_eq!(retry.header("voxhook-replayed"), Some("true"));
}

#[actix_web::test]
async fn acknowledge_first_answers_before_the_handler_runs() {
    let runs = Arc::new(AtomicUsize::new(0));
    let r = receiver();
    let app = app!(r.clone(), runs.clone());
    let got = parts(test::call_service(&app, post("/ack", BODY).to_request()).await).await;
    assert_eq!((got.status, got.body.len()), (StatusCode::OK, 0));
    while r.tracker().active() > 0 {
        tokio::task::yield_now().await;
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[actix_web::test]
async fn a_panicking_handler_is_a_500_and_the_retry_runs_again() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    let app = test::init_service(
        App::new().route(
            "/events",
            web::post()
                .to(move |Verified(_e): Verified<Event>| {
                    let runs = counter.clone();
                    async move {
                        if runs.fetch_add(1, Ordering::SeqCst) == 0 {
                            panic!("first delivery fails");
                        }
                        HttpResponse::Ok().finish()
                    }
                })
                .wrap(VoxhookMiddleware::events(receiver())),
        ),
    )
    .await;
    let first = parts(test::call_service(&app, post("/events", BODY).to_request()).await).await;
    assert_eq!(first.status, 500);
    let v: serde_json::Value = serde_json::from_slice(&first.body).unwrap();
    assert_eq!(v["error"], "handler_failed");
    let retry = parts(test::call_service(&app, post("/events", BODY).to_request()).await).await;
    assert_eq!(retry.status, 200);
    assert_eq!(retry.header("voxhook-replayed"), None);
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[actix_web::test]
async fn streamed_handler_bodies_are_read_whole_and_a_broken_stream_fails() {
    use futures_util::stream;

    let app = test::init_service(
        App::new()
            .route(
                "/streamed",
                web::post()
                    .to(|| async {
                        let chunks = ["<Response>", "<Say>hi</Say>", "</Response>"]
                            .map(|c| Ok::<_, actix_web::Error>(Bytes::from_static(c.as_bytes())));
                        HttpResponse::Ok()
                            .content_type("application/xml")
                            .streaming(stream::iter(chunks))
                    })
                    .wrap(VoxhookMiddleware::answer(receiver())),
            )
            .route(
                "/broken",
                web::post()
                    .to(|| async {
                        let chunks = [
                            Ok(Bytes::from_static(b"<Response>")),
                            Err(actix_web::error::ErrorInternalServerError("stream broke")),
                        ];
                        HttpResponse::Ok().streaming(stream::iter(chunks))
                    })
                    .wrap(VoxhookMiddleware::answer(receiver())),
            ),
    )
    .await;
    let first = parts(test::call_service(&app, post("/streamed", BODY).to_request()).await).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("content-type"), Some("application/xml"));
    assert_eq!(&first.body[..], b"<Response><Say>hi</Say></Response>");
    let again = parts(test::call_service(&app, post("/streamed", BODY).to_request()).await).await;
    assert_eq!(again.header("voxhook-replayed"), Some("true"));
    assert_eq!(again.body, first.body);

    let broken = parts(test::call_service(&app, post("/broken", BODY).to_request()).await).await;
    assert_eq!(broken.status, 500);
    let v: serde_json::Value = serde_json::from_slice(&broken.body).unwrap();
    assert_eq!(v["error"], "handler_failed");
}

#[actix_web::test]
async fn a_handler_rejection_keeps_its_headers() {
    let app = test::init_service(
        App::new().route(
            "/events",
            web::post()
                .to(|| async {
                    Err::<HttpResponse, _>(WebhookRejection(voxhook_core::Rejection::Overloaded))
                })
                .wrap(VoxhookMiddleware::events(receiver())),
        ),
    )
    .await;
    let got = parts(test::call_service(&app, post("/events", BODY).to_request()).await).await;
    assert_eq!(got.status, 503);
    assert_eq!(got.header("retry-after"), Some("1"));
    assert_eq!(
        &got.body[..],
        voxhook_core::Rejection::Overloaded.body().as_bytes()
    );
}

#[actix_web::test]
async fn extractors_without_the_middleware() {
    async fn verified(Verified(e): Verified<Event>) -> HttpResponse {
        HttpResponse::Ok().body(e.kind().to_owned())
    }
    async fn unverified(Unverified(e): Unverified<Event>) -> HttpResponse {
        HttpResponse::Ok().body(e.kind().to_owned())
    }
    async fn voxml_alone() -> VoxMl {
        VoxMl::from(voxml::Response::new().say("hi"))
    }
    async fn raw(RawBody(b): RawBody) -> HttpResponse {
        HttpResponse::Ok().body(b)
    }

    struct Case {
        name: &'static str,
        app_data: Option<bool>, // None: no receiver; Some(true): web::Data; Some(false): plain
        path: &'static str,
        req: TestRequest,
        status: u16,
        body: Option<&'static str>,
    }
    let cases = [
        Case {
            name: "receiver as app data",
            app_data: Some(false),
            path: "/v",
            req: post("/v", BODY),
            status: 200,
            body: Some("call.answered"),
        },
        Case {
            name: "receiver as web::Data",
            app_data: Some(true),
            path: "/v",
            req: post("/v", BODY),
            status: 200,
            body: Some("call.answered"),
        },
        Case {
            name: "still authenticates",
            app_data: Some(false),
            path: "/v",
            req: post("/v", BODY).insert_header(("authorization", "Bearer x")),
            status: 401,
            body: None,
        },
        Case {
            name: "no receiver",
            app_data: None,
            path: "/v",
            req: post("/v", BODY),
            status: 500,
            body: Some(voxhook_core::Rejection::Misconfigured.body()),
        },
        Case {
            name: "unverified detects",
            app_data: None,
            path: "/u",
            req: TestRequest::post()
                .uri("/u")
                .insert_header((CONTENT_TYPE, "application/json"))
                .set_payload(BODY),
            status: 200,
            body: Some("call.answered"),
        },
        Case {
            name: "voxml needs the middleware",
            app_data: None,
            path: "/x",
            req: post("/x", BODY),
            status: 500,
            body: Some(voxhook_core::Rejection::Misconfigured.body()),
        },
        Case {
            name: "raw body needs the middleware",
            app_data: None,
            path: "/r",
            req: post("/r", BODY),
            status: 500,
            body: Some(voxhook_core::Rejection::Misconfigured.body()),
        },
    ];
    for case in cases {
        let mut app = App::new()
            .route("/v", web::post().to(verified))
            .route("/u", web::post().to(unverified))
            .route("/x", web::post().to(voxml_alone))
            .route("/r", web::post().to(raw));
        match case.app_data {
            Some(true) => app = app.app_data(web::Data::new(receiver())),
            Some(false) => app = app.app_data(receiver()),
            None => {}
        }
        let app = test::init_service(app).await;
        let got = parts(test::call_service(&app, case.req.uri(case.path).to_request()).await).await;
        assert_eq!(got.status.as_u16(), case.status, "{}", case.name);
        if let Some(body) = case.body {
            assert_eq!(&got.body[..], body.as_bytes(), "{}", case.name);
        }
    }
}

#[actix_web::test]
async fn voxml_for_provider_renders_without_the_middleware() {
    let res = VoxMl::for_provider(Provider::Vobiz, voxml::Response::new().say("Hi"));
    assert_eq!(res.status(), 200);
    let body = actix_web::body::to_bytes(res.into_body()).await.unwrap();
    assert!(
        std::str::from_utf8(&body)
            .unwrap()
            .contains("<Speak>Hi</Speak>")
    );
}
