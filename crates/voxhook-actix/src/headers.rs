//! Reading actix-web's header map through the core's [`HeaderSource`].

use std::fmt;

use actix_web::http::header::HeaderMap;
use voxhook_core::HeaderSource;

/// actix-web's [`HeaderMap`] (built on `http` 0.2) as a [`HeaderSource`],
/// borrowed: no header is copied or converted.
///
/// The middleware and extractors build their [`Inbound`](voxhook_core::Inbound)
/// with it; use it yourself to hand an actix request to the core directly.
///
/// ```
/// use actix_web::test::TestRequest;
/// use voxhook_actix::ActixHeaders;
/// use voxhook_core::HeaderSource;
///
/// let req = TestRequest::default()
///     .insert_header(("X-Webhook-Signature", "t=1,v1=ab"))
///     .to_http_request();
/// let headers = ActixHeaders(req.headers());
/// assert_eq!(headers.first_str("x-webhook-signature"), Some("t=1,v1=ab"));
/// ```
#[derive(Clone, Copy)]
pub struct ActixHeaders<'a>(pub &'a HeaderMap);

impl HeaderSource for ActixHeaders<'_> {
    fn nth(&self, name: &str, index: usize) -> Option<&[u8]> {
        self.0.get_all(name).nth(index).map(|v| v.as_bytes())
    }

    /// A pass over the distinct names, then one hash lookup: cheaper than
    /// walking every value, and no `HeaderName` is built from `name` (a
    /// custom one would allocate).
    fn first(&self, name: &str) -> Option<&[u8]> {
        let key = self.0.keys().find(|key| same_name(key.as_str(), name))?;
        self.0.get(key).map(|v| v.as_bytes())
    }

    /// As [`first`](Self::first), for several names in one pass.
    fn first_each<'s>(&'s self, names: &[&str], out: &mut [Option<&'s [u8]>]) {
        let n = names.len().min(out.len());
        let (names, out) = (&names[..n], &mut out[..n]);
        out.fill(None);
        let mut missing = n;
        for key in self.0.keys() {
            if missing == 0 {
                break;
            }
            let Some(slot) = names
                .iter()
                .position(|name| same_name(key.as_str(), name))
                .and_then(|i| out.get_mut(i))
            else {
                continue;
            };
            if slot.is_none() {
                *slot = self.0.get(key).map(|v| v.as_bytes());
                missing -= 1;
            }
        }
    }
}

/// Whether the map's `key` (always lower case) is `name`, in any case: an
/// exact compare first, since callers mostly ask in lower case.
fn same_name(key: &str, name: &str) -> bool {
    key.len() == name.len() && (key == name || key.eq_ignore_ascii_case(name))
}

impl fmt::Debug for ActixHeaders<'_> {
    // Header values may carry credentials: show only how many there are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActixHeaders")
            .field("len", &self.0.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn reads_values_in_order_case_insensitively() {
        let req = TestRequest::default()
            .append_header(("X-Sig", "a"))
            .append_header(("x-sig", "b"))
            .insert_header(("Content-Type", "text/plain"))
            .append_header(("content-type", "text/html"))
            .to_http_request();
        let h = ActixHeaders(req.headers());
        for name in ["x-sig", "X-Sig", "X-SIG"] {
            assert_eq!(h.first(name), Some(&b"a"[..]), "{name}");
        }
        assert_eq!(h.nth("x-sig", 1), Some(&b"b"[..]));
        assert_eq!(h.count("x-sig"), 2);
        for name in ["content-type", "Content-Type", "CONTENT-TYPE"] {
            assert_eq!(h.first_str(name), Some("text/plain"), "{name}");
        }
        assert_eq!(h.first("missing"), None);
    }

    #[test]
    fn first_each_fills_the_slots_it_has() {
        struct Case {
            name: &'static str,
            names: &'static [&'static str],
            slots: usize,
            want: &'static [Option<&'static str>],
        }
        let cases = [
            Case {
                name: "all found, any case",
                names: &["content-type", "X-SIG"],
                slots: 2,
                want: &[Some("text/plain"), Some("a")],
            },
            Case {
                name: "one missing",
                names: &["x-sig", "missing"],
                slots: 2,
                want: &[Some("a"), None],
            },
            Case {
                name: "fewer slots than names",
                names: &["x-sig", "content-type"],
                slots: 1,
                want: &[Some("a")],
            },
            Case {
                name: "more slots than names: the extra ones are left alone",
                names: &["x-sig"],
                slots: 2,
                want: &[Some("a"), Some("untouched")],
            },
            Case {
                name: "a repeated name fills its first slot",
                names: &["x-sig", "x-sig"],
                slots: 2,
                want: &[Some("a"), None],
            },
        ];
        let req = TestRequest::default()
            .append_header(("X-Sig", "a"))
            .append_header(("x-sig", "b"))
            .insert_header(("Content-Type", "text/plain"))
            .to_http_request();
        let h = ActixHeaders(req.headers());
        for case in cases {
            let mut out = vec![Some(&b"untouched"[..]); case.slots];
            h.first_each(case.names, &mut out);
            let got: Vec<_> = out
                .iter()
                .map(|v| v.map(|b| std::str::from_utf8(b).unwrap()))
                .collect();
            assert_eq!(got, case.want, "{}", case.name);
        }
    }

    #[test]
    fn debug_hides_values() {
        let req = TestRequest::default()
            .insert_header(("authorization", "Bearer hunter2"))
            .to_http_request();
        let s = format!("{:?}", ActixHeaders(req.headers()));
        assert!(!s.contains("hunter2"), "{s}");
    }
}
