//! Parity: the axum and the actix reference receivers answer every fixture
//! in `tests/fixtures/` and every rejection case with the same status, the
//! same headers that matter and the same body bytes.
//!
//! This test keeps the adapters from drifting: extend it whenever either
//! adapter changes.

#[path = "../examples/reference/actix_app.rs"]
mod actix_app;
#[path = "actix_support/mod.rs"]
mod actix_support;
#[path = "../examples/reference/axum_app.rs"]
mod axum_app;
#[path = "../examples/reference/mod.rs"]
mod reference;

use std::path::Path;
use std::time::Duration;

use actix_web::App;
use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::test;
use http_body_util::BodyExt;
use tower::ServiceExt;
use voxhook::Provider;

use actix_support::{Req, config, rejections, sign, signed};

/// The headers compared between the adapters.
const COMPARED: [&str; 6] = [
    "content-type",
    "www-authenticate",
    "retry-after",
    "allow",
    "voxhook-replayed",
    "connection",
];

/// What a client sees of one answer, as far as parity goes.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    status: u16,
    headers: Vec<(&'static str, Option<String>)>,
    body: String,
}

fn seen(status: u16, header: impl Fn(&str) -> Option<String>, body: &[u8]) -> Seen {
    Seen {
        status,
        headers: COMPARED.iter().map(|n| (*n, header(n))).collect(),
        body: String::from_utf8_lossy(body).into_owned(),
    }
}

async fn via_axum(router: &axum::Router, req: &Req) -> Seen {
    let mut builder = http::Request::builder()
        .method(req.method.as_str())
        .uri(req.target.as_str());
    for (name, value) in &req.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    if !req.body.is_empty() {
        builder = builder.header("content-length", req.body.len());
    }
    let request = builder
        .body(axum::body::Body::from(req.body.clone()))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    seen(
        status,
        |n| {
            headers
                .get(n)
                .map(|v| v.to_str().unwrap_or("<bytes>").to_owned())
        },
        &body,
    )
}

async fn via_actix<B: MessageBody>(res: ServiceResponse<B>) -> Seen {
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = test::read_body(res).await;
    seen(
        status,
        |n| {
            headers
                .get(n)
                .map(|v| v.to_str().unwrap_or("<bytes>").to_owned())
        },
        &body,
    )
}

/// Both apps, built from the same configuration, each with its own receivers
/// (and so its own dedup and nonce stores): fed the same requests in the same
/// order they must answer the same.
macro_rules! apps {
    ($config:expr) => {{
        let config: reference::Config = $config;
        let axum_receivers = config.receivers().expect("receivers");
        let actix_receivers = config.receivers().expect("receivers");
        let router = axum_app::router(config.clone(), &axum_receivers);
        let actix = test::init_service(
            App::new().configure(actix_app::configure(config, &actix_receivers)),
        )
        .await;
        (router, actix)
    }};
}

macro_rules! both {
    ($router:expr, $actix:expr, $req:expr, $name:expr) => {{
        let req: &Req = $req;
        let mut axum = via_axum($router, req).await;
        let mut actix =
            via_actix(test::call_service($actix, req.to_actix().to_request()).await).await;
        if req.method == "HEAD" {
            // On the wire neither server sends a body for HEAD (actix's HTTP/1
            // encoder drops it; in-process only axum does).
            axum.body.clear();
            actix.body.clear();
        }
        assert_eq!(axum, actix, "{} ({} {})", $name, req.method, req.target);
        axum
    }};
}

/// One fixture delivery: the manifest's method, content type and file.
struct Fixture {
    name: String,
    provider: Provider,
    method: String,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

/// Every fixture file under `tests/fixtures/<provider>/`: as its manifest
/// describes it (method, content type) when listed there, otherwise by its
/// extension (`.json` JSON, `.form` form body, `.query` a GET query string).
fn fixtures() -> Vec<Fixture> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut all = Vec::new();
    for dir in dirs {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let Ok(provider) = name.parse::<Provider>() else {
            continue;
        };
        let manifest: serde_json::Value = std::fs::read(dir.join("manifest.json"))
            .map(|m| serde_json::from_slice(&m).expect("manifest JSON"))
            .unwrap_or_default();
        let listed = manifest["cases"].as_array().cloned().unwrap_or_default();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("fixture dir")
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|f| f != "manifest.json")
            .collect();
        files.sort();
        for file in files {
            let bytes = std::fs::read(dir.join(&file)).expect("fixture file");
            let cases: Vec<_> = listed
                .iter()
                .filter(|c| c["file"] == file.as_str())
                .collect();
            if cases.is_empty() {
                let (method, content_type) = match file.rsplit('.').next() {
                    Some("json") => ("POST", Some("application/json")),
                    Some("form") => ("POST", Some("application/x-www-form-urlencoded")),
                    Some("query") => ("GET", None),
                    _ => continue,
                };
                all.push(Fixture {
                    name: format!("{name}/{file}"),
                    provider,
                    method: method.to_owned(),
                    content_type: content_type.map(str::to_owned),
                    bytes: bytes.clone(),
                });
            }
            for case in cases {
                all.push(Fixture {
                    name: format!("{name}/{file}: {}", case["name"].as_str().unwrap_or("")),
                    provider,
                    method: case["method"].as_str().unwrap_or("POST").to_owned(),
                    content_type: case["content_type"].as_str().map(str::to_owned),
                    bytes: bytes.clone(),
                });
            }
        }
    }
    all
}

impl Fixture {
    /// The signed request to `path`: a GET fixture is a query string.
    fn request(&self, path: &str) -> Req {
        let req = if self.method == "GET" {
            let query = String::from_utf8_lossy(&self.bytes).trim().to_owned();
            Req::new("GET", &format!("{path}?{query}"), None, b"")
        } else {
            Req::new(
                &self.method,
                path,
                self.content_type.as_deref(),
                &self.bytes,
            )
        };
        sign(&config(), self.provider, req)
    }
}

#[actix_web::test]
async fn every_fixture_gets_the_same_answer_from_both_adapters() {
    let fixtures = fixtures();
    assert!(!fixtures.is_empty(), "no fixtures found");
    let (router, actix) = apps!(config());
    let mut answered = 0;
    for fixture in &fixtures {
        for route in reference::ROUTES
            .iter()
            .filter(|r| r.provider == fixture.provider)
        {
            let first = both!(&router, &actix, &fixture.request(route.path), fixture.name);
            // The provider's retry (signed anew) is replayed the same way.
            both!(&router, &actix, &fixture.request(route.path), fixture.name);
            answered += usize::from(first.status == 200);
        }
    }
    assert!(
        answered > 0,
        "no fixture was answered 200 by either adapter"
    );
}

#[actix_web::test]
async fn every_rejection_is_the_same_on_both_adapters() {
    let (router, actix) = apps!(config());
    for case in rejections(&config()) {
        let got = both!(&router, &actix, &case.req, case.name);
        assert_eq!(got.status, case.status, "{}", case.name);
    }
    // A Vobiz nonce seen before is a replay on both.
    let req = signed(Provider::Vobiz, "POST", "/vobiz/events");
    both!(&router, &actix, &req, "vobiz first");
    let replay = both!(&router, &actix, &req, "vobiz nonce replay");
    assert_eq!(replay.status, 403);
}

/// `req` with `extra` header lines appended (duplicates kept, in order).
fn with_lines(mut req: Req, extra: &[(&str, &str)]) -> Req {
    for (name, value) in extra {
        req.headers.push(((*name).to_owned(), (*value).to_owned()));
    }
    req
}

/// The hostile inputs of `tests/hostile.rs` that reach voxhook (not the
/// framework): both adapters give the same status, headers and body bytes.
#[actix_web::test]
async fn hostile_headers_and_bodies_are_the_same_on_both_adapters() {
    let (router, actix) = apps!(config());
    let cfg = config();
    let json = |body: &str| {
        sign(
            &cfg,
            Provider::TryVox,
            Req::new(
                "POST",
                "/tryvox/events",
                Some("application/json"),
                body.as_bytes(),
            ),
        )
    };
    let form = |body: &str, ct: &str| {
        sign(
            &cfg,
            Provider::Voxtelesys,
            Req::new("POST", "/voxtelesys/status", Some(ct), body.as_bytes()),
        )
    };
    let voxpria = |body: &str| {
        sign(
            &cfg,
            Provider::VoxPria,
            Req::new(
                "POST",
                "/voxpria/events",
                Some("application/json"),
                body.as_bytes(),
            ),
        )
    };
    let vp = voxpria(r#"{"event":"call.completed","call_id":"par-vp","status":"completed"}"#)
        .without("x-voxpria-signature");
    let vp_sig = vp
        .headers
        .iter()
        .find(|(n, _)| n == "x-webhook-signature")
        .map(|(_, v)| v.clone())
        .expect("signed");
    let token = format!("Bearer {}", cfg.tryvox_token);
    let body =
        |id: &str| format!(r#"{{"event":"call.answered","call_uuid":"{id}","status":"answered"}}"#);
    let form_body = "CallSid=par-f&From=%2B1555&CallStatus=ringing";
    let deep = format!(
        r#"{{"event":"call.answered","call_uuid":"deep","x":{}"#,
        "[".repeat(100_000)
    );
    let cases: Vec<(&str, Req, u16)> = vec![
        (
            "authorization wrong, then right",
            with_lines(
                Req::new(
                    "POST",
                    "/tryvox/events",
                    Some("application/json"),
                    body("par-a1").as_bytes(),
                ),
                &[("authorization", "Bearer wrong"), ("authorization", &token)],
            ),
            401,
        ),
        (
            "authorization right, then wrong",
            with_lines(
                Req::new(
                    "POST",
                    "/tryvox/events",
                    Some("application/json"),
                    body("par-a2").as_bytes(),
                ),
                &[("authorization", &token), ("authorization", "Bearer wrong")],
            ),
            200,
        ),
        (
            "signature right, then wrong",
            with_lines(
                vp.clone().without("x-webhook-signature"),
                &[
                    ("x-webhook-signature", &vp_sig),
                    ("x-webhook-signature", "t=1,v1=00"),
                ],
            ),
            200,
        ),
        (
            "signature wrong, then right",
            with_lines(
                vp.clone().without("x-webhook-signature"),
                &[
                    ("x-webhook-signature", "t=1,v1=00"),
                    ("x-webhook-signature", &vp_sig),
                ],
            ),
            403,
        ),
        (
            "content-type json, then form (form body)",
            with_lines(
                form(form_body, "x").without("content-type"),
                &[
                    ("content-type", "application/json"),
                    ("content-type", "application/x-www-form-urlencoded"),
                ],
            ),
            400,
        ),
        (
            "odd content type",
            json(&body("par-ct")).header(
                "content-type",
                r#"Application/JSON; charset="UTF-8"; foo=bar"#,
            ),
            200,
        ),
        (
            "unsupported content type",
            json(&body("par-ct2")).header("content-type", "application/jsonx"),
            415,
        ),
        (
            "form with %zz, lone %, %00 and overlong UTF-8",
            form(
                "CallSid=par-pct&From=%zz%&To=%00%C0%AF&CallStatus=ringing",
                "application/x-www-form-urlencoded",
            ),
            200,
        ),
        (
            "JSON duplicate keys",
            json(
                r#"{"event":"call.answered","call_uuid":"par-d1","call_uuid":"par-d2","status":"answered"}"#,
            ),
            200,
        ),
        (
            "JSON 1e400 as the duration",
            voxpria(
                r#"{"event":"call.completed","call_id":"par-big","status":"completed","duration":1e400}"#,
            ),
            400,
        ),
        ("JSON 100 000 nested arrays", json(&deep), 400),
    ];
    for (name, req, status) in cases {
        let got = both!(&router, &actix, &req, name);
        assert_eq!(got.status, status, "{name}: {}", got.body);
    }
}

#[actix_web::test]
async fn health_and_head_requests_are_the_same() {
    let (router, actix) = apps!(config());
    let cases = [
        ("healthz GET", Req::new("GET", "/healthz", None, b"")),
        ("healthz HEAD", Req::new("HEAD", "/healthz", None, b"")),
        (
            "vobiz answer HEAD",
            signed(Provider::Vobiz, "HEAD", "/vobiz/answer"),
        ),
        (
            "voxtelesys status HEAD",
            signed(Provider::Voxtelesys, "HEAD", "/voxtelesys/status"),
        ),
        (
            "tryvox answer HEAD",
            Req::new("HEAD", "/tryvox/answer", None, b""),
        ),
    ];
    for (name, req) in cases {
        both!(&router, &actix, &req, name);
    }
}

#[actix_web::test]
async fn at_the_budget_both_answer_the_fallback() {
    tokio::time::pause();
    let mut cfg = config();
    cfg.demo_delay = Duration::from_secs(10);
    let (router, actix) = apps!(cfg);
    for (provider, path) in [
        (Provider::TryVox, "/tryvox/answer"),
        (Provider::Voxtelesys, "/voxtelesys/voice"),
        (Provider::Vobiz, "/vobiz/answer"),
    ] {
        let got = both!(&router, &actix, &signed(provider, "POST", path), path);
        assert_eq!(got.status, 200, "{path}");
        assert_eq!(
            got.body.as_bytes(),
            &voxhook::voxml::fallback(provider).body[..],
            "{path}"
        );
    }
}
