//! A borrowed, framework-free view of one inbound webhook request.
//!
//! Adapters build an [`Inbound`] from their framework's request without
//! copying headers or body; the auth chain and the dialect decoders read only
//! this view.

use std::fmt;
use std::net::IpAddr;

/// Read access to request headers, so both `http` 1.x header maps and other
/// frameworks' maps can be read without conversion.
///
/// Names are passed in lower case ASCII; implementations match them
/// case-insensitively. `Sync`, so an [`Inbound`] can be held across `.await`
/// in a `Send` future.
pub trait HeaderSource: Sync {
    /// The `index`-th value (0-based, in order received) of header `name`.
    fn nth(&self, name: &str, index: usize) -> Option<&[u8]>;

    /// The first value of header `name`.
    fn first(&self, name: &str) -> Option<&[u8]> {
        self.nth(name, 0)
    }

    /// The first value of header `name` when it is valid UTF-8.
    fn first_str(&self, name: &str) -> Option<&str> {
        self.first(name).and_then(|v| std::str::from_utf8(v).ok())
    }

    /// The first value of each header in `names` (lower case) into the slot
    /// of `out` with the same index; slots past either length are left alone.
    ///
    /// A scheme that reads several headers calls this once, so a map can
    /// answer in a single pass instead of one lookup per name.
    ///
    /// ```
    /// use voxhook_core::HeaderSource;
    ///
    /// let headers = [("webhook-id", "msg_1"), ("webhook-signature", "v1,abc")];
    /// let mut out = [None; 3];
    /// headers.first_each(&["webhook-id", "webhook-timestamp", "webhook-signature"], &mut out);
    /// assert_eq!(out, [Some(&b"msg_1"[..]), None, Some(&b"v1,abc"[..])]);
    /// ```
    fn first_each<'s>(&'s self, names: &[&str], out: &mut [Option<&'s [u8]>]) {
        for (name, slot) in names.iter().zip(out.iter_mut()) {
            *slot = self.first(name);
        }
    }

    /// How many values header `name` has.
    fn count(&self, name: &str) -> usize {
        let mut n = 0;
        while self.nth(name, n).is_some() {
            n += 1;
        }
        n
    }
}

impl HeaderSource for http::HeaderMap {
    fn nth(&self, name: &str, index: usize) -> Option<&[u8]> {
        self.get_all(name).iter().nth(index).map(|v| v.as_bytes())
    }

    fn first(&self, name: &str) -> Option<&[u8]> {
        // Read for every delivery: a standard name is found by its hash,
        // without comparing every header's name to it.
        if name == "content-type" || name.eq_ignore_ascii_case("content-type") {
            return self.get(http::header::CONTENT_TYPE).map(|v| v.as_bytes());
        }
        let mut out = [None];
        self.first_each(&[name], &mut out);
        out[0]
    }

    fn first_each<'s>(&'s self, names: &[&str], out: &mut [Option<&'s [u8]>]) {
        first_each_by_scan(
            self.iter().map(|(n, v)| (n.as_str(), v.as_bytes())),
            self.len(),
            names,
            out,
            |n| self.get(n).map(|v| v.as_bytes()),
        );
    }
}

/// [`HeaderSource::first_each`] (and, with one name, [`HeaderSource::first`])
/// for a map that can list its values: one pass comparing names, which for
/// the handful of headers a webhook carries is cheaper than parsing and
/// hashing every looked-up name. Past 32 values (a header flood) it makes one
/// `first` lookup per name instead.
///
/// `entries` yields every value, each name's values in the order received;
/// `len` is how many there are. Names are compared ASCII case-insensitively.
///
/// ```
/// use voxhook_core::request::first_each_by_scan;
///
/// let list = [("x-a", "1"), ("x-b", "2"), ("x-a", "3")];
/// let entries = list.iter().map(|(n, v)| (*n, v.as_bytes()));
/// let first = |name: &str| list.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_bytes());
/// let mut out = [None; 2];
/// first_each_by_scan(entries, list.len(), &["x-a", "x-c"], &mut out, first);
/// assert_eq!(out, [Some(&b"1"[..]), None]);
/// ```
pub fn first_each_by_scan<'s>(
    entries: impl Iterator<Item = (&'s str, &'s [u8])>,
    len: usize,
    names: &[&str],
    out: &mut [Option<&'s [u8]>],
    first: impl Fn(&str) -> Option<&'s [u8]>,
) {
    const SCAN_LIMIT: usize = 32;
    let n = names.len().min(out.len());
    let (names, out) = (&names[..n], &mut out[..n]);
    if len > SCAN_LIMIT {
        for (name, slot) in names.iter().zip(out.iter_mut()) {
            *slot = first(name);
        }
        return;
    }
    out.fill(None);
    let mut missing = n;
    for (name, value) in entries {
        if let Some(slot) = names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name))
            .and_then(|i| out.get_mut(i))
            && slot.is_none()
        {
            *slot = Some(value);
            missing -= 1;
            if missing == 0 {
                break;
            }
        }
    }
}

/// Headers as a list of `(name, value)` pairs, handy for tests and tools.
impl HeaderSource for [(&str, &str)] {
    fn nth(&self, name: &str, index: usize) -> Option<&[u8]> {
        self.iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .nth(index)
            .map(|(_, v)| v.as_bytes())
    }
}

impl<const N: usize> HeaderSource for [(&str, &str); N] {
    fn nth(&self, name: &str, index: usize) -> Option<&[u8]> {
        self.as_slice().nth(name, index)
    }
}

impl HeaderSource for Vec<(String, String)> {
    fn nth(&self, name: &str, index: usize) -> Option<&[u8]> {
        self.iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .nth(index)
            .map(|(_, v)| v.as_bytes())
    }
}

/// Everything voxhook needs to know about one request, borrowed.
///
/// ```
/// use voxhook_core::Inbound;
///
/// let headers = [("content-type", "application/json")];
/// let req = Inbound::new("POST", "/tryvox/answer?x=1", &headers, br#"{"event":"call.answered"}"#);
/// assert_eq!(req.path(), "/tryvox/answer");
/// assert_eq!(req.query(), Some("x=1"));
/// assert_eq!(req.content_type(), Some("application/json"));
/// ```
#[derive(Clone, Copy)]
pub struct Inbound<'a> {
    method: &'a str,
    target: &'a str,
    headers: &'a dyn HeaderSource,
    body: &'a [u8],
    peer: Option<IpAddr>,
}

impl<'a> Inbound<'a> {
    /// A view of a request: its method, its request target as received
    /// (path and query, e.g. `/vobiz/answer?x=1`), its headers and its body.
    pub fn new(
        method: &'a str,
        target: &'a str,
        headers: &'a dyn HeaderSource,
        body: &'a [u8],
    ) -> Self {
        Self {
            method,
            target,
            headers,
            body,
            peer: None,
        }
    }

    /// Sets the address of the connected peer (for IP allow-lists).
    pub fn with_peer(mut self, peer: Option<IpAddr>) -> Self {
        self.peer = peer;
        self
    }

    /// The HTTP method, e.g. `POST`.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The request target as received: path, and query if any (never a fragment).
    pub fn target(&self) -> &'a str {
        self.target
    }

    /// The path part of the target.
    pub fn path(&self) -> &'a str {
        self.split_target().0
    }

    /// The raw query string (without `?`), if the target has one.
    pub fn query(&self) -> Option<&'a str> {
        self.split_target().1
    }

    /// The target cut at its first `?`: the path, and the query if any.
    fn split_target(&self) -> (&'a str, Option<&'a str>) {
        // A byte search (read for every delivery's dedup key):
        // `str::find(char)` goes through the pattern machinery.
        let target = self.target;
        match target.bytes().position(|b| b == b'?') {
            Some(i) => (target.get(..i).unwrap_or(target), target.get(i + 1..)),
            None => (target, None),
        }
    }

    /// The headers.
    pub fn headers(&self) -> &'a dyn HeaderSource {
        self.headers
    }

    /// The body bytes exactly as received.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The connected peer's address, when the adapter knows it.
    pub fn peer(&self) -> Option<IpAddr> {
        self.peer
    }

    /// The `Content-Type` header value (first one), if it is valid UTF-8.
    pub fn content_type(&self) -> Option<&'a str> {
        self.headers.first_str("content-type")
    }

    /// Whether this is a `GET` (or `HEAD`) request whose payload is the query string.
    pub fn is_query_request(&self) -> bool {
        self.method.eq_ignore_ascii_case("GET") || self.method.eq_ignore_ascii_case("HEAD")
    }
}

impl fmt::Debug for Inbound<'_> {
    // Headers and body may carry credentials: show only their size.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbound")
            .field("method", &self.method)
            .field("path", &self.path())
            .field("body_len", &self.body.len())
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_splits_at_its_first_question_mark() {
        let cases = [
            ("/hooks", "/hooks", None),
            ("/hooks?a=1", "/hooks", Some("a=1")),
            ("/hooks?", "/hooks", Some("")),
            ("/hooks?a=1?b=2", "/hooks", Some("a=1?b=2")),
            ("?a=1", "", Some("a=1")),
            ("/h\u{e9}?q=\u{e9}", "/h\u{e9}", Some("q=\u{e9}")),
        ];
        let headers: [(&str, &str); 0] = [];
        for (target, path, query) in cases {
            let req = Inbound::new("GET", target, &headers, b"");
            assert_eq!((req.path(), req.query()), (path, query), "{target}");
        }
    }

    #[test]
    fn first_each_agrees_with_first_for_small_and_flooded_maps() {
        struct Case {
            name: &'static str,
            filler: usize,
        }
        let cases = [
            Case {
                name: "a few headers: one scan",
                filler: 3,
            },
            Case {
                name: "a header flood: one lookup per name",
                filler: 100,
            },
        ];
        let names = [
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "absent",
        ];
        for case in cases {
            let mut map = http::HeaderMap::new();
            for i in 0..case.filler {
                map.append(
                    http::HeaderName::from_bytes(format!("x-filler-{i}").as_bytes()).unwrap(),
                    http::HeaderValue::from_static("f"),
                );
            }
            map.append(
                "Webhook-Signature",
                http::HeaderValue::from_static("v1,first"),
            );
            map.append(
                "webhook-signature",
                http::HeaderValue::from_static("v1,second"),
            );
            map.append("WEBHOOK-ID", http::HeaderValue::from_static("msg_1"));
            map.append("webhook-timestamp", http::HeaderValue::from_static("12"));
            let mut out = [Some(&b"stale"[..]); 4];
            map.first_each(&names, &mut out);
            let expected = names.map(|n| map.get(n).map(|v| v.as_bytes()));
            assert_eq!(out, expected, "{}", case.name);
            let each = names.map(|n| map.first(n));
            assert_eq!(each, expected, "{}: first", case.name);
            let upper = names.map(|n| map.first(&n.to_ascii_uppercase()));
            assert_eq!(upper, expected, "{}: first, upper case", case.name);
            assert_eq!(out[2], Some(&b"v1,first"[..]), "{}", case.name);
            assert_eq!(out[3], None, "{}: a stale slot is cleared", case.name);
        }
    }

    #[test]
    fn content_type_is_the_first_value_by_any_case() {
        let mut m = http::HeaderMap::new();
        assert_eq!(m.first("content-type"), None);
        m.append("x-other", "x".parse().unwrap());
        m.append("Content-Type", "application/json".parse().unwrap());
        m.append("content-type", "text/plain".parse().unwrap());
        for name in ["content-type", "Content-Type", "CONTENT-TYPE"] {
            assert_eq!(m.first(name), Some(&b"application/json"[..]), "{name}");
        }
        let h: &dyn HeaderSource = &m;
        let req = Inbound::new("POST", "/x", h, b"{}");
        assert_eq!(req.content_type(), Some("application/json"));
        assert_eq!(m.nth("content-type", 1), Some(&b"text/plain"[..]));
    }

    #[test]
    fn header_lookup_is_case_insensitive_and_ordered() {
        let h = [
            ("X-Sig", "a"),
            ("x-sig", "b"),
            ("Content-Type", "text/plain"),
        ];
        assert_eq!(h.first("x-sig"), Some(&b"a"[..]));
        assert_eq!(h.nth("x-sig", 1), Some(&b"b"[..]));
        assert_eq!(h.count("x-sig"), 2);
        assert_eq!(h.count("missing"), 0);
    }

    #[test]
    fn http_header_map_is_a_source() {
        let mut m = http::HeaderMap::new();
        m.append("x-sig", "a".parse().unwrap());
        m.append("x-sig", "b".parse().unwrap());
        assert_eq!(
            m.first("X-Sig".to_ascii_lowercase().as_str()),
            Some(&b"a"[..])
        );
        assert_eq!(m.nth("x-sig", 1), Some(&b"b"[..]));
        assert_eq!(m.count("x-sig"), 2);
    }

    #[test]
    fn debug_hides_headers_and_body() {
        let h = [("authorization", "Bearer hunter2")];
        let req = Inbound::new("POST", "/x", &h, b"secret-body");
        let s = format!("{req:?}");
        assert!(!s.contains("hunter2") && !s.contains("secret-body"), "{s}");
    }
}
