//! A receiver with the reference receiver's routes and development secrets, built from the
//! library (`Auth`, the dialects), and helpers to run the `voxhook` binary.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::response::Response;
use http::{HeaderMap, Method, StatusCode, Uri};
use voxhook_core::auth::Auth;
use voxhook_core::{Inbound, Provider};

pub const TRYVOX_TOKEN: &str = "dev-tryvox-token";
pub const VOXTELESYS_BASIC: &str = "voxtelesys:dev-password";
pub const VOXPRIA_SECRET: &str = "whsec_dev_voxpria_secret";
pub const VOBIZ_AUTH_TOKEN: &str = "dev-vobiz-token";

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Answer,
    Events,
    /// Answers 503 to the first two deliveries of each call, then 200 (retry tests).
    Flaky,
    /// Answers 200 after 200 ms (deadline tests, with the deadline scaled down).
    Slow,
}

struct Rx {
    routes: HashMap<&'static str, (Provider, Mode, Auth)>,
    attempts: Mutex<HashMap<String, u32>>,
}

/// Starts the receiver on 127.0.0.1 (a free port) on its own runtime thread.
pub fn start_receiver() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let socket = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = socket.local_addr().expect("addr");
            let public = format!("http://{addr}");
            let vobiz = Auth::vobiz(VOBIZ_AUTH_TOKEN)
                .public_url(&public)
                .expect("public url");
            let tryvox = Auth::tryvox(TRYVOX_TOKEN);
            let voxtelesys = Auth::voxtelesys(VOXTELESYS_BASIC);
            let voxpria = Auth::voxpria(VOXPRIA_SECRET);
            let routes = HashMap::from([
                (
                    "/tryvox/answer",
                    (Provider::TryVox, Mode::Answer, tryvox.clone()),
                ),
                ("/tryvox/events", (Provider::TryVox, Mode::Events, tryvox)),
                (
                    "/voxtelesys/voice",
                    (Provider::Voxtelesys, Mode::Answer, voxtelesys.clone()),
                ),
                (
                    "/voxtelesys/status",
                    (Provider::Voxtelesys, Mode::Events, voxtelesys),
                ),
                (
                    "/voxpria/events",
                    (Provider::VoxPria, Mode::Events, voxpria),
                ),
                (
                    "/vobiz/answer",
                    (Provider::Vobiz, Mode::Answer, vobiz.clone()),
                ),
                (
                    "/vobiz/events",
                    (Provider::Vobiz, Mode::Events, vobiz.clone()),
                ),
                (
                    "/vobiz/flaky",
                    (Provider::Vobiz, Mode::Flaky, vobiz.clone()),
                ),
                ("/vobiz/slow", (Provider::Vobiz, Mode::Slow, vobiz)),
            ]);
            let state = Arc::new(Rx {
                routes,
                attempts: Mutex::new(HashMap::new()),
            });
            let app = Router::new().fallback(handle).with_state(state);
            tx.send(addr).expect("send addr");
            axum::serve(socket, app).await.expect("serve");
        });
    });
    rx.recv().expect("receiver started")
}

fn respond(status: StatusCode, content_type: Option<&str>, body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    if let Some(ct) = content_type {
        r.headers_mut().insert(
            http::header::CONTENT_TYPE,
            ct.parse().expect("content type"),
        );
    }
    r
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The reference receiver's answer for `provider`, greeting `from`, as its contract writes it.
pub fn expected_answer(provider: Provider, from: &str) -> (&'static str, String) {
    let text = format!("Hello {from}, this is voxhook.");
    match provider {
        Provider::TryVox => (
            "application/json",
            serde_json::json!({"voxml_version":"1.0","instructions":[{"verb":"Say","text":text}]})
                .to_string(),
        ),
        Provider::Vobiz => (
            "application/xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Response><Speak>{}</Speak></Response>"#,
                xml_escape(&text)
            ),
        ),
        _ => (
            "application/xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Response><Say>{}</Say></Response>"#,
                xml_escape(&text)
            ),
        ),
    }
}

async fn handle(
    State(rx): State<Arc<Rx>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if uri.path() == "/healthz" {
        return respond(StatusCode::OK, None, "ok".into());
    }
    let Some((provider, mode, auth)) = rx.routes.get(uri.path()) else {
        let r = voxhook_core::Rejection::NotFound;
        return respond(
            StatusCode::NOT_FOUND,
            Some("application/json"),
            r.body().into(),
        );
    };
    let target = uri
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .to_string();
    let inbound = Inbound::new(method.as_str(), &target, &headers, &body);
    let rejected = |r: voxhook_core::Rejection| {
        let mut resp = r.to_http_response().map(Body::from);
        *resp.status_mut() = StatusCode::from_u16(r.status()).expect("status");
        resp
    };
    if let Err(e) = auth.verify(&inbound).await {
        return rejected(e.rejection());
    }
    let event = match voxhook_core::dialect::decode(*provider, &inbound) {
        Ok(ev) => ev,
        Err(e) => return rejected(e.rejection()),
    };
    match mode {
        Mode::Answer => {
            let text = format!(
                "Hello {}, this is voxhook.",
                event.from().unwrap_or("there")
            );
            match voxhook_core::voxml::Response::new()
                .say(text)
                .render(*provider)
            {
                Ok(doc) => {
                    let body = String::from_utf8(doc.body.to_vec()).expect("utf-8");
                    respond(StatusCode::OK, Some(doc.content_type), body)
                }
                Err(_) => rejected(voxhook_core::Rejection::HandlerFailed),
            }
        }
        Mode::Events => respond(StatusCode::OK, None, String::new()),
        Mode::Slow => {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            respond(StatusCode::OK, None, String::new())
        }
        Mode::Flaky => {
            let key = event.call_id().unwrap_or_default().to_string();
            let n = {
                let mut a = rx.attempts.lock().expect("lock");
                let n = a.entry(key).or_default();
                *n += 1;
                *n
            };
            if n <= 2 {
                respond(StatusCode::SERVICE_UNAVAILABLE, None, String::new())
            } else {
                respond(StatusCode::OK, None, String::new())
            }
        }
    }
}

/// A plain HTTP client (reqwest is built without a default crypto provider).
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// The `voxhook` binary with a clean environment (no credentials, no color).
pub fn voxhook() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_voxhook"));
    for var in [
        "TRYVOX_TOKEN",
        "VOXTELESYS_BASIC",
        "VOXPRIA_SECRET",
        "VOBIZ_AUTH_TOKEN",
        "VOXHOOK_SECRET",
        "VOXHOOK_RETRY_SCALE",
        "VOXHOOK_DEADLINE_SCALE",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Runs `cmd` and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run voxhook");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}
