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

    fn first(&self, name: &str) -> Option<&[u8]> {
        let mut out = [None];
        self.first_each(&[name], &mut out);
        out[0]
    }

    fn first_each<'s>(&'s self, names: &[&str], out: &mut [Option<&'s [u8]>]) {
        voxhook_core::request::first_each_by_scan(
            self.0.iter().map(|(n, v)| (n.as_str(), v.as_bytes())),
            self.0.len(),
            names,
            out,
            |n| self.0.get(n).map(|v| v.as_bytes()),
        );
    }
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
            .to_http_request();
        let h = ActixHeaders(req.headers());
        assert_eq!(h.first("x-sig"), Some(&b"a"[..]));
        assert_eq!(h.nth("x-sig", 1), Some(&b"b"[..]));
        assert_eq!(h.count("x-sig"), 2);
        assert_eq!(h.first_str("content-type"), Some("text/plain"));
        assert_eq!(h.first("missing"), None);
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
