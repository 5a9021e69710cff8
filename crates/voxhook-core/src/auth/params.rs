//! The parameter strings URL-signed schemes append: sorted form and query
//! parameters (Twilio, Plivo V3), as the official SDKs build them.

use std::borrow::Cow;

/// Decoded `(name, value)` pairs sorted by name, then value (code point order,
/// as Python's `sorted` on `str`: upper case before lower case).
pub(crate) fn sorted_pairs(encoded: &[u8], keep_blank: bool) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    let mut v: Vec<_> = form_urlencoded::parse(encoded)
        .filter(|(_, val)| keep_blank || !val.is_empty())
        .collect();
    v.sort();
    v
}

/// Whether a content type is `application/x-www-form-urlencoded`.
pub(crate) fn is_form(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        ct.split(';').next().is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
    })
}

/// Plivo V3's string after the base URL (before `.nonce`):
/// GET: `?k=v&...` of the sorted query; POST: `?` + sorted query, then `.`
/// (only when both exist), then the sorted body params as `kv` without separators.
pub(crate) fn plivo_v3_suffix(
    method: &str,
    query: Option<&str>,
    form_body: Option<&[u8]>,
) -> String {
    let query = query.unwrap_or("").as_bytes();
    let get = method.eq_ignore_ascii_case("GET");
    let q = sorted_pairs(query, get);
    let mut qs = String::new();
    for (k, v) in &q {
        if !qs.is_empty() {
            qs.push('&');
        }
        qs.push_str(k);
        qs.push('=');
        qs.push_str(v);
    }
    let mut s = String::new();
    if get {
        if !qs.is_empty() {
            s.push('?');
            s.push_str(&qs);
        }
        return s;
    }
    let params = form_body.map(|b| sorted_pairs(b, true)).unwrap_or_default();
    if !qs.is_empty() || !params.is_empty() {
        s.push('?');
        s.push_str(&qs);
    }
    if !qs.is_empty() && !params.is_empty() {
        s.push('.');
    }
    for (k, v) in &params {
        s.push_str(k);
        s.push_str(v);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_is_by_code_point_then_value() {
        let got = sorted_pairs(b"b=2&a=9&a=1&B=3&c=", false);
        let got: Vec<(&str, &str)> = got.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
        assert_eq!(got, [("B", "3"), ("a", "1"), ("a", "9"), ("b", "2")]);
    }

    #[test]
    fn plivo_suffix_table() {
        let body = b"CallUUID=abc-123&From=%2B14155550100&To=%2B14155550111&Event=StartApp";
        let cases = [
            (
                "post params",
                "POST",
                None,
                Some(&body[..]),
                "?CallUUIDabc-123EventStartAppFrom+14155550100To+14155550111",
            ),
            (
                "post query and params",
                "POST",
                Some("b=2&a=1"),
                Some(&body[..]),
                "?a=1&b=2.CallUUIDabc-123EventStartAppFrom+14155550100To+14155550111",
            ),
            ("get query", "GET", Some("b=2&a=1"), None, "?a=1&b=2"),
            ("post nothing", "POST", None, None, ""),
            ("post query only", "POST", Some("x=1"), None, "?x=1"),
        ];
        for (name, method, query, body, want) in cases {
            assert_eq!(plivo_v3_suffix(method, query, body), want, "{name}");
        }
    }

    #[test]
    fn form_content_types() {
        assert!(is_form(Some(
            "application/x-www-form-urlencoded; charset=utf-8"
        )));
        assert!(!is_form(Some("application/json")));
        assert!(!is_form(None));
    }
}
