//! Hostile HTTP against both reference receivers (axum and actix) on real
//! TCP listeners: raw bytes that no HTTP client would send (lying
//! `Content-Length`, oversized chunked bodies, trickled uploads, header
//! floods, duplicated and non-UTF-8 headers, odd content types, percent
//! and JSON edge cases, a bad-signature flood). Every case runs against
//! both frameworks, asserts the exact status (and voxhook's error kind, or
//! that the framework answered without voxhook's JSON body), and is followed
//! by a valid delivery that must get 200: the server keeps serving.
//!
//! The table of what each framework answers is in `RELIABILITY.md`
//! ("Hostile HTTP"). `HOSTILE_SHOW=1` prints what every case got.

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

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use voxhook::Provider;

use actix_support::{Req, config as plain_config, sign, sign_with};
use hostile_support::{Conn, End, Framework, Server, chunked, config, start};

/// The budget of the servers that cases with stalled uploads run against
/// (long enough for the valid delivery after each case on a loaded machine).
const SHORT_BUDGET: Duration = Duration::from_millis(1000);
/// How long a case waits for each read.
const WAIT: Duration = Duration::from_secs(5);
/// The body limit of the reference receivers (the default, 1 MiB).
const LIMIT: usize = 1024 * 1024;

/// What a case must get on its connection, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Want {
    /// A response from voxhook: this status and this JSON error kind.
    Voxhook(u16, &'static str),
    /// A response without voxhook's JSON body (a success, or the framework's own).
    Plain(u16),
    /// The answer route's fallback document (200, at the budget).
    Fallback(Provider),
    /// The server closed the connection (within [`WAIT`]) without (more) response.
    Closed,
}

/// How the case's bytes go out.
#[derive(Debug, Clone)]
enum Sending {
    /// All at once; the connection stays open for writing.
    Bytes(Vec<u8>),
    /// All at once, then the client shuts its writing side.
    ThenHalfClose(Vec<u8>),
    /// `head` at once, then `body` a few bytes per interval.
    Trickle { head: Vec<u8>, body: Vec<u8> },
}

#[derive(Debug, Clone)]
struct Case {
    name: &'static str,
    /// Against the servers with [`SHORT_BUDGET`].
    short: bool,
    send: Sending,
    axum: Vec<Want>,
    actix: Vec<Want>,
}

impl Case {
    /// The same answer from both frameworks.
    fn both(name: &'static str, send: Sending, want: Vec<Want>) -> Case {
        Case {
            name,
            short: false,
            send,
            axum: want.clone(),
            actix: want,
        }
    }

    fn split(name: &'static str, send: Sending, axum: Vec<Want>, actix: Vec<Want>) -> Case {
        Case {
            name,
            short: false,
            send,
            axum,
            actix,
        }
    }

    fn short(mut self) -> Case {
        self.short = true;
        self
    }

    fn want(&self, framework: Framework) -> &[Want] {
        match framework {
            Framework::Axum => &self.axum,
            Framework::Actix => &self.actix,
        }
    }
}

/// How a request's body is framed on the wire.
#[derive(Debug, Clone, Copy)]
enum Framing {
    /// `Content-Length` = the body's length.
    Exact,
    /// No framing header: the case's own headers say it (or nothing does).
    Own,
    /// `Transfer-Encoding: chunked`, chunks of this size.
    Chunked(usize),
}

/// `req` as raw bytes: its headers, `extra` header lines (raw bytes, any
/// value), the framing, `Connection: close` (so the end of the connection is
/// seen at once), and the body.
fn wire(req: &Req, extra: &[(&str, &[u8])], framing: Framing) -> Vec<u8> {
    let mut head = format!(
        "{} {} HTTP/1.1\r\nhost: hostile.test\r\nconnection: close\r\n",
        req.method, req.target
    )
    .into_bytes();
    let mut line = |name: &str, value: &[u8]| {
        head.extend_from_slice(name.as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value);
        head.extend_from_slice(b"\r\n");
    };
    for (name, value) in &req.headers {
        line(name, value.as_bytes());
    }
    for (name, value) in extra {
        line(name, value);
    }
    let body = match framing {
        Framing::Exact => {
            line("content-length", req.body.len().to_string().as_bytes());
            req.body.clone()
        }
        Framing::Own => req.body.clone(),
        Framing::Chunked(size) => {
            line("transfer-encoding", b"chunked");
            chunked(&req.body, size)
        }
    };
    head.extend_from_slice(b"\r\n");
    head.extend_from_slice(&body);
    head
}

fn provider_of(path: &str) -> Provider {
    reference::ROUTES
        .iter()
        .find(|r| path.starts_with(r.path))
        .map_or(Provider::TryVox, |r| r.provider)
}

/// A signed request for `target` (credentials of its provider).
fn signed(method: &str, target: &str, content_type: Option<&str>, body: &[u8]) -> Req {
    let req = Req::new(method, target, content_type, body);
    let provider = provider_of(req.path());
    sign(&plain_config(), provider, req)
}

/// A signed request, as bytes with an exact `Content-Length`.
fn signed_bytes(target: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    wire(
        &signed("POST", target, Some(content_type), body),
        &[],
        Framing::Exact,
    )
}

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

fn tryvox_body(call: &str) -> Vec<u8> {
    format!(r#"{{"event":"call.answered","call_uuid":"{call}","from":"+15550001111","to":"+15550002222","status":"answered"}}"#).into_bytes()
}

fn voxpria_body(call: &str) -> Vec<u8> {
    format!(r#"{{"event":"call.completed","call_id":"{call}","from":"+15550001111","to":"+15550002222","status":"completed","duration":12}}"#).into_bytes()
}

fn voxtelesys_form(sid: &str, from: &str) -> Vec<u8> {
    format!("CallSid={sid}&From={from}&To=%2B15550002222&CallStatus=ringing&Direction=inbound")
        .into_bytes()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Deliveries identified per case, so no case's event is a duplicate of another's.
fn unique(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn tryvox_valid(path: &str) -> Vec<u8> {
    signed_bytes(path, JSON, &tryvox_body(&unique("ok")))
}

/// `bytes` without the `Connection: close` that [`wire`] adds (the
/// connection stays open for what follows).
fn keep_alive(bytes: Vec<u8>) -> Vec<u8> {
    let close = b"connection: close\r\n";
    match bytes.windows(close.len()).position(|w| w == close) {
        Some(i) => [&bytes[..i], &bytes[i + close.len()..]].concat(),
        None => bytes,
    }
}

/// A signed TryVox event with these `Content-Length` headers and `framing`.
fn lengths(body: &[u8], values: &[&str], framing: Framing) -> Vec<u8> {
    let mut req = signed("POST", "/tryvox/events", Some(JSON), body);
    for v in values {
        req.headers.push(("content-length".into(), (*v).to_owned()));
    }
    wire(&req, &[], framing)
}

/// A signed JSON request in chunks of `size` bytes.
fn chunked_signed(path: &str, body: &[u8], size: usize) -> Vec<u8> {
    wire(
        &signed("POST", path, Some(JSON), body),
        &[],
        Framing::Chunked(size),
    )
}

/// A signed chunked request whose chunked body is `raw`, as given.
fn chunked_raw(raw: &[u8]) -> Vec<u8> {
    let mut b = wire(
        &signed("POST", "/tryvox/events", Some(JSON), b""),
        &[("transfer-encoding", b"chunked")],
        Framing::Own,
    );
    b.extend_from_slice(raw);
    b
}

/// A request head claiming `declared` bytes, followed by `sent` of them.
fn declared(path: &str, declared: usize, sent: &[u8]) -> Vec<u8> {
    let mut req = signed("POST", path, Some(JSON), sent);
    req.headers
        .push(("content-length".into(), declared.to_string()));
    wire(&req, &[], Framing::Own)
}

/// Sends `case` to `server` and returns what came back, in order.
async fn observe(server: &Server, send: &Sending, expected: usize) -> Vec<Want> {
    let mut conn = Conn::open(server.addr).await;
    let mut write = conn.take_writer();
    let send = send.clone();
    let writer = tokio::spawn(async move {
        match send {
            Sending::Bytes(bytes) => {
                let _ = write.write_all(&bytes).await;
            }
            Sending::ThenHalfClose(bytes) => {
                let _ = write.write_all(&bytes).await;
                let _ = write.shutdown().await;
            }
            Sending::Trickle { head, body } => {
                let _ = write.write_all(&head).await;
                for part in body.chunks(4) {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    if write.write_all(part).await.is_err() {
                        break;
                    }
                }
            }
        }
        // Keep the connection open for writing until the case is over.
        std::future::pending::<()>().await;
        drop(write);
    });
    let mut got = Vec::new();
    // Read as many responses as expected, then see how the connection ends.
    for _ in 0..=expected {
        match conn.response(WAIT).await {
            Ok(resp) => got.push(classify(&resp)),
            Err(End::Closed) => {
                got.push(Want::Closed);
                break;
            }
            Err(End::Silent) => break,
        }
    }
    writer.abort();
    got
}

fn classify(resp: &hostile_support::Resp) -> Want {
    if let Some(kind) = hostile_support::kind(resp) {
        let kind: &'static str = Box::leak(kind.into_boxed_str());
        return Want::Voxhook(resp.status, kind);
    }
    for provider in [Provider::TryVox, Provider::Voxtelesys, Provider::Vobiz] {
        let fallback = voxhook::voxml::fallback(provider);
        if resp.status == 200 && resp.body == fallback.body {
            return Want::Fallback(provider);
        }
    }
    Want::Plain(resp.status)
}

/// After every case: a valid delivery on a fresh connection gets 200.
async fn assert_serving(server: &Server, case: &str) {
    let mut conn = Conn::open(server.addr).await;
    conn.send(&tryvox_valid("/tryvox/events")).await;
    let resp = conn.response(WAIT).await.unwrap_or_else(|e| {
        panic!(
            "{} after {case:?}: no answer ({e:?})",
            server.framework.name()
        )
    });
    assert_eq!(
        resp.status,
        200,
        "{} after {case:?}: {:?}",
        server.framework.name(),
        String::from_utf8_lossy(&resp.body)
    );
}

/// Runs every case against both frameworks (all cases of one server at
/// once, to keep the suite short), then checks each server still serves.
async fn run(cases: Vec<Case>) {
    let show = std::env::var("HOSTILE_SHOW").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for framework in Framework::BOTH {
        let normal = {
            let (c, store) = config(None, Duration::ZERO);
            std::sync::Arc::new(start(framework, c, store))
        };
        let short = {
            let (c, store) = config(Some(SHORT_BUDGET), Duration::ZERO);
            std::sync::Arc::new(start(framework, c, store))
        };
        let mut tasks = Vec::new();
        for case in cases.clone() {
            let server = if case.short { &short } else { &normal };
            let server = std::sync::Arc::clone(server);
            tasks.push(tokio::spawn(async move {
                let want = case.want(framework).to_vec();
                let got = observe(&server, &case.send, want.len()).await;
                assert_serving(&server, case.name).await;
                (case.name, want, got)
            }));
        }
        for task in tasks {
            let (name, want, got) = task.await.expect("case task");
            if show {
                eprintln!("{:<6} {name:<60} {got:?}", framework.name());
            }
            if !matches_prefix(&want, &got) {
                failures.push(format!(
                    "{} {name}: want {want:?}, got {got:?}",
                    framework.name()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// `got` starts with `want` (a connection may end after what was asserted).
fn matches_prefix(want: &[Want], got: &[Want]) -> bool {
    got.len() >= want.len() && got.iter().zip(want).all(|(g, w)| g == w)
}

fn bytes(b: Vec<u8>) -> Sending {
    Sending::Bytes(b)
}

use Want::{Closed, Fallback, Plain, Voxhook};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_length_lies_and_chunked_bodies() {
    let valid = tryvox_body(&unique("cl"));
    let over: Vec<u8> = {
        let mut b = b"{\"event\":\"call.answered\",\"call_uuid\":\"big\",\"pad\":\"".to_vec();
        b.resize(2 * LIMIT, b'x');
        b
    };
    let mut smuggled = keep_alive(declared("/tryvox/events", valid.len(), &valid));
    smuggled.extend_from_slice(&tryvox_valid("/tryvox/events"));
    let short_then_garbage = keep_alive(declared("/tryvox/events", 20, &valid));
    let cases = vec![
        Case::both(
            "content-length larger than the body, client stalls (events)",
            bytes(declared("/tryvox/events", 1000, &valid[..40])),
            vec![Voxhook(503, "deadline")],
        )
        .short(),
        Case::both(
            "content-length larger than the body, client stalls (answer)",
            bytes(declared("/tryvox/answer", 1000, &valid[..40])),
            vec![Fallback(Provider::TryVox)],
        )
        .short(),
        Case::both(
            "content-length larger than the body, client half-closes",
            Sending::ThenHalfClose(declared("/tryvox/events", 1000, &valid[..40])),
            vec![Voxhook(400, "malformed_payload")],
        ),
        Case::both(
            "content-length smaller than the body (rest is garbage)",
            bytes(short_then_garbage),
            vec![Voxhook(400, "malformed_payload")],
        ),
        Case::both(
            "content-length smaller: the rest is a second valid request",
            bytes(smuggled),
            vec![Plain(200), Plain(200)],
        ),
        Case::both(
            "content-length not a number",
            bytes(lengths(&valid, &["12abc"], Framing::Own)),
            vec![Plain(400)],
        ),
        Case::both(
            "two conflicting content-lengths",
            bytes(lengths(
                &valid,
                &[&valid.len().to_string(), "5"],
                Framing::Own,
            )),
            vec![Plain(400)],
        ),
        Case::split(
            "content-length and chunked together",
            bytes(lengths(&valid, &["5"], Framing::Chunked(16))),
            // hyper lets chunked win (RFC 9112 6.3); actix-http refuses.
            vec![Plain(200)],
            vec![Plain(400)],
        ),
        Case::both(
            "chunked over the limit (2 MiB)",
            bytes(wire(
                &signed("POST", "/tryvox/events", Some(JSON), &over),
                &[],
                Framing::Chunked(64 * 1024),
            )),
            vec![Voxhook(413, "payload_too_large")],
        ),
        Case::both(
            "chunked one byte over the limit, unauthenticated",
            bytes(wire(
                &Req::new(
                    "POST",
                    "/voxpria/events",
                    Some(JSON),
                    &vec![b' '; LIMIT + 1],
                ),
                &[],
                Framing::Chunked(256 * 1024),
            )),
            vec![Voxhook(413, "payload_too_large")],
        ),
        Case::both(
            "chunked with a huge chunk size declared, client stalls",
            bytes(chunked_raw(b"ffffffffffffffff\r\n{\"event\":")),
            // Regression: actix kept this connection open for good, draining
            // the chunk after voxhook's answer; now it closes (after its
            // 1 s linger), as hyper does at once.
            vec![Voxhook(503, "deadline"), Closed],
        )
        .short(),
        Case::both(
            "chunked with a chunk size that overflows 64 bits",
            bytes(chunked_raw(b"1ffffffffffffffff\r\n{\"event\":")),
            vec![Voxhook(400, "malformed_payload")],
        ),
        Case::both(
            "chunked with a non-hex chunk size",
            bytes(chunked_raw(b"zz\r\n{\"event\":\r\n0\r\n\r\n")),
            vec![Voxhook(400, "malformed_payload")],
        ),
        Case::both(
            "chunked within the limit (many small chunks)",
            bytes(chunked_signed(
                "/tryvox/events",
                &tryvox_body(&unique("chunked")),
                7,
            )),
            vec![Plain(200)],
        ),
        Case::both(
            "chunked within the limit, signed body (voxpria)",
            bytes(chunked_signed(
                "/voxpria/events",
                &voxpria_body(&unique("chunked")),
                10,
            )),
            vec![Plain(200)],
        ),
        Case::both(
            "body trickled slowly (events route)",
            Sending::Trickle {
                head: declared("/tryvox/events", valid.len(), b""),
                body: valid.clone(),
            },
            vec![Voxhook(503, "deadline")],
        )
        .short(),
        Case::both(
            "body trickled slowly (answer route)",
            Sending::Trickle {
                head: declared("/tryvox/answer", valid.len(), b""),
                body: valid.clone(),
            },
            vec![Fallback(Provider::TryVox)],
        )
        .short(),
        Case::both(
            "chunked body trickled slowly (events route)",
            Sending::Trickle {
                head: wire(
                    &signed("POST", "/tryvox/events", Some(JSON), b""),
                    &[("transfer-encoding", b"chunked")],
                    Framing::Own,
                ),
                // Still trickling well after the answer.
                body: chunked(&valid.repeat(20), 3),
            },
            vec![Voxhook(503, "deadline"), Closed],
        )
        .short(),
    ];
    run(cases).await;
}

/// A valid delivery with `n` more headers.
fn many_headers(n: usize) -> Sending {
    let mut req = tryvox(&tryvox_body(&unique("headers")));
    req.headers
        .extend((0..n).map(|i| (format!("x-h-{i}"), "v".to_owned())));
    exact(&req, &[])
}

/// `req` sent to `target` instead (its credentials unchanged).
fn at(mut req: Req, target: &str) -> Req {
    req.target = target.to_owned();
    req
}

fn tryvox(body: &[u8]) -> Req {
    signed("POST", "/tryvox/events", Some(JSON), body)
}

fn voxpria_v1_only(body: &[u8]) -> Req {
    signed("POST", "/voxpria/events", Some(JSON), body).without("x-voxpria-signature")
}

fn exact(req: &Req, extra: &[(&str, &[u8])]) -> Sending {
    bytes(wire(req, extra, Framing::Exact))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_floods_duplicates_and_invalid_utf8() {
    let big = "v".repeat(64 * 1024);
    let tv = tryvox_body(&unique("hdr"));
    let vp = voxpria_body(&unique("hdr"));
    let good_v1 = voxpria_v1_only(&vp);
    let good_sig = good_v1
        .headers
        .iter()
        .find(|(n, _)| n == "x-webhook-signature")
        .expect("signed")
        .1
        .clone();
    let bad_sig = {
        let other = voxpria_v1_only(&voxpria_body("another"));
        other
            .headers
            .iter()
            .find(|(n, _)| n == "x-webhook-signature")
            .expect("signed")
            .1
            .clone()
    };
    let token = format!("Bearer {}", reference::DEFAULT_TRYVOX_TOKEN);
    let cases = vec![
        Case::both(
            "5 000 headers",
            many_headers(5000),
            vec![Plain(431)],
        ),
        Case::both(
            "120 headers",
            many_headers(120),
            vec![Plain(431)],
        ),
        Case::both(
            "90 headers",
            many_headers(90),
            vec![Plain(200)],
        ),
        // Both frameworks take a 64 KB header: voxhook answers.
        Case::both(
            "64 KB value in an unrelated header",
            exact(&tryvox(&tryvox_body(&unique("big"))).header("x-junk", &big), &[]),
            vec![Plain(200)],
        ),
        Case::both(
            "64 KB authorization value",
            exact(&tryvox(&tv).header("authorization", &format!("Bearer {big}")), &[]),
            vec![Voxhook(401, "invalid_credentials")],
        ),
        Case::both(
            "64 KB signature value",
            exact(&voxpria_v1_only(&vp).header("x-webhook-signature", &big), &[]),
            vec![Voxhook(403, "malformed_signature")],
        ),
        Case::both(
            "512 KB value in an unrelated header",
            exact(&tryvox(&tv).header("x-junk", &"v".repeat(512 * 1024)), &[]),
            vec![Plain(431)],
        ),
        Case::both(
            "duplicated authorization: wrong, then right",
            exact(
                &Req::new("POST", "/tryvox/events", Some(JSON), &tryvox_body(&unique("dup"))),
                &[("authorization", b"Bearer wrong"), ("authorization", token.as_bytes())],
            ),
            vec![Voxhook(401, "invalid_credentials")],
        ),
        Case::both(
            "duplicated authorization: right, then wrong",
            exact(
                &Req::new("POST", "/tryvox/events", Some(JSON), &tryvox_body(&unique("dup"))),
                &[("authorization", token.as_bytes()), ("authorization", b"Bearer wrong")],
            ),
            vec![Plain(200)],
        ),
        Case::both(
            "duplicated signature: right, then wrong",
            exact(&good_v1.clone().without("x-webhook-signature"), &[
                ("x-webhook-signature", good_sig.as_bytes()),
                ("x-webhook-signature", bad_sig.as_bytes()),
            ]),
            vec![Plain(200)],
        ),
        Case::both(
            "duplicated signature: wrong, then right",
            exact(&voxpria_v1_only(&voxpria_body(&unique("dup"))).without("x-webhook-signature"), &[
                ("x-webhook-signature", bad_sig.as_bytes()),
                ("x-webhook-signature", good_sig.as_bytes()),
            ]),
            vec![Voxhook(403, "signature_mismatch")],
        ),
        // The first value decides, on both frameworks.
        Case::both(
            "duplicated content-type: form, then json (form body)",
            exact(&signed("POST", "/voxtelesys/status", Some(FORM), &voxtelesys_form(&unique("ct"), "1")).without("content-type"), &[
                ("content-type", FORM.as_bytes()),
                ("content-type", JSON.as_bytes()),
            ]),
            vec![Plain(200)],
        ),
        Case::both(
            "duplicated content-type: json, then form (form body)",
            exact(&signed("POST", "/voxtelesys/status", Some(FORM), &voxtelesys_form(&unique("ct"), "1")).without("content-type"), &[
                ("content-type", JSON.as_bytes()),
                ("content-type", FORM.as_bytes()),
            ]),
            vec![Voxhook(400, "malformed_payload")],
        ),
        Case::both(
            "duplicated content-type: xml, then json (json body)",
            exact(&tryvox(&tryvox_body(&unique("ct"))).without("content-type"), &[
                ("content-type", b"text/xml"),
                ("content-type", JSON.as_bytes()),
            ]),
            vec![Voxhook(415, "unsupported_media_type")],
        ),
        Case::both(
            "authorization not UTF-8",
            exact(&tryvox(&tv).without("authorization"), &[("authorization", b"Bearer \xff\xfe")]),
            vec![Voxhook(401, "invalid_credentials")],
        ),
        Case::both(
            "authorization: right token followed by a non-UTF-8 byte",
            exact(&tryvox(&tv).without("authorization"), &[(
                "authorization",
                &[token.as_bytes(), b"\xff"].concat(),
            )]),
            vec![Voxhook(401, "invalid_credentials")],
        ),
        Case::both(
            "signature not UTF-8",
            exact(&good_v1.clone().without("x-webhook-signature"), &[(
                "x-webhook-signature",
                &[format!("t={},v1=", now()).as_bytes(), b"\xff\xfe"].concat(),
            )]),
            // An undecodable `v1=` is a signature that matches nothing.
            vec![Voxhook(403, "signature_mismatch")],
        ),
        // A content type that is not text counts as absent: the body is
        // sniffed (`{` is JSON), as for a missing header.
        Case::both(
            "content-type not UTF-8 (JSON body)",
            exact(&tryvox(&tv).without("content-type"), &[("content-type", b"application/json\xff")]),
            vec![Plain(200)],
        ),
        Case::both(
            "content-type parameter not UTF-8 (JSON body)",
            exact(&tryvox(&tryvox_body(&unique("ct"))).without("content-type"), &[(
                "content-type",
                b"application/json; charset=\xff",
            )]),
            vec![Plain(200)],
        ),
        Case::both(
            "content-type not UTF-8 (not JSON, not a form)",
            exact(&tryvox(b"<xml/>").without("content-type"), &[("content-type", b"text/xml\xff")]),
            vec![Voxhook(400, "malformed_payload")],
        ),
        Case::both(
            "header name not a token",
            exact(&tryvox(&tv), &[("x-\u{7f}bad", b"v")]),
            vec![Plain(400)],
        ),
        Case::both(
            "JSON body not UTF-8 (in a known field)",
            exact(
                &tryvox(br#"{"event":"call.answered","call_uuid":"utf","from":"+1555\xff","status":"answered"}"#),
                &[],
            ),
            vec![Voxhook(400, "malformed_payload")],
        ),
        Case::both(
            "JSON body not UTF-8 (in an unknown field)",
            exact(
                &tryvox(b"{\"event\":\"call.answered\",\"call_uuid\":\"utf2\",\"x\":\"\xc0\xaf\",\"status\":\"answered\"}"),
                &[],
            ),
            vec![Voxhook(400, "malformed_payload")],
        ),
        Case::both(
            "form body not UTF-8 (raw byte in a value)",
            exact(
                &signed("POST", "/voxtelesys/status", Some(FORM), &[b"CallSid=utf-form&From=+1555\xff&CallStatus=ringing".as_slice()].concat()),
                &[],
            ),
            vec![Voxhook(400, "malformed_payload")],
        ),
        Case::both(
            "form body not UTF-8 (in the id)",
            exact(
                &signed("POST", "/voxtelesys/status", Some(FORM), b"CallSid=\xff\xfe&From=%2B1555&CallStatus=ringing"),
                &[],
            ),
            vec![Voxhook(400, "malformed_payload")],
        ),
    ];
    run(cases).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_content_types_and_percent_encoding() {
    let ct = |ct: &'static str| -> Case {
        let name: &'static str = Box::leak(format!("content-type {ct:?}").into_boxed_str());
        Case::both(
            name,
            exact(
                &tryvox(&tryvox_body(&unique("ct"))).header("content-type", ct),
                &[],
            ),
            vec![Plain(200)],
        )
    };
    let form_ct = |ct: &'static str| -> Case {
        let name: &'static str = Box::leak(format!("form content-type {ct:?}").into_boxed_str());
        Case::both(
            name,
            exact(
                &signed(
                    "POST",
                    "/voxtelesys/status",
                    Some(ct),
                    &voxtelesys_form(&unique("fct"), "%2B15550001111"),
                ),
                &[],
            ),
            vec![Plain(200)],
        )
    };
    let unsupported = |ct: &'static str| -> Case {
        let name: &'static str =
            Box::leak(format!("content-type {ct:?} (unsupported)").into_boxed_str());
        Case::both(
            name,
            exact(
                &tryvox(&tryvox_body(&unique("ct"))).header("content-type", ct),
                &[],
            ),
            vec![Voxhook(415, "unsupported_media_type")],
        )
    };
    let form = |name: &'static str, sid: &str, from: &str| -> Case {
        Case::both(
            name,
            exact(
                &signed(
                    "POST",
                    "/voxtelesys/status",
                    Some(FORM),
                    &voxtelesys_form(&unique(sid), from),
                ),
                &[],
            ),
            vec![Plain(200)],
        )
    };
    let query = |name: &'static str, sid: &str, from: &str| -> Case {
        let body = voxtelesys_form(&unique(sid), from);
        let target = format!("/voxtelesys/status?{}", String::from_utf8_lossy(&body));
        Case::both(
            name,
            exact(&signed("GET", &target, None, b""), &[]),
            vec![Plain(200)],
        )
    };
    let path = |target: &'static str, want: Vec<Want>| -> Case {
        let name: &'static str = Box::leak(format!("path {target}").into_boxed_str());
        Case::both(
            name,
            exact(&at(tryvox(&tryvox_body(&unique("path"))), target), &[]),
            want,
        )
    };
    let cases = vec![
        ct(r#"Application/JSON; charset="UTF-8"; foo=bar"#),
        ct("APPLICATION/JSON;CHARSET=UTF-8"),
        ct("application/json ; charset=utf-8"),
        ct("application/json;"),
        ct("  application/json  "),
        ct("application/json; charset=utf-16"),
        ct("application/json; foo=\"a;b\""),
        form_ct("Application/X-WWW-Form-URLEncoded; Charset=UTF-8"),
        form_ct("application/x-www-form-urlencoded;charset=\"utf-8\""),
        unsupported("application/jsonx"),
        unsupported("application/json, text/plain"),
        ct("text/json"),
        // An empty essence counts as no content type: the body is sniffed.
        ct(""),
        ct(";charset=utf-8"),
        unsupported("application"),
        unsupported("text/plain"),
        unsupported("application/xml"),
        form("form: %zz in a value", "pz", "%zz"),
        form("form: a lone %", "pl", "%"),
        form("form: + for a space", "pp", "+15550001111"),
        form("form: %00 in a value", "p0", "%2B1555%00"),
        form("form: overlong UTF-8 %C0%AF", "po", "%C0%AF"),
        form("form: %zz in the id", "%zz", "%2B15550001111"),
        query("GET query: %zz in a value", "qz", "%zz"),
        query("GET query: a lone %", "ql", "%"),
        query("GET query: + for a space", "qp", "+15550001111"),
        query("GET query: %00", "q0", "%00"),
        query("GET query: overlong %C0%AF", "qo", "%C0%AF"),
        // actix-router decodes unreserved characters before matching; axum
        // (matchit) matches the path as sent.
        Case::split(
            "path /tryvox/%61nswer",
            exact(
                &at(tryvox(&tryvox_body(&unique("path"))), "/tryvox/%61nswer"),
                &[],
            ),
            vec![Voxhook(404, "not_found")],
            vec![Plain(200)],
        ),
        path("/tryvox/answer%00", vec![Voxhook(404, "not_found")]),
        path("/tryvox%2Fanswer", vec![Voxhook(404, "not_found")]),
        path("/tryvox/./answer", vec![Voxhook(404, "not_found")]),
        path("/tryvox/../tryvox/answer", vec![Voxhook(404, "not_found")]),
        path("/%zz", vec![Voxhook(404, "not_found")]),
        path("//tryvox/answer", vec![Voxhook(404, "not_found")]),
        path("/tryvox/answer?%zz=%", vec![Plain(200)]),
        path("/tryvox/answer#frag", vec![Plain(200)]),
    ];
    run(cases).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_duplicate_keys_huge_numbers_and_deep_nesting() {
    let tv = |name: &'static str, body: String, want: Vec<Want>| -> Case {
        Case::both(name, exact(&tryvox(body.as_bytes()), &[]), want)
    };
    let vp = |name: &'static str, body: String, want: Vec<Want>| -> Case {
        Case::both(
            name,
            exact(
                &signed("POST", "/voxpria/events", Some(JSON), body.as_bytes()),
                &[],
            ),
            want,
        )
    };
    let id = || unique("json");
    let deep = "[".repeat(100_000);
    let cases = vec![
        tv("duplicate key: call_uuid twice", format!(r#"{{"event":"call.answered","call_uuid":"{}","call_uuid":"{}","status":"answered"}}"#, id(), id()), vec![Plain(200)]),
        tv("duplicate key: event twice, different kinds", format!(r#"{{"event":"call.answered","event":"call.completed","call_uuid":"{}","status":"answered"}}"#, id()), vec![Plain(200)]),
        tv("duplicate key: status twice", format!(r#"{{"event":"call.answered","call_uuid":"{}","status":"answered","status":"completed"}}"#, id()), vec![Plain(200)]),
        tv("huge number 1e400 in an unknown field", format!(r#"{{"event":"call.answered","call_uuid":"{}","x":1e400,"status":"answered"}}"#, id()), vec![Plain(200)]),
        // serde_json refuses a number outside f64 in a field voxhook reads.
        vp("huge number 1e400 as the duration", format!(r#"{{"event":"call.completed","call_id":"{}","status":"completed","duration":1e400}}"#, id()), vec![Voxhook(400, "malformed_payload")]),
        vp("40-digit integer as the duration", format!(r#"{{"event":"call.completed","call_id":"{}","status":"completed","duration":1234567890123456789012345678901234567890}}"#, id()), vec![Plain(200)]),
        vp("negative duration", format!(r#"{{"event":"call.completed","call_id":"{}","status":"completed","duration":-5}}"#, id()), vec![Plain(200)]),
        tv("40-digit integer as the call id", r#"{"event":"call.answered","call_uuid":1234567890123456789012345678901234567890,"status":"answered"}"#.to_owned(), vec![Plain(200)]),
        tv("100 000 nested arrays as the body", deep.clone(), vec![Voxhook(400, "malformed_payload")]),
        tv("100 000 nested arrays in an unknown field", format!(r#"{{"event":"call.answered","call_uuid":"{}","x":{deep}"#, id()), vec![Voxhook(400, "malformed_payload")]),
        tv("100 000 nested arrays as the caller", format!(r#"{{"event":"call.answered","call_uuid":"{}","from":{deep}"#, id()), vec![Voxhook(400, "malformed_payload")]),
        tv("100 000 nested objects in an unknown field", format!(r#"{{"event":"call.answered","call_uuid":"{}","x":{}"#, id(), r#"{"a":"#.repeat(100_000)), vec![Voxhook(400, "malformed_payload")]),
        tv("a JSON string as the body", r#""call.answered""#.to_owned(), vec![Voxhook(400, "malformed_payload")]),
        tv("trailing garbage after the object", format!(r#"{{"event":"call.answered","call_uuid":"{}","status":"answered"}} x"#, id()), vec![Voxhook(400, "malformed_payload")]),
        tv("a NUL in the call id", format!(r#"{{"event":"call.answered","call_uuid":"{}\u0000","status":"answered"}}"#, id()), vec![Plain(200)]),
        // Valid JSON grammar, but not a Unicode string.
        tv("a lone surrogate escape", format!(r#"{{"event":"call.answered","call_uuid":"{}","from":"\ud800","status":"answered"}}"#, id()), vec![Voxhook(400, "malformed_payload")]),
    ];
    run(cases).await;
}

/// One bad-signature request of the flood: wrong credentials for a fresh
/// event (so an entry, if one were created, would be a new one), and what it must get.
fn bad_signature(i: usize) -> (Vec<u8>, u16, &'static str) {
    let cfg = plain_config();
    let id = format!("flood-{i}");
    let (provider, req, status, kind) = match i % 4 {
        0 | 1 => (
            Provider::VoxPria,
            Req::new("POST", "/voxpria/events", Some(JSON), &voxpria_body(&id)),
            403,
            "signature_mismatch",
        ),
        2 => (
            Provider::TryVox,
            Req::new("POST", "/tryvox/answer", Some(JSON), &tryvox_body(&id)),
            401,
            "invalid_credentials",
        ),
        _ => (
            Provider::Vobiz,
            Req::new(
                "POST",
                "/vobiz/events",
                Some(FORM),
                format!("CallUUID={id}&From=%2B1555&To=%2B1666&Event=Hangup&CallStatus=completed")
                    .as_bytes(),
            ),
            403,
            "signature_mismatch",
        ),
    };
    let secret = match provider {
        Provider::VoxPria => "whsec_attacker",
        Provider::TryVox => "attacker-token",
        _ => "attacker-token",
    };
    let req = sign_with(&cfg, provider, req, secret, None);
    (keep_alive(wire(&req, &[], Framing::Exact)), status, kind)
}

/// 2 000 requests with bad credentials over 4 keep-alive connections: every
/// one is refused with its status, none creates a dedup entry or reaches a
/// handler, and a valid delivery afterwards is processed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_signature_flood_costs_no_dedup_entry() {
    const FLOOD: usize = 2000;
    const CONNECTIONS: usize = 4;
    for framework in Framework::BOTH {
        let (c, store) = config(None, Duration::ZERO);
        let server = std::sync::Arc::new(start(framework, c, store));
        let mut tasks = Vec::new();
        for c in 0..CONNECTIONS {
            let server = std::sync::Arc::clone(&server);
            tasks.push(tokio::spawn(async move {
                let mut conn = Conn::open(server.addr).await;
                let mut wrong = Vec::new();
                for i in (c..FLOOD).step_by(CONNECTIONS) {
                    let (bytes, status, kind) = bad_signature(i);
                    conn.send(&bytes).await;
                    let resp = conn
                        .response(WAIT)
                        .await
                        .expect("an answer on the same connection");
                    if (resp.status, hostile_support::kind(&resp).as_deref())
                        != (status, Some(kind))
                    {
                        wrong.push(format!(
                            "#{i}: {} {:?}",
                            resp.status,
                            hostile_support::kind(&resp)
                        ));
                    }
                }
                wrong
            }));
        }
        for task in tasks {
            let wrong = task.await.expect("flood task");
            assert!(wrong.is_empty(), "{}: {wrong:?}", framework.name());
        }
        let name = framework.name();
        assert_eq!(
            server.store.len(),
            0,
            "{name}: a rejected request left a dedup entry"
        );
        let r = &server.receivers;
        let (vp, tv, vb) = (r.voxpria.stats(), r.tryvox.stats(), r.vobiz.stats());
        assert_eq!(
            vp.rejected("signature_mismatch"),
            FLOOD as u64 / 2,
            "{name}: {vp:?}"
        );
        assert_eq!(
            tv.rejected("invalid_credentials"),
            FLOOD as u64 / 4,
            "{name}: {tv:?}"
        );
        assert_eq!(
            vb.rejected("signature_mismatch"),
            FLOOD as u64 / 4,
            "{name}: {vb:?}"
        );
        for s in [&vp, &tv, &vb] {
            assert_eq!(
                (s.handled, s.duplicates, s.handler_failures),
                (0, 0, 0),
                "{name}: {s:?}"
            );
        }

        // A valid delivery of an event the flood named is processed fresh.
        let mut conn = Conn::open(server.addr).await;
        conn.send(&signed_bytes(
            "/voxpria/events",
            JSON,
            &voxpria_body("flood-0"),
        ))
        .await;
        let resp = conn.response(WAIT).await.expect("an answer");
        assert_eq!(
            (resp.status, resp.header("voxhook-replayed")),
            (200, None),
            "{name}"
        );
        assert_eq!(server.receivers.voxpria.stats().handled, 1, "{name}");
        assert_eq!(server.store.len(), 1, "{name}");
    }
}

/// A trickled upload answered at the budget leaves no claim: the same event
/// delivered properly afterwards runs the handler, fresh.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickled_upload_leaves_no_claim_behind() {
    for framework in Framework::BOTH {
        let name = framework.name();
        let (c, store) = config(Some(SHORT_BUDGET), Duration::ZERO);
        let server = start(framework, c, store);
        for (path, want) in [
            ("/tryvox/events", Voxhook(503, "deadline")),
            ("/tryvox/answer", Fallback(Provider::TryVox)),
        ] {
            let body = tryvox_body(&unique("trickle"));
            let send = Sending::Trickle {
                head: declared(path, body.len(), b""),
                body: body.clone(),
            };
            let entries = server.store.len();
            let got = observe(&server, &send, 1).await;
            assert_eq!(got.first(), Some(&want), "{name} {path}");
            assert_eq!(
                server.store.len(),
                entries,
                "{name} {path}: a claim was left behind"
            );

            let before = server.receivers.tryvox.stats().handled;
            let mut conn = Conn::open(server.addr).await;
            conn.send(&signed_bytes(path, JSON, &body)).await;
            let resp = conn.response(WAIT).await.expect("an answer");
            assert_eq!(resp.status, 200, "{name} {path}");
            assert_eq!(
                resp.header("voxhook-replayed"),
                None,
                "{name} {path}: not fresh"
            );
            assert_ne!(classify(&resp), Fallback(Provider::TryVox), "{name} {path}");
            assert_eq!(
                server.receivers.tryvox.stats().handled,
                before + 1,
                "{name} {path}"
            );
        }
        assert_eq!(server.receivers.tryvox.stats().deadline_misses, 2, "{name}");
    }
}

/// Raw request bytes with a request line of our choosing.
fn request_line(line: &str, req: &Req, framing: Framing) -> Vec<u8> {
    let bytes = wire(req, &[], framing);
    let end = bytes
        .windows(2)
        .position(|w| w == b"\r\n")
        .unwrap_or(bytes.len());
    [line.as_bytes(), &bytes[end..]].concat()
}

/// `bytes` with every CRLF replaced by a bare LF.
fn bare_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\r\n") {
            out.push(b'\n');
            i += 2;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_line_framing_and_trailer_oddities() {
    let tv = || tryvox(&tryvox_body(&unique("odd")));
    let big_declared = {
        let mut r = tv();
        r.body.clear();
        r.headers
            .push(("content-length".into(), (2 * LIMIT).to_string()));
        r.headers.push(("expect".into(), "100-continue".into()));
        wire(&r, &[], Framing::Own)
    };
    let expect_small = {
        let mut r = tv();
        r.headers.push(("expect".into(), "100-continue".into()));
        wire(&r, &[], Framing::Exact)
    };
    let vp = voxpria_body(&unique("trailer"));
    let with_trailer = |req: Req, trailer: &str| -> Vec<u8> {
        let mut b = wire(&req, &[], Framing::Chunked(16));
        b.truncate(b.len() - 2); // before the final CRLF: trailers go here
        b.extend_from_slice(trailer.as_bytes());
        b.extend_from_slice(b"\r\n\r\n");
        b
    };
    let signed_vp = signed("POST", "/voxpria/events", Some(JSON), &vp);
    let vp_sig = signed_vp
        .headers
        .iter()
        .find(|(n, _)| n == "x-webhook-signature")
        .expect("signed")
        .1
        .clone();
    let mut pipelined = Vec::new();
    for _ in 0..50 {
        pipelined.extend(keep_alive(tryvox_valid("/tryvox/events")));
    }
    let vobiz_form = format!(
        "CallUUID={}&From=%2B1555&Event=StartApp&CallStatus=in-progress",
        unique("abs")
    );
    let cases = vec![
        Case::split(
            "Expect: 100-continue, Content-Length 2 MiB, body withheld",
            bytes(big_declared),
            // hyper sends 100 only when the body is read; actix-http sends it
            // before the service runs.
            vec![Voxhook(413, "payload_too_large"), Closed],
            vec![Plain(100), Voxhook(413, "payload_too_large"), Closed],
        ),
        Case::both(
            "Expect: 100-continue, small body sent at once",
            bytes(expect_small),
            vec![Plain(100), Plain(200)],
        ),
        Case::both(
            "Content-Length overflowing 64 bits",
            bytes(lengths(b"{}", &["99999999999999999999999"], Framing::Own)),
            vec![Plain(400)],
        ),
        Case::both(
            "Content-Length: -1",
            bytes(lengths(b"{}", &["-1"], Framing::Own)),
            vec![Plain(400)],
        ),
        Case::both(
            "obsolete line folding in a header",
            bytes(wire(&tv(), &[("x-folded", b"a\r\n b")], Framing::Exact)),
            vec![Plain(400)],
        ),
        Case::both(
            "NUL in a header value",
            bytes(wire(&tv(), &[("x-nul", b"a\0b")], Framing::Exact)),
            vec![Plain(400)],
        ),
        Case::both(
            "bare LF line endings",
            bytes(bare_lf(&wire(&tv(), &[], Framing::Exact))),
            vec![Plain(200)],
        ),
        // hyper reads the chunked framing and leaves the coding to the
        // service (voxhook reads the bytes as sent); actix-http refuses.
        Case::split(
            "Transfer-Encoding: gzip, chunked (body not gzip)",
            bytes({
                let mut b = wire(
                    &tv(),
                    &[("transfer-encoding", b"gzip, chunked")],
                    Framing::Own,
                );
                let body = chunked(&tryvox_body(&unique("te")), 8);
                let head_end = b.len() - tv().body.len();
                b.truncate(head_end);
                b.extend_from_slice(&body);
                b
            }),
            vec![Plain(200)],
            vec![Plain(400)],
        ),
        Case::both(
            "Transfer-Encoding: xchunked",
            bytes(wire(
                &tv(),
                &[("transfer-encoding", b"xchunked")],
                Framing::Own,
            )),
            vec![Plain(400)],
        ),
        Case::both(
            "lower-case method",
            bytes(request_line(
                "post /tryvox/events HTTP/1.1",
                &tv(),
                Framing::Exact,
            )),
            vec![Voxhook(405, "method_not_allowed")],
        ),
        Case::both(
            "HTTP/1.0 request",
            bytes(request_line(
                "POST /tryvox/events HTTP/1.0",
                &tv(),
                Framing::Exact,
            )),
            vec![Plain(200)],
        ),
        Case::both(
            "absolute-form target (Vobiz: the signed path is the path)",
            bytes(request_line(
                "POST http://hostile.test/vobiz/events HTTP/1.1",
                &signed("POST", "/vobiz/events", Some(FORM), vobiz_form.as_bytes()),
                Framing::Exact,
            )),
            vec![Plain(200)],
        ),
        Case::split(
            "64 KB request target",
            bytes(request_line(
                &format!("POST /tryvox/events?{} HTTP/1.1", "q".repeat(64 * 1024)),
                &tv(),
                Framing::Exact,
            )),
            vec![Plain(414)],
            vec![Plain(400)],
        ),
        Case::both(
            "a signature in a chunked trailer only (unsigned headers)",
            bytes(with_trailer(
                Req::new("POST", "/voxpria/events", Some(JSON), &vp),
                &format!("x-webhook-signature: {vp_sig}"),
            )),
            vec![Voxhook(401, "missing_signature")],
        ),
        Case::both(
            "a bogus signature in a chunked trailer (signed headers)",
            bytes(with_trailer(
                signed_vp.clone().without("x-voxpria-signature"),
                "x-webhook-signature: t=1,v1=00",
            )),
            vec![Plain(200)],
        ),
        Case::both(
            "50 pipelined valid requests in one write",
            bytes(pipelined),
            vec![Plain(200); 50],
        ),
    ];
    run(cases).await;
}

/// A request head that never completes (silent, or trickling header lines),
/// or an idle kept-alive connection, does not hold the connection: actix answers 408 after its 5 s
/// `client_request_timeout`; axum, served by `serve_with_shutdown`, closes
/// it after `HEAD_TIMEOUT` (plain `axum::serve` kept it open for good).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_head_that_never_completes_is_cut_off() {
    let mut tasks = Vec::new();
    for framework in Framework::BOTH {
        let (c, store) = config(None, Duration::ZERO);
        let server = std::sync::Arc::new(start(framework, c, store));
        for trickle in [false, true] {
            let server = std::sync::Arc::clone(&server);
            tasks.push(tokio::spawn(async move {
                let mut conn = Conn::open(server.addr).await;
                let mut writer = conn.take_writer();
                let sending = tokio::spawn(async move {
                    let _ = writer
                        .write_all(b"POST /tryvox/events HTTP/1.1\r\nhost: x\r\n")
                        .await;
                    for _ in 0..20 {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        if trickle && writer.write_all(b"x-a: b\r\n").await.is_err() {
                            break;
                        }
                    }
                    std::future::pending::<()>().await;
                    drop(writer);
                });
                let started = std::time::Instant::now();
                let got = match conn.response(Duration::from_secs(9)).await {
                    Ok(resp) => Some(resp.status),
                    Err(End::Closed) => None,
                    Err(End::Silent) => panic!(
                        "{} trickle={trickle}: still open after 9 s",
                        server.framework.name()
                    ),
                };
                sending.abort();
                let want = match server.framework {
                    Framework::Axum => None,
                    Framework::Actix => Some(408),
                };
                assert_eq!(got, want, "{} trickle={trickle}", server.framework.name());
                assert!(
                    started.elapsed() < Duration::from_secs(8),
                    "{} trickle={trickle}",
                    server.framework.name()
                );
                assert_serving(&server, "head never completes").await;
            }));
        }
    }
    // An idle kept-alive connection is closed too (5 s on both).
    for framework in Framework::BOTH {
        let (c, store) = config(None, Duration::ZERO);
        let server = start(framework, c, store);
        tasks.push(tokio::spawn(async move {
            let name = server.framework.name();
            let mut conn = Conn::open(server.addr).await;
            conn.send(&keep_alive(tryvox_valid("/tryvox/events"))).await;
            let resp = conn.response(WAIT).await.expect("an answer");
            assert_eq!(resp.status, 200, "{name}");
            let started = std::time::Instant::now();
            assert_eq!(
                conn.end(Duration::from_secs(9)).await,
                End::Closed,
                "{name}: idle"
            );
            assert!(started.elapsed() < Duration::from_secs(8), "{name}: idle");
        }));
    }
    for task in tasks {
        task.await.expect("case");
    }
}
