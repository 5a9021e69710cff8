//! No secret, token, password, expected signature or body ever reaches the
//! logs (at TRACE), the error bodies and headers, or `Debug` output, whatever
//! the request and however it is rejected.

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;
use voxhook::auth::sign::{self, SignRequest};
use voxhook::dedup::StoredAnswer;
use voxhook::pipeline::{Admission, Mode, Outcome, Receiver, Reply};
use voxhook::{Auth, Inbound, Provider};

const TRYVOX_TOKEN: &str = "tv-SECRET-token-1234";
const VOXTELESYS_USER: &str = "vx-user";
const VOXTELESYS_PASSWORD: &str = "vx-PASSWORD-5678";
const VOXPRIA_SECRET: &str = "whsec_PRIA-SECRET-9012";
const VOBIZ_TOKEN: &str = "vobiz-TOKEN-3456";
const PUBLIC_URL: &str = "https://hooks.example.com";
const BODY_MARKER: &str = "BODY-MARKER-7e1f";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::ErrorKind::Other)?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

struct Case {
    name: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    path: &'static str,
}

fn tryvox_body() -> Vec<u8> {
    format!(r#"{{"event":"call.answered","call_uuid":"c-1","from":"+14155550100","transcript":"{BODY_MARKER}"}}"#).into_bytes()
}

fn voxpria_body() -> Vec<u8> {
    format!(r#"{{"event":"call.ended","data":{{"call_id":"call_1","status":"answered","transcript":"{BODY_MARKER}"}}}}"#).into_bytes()
}

fn vobiz_body() -> Vec<u8> {
    format!("Event=Hangup&CallUUID=u-1&CallStatus=completed&HangupCause=NORMAL_CLEARING&Marker={BODY_MARKER}").into_bytes()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn json_ct() -> (String, String) {
    ("content-type".into(), "application/json".into())
}

fn form_ct() -> (String, String) {
    (
        "content-type".into(),
        "application/x-www-form-urlencoded".into(),
    )
}

/// The signatures a correct request would carry: they must never be printed
/// when a wrong one arrives.
fn expected_signatures() -> Vec<String> {
    let mut out = Vec::new();
    let pria = voxpria_body();
    for (_, v) in sign::for_provider(
        Provider::VoxPria,
        VOXPRIA_SECRET,
        &SignRequest::new("POST", "https://x/voxpria/events", &pria).timestamp(now()),
    )
    .unwrap()
    {
        // `t=..,v1=<hex>` and `sha256=<hex>`: keep the hex part.
        out.push(v.rsplit('=').next().unwrap().to_owned());
    }
    let url = format!("{PUBLIC_URL}/vobiz/events");
    out.push(sign::vobiz_v3(VOBIZ_TOKEN, &url, "11111111111111111111"));
    out.push(sign::vobiz_v2(VOBIZ_TOKEN, &url, "11111111111111111111"));
    out
}

fn cases() -> Vec<(Receiver, Mode, Vec<Case>)> {
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{VOXTELESYS_USER}:{VOXTELESYS_PASSWORD}"));
    let wrong_basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{VOXTELESYS_USER}:not-the-password"));
    let vobiz_url = format!("{PUBLIC_URL}/vobiz/events");
    let vobiz_signed = |nonce: &str, body: &[u8]| {
        let mut h = sign::for_provider(
            Provider::Vobiz,
            VOBIZ_TOKEN,
            &SignRequest::new("POST", &vobiz_url, body).nonce(nonce.to_owned()),
        )
        .unwrap();
        h.push(form_ct());
        h
    };
    let pria_signed = |ts: i64, body: &[u8]| {
        let mut h = sign::for_provider(
            Provider::VoxPria,
            VOXPRIA_SECRET,
            &SignRequest::new("POST", "https://x/voxpria/events", body).timestamp(ts),
        )
        .unwrap();
        h.push(json_ct());
        h
    };
    let mut pria_other = pria_signed(
        now(),
        b"{\"event\":\"call.ended\",\"data\":{\"call_id\":\"other\"}}",
    );
    pria_other.retain(|(n, _)| n != "content-type");
    pria_other.push(json_ct());

    vec![
        (
            Receiver::builder(Provider::TryVox)
                .auth(Auth::tryvox([TRYVOX_TOKEN]))
                .build()
                .unwrap(),
            Mode::Answer,
            vec![
                Case {
                    name: "tryvox missing",
                    headers: vec![json_ct()],
                    body: tryvox_body(),
                    path: "/tryvox/answer",
                },
                Case {
                    name: "tryvox wrong token",
                    headers: vec![
                        ("authorization".into(), "Bearer tv-SECRET-token-1235".into()),
                        json_ct(),
                    ],
                    body: tryvox_body(),
                    path: "/tryvox/answer",
                },
                Case {
                    name: "tryvox malformed body",
                    headers: vec![
                        ("authorization".into(), format!("Bearer {TRYVOX_TOKEN}")),
                        json_ct(),
                    ],
                    body: format!("{{\"event\":\"{BODY_MARKER}").into_bytes(),
                    path: "/tryvox/answer",
                },
                Case {
                    name: "tryvox ok",
                    headers: vec![
                        ("authorization".into(), format!("Bearer {TRYVOX_TOKEN}")),
                        json_ct(),
                    ],
                    body: tryvox_body(),
                    path: "/tryvox/answer",
                },
            ],
        ),
        (
            Receiver::builder(Provider::Voxtelesys)
                .auth(Auth::basic(VOXTELESYS_USER, VOXTELESYS_PASSWORD))
                .build()
                .unwrap(),
            Mode::Events,
            vec![
                Case {
                    name: "voxtelesys wrong password",
                    headers: vec![
                        ("authorization".into(), format!("Basic {wrong_basic}")),
                        form_ct(),
                    ],
                    body: b"CallSid=CA1&CallStatus=completed".to_vec(),
                    path: "/voxtelesys/status",
                },
                Case {
                    name: "voxtelesys unsupported type",
                    headers: vec![
                        ("authorization".into(), format!("Basic {basic}")),
                        ("content-type".into(), "text/csv".into()),
                    ],
                    body: BODY_MARKER.as_bytes().to_vec(),
                    path: "/voxtelesys/status",
                },
                Case {
                    name: "voxtelesys ok",
                    headers: vec![
                        ("authorization".into(), format!("Basic {basic}")),
                        form_ct(),
                    ],
                    body: format!("CallSid=CA1&CallStatus=completed&Marker={BODY_MARKER}")
                        .into_bytes(),
                    path: "/voxtelesys/status",
                },
            ],
        ),
        (
            Receiver::builder(Provider::VoxPria)
                .auth(Auth::voxpria([VOXPRIA_SECRET]))
                .build()
                .unwrap(),
            Mode::Events,
            vec![
                Case {
                    name: "voxpria missing",
                    headers: vec![json_ct()],
                    body: voxpria_body(),
                    path: "/voxpria/events",
                },
                Case {
                    name: "voxpria signature for another body",
                    headers: pria_other,
                    body: voxpria_body(),
                    path: "/voxpria/events",
                },
                Case {
                    name: "voxpria stale",
                    headers: {
                        let mut h = pria_signed(now() - 3600, &voxpria_body());
                        h.retain(|(n, _)| n != "x-voxpria-signature");
                        h
                    },
                    body: voxpria_body(),
                    path: "/voxpria/events",
                },
                Case {
                    name: "voxpria malformed header",
                    headers: vec![
                        ("x-webhook-signature".into(), "t=abc,v1=zz".into()),
                        json_ct(),
                    ],
                    body: voxpria_body(),
                    path: "/voxpria/events",
                },
                Case {
                    name: "voxpria ok",
                    headers: pria_signed(now(), &voxpria_body()),
                    body: voxpria_body(),
                    path: "/voxpria/events",
                },
            ],
        ),
        (
            Receiver::builder(Provider::Vobiz)
                .auth(Auth::vobiz([VOBIZ_TOKEN]).public_url(PUBLIC_URL).unwrap())
                .build()
                .unwrap(),
            Mode::Events,
            vec![
                Case {
                    name: "vobiz wrong body is fine but wrong nonce signature is not",
                    headers: {
                        let mut h = vobiz_signed("11111111111111111111", &vobiz_body());
                        for (n, v) in h.iter_mut() {
                            if n.ends_with("-nonce") {
                                *v = "22222222222222222222".into();
                            }
                        }
                        h
                    },
                    body: vobiz_body(),
                    path: "/vobiz/events",
                },
                Case {
                    name: "vobiz ok",
                    headers: vobiz_signed("33333333333333333333", &vobiz_body()),
                    body: vobiz_body(),
                    path: "/vobiz/events",
                },
                Case {
                    name: "vobiz replay",
                    headers: vobiz_signed("33333333333333333333", &vobiz_body()),
                    body: vobiz_body(),
                    path: "/vobiz/events",
                },
            ],
        ),
    ]
}

#[test]
fn no_secret_reaches_logs_error_bodies_or_debug() {
    let captured = Captured::default();
    let _guard = tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish()
        .set_default();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut seen = String::new();
    let mut statuses = Vec::new();
    rt.block_on(async {
        for (receiver, mode, cases) in cases() {
            seen.push_str(&format!("{receiver:?}\n{:?}\n", receiver.auth()));
            for case in cases {
                let req = Inbound::new("POST", case.path, &case.headers, &case.body);
                seen.push_str(&format!("{:?}\n", receiver.auth().explain(&req).await));
                let reply = match receiver.admit(mode, &req, receiver.start()).await {
                    Admission::Respond(reply) => reply,
                    Admission::Run(d) => {
                        d.ticket
                            .run(async { Outcome::Answer(StoredAnswer::ack()) })
                            .await
                    }
                };
                statuses.push((case.name, reply.status()));
                if let Err(e) = receiver.auth().verify(&req).await {
                    seen.push_str(&format!("{e}\n{e:?}\n"));
                }
                if let Reply::Rejected(r) = &reply {
                    seen.push_str(&format!("{r}\n{r:?}\n"));
                }
                let http = reply.into_http_response();
                for (name, value) in http.headers() {
                    seen.push_str(&format!("{name}: {}\n", value.to_str().unwrap_or("")));
                }
                seen.push_str(&String::from_utf8_lossy(http.body()));
                seen.push('\n');
            }
        }
    });
    drop(_guard);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("voxhook"),
        "TRACE logging captured nothing: {logs}"
    );

    // Every case was answered as expected, so the paths above really ran.
    let expect: &[(&str, u16)] = &[
        ("tryvox missing", 401),
        ("tryvox wrong token", 401),
        ("tryvox malformed body", 400),
        ("tryvox ok", 200),
        ("voxtelesys wrong password", 401),
        ("voxtelesys unsupported type", 415),
        ("voxtelesys ok", 200),
        ("voxpria missing", 401),
        ("voxpria signature for another body", 403),
        ("voxpria stale", 403),
        ("voxpria malformed header", 403),
        ("voxpria ok", 200),
        (
            "vobiz wrong body is fine but wrong nonce signature is not",
            403,
        ),
        ("vobiz ok", 200),
        ("vobiz replay", 403),
    ];
    assert_eq!(statuses, expect);

    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{VOXTELESYS_USER}:{VOXTELESYS_PASSWORD}"));
    let mut forbidden = vec![
        TRYVOX_TOKEN.to_owned(),
        VOXTELESYS_PASSWORD.to_owned(),
        basic,
        VOXPRIA_SECRET.to_owned(),
        "PRIA-SECRET".to_owned(),
        VOBIZ_TOKEN.to_owned(),
        BODY_MARKER.to_owned(),
    ];
    forbidden.extend(expected_signatures());
    for needle in &forbidden {
        assert!(
            !logs.contains(needle.as_str()),
            "logs contain {needle:?}:\n{logs}"
        );
        assert!(
            !seen.contains(needle.as_str()),
            "output contains {needle:?}:\n{seen}"
        );
    }
}
