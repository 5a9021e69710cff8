//! One delivery: the payload of a template (or a file), signed for a URL and sent.

use std::time::{Duration, Instant};

use bytes::Bytes;
use voxhook_core::Provider;

use crate::cli::{DeliveryArgs, Method};
use crate::exit::usage;
use voxhook_core::auth::sign::{self, SignRequest};

use crate::secret::Secret;
use crate::templates::{self, Overrides, Payload};

/// The provider named by `--provider`, else by the URL's first path segment.
///
/// # Errors
/// A usage error when the URL is not an absolute http(s) URL or names no provider.
pub(crate) fn provider_for(url: &str, explicit: Option<Provider>) -> anyhow::Result<Provider> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| usage(format!("{url:?} is not an absolute URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(usage(format!(
            "{url:?}: only http and https URLs are supported"
        )));
    }
    if let Some(p) = explicit {
        return Ok(p);
    }
    parsed
        .path_segments()
        .and_then(|mut s| s.next())
        .and_then(|first| first.parse().ok())
        .ok_or_else(|| {
            usage(format!(
                "cannot tell the provider from {url:?}: pass --provider tryvox|voxtelesys|voxpria|vobiz"
            ))
        })
}

/// A delivery ready to be signed: same bytes on every attempt.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) provider: Provider,
    pub(crate) kind: String,
    pub(crate) method: Method,
    pub(crate) content_type: Option<String>,
    /// The body (POST) or the query string (GET).
    pub(crate) payload: Vec<u8>,
}

/// Builds a delivery from the arguments: a template with fresh ids, or `--body-file`.
///
/// # Errors
/// A usage error for an unknown kind, a bad `--set`, or an unreadable body file.
pub(crate) fn prepare(provider: Provider, args: &DeliveryArgs) -> anyhow::Result<Prepared> {
    let (content_type, payload) = match &args.body_file {
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| usage(format!("cannot read --body-file {}: {e}", path.display())))?;
            let ct = args.content_type.clone().unwrap_or_else(|| {
                if bytes.trim_ascii_start().starts_with(b"{") {
                    "application/json".into()
                } else {
                    "application/x-www-form-urlencoded".into()
                }
            });
            (Some(ct), bytes)
        }
        None => {
            let ov = Overrides {
                call_id: args.call_id.clone(),
                from: args.from.clone(),
                to: args.to.clone(),
                set: args.set.clone(),
            };
            let p = templates::build(provider, &args.event, &ov)?;
            if args.method == Method::Get && matches!(p, Payload::Json(_)) {
                return Err(usage(format!(
                    "{provider} {} is a JSON delivery; it cannot be sent with --method get",
                    args.event
                )));
            }
            let ct = args
                .content_type
                .clone()
                .unwrap_or_else(|| p.content_type().to_string());
            (Some(ct), p.to_bytes())
        }
    };
    let content_type = if args.method == Method::Get {
        None
    } else {
        content_type
    };
    Ok(Prepared {
        provider,
        kind: args.event.clone(),
        method: args.method,
        content_type,
        payload,
    })
}

/// A signed request.
#[derive(Debug, Clone)]
pub(crate) struct Signed {
    pub(crate) method: Method,
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Prepared {
    /// Signs the delivery for `url` now (a fresh nonce and timestamp every call).
    ///
    /// # Errors
    /// A usage error when the secret is not in the provider's form.
    pub(crate) fn sign(&self, url: &str, secret: &Secret) -> anyhow::Result<Signed> {
        let (full_url, body) = match self.method {
            Method::Post => (url.to_string(), self.payload.clone()),
            Method::Get => {
                let sep = if url.contains('?') { '&' } else { '?' };
                let q = String::from_utf8_lossy(&self.payload);
                (format!("{url}{sep}{q}"), Vec::new())
            }
        };
        let mut headers = sign_headers(self.provider, secret, &full_url, &body, None)?;
        if let Some(ct) = &self.content_type {
            headers.insert(0, ("content-type".into(), ct.clone()));
        }
        headers.push(("user-agent".into(), user_agent(self.provider)));
        Ok(Signed {
            method: self.method,
            url: full_url,
            headers,
            body,
        })
    }
}

/// The headers `provider` sends for this URL and body, signed now (or at `at`, Unix
/// seconds) with a fresh nonce.
///
/// # Errors
/// A usage error when the secret is not in the provider's form.
pub(crate) fn sign_headers(
    provider: Provider,
    secret: &Secret,
    url: &str,
    body: &[u8],
    at: Option<i64>,
) -> anyhow::Result<Vec<(String, String)>> {
    let method = if body.is_empty() { "GET" } else { "POST" };
    let mut req = SignRequest::new(method, url, body);
    if let Some(t) = at {
        req = req.timestamp(t);
    }
    sign::for_provider(provider, secret.expose(), &req)
        .map_err(|e| usage(format!("cannot sign as {provider}: {e}")))
}

fn user_agent(provider: Provider) -> String {
    format!("voxhook-cli/{} ({provider})", env!("CARGO_PKG_VERSION"))
}

/// What came back.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) latency: Duration,
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// An HTTP client with rustls and the given per-request timeout.
///
/// # Errors
/// When the TLS stack cannot be set up.
pub(crate) fn client(timeout: Duration) -> anyhow::Result<reqwest::Client> {
    // reqwest is built without a default crypto provider (no C toolchain for aws-lc);
    // install ring once. A second install reports "already installed", which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Ok(reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

/// Sends a signed request and reads the whole answer.
///
/// # Errors
/// A transport error (refused, timed out, reset).
pub(crate) async fn send(client: &reqwest::Client, req: &Signed) -> reqwest::Result<Answer> {
    let method = match req.method {
        Method::Post => reqwest::Method::POST,
        Method::Get => reqwest::Method::GET,
    };
    let mut builder = client.request(method, &req.url);
    for (k, v) in &req.headers {
        builder = builder.header(k, v);
    }
    if req.method == Method::Post {
        builder = builder.body(req.body.clone());
    }
    let started = Instant::now();
    let resp = builder.send().await?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.bytes().await?;
    Ok(Answer {
        status,
        headers,
        body,
        latency: started.elapsed(),
    })
}

/// Whether the provider counts this status as delivered (Vobiz accepts only 200).
pub(crate) fn is_success(provider: Provider, status: u16) -> bool {
    match provider {
        Provider::Vobiz => status == 200,
        _ => (200..300).contains(&status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_from_flag_or_path() {
        let cases = [
            (
                "path vobiz",
                "http://127.0.0.1:3000/vobiz/answer",
                None,
                Some(Provider::Vobiz),
            ),
            (
                "path case",
                "http://h/TryVox/answer",
                None,
                Some(Provider::TryVox),
            ),
            (
                "flag wins",
                "http://h/vobiz/answer",
                Some(Provider::VoxPria),
                Some(Provider::VoxPria),
            ),
            ("unknown path", "http://h/hooks", None, None),
            ("not a url", "vobiz/answer", Some(Provider::Vobiz), None),
            ("ftp", "ftp://h/vobiz", None, None),
        ];
        for (name, url, flag, want) in cases {
            assert_eq!(provider_for(url, flag).ok(), want, "{name}");
        }
    }

    #[test]
    fn get_puts_the_form_in_the_query_and_signs_each_time_afresh() {
        let args = DeliveryArgs {
            provider: None,
            event: "call.ringing".into(),
            call_id: Some("c-1".into()),
            from: None,
            to: None,
            set: vec![],
            body_file: None,
            content_type: None,
            method: Method::Get,
        };
        let p = prepare(Provider::Vobiz, &args).unwrap();
        let secret = Secret::new("t");
        let a = p.sign("http://h/vobiz/answer", &secret).unwrap();
        let b = p.sign("http://h/vobiz/answer", &secret).unwrap();
        assert!(
            a.url
                .starts_with("http://h/vobiz/answer?Event=Ring&CallUUID=c-1"),
            "{}",
            a.url
        );
        assert!(a.body.is_empty());
        assert!(!a.headers.iter().any(|(k, _)| k == "content-type"));
        let nonce = |s: &Signed| {
            s.headers
                .iter()
                .find(|(k, _)| k == "x-vobiz-signature-v3-nonce")
                .map(|(_, v)| v.clone())
        };
        assert_ne!(nonce(&a), nonce(&b));
    }

    #[test]
    fn vobiz_needs_exactly_200() {
        let cases = [
            (Provider::Vobiz, 200, true),
            (Provider::Vobiz, 204, false),
            (Provider::TryVox, 204, true),
            (Provider::VoxPria, 503, false),
        ];
        for (p, status, ok) in cases {
            assert_eq!(is_success(p, status), ok, "{p} {status}");
        }
    }
}
