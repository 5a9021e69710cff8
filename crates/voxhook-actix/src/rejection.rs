//! [`WebhookRejection`]: the core's [`Rejection`] as an actix-web error response.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use voxhook_core::Rejection;

/// A voxhook [`Rejection`] answered by actix-web with exactly the core's
/// status, headers (`WWW-Authenticate`, `Allow`, `Retry-After`) and JSON body:
/// the same bytes as the axum adapter's `WebhookRejection`.
///
/// It is the error type of the extractors in this crate, and the way a
/// handler (or a default service) answers with a voxhook error:
///
/// ```
/// use actix_web::ResponseError;
/// use voxhook_actix::WebhookRejection;
/// use voxhook_core::Rejection;
///
/// let response = WebhookRejection(Rejection::NotFound).error_response();
/// assert_eq!(response.status(), 404);
/// assert_eq!(response.headers().get("content-type").unwrap(), "application/json");
/// ```
///
/// The [`Rejection`] is also put in the response's extensions, so an outer
/// middleware (logging, metrics) can read the kind without parsing the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRejection(pub Rejection);

impl WebhookRejection {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The JSON body, as sent.
    pub fn body_text(&self) -> String {
        self.0.body().to_owned()
    }

    /// The machine-readable kind (the body's `error` field).
    pub fn kind(&self) -> &'static str {
        self.0.kind()
    }

    /// The core rejection.
    pub fn into_inner(self) -> Rejection {
        self.0
    }
}

impl From<Rejection> for WebhookRejection {
    fn from(r: Rejection) -> Self {
        WebhookRejection(r)
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl ResponseError for WebhookRejection {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        rejection_response(&self.0)
    }
}

/// The response for `rejection`: status, `Content-Type: application/json`,
/// its extra headers and its fixed body; the rejection in the extensions.
pub(crate) fn rejection_response(rejection: &Rejection) -> HttpResponse {
    let status =
        StatusCode::from_u16(rejection.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponse::build(status);
    builder.insert_header((
        CONTENT_TYPE,
        HeaderValue::from_static(Rejection::CONTENT_TYPE),
    ));
    for (name, value) in rejection.headers() {
        // Names are lower-case constants; an `Allow` value that is not a valid
        // header value is left out rather than failing the whole answer.
        if let Ok(value) = HeaderValue::from_str(value) {
            builder.append_header((HeaderName::from_static(name), value));
        }
    }
    let mut response = builder.body(rejection.body());
    response.extensions_mut().insert(rejection.clone());
    response
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use actix_web::body::to_bytes;
    use voxhook_core::Challenge;

    use super::*;

    #[actix_web::test]
    async fn responses_match_the_core_table() {
        struct Case {
            name: &'static str,
            rejection: Rejection,
            header: Option<(&'static str, &'static str)>,
        }
        let cases = [
            Case {
                name: "basic challenge",
                rejection: Rejection::MissingCredentials(Challenge::Basic),
                header: Some(("www-authenticate", r#"Basic realm="voxhook""#)),
            },
            Case {
                name: "bearer challenge",
                rejection: Rejection::InvalidCredentials(Challenge::Bearer),
                header: Some(("www-authenticate", r#"Bearer realm="voxhook""#)),
            },
            Case {
                name: "allow",
                rejection: Rejection::MethodNotAllowed(Cow::Borrowed("GET, POST")),
                header: Some(("allow", "GET, POST")),
            },
            Case {
                name: "retry after",
                rejection: Rejection::Deadline,
                header: Some(("retry-after", "1")),
            },
            Case {
                name: "plain",
                rejection: Rejection::SignatureMismatch,
                header: None,
            },
        ];
        for case in cases {
            let rejection = WebhookRejection(case.rejection.clone());
            assert_eq!(
                rejection.status_code().as_u16(),
                case.rejection.status(),
                "{}",
                case.name
            );
            let response = rejection.error_response();
            assert_eq!(response.status(), rejection.status(), "{}", case.name);
            assert_eq!(
                response.headers().get("content-type").unwrap(),
                "application/json",
                "{}",
                case.name
            );
            let extra = response
                .headers()
                .iter()
                .filter(|(n, _)| *n != CONTENT_TYPE)
                .count();
            assert_eq!(extra, usize::from(case.header.is_some()), "{}", case.name);
            if let Some((name, value)) = case.header {
                assert_eq!(
                    response.headers().get(name).unwrap(),
                    value,
                    "{}",
                    case.name
                );
            }
            assert_eq!(
                response.extensions().get::<Rejection>(),
                Some(&case.rejection),
                "{}",
                case.name
            );
            let body = to_bytes(response.into_body()).await.unwrap();
            assert_eq!(body, rejection.body_text().as_bytes(), "{}", case.name);
        }
    }

    #[test]
    fn display_and_source_name_the_kind() {
        let r = WebhookRejection::from(Rejection::PayloadTooLarge);
        assert_eq!(r.to_string(), "payload_too_large (413)");
        assert_eq!(r.kind(), "payload_too_large");
        assert!(std::error::Error::source(&r).is_some());
        assert_eq!(r.into_inner(), Rejection::PayloadTooLarge);
    }
}
