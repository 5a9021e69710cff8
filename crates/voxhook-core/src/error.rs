//! The one rejection type every adapter answers with.
//!
//! Each [`Rejection`] knows its HTTP status, its machine-readable kind, the
//! extra headers it needs and its fixed JSON body, so the axum and actix
//! adapters answer byte for byte the same. The body never echoes input and
//! never contains a secret: details go to `tracing`, not to the client.

use std::borrow::Cow;
use std::fmt;

/// The authentication challenge sent with a 401, as configured on the route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Challenge {
    /// `WWW-Authenticate: Basic realm="voxhook"`.
    Basic,
    /// `WWW-Authenticate: Bearer realm="voxhook"`.
    Bearer,
    /// No `WWW-Authenticate` header (e.g. an API-key header scheme).
    None,
}

impl Challenge {
    /// The `WWW-Authenticate` header value for this challenge, if any.
    pub const fn header_value(self) -> Option<&'static str> {
        match self {
            Challenge::Basic => Some(r#"Basic realm="voxhook""#),
            Challenge::Bearer => Some(r#"Bearer realm="voxhook""#),
            Challenge::None => None,
        }
    }
}

/// Why voxhook refused a request, with its HTTP mapping.
///
/// ```
/// use voxhook_core::Rejection;
///
/// let r = Rejection::PayloadTooLarge;
/// assert_eq!(r.status(), 413);
/// assert_eq!(r.kind(), "payload_too_large");
/// assert!(r.body().starts_with(r#"{"error":"payload_too_large""#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rejection {
    /// The body cannot be read as its content type, or nothing identifies the event (400).
    MalformedPayload,
    /// No credentials were sent (401).
    MissingCredentials(Challenge),
    /// Credentials were sent but are wrong (401).
    InvalidCredentials(Challenge),
    /// A signature header the route requires is absent (401).
    MissingSignature,
    /// A signature header is present but cannot be parsed (403).
    MalformedSignature,
    /// The signature does not match the request (403).
    SignatureMismatch,
    /// The signed timestamp is outside the tolerance window (403).
    StaleTimestamp,
    /// The nonce was already seen within the replay window (403).
    ReplayedNonce,
    /// The peer address is not in the allow-list (403).
    ForbiddenAddress,
    /// No route matches (404).
    NotFound,
    /// The route exists but not for this method (405); carries the `Allow` value.
    MethodNotAllowed(Cow<'static, str>),
    /// The body is larger than the route's limit (413).
    PayloadTooLarge,
    /// The content type is not one the route's dialect reads (415).
    UnsupportedMediaType,
    /// The handler failed or panicked (500).
    HandlerFailed,
    /// The receiver is not configured correctly (500).
    Misconfigured,
    /// The dedup store could not be reached (503, fail-closed).
    StoreUnavailable,
    /// Another delivery of the same event is still running (503).
    InFlight,
    /// Too much background work is pending (503).
    Overloaded,
    /// An events route hit its budget before the handler finished (503).
    Deadline,
}

macro_rules! body {
    ($kind:literal, $detail:literal) => {
        concat!(r#"{"error":""#, $kind, r#"","detail":""#, $detail, r#""}"#)
    };
}

impl Rejection {
    /// The HTTP status code.
    pub const fn status(&self) -> u16 {
        match self {
            Rejection::MalformedPayload => 400,
            Rejection::MissingCredentials(_)
            | Rejection::InvalidCredentials(_)
            | Rejection::MissingSignature => 401,
            Rejection::MalformedSignature
            | Rejection::SignatureMismatch
            | Rejection::StaleTimestamp
            | Rejection::ReplayedNonce
            | Rejection::ForbiddenAddress => 403,
            Rejection::NotFound => 404,
            Rejection::MethodNotAllowed(_) => 405,
            Rejection::PayloadTooLarge => 413,
            Rejection::UnsupportedMediaType => 415,
            Rejection::HandlerFailed | Rejection::Misconfigured => 500,
            Rejection::StoreUnavailable
            | Rejection::InFlight
            | Rejection::Overloaded
            | Rejection::Deadline => 503,
        }
    }

    /// The machine-readable kind, as in the JSON body's `error` field.
    pub const fn kind(&self) -> &'static str {
        match self {
            Rejection::MalformedPayload => "malformed_payload",
            Rejection::MissingCredentials(_) => "missing_credentials",
            Rejection::InvalidCredentials(_) => "invalid_credentials",
            Rejection::MissingSignature => "missing_signature",
            Rejection::MalformedSignature => "malformed_signature",
            Rejection::SignatureMismatch => "signature_mismatch",
            Rejection::StaleTimestamp => "stale_timestamp",
            Rejection::ReplayedNonce => "replayed_nonce",
            Rejection::ForbiddenAddress => "forbidden_address",
            Rejection::NotFound => "not_found",
            Rejection::MethodNotAllowed(_) => "method_not_allowed",
            Rejection::PayloadTooLarge => "payload_too_large",
            Rejection::UnsupportedMediaType => "unsupported_media_type",
            Rejection::HandlerFailed => "handler_failed",
            Rejection::Misconfigured => "misconfigured",
            Rejection::StoreUnavailable => "store_unavailable",
            Rejection::InFlight => "in_flight",
            Rejection::Overloaded => "overloaded",
            Rejection::Deadline => "deadline",
        }
    }

    /// The fixed JSON body `{"error":"<kind>","detail":"<fixed text>"}`.
    pub const fn body(&self) -> &'static str {
        match self {
            Rejection::MalformedPayload => body!(
                "malformed_payload",
                "The body could not be read as a webhook event."
            ),
            Rejection::MissingCredentials(_) => {
                body!("missing_credentials", "Credentials are required.")
            }
            Rejection::InvalidCredentials(_) => {
                body!("invalid_credentials", "The credentials are not valid.")
            }
            Rejection::MissingSignature => {
                body!("missing_signature", "A webhook signature is required.")
            }
            Rejection::MalformedSignature => body!(
                "malformed_signature",
                "The webhook signature could not be parsed."
            ),
            Rejection::SignatureMismatch => body!(
                "signature_mismatch",
                "The webhook signature does not match."
            ),
            Rejection::StaleTimestamp => body!(
                "stale_timestamp",
                "The webhook timestamp is outside the accepted window."
            ),
            Rejection::ReplayedNonce => body!(
                "replayed_nonce",
                "This signed request was already received."
            ),
            Rejection::ForbiddenAddress => body!(
                "forbidden_address",
                "Requests from this address are not accepted."
            ),
            Rejection::NotFound => body!("not_found", "No webhook route matches."),
            Rejection::MethodNotAllowed(_) => body!(
                "method_not_allowed",
                "This method is not allowed on this route."
            ),
            Rejection::PayloadTooLarge => body!(
                "payload_too_large",
                "The body is larger than this route accepts."
            ),
            Rejection::UnsupportedMediaType => body!(
                "unsupported_media_type",
                "The content type is not supported on this route."
            ),
            Rejection::HandlerFailed => {
                body!("handler_failed", "The webhook handler failed.")
            }
            Rejection::Misconfigured => body!(
                "misconfigured",
                "The webhook receiver is not configured correctly."
            ),
            Rejection::StoreUnavailable => body!(
                "store_unavailable",
                "The deduplication store is unavailable; retry later."
            ),
            Rejection::InFlight => body!(
                "in_flight",
                "This delivery is already being processed; retry later."
            ),
            Rejection::Overloaded => {
                body!("overloaded", "The receiver is overloaded; retry later.")
            }
            Rejection::Deadline => body!(
                "deadline",
                "The handler did not finish in time; retry later."
            ),
        }
    }

    /// The `Content-Type` of [`Rejection::body`].
    pub const CONTENT_TYPE: &'static str = "application/json";

    /// The extra headers this rejection carries (`WWW-Authenticate`, `Allow`, `Retry-After`),
    /// as `(lower-case name, value)` pairs.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        let extra: Option<(&'static str, &str)> = match self {
            Rejection::MissingCredentials(c) | Rejection::InvalidCredentials(c) => {
                c.header_value().map(|v| ("www-authenticate", v))
            }
            Rejection::MethodNotAllowed(allow) => Some(("allow", allow.as_ref())),
            Rejection::StoreUnavailable
            | Rejection::InFlight
            | Rejection::Overloaded
            | Rejection::Deadline => Some(("retry-after", "1")),
            _ => None,
        };
        extra.into_iter()
    }

    /// Whether this rejection is an authentication failure (401 or 403 from the auth chain).
    pub const fn is_auth(&self) -> bool {
        matches!(
            self,
            Rejection::MissingCredentials(_)
                | Rejection::InvalidCredentials(_)
                | Rejection::MissingSignature
                | Rejection::MalformedSignature
                | Rejection::SignatureMismatch
                | Rejection::StaleTimestamp
                | Rejection::ReplayedNonce
                | Rejection::ForbiddenAddress
        )
    }

    /// Builds the complete `http` 1.x response for this rejection.
    pub fn to_http_response(&self) -> http::Response<bytes::Bytes> {
        let mut builder = http::Response::builder()
            .status(self.status())
            .header(http::header::CONTENT_TYPE, Self::CONTENT_TYPE);
        for (name, value) in self.headers() {
            builder = builder.header(name, value);
        }
        builder
            .body(bytes::Bytes::from_static(self.body().as_bytes()))
            // Every status and header value above is a valid constant or an `Allow`
            // list built from method names, so the builder cannot fail; fall back
            // to a bare 500 rather than panic if it ever did.
            .unwrap_or_else(|_| {
                let mut r = http::Response::new(bytes::Bytes::from_static(
                    Rejection::Misconfigured.body().as_bytes(),
                ));
                *r.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
                r
            })
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.kind(), self.status())
    }
}

impl std::error::Error for Rejection {}

/// A configuration error, returned by builders (never per request, never a panic).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A value given to a builder is not valid; `what` names the setting, never its secret value.
    Invalid {
        /// The setting that is wrong, e.g. `"whsec_ secret"`.
        what: &'static str,
        /// Why it is wrong, in fixed words.
        why: &'static str,
    },
    /// A required setting was not given.
    Missing(&'static str),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Invalid { what, why } => write!(f, "invalid {what}: {why}"),
            ConfigError::Missing(what) => write!(f, "missing {what}"),
        }
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[Rejection] = &[
        Rejection::MalformedPayload,
        Rejection::MissingCredentials(Challenge::Basic),
        Rejection::InvalidCredentials(Challenge::Bearer),
        Rejection::MissingSignature,
        Rejection::MalformedSignature,
        Rejection::SignatureMismatch,
        Rejection::StaleTimestamp,
        Rejection::ReplayedNonce,
        Rejection::ForbiddenAddress,
        Rejection::NotFound,
        Rejection::MethodNotAllowed(Cow::Borrowed("GET, POST")),
        Rejection::PayloadTooLarge,
        Rejection::UnsupportedMediaType,
        Rejection::HandlerFailed,
        Rejection::Misconfigured,
        Rejection::StoreUnavailable,
        Rejection::InFlight,
        Rejection::Overloaded,
        Rejection::Deadline,
    ];

    #[test]
    fn every_body_is_json_naming_its_kind() {
        for r in ALL {
            let v: serde_json::Value =
                serde_json::from_str(r.body()).unwrap_or_else(|_| panic!("{}", r.kind()));
            assert_eq!(v["error"], r.kind(), "{r:?}");
            assert!(v["detail"].as_str().is_some_and(|d| !d.is_empty()));
            assert_eq!(v.as_object().map(|o| o.len()), Some(2));
        }
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn statuses_and_headers_follow_the_table() {
        let table: &[(&Rejection, u16, Option<(&str, &str)>)] = &[
            (&ALL[0], 400, None),
            (
                &ALL[1],
                401,
                Some(("www-authenticate", r#"Basic realm="voxhook""#)),
            ),
            (
                &ALL[2],
                401,
                Some(("www-authenticate", r#"Bearer realm="voxhook""#)),
            ),
            (&ALL[3], 401, None),
            (&ALL[7], 403, None),
            (&ALL[10], 405, Some(("allow", "GET, POST"))),
            (&ALL[11], 413, None),
            (&ALL[12], 415, None),
            (&ALL[15], 503, Some(("retry-after", "1"))),
            (&ALL[18], 503, Some(("retry-after", "1"))),
        ];
        for (r, status, header) in table {
            assert_eq!(r.status(), *status, "{r:?}");
            assert_eq!(r.headers().next(), *header, "{r:?}");
        }
    }

    #[test]
    fn http_response_carries_status_headers_and_body() {
        let resp = Rejection::MissingCredentials(Challenge::Bearer).to_http_response();
        assert_eq!(resp.status(), 401);
        assert_eq!(resp.headers()["content-type"], "application/json");
        assert_eq!(
            resp.headers()["www-authenticate"],
            r#"Bearer realm="voxhook""#
        );
        assert_eq!(
            resp.body().as_ref(),
            Rejection::MissingCredentials(Challenge::Bearer)
                .body()
                .as_bytes()
        );
    }
}
