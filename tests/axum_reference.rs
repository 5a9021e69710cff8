//! Every route of the axum reference receiver and every rejection path,
//! through `tower::ServiceExt::oneshot` on the exact router the example serves.

#[path = "../examples/reference/axum_app.rs"]
mod axum_app;
#[path = "../examples/reference/mod.rs"]
mod reference;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use http::{HeaderMap, Method, Request};
use http_body_util::BodyExt;
use tower::ServiceExt;
use voxhook::auth::sign::{self, SignRequest};
use voxhook::{Challenge, Provider, Rejection};

use reference::Config;

fn config() -> Config {
    Config::from_lookup(|name| (name == "VOXHOOK_QUIET").then(|| "1".to_owned()))
}

fn app() -> Router {
    let config = config();
    let receivers = config.receivers().unwrap();
    axum_app::router(config, &receivers)
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The secret of `provider` in the provider's own form, as the defaults.
fn secret(provider: Provider) -> &'static str {
    match provider {
        Provider::TryVox => reference::DEFAULT_TRYVOX_TOKEN,
        Provider::Voxtelesys => reference::DEFAULT_VOXTELESYS_BASIC,
        Provider::VoxPria => reference::DEFAULT_VOXPRIA_SECRET,
        _ => reference::DEFAULT_VOBIZ_AUTH_TOKEN,
    }
}

/// A request to `target` signed as `provider` would sign it (for URL-signed
/// schemes, over the default public URL + the path, without the query).
fn signed(
    provider: Provider,
    method: Method,
    target: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Request<Body> {
    let path = target.split('?').next().unwrap_or(target);
    let url = format!("http://{}{path}", reference::DEFAULT_ADDR);
    let sign_req = SignRequest::new(method.as_str(), &url, body);
    let headers = sign::for_provider(provider, secret(provider), &sign_req).unwrap();
    let mut builder = Request::builder().method(method).uri(target);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    if let Some(ct) = content_type {
        builder = builder.header("content-type", ct);
    }
    builder.body(Body::from(body.to_vec())).unwrap()
}

fn unsigned(
    method: Method,
    target: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(target);
    if let Some(ct) = content_type {
        builder = builder.header("content-type", ct);
    }
    builder.body(Body::from(body.to_vec())).unwrap()
}

async fn call(app: &Router, req: Request<Body>) -> (u16, HeaderMap, Bytes) {
    let response = app.clone().oneshot(req).await.unwrap();
    let (parts, body) = response.into_parts();
    (
        parts.status.as_u16(),
        parts.headers,
        body.collect().await.unwrap().to_bytes(),
    )
}

const JSON: Option<&str> = Some("application/json");
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

fn xml_say(verb: &str, from: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><{verb}>Hello {from}, this is voxhook.</{verb}></Response>"#
    )
}

#[tokio::test]
async fn every_route_answers_as_the_contract_says() {
    enum Want {
        Json(serde_json::Value),
        Xml(String),
        Empty,
    }
    struct Case {
        name: &'static str,
        request: Request<Body>,
        want: Want,
    }
    let tryvox_doc = |from: &str| {
        Want::Json(
            serde_json::json!({"voxml_version":"1.0","instructions":[{"verb":"Say","text":format!("Hello {from}, this is voxhook.")}]}),
        )
    };
    let vobiz_get = std::str::from_utf8(&fixture("vobiz/redirect_get.query"))
        .unwrap()
        .trim()
        .to_owned();
    // Another call than the POST form's, so it is not a duplicate of it.
    let voxtelesys_get = std::str::from_utf8(&fixture("voxtelesys/incoming_get.query"))
        .unwrap()
        .trim()
        .replace("CallSid=CA", "CallSid=CB");
    let cases = vec![
        Case {
            name: "tryvox answer",
            request: signed(
                Provider::TryVox,
                Method::POST,
                "/tryvox/answer",
                JSON,
                &fixture("tryvox/answered.json"),
            ),
            want: tryvox_doc("+919876543210"),
        },
        Case {
            name: "tryvox answer without a caller says there",
            request: signed(
                Provider::TryVox,
                Method::POST,
                "/tryvox/answer",
                JSON,
                br#"{"event":"call.answered","call_uuid":"no-caller"}"#,
            ),
            want: tryvox_doc("there"),
        },
        Case {
            name: "tryvox events",
            request: signed(
                Provider::TryVox,
                Method::POST,
                "/tryvox/events",
                JSON,
                &fixture("tryvox/ended.json"),
            ),
            want: Want::Empty,
        },
        Case {
            name: "voxtelesys voice (POST form)",
            request: signed(
                Provider::Voxtelesys,
                Method::POST,
                "/voxtelesys/voice",
                FORM,
                &fixture("voxtelesys/incoming.form"),
            ),
            want: Want::Xml(xml_say("Say", "+13125550143")),
        },
        Case {
            name: "voxtelesys voice (GET query)",
            request: signed(
                Provider::Voxtelesys,
                Method::GET,
                &format!("/voxtelesys/voice?{voxtelesys_get}"),
                None,
                b"",
            ),
            want: Want::Xml(xml_say("Say", "+13125550143")),
        },
        Case {
            name: "voxtelesys voice escapes the caller for XML",
            request: signed(
                Provider::Voxtelesys,
                Method::POST,
                "/voxtelesys/voice",
                FORM,
                b"CallSid=CA-esc&From=%3Cme%26you%3E&To=%2B1&CallStatus=ringing&Direction=inbound",
            ),
            want: Want::Xml(xml_say("Say", "&lt;me&amp;you&gt;")),
        },
        Case {
            name: "voxtelesys status (POST)",
            request: signed(
                Provider::Voxtelesys,
                Method::POST,
                "/voxtelesys/status",
                FORM,
                &fixture("voxtelesys/completed.form"),
            ),
            want: Want::Empty,
        },
        Case {
            name: "voxtelesys status (GET)",
            request: signed(
                Provider::Voxtelesys,
                Method::GET,
                &format!("/voxtelesys/status?{voxtelesys_get}"),
                None,
                b"",
            ),
            want: Want::Empty,
        },
        Case {
            name: "voxpria events",
            request: signed(
                Provider::VoxPria,
                Method::POST,
                "/voxpria/events",
                JSON,
                &fixture("voxpria/call_completed_api.json"),
            ),
            want: Want::Empty,
        },
        Case {
            name: "vobiz answer (POST form, caller without +)",
            request: signed(
                Provider::Vobiz,
                Method::POST,
                "/vobiz/answer",
                FORM,
                &fixture("vobiz/answer_inbound.form"),
            ),
            want: Want::Xml(xml_say("Speak", "14155551234")),
        },
        Case {
            name: "vobiz answer (GET, the query is not signed)",
            request: signed(
                Provider::Vobiz,
                Method::GET,
                &format!("/vobiz/answer?{vobiz_get}"),
                None,
                b"",
            ),
            want: Want::Xml(xml_say("Speak", "+14155551234")),
        },
        Case {
            name: "vobiz events (POST)",
            request: signed(
                Provider::Vobiz,
                Method::POST,
                "/vobiz/events",
                FORM,
                &fixture("vobiz/hangup.form"),
            ),
            want: Want::Empty,
        },
        Case {
            name: "vobiz events (GET)",
            request: signed(
                Provider::Vobiz,
                Method::GET,
                &format!("/vobiz/events?{vobiz_get}"),
                None,
                b"",
            ),
            want: Want::Empty,
        },
    ];
    let app = app();
    for case in cases {
        let (status, headers, body) = call(&app, case.request).await;
        assert_eq!(
            status,
            200,
            "{}: {}",
            case.name,
            String::from_utf8_lossy(&body)
        );
        assert!(headers.get("voxhook-replayed").is_none(), "{}", case.name);
        match case.want {
            Want::Json(doc) => {
                assert_eq!(headers["content-type"], "application/json", "{}", case.name);
                let got: serde_json::Value = serde_json::from_slice(&body).unwrap();
                assert_eq!(got, doc, "{}", case.name);
            }
            Want::Xml(doc) => {
                assert_eq!(headers["content-type"], "application/xml", "{}", case.name);
                assert_eq!(String::from_utf8_lossy(&body), doc, "{}", case.name);
            }
            Want::Empty => assert!(body.is_empty(), "{}", case.name),
        }
    }
}

#[tokio::test]
async fn healthz_answers_ok_without_authentication() {
    let (status, headers, body) = call(&app(), unsigned(Method::GET, "/healthz", None, b"")).await;
    assert_eq!((status, &body[..]), (200, &b"ok"[..]));
    assert_eq!(headers["content-type"], reference::HEALTHZ_CONTENT_TYPE);
}

#[tokio::test]
async fn a_duplicate_gets_the_stored_answer_replayed() {
    let app = app();
    let body = fixture("voxtelesys/incoming.form");
    // Voxtelesys Basic carries no nonce, so the retry is byte-identical.
    let (_, _, first) = call(
        &app,
        signed(
            Provider::Voxtelesys,
            Method::POST,
            "/voxtelesys/voice",
            FORM,
            &body,
        ),
    )
    .await;
    let (status, headers, again) = call(
        &app,
        signed(
            Provider::Voxtelesys,
            Method::POST,
            "/voxtelesys/voice",
            FORM,
            &body,
        ),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(headers["voxhook-replayed"], "true");
    assert_eq!(again, first);
    // Vobiz signs every attempt with a fresh nonce: still the same event.
    let body = fixture("vobiz/answer_inbound.form");
    let (_, _, first) = call(
        &app,
        signed(Provider::Vobiz, Method::POST, "/vobiz/answer", FORM, &body),
    )
    .await;
    let (status, headers, again) = call(
        &app,
        signed(Provider::Vobiz, Method::POST, "/vobiz/answer", FORM, &body),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(headers["voxhook-replayed"], "true");
    assert_eq!(again, first);
}

#[tokio::test]
async fn every_rejection_has_its_status_headers_and_json_body() {
    struct Case {
        name: &'static str,
        request: Request<Body>,
        want: Rejection,
    }
    let tryvox_body = fixture("tryvox/answered.json");
    let voxpria_body = fixture("voxpria/call_completed_api.json");
    let vobiz_body = fixture("vobiz/answer_inbound.form");
    let big = vec![b'x'; 1024 * 1024 + 1];
    let with = |mut req: Request<Body>, name: &'static str, value: &str| {
        req.headers_mut().insert(name, value.parse().unwrap());
        req
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let cases = vec![
        Case {
            name: "unknown path",
            request: unsigned(Method::POST, "/nope", JSON, b"{}"),
            want: Rejection::NotFound,
        },
        Case {
            name: "root",
            request: unsigned(Method::GET, "/", None, b""),
            want: Rejection::NotFound,
        },
        Case {
            name: "GET on a POST-only route",
            request: unsigned(Method::GET, "/tryvox/answer", None, b""),
            want: reference::method_not_allowed("POST"),
        },
        Case {
            name: "PUT on voxpria",
            request: unsigned(Method::PUT, "/voxpria/events", JSON, b"{}"),
            want: reference::method_not_allowed("POST"),
        },
        Case {
            name: "DELETE on a GET+POST route",
            request: unsigned(Method::DELETE, "/vobiz/answer", None, b""),
            want: reference::method_not_allowed("GET, HEAD, POST"),
        },
        Case {
            name: "POST on healthz",
            request: unsigned(Method::POST, "/healthz", None, b""),
            want: reference::method_not_allowed("GET, HEAD"),
        },
        Case {
            name: "tryvox without token",
            request: unsigned(Method::POST, "/tryvox/answer", JSON, &tryvox_body),
            want: Rejection::MissingCredentials(Challenge::Bearer),
        },
        Case {
            name: "tryvox wrong token",
            request: with(
                unsigned(Method::POST, "/tryvox/events", JSON, &tryvox_body),
                "authorization",
                "Bearer wrong",
            ),
            want: Rejection::InvalidCredentials(Challenge::Bearer),
        },
        Case {
            name: "voxtelesys without Basic",
            request: unsigned(Method::POST, "/voxtelesys/voice", FORM, b"CallSid=x"),
            want: Rejection::MissingCredentials(Challenge::Basic),
        },
        Case {
            name: "voxtelesys wrong password",
            request: with(
                unsigned(Method::GET, "/voxtelesys/status?CallSid=x", None, b""),
                "authorization",
                "Basic dm94dGVsZXN5czp3cm9uZw==",
            ),
            want: Rejection::InvalidCredentials(Challenge::Basic),
        },
        Case {
            name: "voxpria unsigned",
            request: unsigned(Method::POST, "/voxpria/events", JSON, &voxpria_body),
            want: Rejection::MissingSignature,
        },
        Case {
            name: "voxpria wrong signature",
            request: with(
                unsigned(Method::POST, "/voxpria/events", JSON, &voxpria_body),
                "x-voxpria-signature",
                &sign::body_hmac_hex("whsec_other", &voxpria_body),
            ),
            want: Rejection::SignatureMismatch,
        },
        Case {
            name: "voxpria stale timestamp",
            request: with(
                unsigned(Method::POST, "/voxpria/events", JSON, &voxpria_body),
                "x-webhook-signature",
                &sign::timestamped_hex(
                    reference::DEFAULT_VOXPRIA_SECRET,
                    now - 3600,
                    &voxpria_body,
                ),
            ),
            want: Rejection::StaleTimestamp,
        },
        Case {
            name: "voxpria malformed signature",
            request: with(
                unsigned(Method::POST, "/voxpria/events", JSON, &voxpria_body),
                "x-webhook-signature",
                "t=abc,v1=",
            ),
            want: Rejection::MalformedSignature,
        },
        Case {
            name: "vobiz unsigned",
            request: unsigned(Method::POST, "/vobiz/answer", FORM, &vobiz_body),
            want: Rejection::MissingSignature,
        },
        Case {
            name: "vobiz signed for another URL",
            request: signed(
                Provider::Vobiz,
                Method::POST,
                "/vobiz/events",
                FORM,
                &vobiz_body,
            )
            .tap_uri("/vobiz/answer"),
            want: Rejection::SignatureMismatch,
        },
        Case {
            name: "declared body too large",
            request: with(
                signed(Provider::TryVox, Method::POST, "/tryvox/events", JSON, &big),
                "content-length",
                &big.len().to_string(),
            ),
            want: Rejection::PayloadTooLarge,
        },
        Case {
            name: "unsupported media type",
            request: signed(
                Provider::TryVox,
                Method::POST,
                "/tryvox/events",
                Some("text/plain"),
                &tryvox_body,
            ),
            want: Rejection::UnsupportedMediaType,
        },
        Case {
            name: "malformed JSON",
            request: signed(
                Provider::TryVox,
                Method::POST,
                "/tryvox/answer",
                JSON,
                b"{\"event\":",
            ),
            want: Rejection::MalformedPayload,
        },
    ];
    let app = app();
    for case in cases {
        let (status, headers, body) = call(&app, case.request).await;
        assert_eq!(
            status,
            case.want.status(),
            "{}: {}",
            case.name,
            String::from_utf8_lossy(&body)
        );
        assert_eq!(
            String::from_utf8_lossy(&body),
            case.want.body(),
            "{}",
            case.name
        );
        assert_eq!(headers["content-type"], "application/json", "{}", case.name);
        for (name, value) in case.want.headers() {
            assert_eq!(headers[name], value, "{}", case.name);
        }
        if !matches!(case.want, Rejection::MethodNotAllowed(_)) {
            assert!(headers.get("allow").is_none(), "{}", case.name);
        }
    }
}

#[tokio::test]
async fn a_replayed_vobiz_nonce_is_refused() {
    let app = app();
    let body = fixture("vobiz/hangup.form");
    let first = signed(Provider::Vobiz, Method::POST, "/vobiz/events", FORM, &body);
    let mut replay = unsigned(Method::POST, "/vobiz/events", FORM, &body);
    *replay.headers_mut() = first.headers().clone();
    let (status, _, _) = call(&app, first).await;
    assert_eq!(status, 200);
    let (status, _, body) = call(&app, replay).await;
    assert_eq!(status, 403);
    assert_eq!(
        String::from_utf8_lossy(&body),
        Rejection::ReplayedNonce.body()
    );
}

#[tokio::test]
async fn a_body_over_the_limit_without_content_length_is_refused_while_reading() {
    let big = Bytes::from(vec![b'x'; 1024 * 1024 + 1]);
    let stream = OneChunk(Some(big));
    let mut req = signed(Provider::TryVox, Method::POST, "/tryvox/events", JSON, b"");
    *req.body_mut() = Body::new(stream);
    req.headers_mut().remove("content-length");
    let (status, _, body) = call(&app(), req).await;
    assert_eq!(status, 413);
    assert_eq!(
        String::from_utf8_lossy(&body),
        Rejection::PayloadTooLarge.body()
    );
}

/// A body of one chunk and no declared length (like a chunked upload).
struct OneChunk(Option<Bytes>);

impl http_body::Body for OneChunk {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        std::task::Poll::Ready(self.0.take().map(|b| Ok(http_body::Frame::data(b))))
    }
}

/// Re-targets a signed request (its signature then covers another URL).
trait TapUri {
    fn tap_uri(self, uri: &str) -> Self;
}

impl TapUri for Request<Body> {
    fn tap_uri(mut self, uri: &str) -> Self {
        *self.uri_mut() = uri.parse().unwrap();
        self
    }
}

#[test]
fn the_startup_message_names_defaults_and_never_prints_environment_values() {
    let defaults = Config::from_lookup(|_| None);
    let message = defaults.startup_message("axum");
    for expected in [
        "http://127.0.0.1:3000",
        "TRYVOX_TOKEN=dev-tryvox-token",
        "VOXTELESYS_BASIC=voxtelesys:dev-password",
        "VOXPRIA_SECRET=whsec_dev_voxpria_secret",
        "VOBIZ_AUTH_TOKEN=dev-vobiz-token",
        "dedup: in memory",
    ] {
        assert!(message.contains(expected), "{expected} in {message}");
    }

    let env = |name: &str| {
        Some(
            match name {
                "VOXHOOK_ADDR" => "10.9.8.7:4321",
                "TRYVOX_TOKEN" => "env-tryvox-secret",
                "VOXTELESYS_BASIC" => "envuser:env:pass",
                "VOXPRIA_SECRET" => "whsec_env_secret",
                "VOBIZ_AUTH_TOKEN" => "env-vobiz-secret",
                _ => return None,
            }
            .to_owned(),
        )
    };
    let config = Config::from_lookup(env);
    let message = config.startup_message("axum");
    let debug = format!("{config:?}");
    for secret in [
        "10.9.8.7",
        "env-tryvox-secret",
        "envuser",
        "env:pass",
        "whsec_env_secret",
        "env-vobiz-secret",
    ] {
        assert!(!message.contains(secret), "{secret} printed in {message}");
        assert!(!debug.contains(secret), "{secret} in Debug {debug}");
    }
    assert!(
        message.contains("VOXHOOK_PUBLIC_URL=http:// + VOXHOOK_ADDR"),
        "{message}"
    );
    assert_eq!(
        config.voxtelesys_basic, "envuser:env:pass",
        "split at the first ':' by the preset"
    );
    assert!(config.receivers().is_ok());
}

#[test]
fn quiet_delay_and_empty_values_are_read_as_documented() {
    let config = Config::from_lookup(|name| {
        Some(
            match name {
                "VOXHOOK_QUIET" => "1",
                "VOXHOOK_DEMO_DELAY_MS" => "250",
                "TRYVOX_TOKEN" => "",
                _ => return None,
            }
            .to_owned(),
        )
    });
    assert!(config.quiet);
    assert_eq!(config.demo_delay, std::time::Duration::from_millis(250));
    assert_eq!(
        config.tryvox_token,
        reference::DEFAULT_TRYVOX_TOKEN,
        "empty counts as unset"
    );
    assert!(!Config::from_lookup(|n| (n == "VOXHOOK_QUIET").then(|| "0".to_owned())).quiet);
}

#[tokio::test]
async fn with_voxhook_redis_url_two_replicas_share_dedup() {
    let Some(server) = voxhook_redis::testing::RedisServer::start_or_skip(
        "with_voxhook_redis_url_two_replicas_share_dedup",
    ) else {
        return;
    };
    let url = server.url();
    let config = Config::from_lookup(|name| match name {
        "VOXHOOK_QUIET" => Some("1".to_owned()),
        "VOXHOOK_REDIS_URL" => Some(url.clone()),
        _ => None,
    });
    assert!(config.startup_message("axum").contains("dedup: Redis"));
    assert!(!config.startup_message("axum").contains(&url));
    let replica = || {
        let receivers = config.receivers().unwrap();
        axum_app::router(config.clone(), &receivers)
    };
    let (a, b) = (replica(), replica());
    let body = fixture("voxtelesys/incoming.form");
    let req = || {
        signed(
            Provider::Voxtelesys,
            Method::POST,
            "/voxtelesys/voice",
            FORM,
            &body,
        )
    };
    let (status, headers, first) = call(&a, req()).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&first));
    assert!(headers.get("voxhook-replayed").is_none());
    let (status, headers, again) = call(&b, req()).await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["voxhook-replayed"], "true",
        "the other replica answered it"
    );
    assert_eq!(again, first);
}

#[test]
fn a_redis_url_outside_the_runtime_is_a_configuration_error() {
    let config = Config::from_lookup(|name| {
        (name == "VOXHOOK_REDIS_URL").then(|| "redis://127.0.0.1:1".to_owned())
    });
    let err = config.receivers().unwrap_err().to_string();
    assert!(
        err.contains("VOXHOOK_REDIS_URL") && !err.contains("127.0.0.1"),
        "{err}"
    );
}
