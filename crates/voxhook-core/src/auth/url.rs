//! Reconstruction of the public URL a provider called, for URL-signed schemes.
//!
//! Order: the configured public base URL; else, only when the peer is a
//! trusted proxy, `Forwarded` / `X-Forwarded-Proto` / `X-Forwarded-Host`;
//! else `https://` + the `Host` header. The path is kept exactly as received;
//! fragments are never signed. Both default-port variants (present and
//! absent) are tried, as the official SDKs do.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use hmac::Mac;

use super::Scheme;
use super::context::Out;
use super::ip::TrustedProxies;
use crate::error::ConfigError;
use crate::request::Inbound;

/// The public base URL: scheme, authority and an optional path prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PublicBase {
    scheme: &'static str,
    host: Box<str>,
    port: Option<Box<str>>,
    prefix: Box<str>,
}

impl PublicBase {
    pub(crate) fn parse(url: &str) -> Result<Self, ConfigError> {
        const WHAT: &str = "public URL";
        let invalid = |why| ConfigError::Invalid { what: WHAT, why };
        let url = url.trim();
        let (scheme, rest) = if let Some(r) = strip_prefix_ci(url, "https://") {
            ("https", r)
        } else if let Some(r) = strip_prefix_ci(url, "http://") {
            ("http", r)
        } else {
            return Err(invalid("must start with http:// or https://"));
        };
        if rest.contains(['?', '#']) {
            return Err(invalid("must not have a query or fragment"));
        }
        if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("must not contain whitespace"));
        }
        let (authority, prefix) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(invalid("must not contain credentials"));
        }
        let (host, port) = split_port(authority);
        if host.is_empty() {
            return Err(invalid("has no host"));
        }
        if let Some(p) = port
            && (p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(invalid("has an invalid port"));
        }
        Ok(PublicBase {
            scheme,
            host: host.to_ascii_lowercase().into(),
            port: port.map(Into::into),
            prefix: prefix.trim_end_matches('/').into(),
        })
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Splits `host[:port]` (IPv6 hosts in brackets).
fn split_port(authority: &str) -> (&str, Option<&str>) {
    let after_bracket = authority.rfind(']').map_or(0, |i| i + 1);
    match authority[after_bracket..].rfind(':') {
        Some(i) => {
            let i = after_bracket + i;
            (&authority[..i], Some(&authority[i + 1..]))
        }
        None => (authority, None),
    }
}

/// How a URL-signed scheme finds the public URL.
#[derive(Debug, Clone, Default)]
pub(crate) struct UrlPolicy {
    pub(crate) base: Option<Arc<PublicBase>>,
    pub(crate) proxies: TrustedProxies,
}

/// The URL one request was (probably) sent to, as borrowed parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SignedUrl<'a> {
    pub(crate) scheme: &'a str,
    pub(crate) host: &'a str,
    pub(crate) port: Option<&'a str>,
    pub(crate) prefix: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
}

/// Where the URL came from, for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UrlSource {
    PublicBase,
    Forwarded,
    HostHeader,
}

impl fmt::Display for UrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UrlSource::PublicBase => "the configured public URL",
            UrlSource::Forwarded => "forwarding headers from a trusted proxy",
            UrlSource::HostHeader => "the Host header",
        })
    }
}

impl UrlPolicy {
    /// The URL of `req`, or `None` when there is no base URL and no `Host`.
    pub(crate) fn resolve<'a>(&'a self, req: &Inbound<'a>) -> Option<(SignedUrl<'a>, UrlSource)> {
        let target = req.target();
        let target = target.split('#').next().unwrap_or(target);
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (target, None),
        };
        if let Some(b) = &self.base {
            let url = SignedUrl {
                scheme: b.scheme,
                host: &b.host,
                port: b.port.as_deref(),
                prefix: &b.prefix,
                path,
                query,
            };
            return Some((url, UrlSource::PublicBase));
        }
        let h = req.headers();
        let mut scheme = "https";
        let mut authority = None;
        let mut source = UrlSource::HostHeader;
        if self.proxies.trusts(req.peer()) {
            let (proto, host) = forwarded(req);
            if let Some(p) = proto {
                scheme = p;
                source = UrlSource::Forwarded;
            }
            if host.is_some() {
                authority = host;
                source = UrlSource::Forwarded;
            }
        }
        let authority = match authority {
            Some(a) => a,
            None => h.first_str("host")?.trim(),
        };
        let (host, port) = split_port(authority);
        if host.is_empty() {
            return None;
        }
        let url = SignedUrl {
            scheme,
            host,
            port,
            prefix: "",
            path,
            query,
        };
        Some((url, source))
    }
}

/// `(proto, host)` from `Forwarded` (first element) or `X-Forwarded-*` (first value).
fn forwarded<'a>(req: &Inbound<'a>) -> (Option<&'static str>, Option<&'a str>) {
    let h = req.headers();
    let mut proto = None;
    let mut host = None;
    if let Some(v) = h.first_str("forwarded") {
        let first = v.split(',').next().unwrap_or("");
        for pair in first.split(';') {
            if let Some((k, val)) = pair.trim().split_once('=') {
                let val = val.trim().trim_matches('"');
                if k.eq_ignore_ascii_case("proto") {
                    proto = known_scheme(val);
                } else if k.eq_ignore_ascii_case("host") && !val.is_empty() {
                    host = Some(val);
                }
            }
        }
    }
    if proto.is_none() {
        proto = h
            .first_str("x-forwarded-proto")
            .and_then(|v| known_scheme(v.split(',').next().unwrap_or("").trim()));
    }
    if host.is_none() {
        host = h
            .first_str("x-forwarded-host")
            .map(|v| v.split(',').next().unwrap_or("").trim())
            .filter(|v| !v.is_empty());
    }
    (proto, host)
}

fn known_scheme(v: &str) -> Option<&'static str> {
    if v.eq_ignore_ascii_case("https") {
        Some("https")
    } else if v.eq_ignore_ascii_case("http") {
        Some("http")
    } else {
        None
    }
}

impl<'a> SignedUrl<'a> {
    fn default_port(&self) -> Option<&'static str> {
        match self.scheme {
            "https" => Some("443"),
            "http" => Some("80"),
            _ => None,
        }
    }

    /// The URL as given, then the other port form: without the port when one
    /// is given, with the scheme's default port when none is.
    pub(crate) fn variants(self) -> [Option<SignedUrl<'a>>; 2] {
        let other = match self.port {
            Some(_) => Some(SignedUrl { port: None, ..self }),
            None => self.default_port().map(|p| SignedUrl {
                port: Some(p),
                ..self
            }),
        };
        [Some(self), other]
    }

    /// Feeds `scheme://host[:port]prefix path[?query]` into a MAC without allocating.
    pub(crate) fn feed<M: Mac>(&self, mac: &mut M, with_query: bool) {
        mac.update(self.scheme.as_bytes());
        mac.update(b"://");
        mac.update(self.host.as_bytes());
        if let Some(p) = self.port {
            mac.update(b":");
            mac.update(p.as_bytes());
        }
        mac.update(self.prefix.as_bytes());
        mac.update(self.path.as_bytes());
        if with_query && let Some(q) = self.query {
            mac.update(b"?");
            mac.update(q.as_bytes());
        }
    }

    /// Writes `scheme://host[:port]prefix path` (no query).
    pub(crate) fn write_base(&self, s: &mut String) {
        let _ = write!(s, "{}://{}", self.scheme, self.host);
        if let Some(p) = self.port {
            let _ = write!(s, ":{p}");
        }
        s.push_str(self.prefix);
        s.push_str(self.path);
    }

    /// Tries both port variants with `attempt` (which returns the matching
    /// secret's index); notes every try and traces the variant that matched.
    /// `signed_tail` is what follows the URL in the signed string (for notes).
    pub(crate) fn find_variant(
        self,
        source: UrlSource,
        scheme: Scheme,
        with_query: bool,
        signed_tail: &str,
        out: &mut Out,
        attempt: impl Fn(&SignedUrl<'_>) -> Option<usize>,
    ) -> Option<usize> {
        for variant in self.variants().into_iter().flatten() {
            let shown = || format!("{}{signed_tail}", variant.display(with_query));
            if let Some(i) = attempt(&variant) {
                tracing::debug!(scheme = %scheme, url = %variant.display(with_query), "URL variant matched");
                out.note(scheme, || {
                    format!("secret #{i} matched URL {} (from {source})", shown())
                });
                return Some(i);
            }
            out.note(scheme, || {
                format!("tried URL {} (from {source}): no match", shown())
            });
        }
        None
    }

    pub(crate) fn display(&self, with_query: bool) -> String {
        let mut s = String::new();
        self.write_base(&mut s);
        if with_query && let Some(q) = self.query {
            s.push('?');
            s.push_str(q);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::ip::parse_nets;

    fn policy(base: Option<&str>, trusted: &[&str]) -> UrlPolicy {
        UrlPolicy {
            base: base.map(|b| Arc::new(PublicBase::parse(b).unwrap())),
            proxies: TrustedProxies(parse_nets(trusted).unwrap()),
        }
    }

    #[test]
    fn resolve_table() {
        struct Case {
            name: &'static str,
            base: Option<&'static str>,
            trusted: &'static [&'static str],
            peer: &'static str,
            headers: &'static [(&'static str, &'static str)],
            target: &'static str,
            want: Option<&'static str>,
        }
        let cases = [
            Case {
                name: "base wins over host",
                base: Some("https://hooks.example.com/"),
                trusted: &[],
                peer: "10.0.0.1",
                headers: &[("host", "internal:8080")],
                target: "/vobiz/answer?x=1#f",
                want: Some("https://hooks.example.com/vobiz/answer?x=1"),
            },
            Case {
                name: "base with prefix",
                base: Some("https://example.com/hooks"),
                trusted: &[],
                peer: "10.0.0.1",
                headers: &[],
                target: "/a",
                want: Some("https://example.com/hooks/a"),
            },
            Case {
                name: "host header",
                base: None,
                trusted: &[],
                peer: "10.0.0.1",
                headers: &[("Host", "example.com:8443")],
                target: "/a",
                want: Some("https://example.com:8443/a"),
            },
            Case {
                name: "forwarded ignored from untrusted peer",
                base: None,
                trusted: &["10.0.0.0/8"],
                peer: "203.0.113.1",
                headers: &[
                    ("host", "internal:8080"),
                    ("x-forwarded-proto", "http"),
                    ("x-forwarded-host", "evil.example"),
                ],
                target: "/a",
                want: Some("https://internal:8080/a"),
            },
            Case {
                name: "x-forwarded from trusted proxy",
                base: None,
                trusted: &["10.0.0.0/8"],
                peer: "10.0.0.1",
                headers: &[
                    ("host", "internal:8080"),
                    ("x-forwarded-proto", "https"),
                    ("x-forwarded-host", "hooks.example.com"),
                ],
                target: "/a",
                want: Some("https://hooks.example.com/a"),
            },
            Case {
                name: "forwarded header",
                base: None,
                trusted: &["10.0.0.0/8"],
                peer: "10.0.0.1",
                headers: &[
                    ("host", "internal"),
                    (
                        "forwarded",
                        "for=1.2.3.4;proto=http;host=\"pub.example\", for=10.0.0.3",
                    ),
                ],
                target: "/a",
                want: Some("http://pub.example/a"),
            },
            Case {
                name: "no host",
                base: None,
                trusted: &[],
                peer: "10.0.0.1",
                headers: &[],
                target: "/a",
                want: None,
            },
        ];
        for c in cases {
            let p = policy(c.base, c.trusted);
            let headers: Vec<(String, String)> = c
                .headers
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            let req = Inbound::new("POST", c.target, &headers, b"")
                .with_peer(Some(c.peer.parse().unwrap()));
            let got = p.resolve(&req).map(|(u, _)| u.display(true));
            assert_eq!(got.as_deref(), c.want, "{}", c.name);
        }
    }

    #[test]
    fn port_variants() {
        let p = policy(Some("https://example.com"), &[]);
        let h: [(&str, &str); 0] = [];
        let req = Inbound::new("POST", "/a", &h, b"");
        let (u, _) = p.resolve(&req).unwrap();
        let v: Vec<String> = u
            .variants()
            .into_iter()
            .flatten()
            .map(|u| u.display(false))
            .collect();
        assert_eq!(v, ["https://example.com/a", "https://example.com:443/a"]);
        let p = policy(Some("http://example.com:80"), &[]);
        let (u, _) = p.resolve(&req).unwrap();
        let v: Vec<String> = u
            .variants()
            .into_iter()
            .flatten()
            .map(|u| u.display(false))
            .collect();
        assert_eq!(v, ["http://example.com:80/a", "http://example.com/a"]);
    }

    #[test]
    fn bad_public_urls() {
        for bad in [
            "example.com",
            "ftp://x",
            "https://",
            "https://a?b=1",
            "https://u:p@x",
            "https://x:abc",
            "https://a b",
        ] {
            assert!(PublicBase::parse(bad).is_err(), "{bad}");
        }
        assert!(PublicBase::parse("https://[::1]:3000").is_ok());
    }
}
