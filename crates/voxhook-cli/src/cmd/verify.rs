//! `voxhook verify`: does a captured request verify, and if not, exactly why.

use std::io::Read as _;

use voxhook_core::auth::{Auth, ManualClock};
use voxhook_core::{Inbound, Provider};

use crate::cli::VerifyArgs;
use crate::exit::{Outcome, usage};
use crate::secret::{self, Secret};
use crate::style::Style;

/// The `Auth` a provider's deliveries need, with every secret (rotation) and the public base URL.
///
/// # Errors
/// A usage error when a secret is not in the provider's form or the URL is not a base URL.
pub(crate) fn auth_for(
    provider: Provider,
    secrets: &[Secret],
    public_base: Option<&str>,
) -> anyhow::Result<Auth> {
    let values: Vec<&str> = secrets.iter().map(Secret::expose).collect();
    let auth = match provider {
        Provider::TryVox => Auth::tryvox(values),
        Provider::Voxtelesys => {
            let pairs: Vec<(&str, &str)> =
                values.iter().filter_map(|v| v.split_once(':')).collect();
            Auth::basic_pairs(pairs)
        }
        Provider::VoxPria => Auth::voxpria(values),
        _ => Auth::vobiz(values),
    };
    let auth = match public_base {
        Some(base) => auth
            .public_url(base)
            .map_err(|e| usage(format!("public URL {base:?}: {e}")))?,
        None => auth,
    };
    auth.validate()
        .map_err(|e| usage(format!("{provider} credentials: {e}")))?;
    Ok(auth)
}

/// A captured request: method, target, headers, body.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Captured {
    pub(crate) method: Option<String>,
    pub(crate) target: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// Reads `Name: value` lines (blank lines and a leading request line are skipped).
pub(crate) fn parse_headers(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| !k.is_empty() && !k.contains(' '))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Reads a raw HTTP request dump: request line, headers, blank line, body.
pub(crate) fn parse_dump(raw: &[u8]) -> anyhow::Result<Captured> {
    let split = find(raw, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| find(raw, b"\n\n").map(|i| (i, i + 2)));
    let (head, body) = match split {
        Some((end, start)) => (&raw[..end], raw[start..].to_vec()),
        None => (raw, Vec::new()),
    };
    let head = std::str::from_utf8(head).map_err(|_| usage("the request head is not UTF-8"))?;
    let mut lines = head.lines();
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split_whitespace();
    let (method, target) = match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v)) if v.starts_with("HTTP/") => (m.to_string(), t.to_string()),
        _ => {
            return Err(usage(
                "stdin is not a request dump (expected e.g. `POST /vobiz/answer HTTP/1.1`, headers, a blank line, the body)",
            ));
        }
    };
    let rest: Vec<&str> = lines.collect();
    Ok(Captured {
        method: Some(method),
        target: Some(target),
        headers: parse_headers(&rest.join("\n")),
        body,
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Splits an absolute URL into its origin (`scheme://host[:port]`) and its target (`/path?query`).
pub(crate) fn split_url(url: &str) -> anyhow::Result<(String, String)> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| usage(format!("--url {url:?} is not an absolute URL: {e}")))?;
    let origin = parsed.origin().ascii_serialization();
    let mut target = parsed.path().to_string();
    if let Some(q) = parsed.query() {
        target.push('?');
        target.push_str(q);
    }
    Ok((origin, target))
}

pub(crate) async fn run(args: VerifyArgs) -> anyhow::Result<Outcome> {
    let secrets = secret::from_process(&args.secret, args.provider)?;
    let captured = match (&args.headers_file, &args.body_file) {
        (Some(h), Some(b)) => {
            let text = std::fs::read_to_string(h)
                .map_err(|e| usage(format!("cannot read --headers-file {}: {e}", h.display())))?;
            let body = std::fs::read(b)
                .map_err(|e| usage(format!("cannot read --body-file {}: {e}", b.display())))?;
            Captured {
                headers: parse_headers(&text),
                body,
                ..Captured::default()
            }
        }
        _ => {
            let mut raw = Vec::new();
            std::io::stdin()
                .read_to_end(&mut raw)
                .map_err(|e| usage(format!("cannot read stdin: {e}")))?;
            parse_dump(&raw)?
        }
    };
    let style = Style::stdout();
    let (base, target) = match (&args.url, &captured.target) {
        (Some(url), received) => {
            let (origin, target) = split_url(url)?;
            if let Some(r) = received {
                let path = |t: &str| t.split('?').next().unwrap_or("").to_string();
                if path(r) != path(&target) {
                    outln!(
                        "{} the request arrived at {} but the provider called {}: checking against --url",
                        style.warn("!"),
                        path(r),
                        path(&target)
                    );
                }
            }
            (Some(origin), target)
        }
        (None, Some(t)) => (None, t.clone()),
        (None, None) => return Err(usage("--url is required with --headers-file")),
    };
    let method = captured
        .method
        .clone()
        .unwrap_or_else(|| args.method.clone());
    let mut auth = auth_for(args.provider, &secrets, base.as_deref())?;
    if let Some(now) = args.now {
        auth = auth.clock(ManualClock::shared(i64::try_from(now).unwrap_or(i64::MAX)));
    }
    let headers = captured.headers;
    let inbound = Inbound::new(&method, &target, &headers, &captured.body);
    let explanation = auth.explain(&inbound).await;
    match &base {
        Some(b) => outln!("{} {method} {b}{target}", args.provider),
        None => outln!(
            "{} {method} {target}  {}",
            args.provider,
            style.warn("(no --url: URL-signed schemes rebuild the URL from the Host header; pass --url with the public URL the provider called)")
        ),
    }
    let ok = match &explanation.result {
        Ok(v) => {
            outln!(
                "{} verifies: {} with secret #{} (by position, of {})",
                style.good("✓"),
                v.scheme,
                v.secret_index,
                secrets.len()
            );
            true
        }
        Err(e) => {
            let r = e.rejection();
            outln!(
                "{} does not verify: {e} (the receiver answers {} {})",
                style.bad("✗"),
                r.status(),
                r.kind()
            );
            false
        }
    };
    for note in &explanation.notes {
        outln!("  [{}] {}", note.scheme, note.text);
    }
    Ok(Outcome::from_ok(ok))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_dumps_parse() {
        type Want<'a> = Option<(&'a str, &'a str, usize, &'a [u8])>;
        let cases: [(&str, &[u8], Want<'_>); 4] = [
            (
                "crlf",
                b"POST /vobiz/answer HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\nCallUUID=1",
                Some(("POST", "/vobiz/answer", 2, b"CallUUID=1")),
            ),
            (
                "lf",
                b"GET /v?x=1 HTTP/1.1\nHost: h\n\n",
                Some(("GET", "/v?x=1", 1, b"")),
            ),
            (
                "no body",
                b"POST / HTTP/1.1\nA: b",
                Some(("POST", "/", 1, b"")),
            ),
            ("not a dump", b"{\"event\":1}", None),
        ];
        for (name, raw, want) in cases {
            let got = parse_dump(raw).ok();
            let got = got.as_ref().map(|c| {
                (
                    c.method.as_deref().unwrap_or(""),
                    c.target.as_deref().unwrap_or(""),
                    c.headers.len(),
                    c.body.as_slice(),
                )
            });
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn url_splits_into_origin_and_target() {
        let cases = [
            (
                "port",
                "http://127.0.0.1:3000/vobiz/answer",
                "http://127.0.0.1:3000",
                "/vobiz/answer",
            ),
            (
                "query",
                "https://h.example/a/b?x=1",
                "https://h.example",
                "/a/b?x=1",
            ),
            (
                "default port",
                "https://h.example:443/a",
                "https://h.example",
                "/a",
            ),
        ];
        for (name, url, origin, target) in cases {
            assert_eq!(
                split_url(url).unwrap(),
                (origin.into(), target.into()),
                "{name}"
            );
        }
    }
}
