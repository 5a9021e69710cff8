//! [`WebhookRejection`]: the core's [`Rejection`] as an axum response.

use std::fmt;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use voxhook_core::Rejection;

/// A voxhook [`Rejection`] answered by axum with exactly the core's status,
/// headers (`WWW-Authenticate`, `Allow`, `Retry-After`) and JSON body.
///
/// It is the rejection type of the extractors in this crate, and the way a
/// handler (or a router fallback) answers with a voxhook error:
///
/// ```
/// use axum::response::IntoResponse;
/// use voxhook_axum::WebhookRejection;
/// use voxhook_core::Rejection;
///
/// let response = WebhookRejection(Rejection::NotFound).into_response();
/// assert_eq!(response.status(), 404);
/// assert_eq!(response.headers()["content-type"], "application/json");
/// ```
///
/// The [`Rejection`] is also put in the response's extensions, so an outer
/// layer (logging, metrics) can read the kind without parsing the body.
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

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let mut response = self.0.to_http_response().map(Body::from);
        response.extensions_mut().insert(self.0);
        response
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use http_body_util::BodyExt;
    use voxhook_core::Challenge;

    use super::*;

    #[tokio::test]
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
                rejection: Rejection::MethodNotAllowed(Cow::Borrowed("POST")),
                header: Some(("allow", "POST")),
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
                rejection.status().as_u16(),
                case.rejection.status(),
                "{}",
                case.name
            );
            let response = rejection.clone().into_response();
            assert_eq!(response.status(), rejection.status(), "{}", case.name);
            assert_eq!(
                response.headers()["content-type"],
                "application/json",
                "{}",
                case.name
            );
            if let Some((name, value)) = case.header {
                assert_eq!(response.headers()[name], value, "{}", case.name);
            }
            assert_eq!(
                response.extensions().get::<Rejection>(),
                Some(&case.rejection),
                "{}",
                case.name
            );
            let body = response.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(body, rejection.body_text().as_bytes(), "{}", case.name);
        }
    }
}
