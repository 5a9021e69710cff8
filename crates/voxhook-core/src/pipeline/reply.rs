use bytes::Bytes;

use crate::Rejection;
use crate::dedup::StoredAnswer;

/// The header that marks an answer replayed from the dedup store.
pub const REPLAYED_HEADER: &str = "voxhook-replayed";

/// What an adapter sends back: an answer (the handler's, a stored one, or a
/// fallback) or a rejection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A 2xx (or a handler's own non-2xx) answer.
    Answer {
        /// Status, content type and body.
        answer: StoredAnswer,
        /// Whether this is a duplicate answered from the dedup store
        /// (sent with `Voxhook-Replayed: true`).
        replayed: bool,
    },
    /// A rejection, answered with its status, headers and JSON body.
    Rejected(Rejection),
}

impl Reply {
    /// A fresh (not replayed) answer.
    pub fn answer(answer: StoredAnswer) -> Self {
        Reply::Answer {
            answer,
            replayed: false,
        }
    }

    /// The HTTP status this reply is sent with.
    pub fn status(&self) -> u16 {
        match self {
            Reply::Answer { answer, .. } => answer.status,
            Reply::Rejected(r) => r.status(),
        }
    }

    /// Whether the reply was replayed from the dedup store.
    pub fn is_replayed(&self) -> bool {
        matches!(self, Reply::Answer { replayed: true, .. })
    }

    /// Builds the `http` 1.x response.
    ///
    /// ```
    /// use voxhook_core::pipeline::Reply;
    /// use voxhook_core::dedup::StoredAnswer;
    ///
    /// let r = Reply::answer(StoredAnswer::ack()).into_http_response();
    /// assert_eq!(r.status(), 200);
    /// assert!(r.body().is_empty());
    /// ```
    pub fn into_http_response(self) -> http::Response<Bytes> {
        match self {
            Reply::Rejected(r) => r.to_http_response(),
            Reply::Answer { answer, replayed } => {
                let mut resp = http::Response::new(answer.body);
                *resp.status_mut() = http::StatusCode::from_u16(answer.status)
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
                let headers = resp.headers_mut();
                if let Some(ct) = answer
                    .content_type
                    .and_then(|ct| http::HeaderValue::from_maybe_shared(ct).ok())
                {
                    headers.insert(http::header::CONTENT_TYPE, ct);
                }
                if replayed {
                    headers.insert(REPLAYED_HEADER, http::HeaderValue::from_static("true"));
                }
                resp
            }
        }
    }
}

impl From<Rejection> for Reply {
    fn from(r: Rejection) -> Self {
        Reply::Rejected(r)
    }
}
