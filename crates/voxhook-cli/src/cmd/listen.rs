//! `voxhook listen`: a local receiver that authenticates, decodes and prints every delivery,
//! and optionally relays it, re-signed, to the user's app.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use axum::body::Body;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, Method, StatusCode, Uri};
use voxhook_core::auth::Auth;
use voxhook_core::{Event, Inbound, Provider};

use crate::cli::{self, ListenArgs};
use crate::delivery::{self, Signed};
use crate::exit::{Outcome, usage};
use crate::secret::{self, Secret};
use crate::style::Style;

use super::verify::auth_for;

/// One provider this listener accepts.
struct Route {
    auth: Auth,
    secrets: Vec<Secret>,
}

struct Listener {
    fixed: Option<Provider>,
    routes: BTreeMap<Provider, Route>,
    forward_to: Option<String>,
    client: reqwest::Client,
    json: bool,
    style: Style,
}

pub(crate) async fn run(args: ListenArgs) -> anyhow::Result<Outcome> {
    let socket = tokio::net::TcpListener::bind(&args.addr)
        .await
        .map_err(|e| usage(format!("cannot listen on {}: {e}", args.addr)))?;
    let local = socket.local_addr()?;
    // Bound to every interface, local tools still call 127.0.0.1; a tunnel needs --public-url.
    let mut shown = local;
    if shown.ip().is_unspecified() {
        shown.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let public = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{shown}"));
    let providers: Vec<Provider> = match args.provider {
        Some(p) => vec![p],
        None => Provider::ALL.to_vec(),
    };
    let mut routes = BTreeMap::new();
    for p in providers {
        match secret::from_process(&args.secret, p) {
            Ok(secrets) => {
                let auth = auth_for(p, &secrets, Some(&public))?;
                routes.insert(p, Route { auth, secrets });
            }
            // With a named provider its credential is required; otherwise serve those we have.
            Err(e) if args.provider.is_some() => return Err(e),
            Err(_) => {}
        }
    }
    if routes.is_empty() {
        return Err(usage(
            "no credential for any provider: pass --provider and --secret, or set TRYVOX_TOKEN, \
             VOXTELESYS_BASIC, VOXPRIA_SECRET, VOBIZ_AUTH_TOKEN or VOXHOOK_SECRET",
        ));
    }
    if let Some(f) = &args.forward_to {
        delivery::provider_for(f, Some(Provider::Vobiz))?;
    }
    let names: Vec<&str> = routes.keys().map(|p| p.as_str()).collect();
    eprintln!(
        "voxhook: listening on http://{local} (public URL {public}; providers: {})",
        names.join(", ")
    );
    if let Some(f) = &args.forward_to {
        eprintln!("voxhook: relaying verified deliveries to {f}");
    }
    let state = Arc::new(Listener {
        fixed: args.provider,
        routes,
        forward_to: args.forward_to.clone(),
        client: delivery::client(cli::parse_duration("30s").unwrap_or_default())?,
        json: args.json,
        style: Style::stdout(),
    });
    let app = Router::new().fallback(handle).with_state(state);
    axum::serve(socket, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(Outcome::Passed)
}

impl Listener {
    /// A line beside an event: on stdout, or on stderr with `--json` so stdout stays one
    /// JSON document per line.
    fn note(&self, text: &str) {
        emit(self.json, text);
    }
}

/// Writes a line, ignoring a closed pipe (`voxhook listen | head` must not take the server down).
fn emit(to_stderr: bool, text: &str) {
    use std::io::Write as _;
    let _ = if to_stderr {
        writeln!(std::io::stderr(), "{text}")
    } else {
        writeln!(std::io::stdout(), "{text}")
    };
}

fn clock() -> String {
    let s = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    s.get(11..19).unwrap_or(&s).to_string()
}

fn reject(r: &voxhook_core::Rejection) -> Response {
    r.to_http_response().map(Body::from)
}

fn plain(status: StatusCode, body: &'static str) -> Response {
    (status, body).into_response()
}

async fn handle(
    State(st): State<Arc<Listener>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = uri
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .to_string();
    if uri.path() == "/healthz" {
        return plain(StatusCode::OK, "ok");
    }
    let line = format!("{}  {method} {target}", st.style.dim(&clock()));
    let provider = st.fixed.or_else(|| {
        uri.path()
            .trim_start_matches('/')
            .split('/')
            .next()
            .and_then(|s| s.parse().ok())
    });
    let Some((provider, route)) = provider.and_then(|p| st.routes.get(&p).map(|r| (p, r))) else {
        emit(
            false,
            &format!(
                "{line}  {} no provider for this path (configured: {})",
                st.style.bad("404"),
                st.routes
                    .keys()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        return reject(&voxhook_core::Rejection::NotFound);
    };
    let inbound = Inbound::new(method.as_str(), &target, &headers, &body);
    let verified = match route.auth.verify(&inbound).await {
        Ok(v) => v,
        Err(e) => {
            let r = e.rejection();
            emit(
                false,
                &format!(
                    "{line}  {provider}  {} {}: {e}",
                    st.style.bad("REJECTED"),
                    r.status()
                ),
            );
            // Say exactly why: headers found or missing, URL variants tried, timestamp skew.
            for note in route.auth.explain(&inbound).await.notes {
                st.note(&format!("    [{}] {}", note.scheme, note.text));
            }
            return reject(&r);
        }
    };
    let event = match voxhook_core::dialect::decode(provider, &inbound) {
        Ok(ev) => ev,
        Err(e) => {
            let r = e.rejection();
            emit(
                false,
                &format!(
                    "{line}  {provider}  {} {}: {e}",
                    st.style.bad("UNREADABLE"),
                    r.status()
                ),
            );
            return reject(&r);
        }
    };
    if st.json {
        emit(false, &event.to_json());
    } else {
        emit(
            false,
            &format!(
                "{line}  {provider} {}  {} {} #{}\n{}",
                st.style.bold(event.kind()),
                st.style.good("✓"),
                verified.scheme,
                verified.secret_index,
                summary(&event)
            ),
        );
    }
    let Some(forward) = &st.forward_to else {
        if event.is_actionable() {
            // The provider probably waits for VoxML here: answer the library's fallback.
            let doc = voxhook_core::voxml::fallback(provider);
            st.note(&format!(
                "    ← 200 the default fallback VoxML ({})",
                doc.content_type
            ));
            return (
                [(http::header::CONTENT_TYPE, doc.content_type)],
                Body::from(doc.body),
            )
                .into_response();
        }
        return StatusCode::OK.into_response();
    };
    let secret = route
        .secrets
        .get(verified.secret_index)
        .or_else(|| route.secrets.first());
    match relay(
        &st, provider, forward, &target, &method, &headers, &body, secret,
    )
    .await
    {
        Ok(resp) => resp,
        Err(msg) => {
            st.note(&format!("    {} relay failed: {msg}", st.style.bad("✗")));
            plain(StatusCode::BAD_GATEWAY, "relay failed")
        }
    }
}

/// The URL to relay to: `forward` (plus the received query) when it has a path,
/// else `forward` + the received target.
pub(crate) fn forward_url(forward: &str, target: &str) -> String {
    let base = forward.trim_end_matches('/');
    let has_path = reqwest::Url::parse(forward).is_ok_and(|u| u.path() != "/");
    match (has_path, target.split_once('?')) {
        (false, _) => format!("{base}{target}"),
        (true, Some((_, q))) if !forward.contains('?') => format!("{forward}?{q}"),
        (true, _) => forward.to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn relay(
    st: &Listener,
    provider: Provider,
    forward: &str,
    target: &str,
    method: &Method,
    headers: &HeaderMap,
    body: &Bytes,
    secret: Option<&Secret>,
) -> Result<Response, String> {
    let secret = secret.ok_or("no secret to re-sign with")?;
    let url = forward_url(forward, target);
    let mut out =
        delivery::sign_headers(provider, secret, &url, body, None).map_err(|e| e.to_string())?;
    if let Some(ct) = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        out.insert(0, ("content-type".into(), ct.to_string()));
    }
    let req = Signed {
        method: if method == Method::GET {
            cli::Method::Get
        } else {
            cli::Method::Post
        },
        url: url.clone(),
        headers: out,
        body: body.to_vec(),
    };
    let answer = delivery::send(&st.client, &req)
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let mut shown = format!(
        "    → {url}: {} in {:.1} ms",
        answer.status,
        answer.latency.as_secs_f64() * 1000.0
    );
    if !answer.body.is_empty() {
        let _ = write!(shown, "\n      {}", String::from_utf8_lossy(&answer.body));
    }
    if let Some(p) = crate::check::deadline_problem(provider, answer.latency) {
        let _ = write!(shown, "\n    {} {p}", st.style.bad("✗"));
    }
    st.note(&shown);
    let mut resp = Response::new(Body::from(answer.body));
    *resp.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
    for name in [
        "content-type",
        "voxhook-replayed",
        "retry-after",
        "www-authenticate",
    ] {
        if let Some(v) = answer.headers.get(name) {
            resp.headers_mut().insert(name, v.clone());
        }
    }
    Ok(resp)
}

/// The fields that matter, one indented line.
fn summary(ev: &Event) -> String {
    let d = ev.data();
    let mut parts = Vec::new();
    if let Some(id) = ev.call_id().or(ev.event_id()) {
        parts.push(format!("id {id}"));
    }
    if let Some(v) = ev.from() {
        parts.push(format!("from {v}"));
    }
    if let Some(v) = ev.to() {
        parts.push(format!("to {v}"));
    }
    if let Some(v) = ev.status_str() {
        parts.push(format!("status {v}"));
    }
    if let Some(v) = d.direction() {
        parts.push(format!("direction {v}"));
    }
    if let Some(v) = d.duration() {
        parts.push(format!("duration {v} s"));
    }
    if let Some(v) = ev.delivery_id() {
        parts.push(format!("delivery {v}"));
    }
    format!("    {}", parts.join("  "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_url_keeps_the_received_path_only_for_a_bare_origin() {
        let cases = [
            (
                "origin",
                "http://127.0.0.1:3000",
                "/vobiz/answer",
                "http://127.0.0.1:3000/vobiz/answer",
            ),
            (
                "origin slash",
                "http://127.0.0.1:3000/",
                "/vobiz/answer?x=1",
                "http://127.0.0.1:3000/vobiz/answer?x=1",
            ),
            (
                "with path",
                "http://127.0.0.1:3000/hooks/vobiz",
                "/vobiz/answer",
                "http://127.0.0.1:3000/hooks/vobiz",
            ),
            (
                "with path and query",
                "http://h/hooks",
                "/vobiz/answer?CallUUID=1",
                "http://h/hooks?CallUUID=1",
            ),
        ];
        for (name, fwd, target, want) in cases {
            assert_eq!(forward_url(fwd, target), want, "{name}");
        }
    }
}
