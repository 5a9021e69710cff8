//! Requests as the providers send them to the reference receiver, signed
//! with the auth module's signing helpers, in a framework-free form that
//! both the actix and the axum test apps can be fed.
#![allow(dead_code, unreachable_pub)] // each test file uses a different part; test-crate items

use voxhook::Provider;
use voxhook::auth::sign::{self, SignRequest};

use crate::reference::Config;

/// One request: method, target (path and query), headers, body.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Req {
    /// A request with no credentials.
    pub fn new(method: &str, target: &str, content_type: Option<&str>, body: &[u8]) -> Req {
        let mut headers = Vec::new();
        if let Some(ct) = content_type {
            headers.push(("content-type".to_owned(), ct.to_owned()));
        }
        Req {
            method: method.to_owned(),
            target: target.to_owned(),
            headers,
            body: body.to_vec(),
        }
    }

    /// The same request with `name: value` added (or replacing an existing one).
    pub fn header(mut self, name: &str, value: &str) -> Req {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers
            .push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }

    /// The same request without header `name`.
    pub fn without(mut self, name: &str) -> Req {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    /// The path (no query).
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("/")
    }

    /// An actix test request.
    pub fn to_actix(&self) -> actix_web::test::TestRequest {
        let mut req = actix_web::test::TestRequest::default()
            .method(self.method.parse().expect("method"))
            .uri(&self.target);
        for (name, value) in &self.headers {
            req = req.append_header((name.as_str(), value.as_str()));
        }
        if !self.body.is_empty() {
            req = req.set_payload(self.body.clone());
        }
        req
    }
}

/// The secret `provider`'s requests are signed with, as in `config`.
pub fn secret(config: &Config, provider: Provider) -> String {
    match provider {
        Provider::TryVox => config.tryvox_token.clone(),
        Provider::Voxtelesys => config.voxtelesys_basic.clone(),
        Provider::VoxPria => config.voxpria_secret.clone(),
        _ => config.vobiz_auth_token.clone(),
    }
}

/// `req` with the credentials `provider` sends (signed now, fresh nonce).
pub fn sign(config: &Config, provider: Provider, req: Req) -> Req {
    sign_with(config, provider, req, &secret(config, provider), None)
}

/// `req` signed with `secret`, at `timestamp` (Unix seconds) when given.
pub fn sign_with(
    config: &Config,
    provider: Provider,
    req: Req,
    secret: &str,
    timestamp: Option<i64>,
) -> Req {
    // Vobiz signs the public URL + the path as received, without the query.
    let url = format!("{}{}", config.public_url, req.path());
    let mut signing = SignRequest::new(&req.method, &url, &req.body);
    if let Some(t) = timestamp {
        signing = signing.timestamp(t);
    }
    let headers = sign::for_provider(provider, secret, &signing).expect("signing");
    let mut req = req.clone();
    for (name, value) in headers {
        req = req.header(&name, &value);
    }
    req
}

/// A provider's routes in the reference receiver: (path, whether GET is served).
pub fn routes(provider: Provider) -> Vec<&'static str> {
    crate::reference::ROUTES
        .iter()
        .filter(|r| r.provider == provider)
        .map(|r| r.path)
        .collect()
}

/// A small valid body for `provider` with its content type.
pub fn sample(provider: Provider) -> (&'static str, &'static [u8]) {
    match provider {
        Provider::TryVox => (
            "application/json",
            br#"{"event":"call.answered","call_uuid":"c-1","from":"+15550001111","to":"+15550002222","status":"answered"}"#,
        ),
        Provider::Voxtelesys => (
            "application/x-www-form-urlencoded",
            b"CallSid=vs-1&From=%2B15550001111&To=%2B15550002222&CallStatus=ringing&Direction=inbound",
        ),
        Provider::VoxPria => (
            "application/json",
            br#"{"event":"call.completed","call_id":"vp-1","from":"+15550001111","to":"+15550002222","status":"completed","duration":12}"#,
        ),
        _ => (
            "application/x-www-form-urlencoded",
            b"CallUUID=vb-1&From=%2B15550001111&To=%2B15550002222&Event=StartApp&CallStatus=in-progress&Direction=inbound",
        ),
    }
}

/// The test configuration: built-in defaults everywhere, quiet.
pub fn config() -> Config {
    Config::from_lookup(|name| (name == "VOXHOOK_QUIET").then(|| "1".to_owned()))
}

/// A request the reference receiver must refuse, with what it must answer.
#[derive(Debug, Clone)]
pub struct Rejecting {
    pub name: &'static str,
    pub req: Req,
    pub status: u16,
    pub kind: &'static str,
    pub header: Option<(&'static str, &'static str)>,
}

/// `req` for `provider`'s sample at `target`, signed; a GET carries the sample as its query.
pub fn signed(provider: Provider, method: &str, target: &str) -> Req {
    let (ct, body) = sample(provider);
    let req = if method == "GET" || method == "HEAD" {
        let query = std::str::from_utf8(body).expect("an ASCII sample");
        Req::new(method, &format!("{target}?{query}"), None, b"")
    } else {
        Req::new(method, target, Some(ct), body)
    };
    sign(&config(), provider, req)
}

/// Every rejection path of the reference receiver, one request each.
pub fn rejections(cfg: &Config) -> Vec<Rejecting> {
    let cfg = cfg.clone();
    let stale = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        - 3600;
    let big = vec![b'a'; 2 * 1024 * 1024];
    let (tv_ct, tv_body) = sample(Provider::TryVox);
    let (vp_ct, vp_body) = sample(Provider::VoxPria);
    let (vb_ct, vb_body) = sample(Provider::Vobiz);
    let (vs_ct, vs_body) = sample(Provider::Voxtelesys);
    vec![
        Rejecting {
            name: "unknown path",
            req: Req::new("GET", "/nope", None, b""),
            status: 404,
            kind: "not_found",
            header: None,
        },
        Rejecting {
            name: "trailing slash",
            req: Req::new("POST", "/tryvox/answer/", None, b""),
            status: 404,
            kind: "not_found",
            header: None,
        },
        Rejecting {
            name: "GET on a POST route",
            req: Req::new("GET", "/tryvox/answer", None, b""),
            status: 405,
            kind: "method_not_allowed",
            header: Some(("allow", "POST")),
        },
        Rejecting {
            name: "PUT on a GET|POST route",
            req: Req::new("PUT", "/vobiz/answer", None, b""),
            status: 405,
            kind: "method_not_allowed",
            header: Some(("allow", "GET, HEAD, POST")),
        },
        Rejecting {
            name: "DELETE on voxpria",
            req: Req::new("DELETE", "/voxpria/events", None, b""),
            status: 405,
            kind: "method_not_allowed",
            header: Some(("allow", "POST")),
        },
        Rejecting {
            name: "POST on healthz",
            req: Req::new("POST", "/healthz", None, b""),
            status: 405,
            kind: "method_not_allowed",
            header: Some(("allow", "GET, HEAD")),
        },
        Rejecting {
            name: "bearer missing",
            req: Req::new("POST", "/tryvox/answer", Some(tv_ct), tv_body),
            status: 401,
            kind: "missing_credentials",
            header: Some(("www-authenticate", r#"Bearer realm="voxhook""#)),
        },
        Rejecting {
            name: "bearer wrong",
            req: sign_with(
                &cfg,
                Provider::TryVox,
                Req::new("POST", "/tryvox/events", Some(tv_ct), tv_body),
                "other",
                None,
            ),
            status: 401,
            kind: "invalid_credentials",
            header: Some(("www-authenticate", r#"Bearer realm="voxhook""#)),
        },
        Rejecting {
            name: "basic missing",
            req: Req::new("POST", "/voxtelesys/voice", Some(vs_ct), vs_body),
            status: 401,
            kind: "missing_credentials",
            header: Some(("www-authenticate", r#"Basic realm="voxhook""#)),
        },
        Rejecting {
            name: "basic wrong",
            req: sign_with(
                &cfg,
                Provider::Voxtelesys,
                Req::new("POST", "/voxtelesys/status", Some(vs_ct), vs_body),
                "voxtelesys:nope",
                None,
            ),
            status: 401,
            kind: "invalid_credentials",
            header: Some(("www-authenticate", r#"Basic realm="voxhook""#)),
        },
        Rejecting {
            name: "voxpria unsigned",
            req: Req::new("POST", "/voxpria/events", Some(vp_ct), vp_body),
            status: 401,
            kind: "missing_signature",
            header: None,
        },
        Rejecting {
            name: "voxpria wrong secret",
            req: sign_with(
                &cfg,
                Provider::VoxPria,
                Req::new("POST", "/voxpria/events", Some(vp_ct), vp_body),
                "whsec_other",
                None,
            ),
            status: 403,
            kind: "signature_mismatch",
            header: None,
        },
        Rejecting {
            name: "voxpria stale",
            req: sign_with(
                &cfg,
                Provider::VoxPria,
                Req::new("POST", "/voxpria/events", Some(vp_ct), vp_body),
                &cfg.voxpria_secret,
                Some(stale),
            )
            .without("x-voxpria-signature"),
            status: 403,
            kind: "stale_timestamp",
            header: None,
        },
        Rejecting {
            name: "voxpria malformed",
            req: Req::new("POST", "/voxpria/events", Some(vp_ct), vp_body)
                .header("x-webhook-signature", "t=abc"),
            status: 403,
            kind: "malformed_signature",
            header: None,
        },
        Rejecting {
            name: "vobiz unsigned",
            req: Req::new("POST", "/vobiz/answer", Some(vb_ct), vb_body),
            status: 401,
            kind: "missing_signature",
            header: None,
        },
        Rejecting {
            name: "vobiz wrong token",
            req: sign_with(
                &cfg,
                Provider::Vobiz,
                Req::new("POST", "/vobiz/events", Some(vb_ct), vb_body),
                "other-token",
                None,
            ),
            status: 403,
            kind: "signature_mismatch",
            header: None,
        },
        Rejecting {
            name: "vobiz signed for another path",
            req: {
                let mut r = signed(Provider::Vobiz, "POST", "/vobiz/events");
                r.target = "/vobiz/answer".into();
                r
            },
            status: 403,
            kind: "signature_mismatch",
            header: None,
        },
        Rejecting {
            name: "too large",
            req: sign(
                &cfg,
                Provider::TryVox,
                Req::new("POST", "/tryvox/events", Some(tv_ct), &big),
            ),
            status: 413,
            kind: "payload_too_large",
            header: None,
        },
        Rejecting {
            name: "too large unauthenticated",
            req: Req::new("POST", "/voxpria/events", Some(vp_ct), &big),
            status: 413,
            kind: "payload_too_large",
            header: None,
        },
        Rejecting {
            name: "unsupported media type",
            req: sign(
                &cfg,
                Provider::TryVox,
                Req::new("POST", "/tryvox/events", Some("text/csv"), tv_body),
            ),
            status: 415,
            kind: "unsupported_media_type",
            header: None,
        },
        Rejecting {
            name: "malformed json",
            req: sign(
                &cfg,
                Provider::VoxPria,
                Req::new(
                    "POST",
                    "/voxpria/events",
                    Some("application/json"),
                    b"{nope",
                ),
            ),
            status: 400,
            kind: "malformed_payload",
            header: None,
        },
        Rejecting {
            name: "malformed form",
            req: sign(
                &cfg,
                Provider::Vobiz,
                Req::new(
                    "POST",
                    "/vobiz/events",
                    Some("application/x-www-form-urlencoded"),
                    b"no=event",
                ),
            ),
            status: 400,
            kind: "malformed_payload",
            header: None,
        },
    ]
}

/// A response read off a real socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wire {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Wire {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `req` to a real server over HTTP/1.1 (`Connection: close`) and
/// reads the whole response: a minimal client, enough for these tests.
pub async fn http(addr: std::net::SocketAddr, req: &Req) -> Wire {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mut head = format!(
        "{} {} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n",
        req.method, req.target
    );
    for (name, value) in &req.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", req.body.len()));
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(&req.body).await.expect("write body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");

    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = std::str::from_utf8(&raw[..split]).expect("an ASCII head");
    let (status, headers) = parse_head(head);
    let body = raw[split + 4..].to_vec();
    Wire {
        status,
        headers,
        body,
    }
}

/// A response head (without the blank line): the status and the headers,
/// names in lower case.
pub fn parse_head(head: &str) -> (u16, Vec<(String, String)>) {
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers)
}
