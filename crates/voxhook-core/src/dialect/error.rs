//! [`DecodeError`]: why a payload could not be turned into an event.

use std::fmt;

use crate::Rejection;

/// Why a webhook payload could not be decoded. Its [`Display`](fmt::Display)
/// names what was wrong in fixed words: it never echoes the payload.
///
/// ```
/// use voxhook_core::{DecodeError, Event, Provider, Rejection};
///
/// let err = Event::parse(Provider::TryVox, Some("application/json"), b"{\"event\":").unwrap_err();
/// assert!(matches!(err, DecodeError::InvalidJson { .. }));
/// assert_eq!(err.rejection(), Rejection::MalformedPayload);
/// let err = Event::parse(Provider::TryVox, Some("text/csv"), b"a,b").unwrap_err();
/// assert_eq!(err.rejection(), Rejection::UnsupportedMediaType);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The content type is neither JSON nor `application/x-www-form-urlencoded` (415).
    UnsupportedMediaType,
    /// The body (or query) is empty.
    EmptyBody,
    /// The body is not valid JSON; `line` and `column` locate the problem (1-based).
    InvalidJson {
        /// The line of the problem.
        line: usize,
        /// The column of the problem.
        column: usize,
    },
    /// The JSON body is valid but is not an object.
    NotAnObject,
    /// The body or query string is not valid UTF-8.
    InvalidUtf8,
    /// Nothing identifies the event: no call, message, campaign or contact id and no event name.
    MissingIdentifier,
    /// The provider could not be recognised from the content type and body shape.
    Undetectable,
}

impl DecodeError {
    /// The HTTP rejection for this error: 415 for an unsupported content
    /// type, otherwise 400 `malformed_payload`.
    pub fn rejection(&self) -> Rejection {
        match self {
            DecodeError::UnsupportedMediaType => Rejection::UnsupportedMediaType,
            _ => Rejection::MalformedPayload,
        }
    }

    pub(crate) fn from_json(e: &serde_json::Error) -> DecodeError {
        DecodeError::InvalidJson {
            line: e.line(),
            column: e.column(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::UnsupportedMediaType => {
                f.write_str("unsupported content type (expected JSON or form-urlencoded)")
            }
            DecodeError::EmptyBody => f.write_str("empty payload"),
            DecodeError::InvalidJson { line, column } => {
                write!(f, "invalid JSON at line {line}, column {column}")
            }
            DecodeError::NotAnObject => f.write_str("JSON payload is not an object"),
            DecodeError::InvalidUtf8 => f.write_str("payload is not valid UTF-8"),
            DecodeError::MissingIdentifier => f.write_str(
                "payload has no event name and no call, message, campaign or contact id",
            ),
            DecodeError::Undetectable => {
                f.write_str("cannot tell which provider sent this payload")
            }
        }
    }
}

impl std::error::Error for DecodeError {}
