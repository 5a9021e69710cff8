//! Why a request was not authenticated.

use std::fmt;

use super::Scheme;
use crate::error::{Challenge, ConfigError, Rejection};

/// Why authentication failed. Messages never contain a secret, an expected
/// signature or the request body.
///
/// ```
/// use voxhook_core::auth::{AuthError, Scheme};
///
/// let e = AuthError::SignatureMismatch { scheme: Scheme::VobizV3 };
/// assert_eq!(e.rejection().status(), 403);
/// assert_eq!(e.to_string(), "vobiz_v3: the signature does not match");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// No credentials were sent (401 with the challenge).
    MissingCredentials {
        /// The scheme that wanted them.
        scheme: Scheme,
        /// The `WWW-Authenticate` challenge to send.
        challenge: Challenge,
    },
    /// Credentials were sent but are wrong or unreadable (401 with the challenge).
    InvalidCredentials {
        /// The scheme that refused them.
        scheme: Scheme,
        /// The `WWW-Authenticate` challenge to send.
        challenge: Challenge,
    },
    /// A signature header the scheme needs is absent (401).
    MissingSignature {
        /// The scheme.
        scheme: Scheme,
    },
    /// A signature header is present but cannot be parsed (403).
    MalformedSignature {
        /// The scheme.
        scheme: Scheme,
        /// What is wrong with it, in fixed words.
        why: &'static str,
    },
    /// No signature matches the request (403).
    SignatureMismatch {
        /// The scheme.
        scheme: Scheme,
    },
    /// The signed timestamp is older than the tolerance (403).
    TimestampTooOld {
        /// The scheme.
        scheme: Scheme,
        /// How many seconds in the past it is.
        skew_secs: i64,
    },
    /// The signed timestamp is further in the future than the tolerance (403).
    TimestampInFuture {
        /// The scheme.
        scheme: Scheme,
        /// How many seconds in the future it is.
        skew_secs: i64,
    },
    /// The nonce was already seen within the replay window (403).
    ReplayedNonce {
        /// The scheme.
        scheme: Scheme,
    },
    /// The peer address is not allowed (403).
    ForbiddenAddress,
    /// The replay store could not be reached (503, fail-closed).
    NonceStoreUnavailable,
    /// The secret resolver failed (500).
    SecretUnavailable,
    /// The `Auth` itself is not configured correctly (500). Reported by
    /// [`Auth::validate`](super::Auth::validate) at build time as well.
    Misconfigured(ConfigError),
}

impl AuthError {
    /// The HTTP rejection to answer with.
    pub fn rejection(&self) -> Rejection {
        match self {
            AuthError::MissingCredentials { challenge, .. } => {
                Rejection::MissingCredentials(*challenge)
            }
            AuthError::InvalidCredentials { challenge, .. } => {
                Rejection::InvalidCredentials(*challenge)
            }
            AuthError::MissingSignature { .. } => Rejection::MissingSignature,
            AuthError::MalformedSignature { .. } => Rejection::MalformedSignature,
            AuthError::SignatureMismatch { .. } => Rejection::SignatureMismatch,
            AuthError::TimestampTooOld { .. } | AuthError::TimestampInFuture { .. } => {
                Rejection::StaleTimestamp
            }
            AuthError::ReplayedNonce { .. } => Rejection::ReplayedNonce,
            AuthError::ForbiddenAddress => Rejection::ForbiddenAddress,
            AuthError::NonceStoreUnavailable => Rejection::StoreUnavailable,
            AuthError::SecretUnavailable | AuthError::Misconfigured(_) => Rejection::Misconfigured,
        }
    }

    /// How much this error says about a request that *tried* a scheme: when
    /// several alternatives fail, the most telling error is reported (a present
    /// but wrong signature beats an absent one).
    pub(crate) fn weight(&self) -> u8 {
        match self {
            AuthError::MissingCredentials { .. } | AuthError::MissingSignature { .. } => 0,
            AuthError::ForbiddenAddress => 1,
            AuthError::MalformedSignature { .. } => 2,
            AuthError::InvalidCredentials { .. }
            | AuthError::SignatureMismatch { .. }
            | AuthError::TimestampTooOld { .. }
            | AuthError::TimestampInFuture { .. } => 3,
            AuthError::ReplayedNonce { .. } => 4,
            AuthError::NonceStoreUnavailable
            | AuthError::SecretUnavailable
            | AuthError::Misconfigured(_) => 5,
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::MissingCredentials { scheme, .. } => {
                write!(f, "{scheme}: no credentials were sent")
            }
            AuthError::InvalidCredentials { scheme, .. } => {
                write!(f, "{scheme}: the credentials are not valid")
            }
            AuthError::MissingSignature { scheme } => {
                write!(f, "{scheme}: the signature header is missing")
            }
            AuthError::MalformedSignature { scheme, why } => {
                write!(f, "{scheme}: malformed signature header: {why}")
            }
            AuthError::SignatureMismatch { scheme } => {
                write!(f, "{scheme}: the signature does not match")
            }
            AuthError::TimestampTooOld { scheme, skew_secs } => {
                write!(f, "{scheme}: the timestamp is {skew_secs} s old")
            }
            AuthError::TimestampInFuture { scheme, skew_secs } => {
                write!(f, "{scheme}: the timestamp is {skew_secs} s in the future")
            }
            AuthError::ReplayedNonce { scheme } => {
                write!(f, "{scheme}: the nonce was already used")
            }
            AuthError::ForbiddenAddress => f.write_str("the peer address is not allowed"),
            AuthError::NonceStoreUnavailable => f.write_str("the replay store is unavailable"),
            AuthError::SecretUnavailable => f.write_str("the secret resolver failed"),
            AuthError::Misconfigured(e) => write!(f, "auth is misconfigured: {e}"),
        }
    }
}

impl std::error::Error for AuthError {}

impl From<AuthError> for Rejection {
    fn from(e: AuthError) -> Self {
        e.rejection()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_maps_to_its_rejection() {
        let table = [
            (
                "missing bearer",
                AuthError::MissingCredentials {
                    scheme: Scheme::Bearer,
                    challenge: Challenge::Bearer,
                },
                401,
                "missing_credentials",
            ),
            (
                "wrong basic",
                AuthError::InvalidCredentials {
                    scheme: Scheme::Basic,
                    challenge: Challenge::Basic,
                },
                401,
                "invalid_credentials",
            ),
            (
                "missing sig",
                AuthError::MissingSignature {
                    scheme: Scheme::VobizV3,
                },
                401,
                "missing_signature",
            ),
            (
                "malformed",
                AuthError::MalformedSignature {
                    scheme: Scheme::BodyHmac,
                    why: "not hex",
                },
                403,
                "malformed_signature",
            ),
            (
                "old",
                AuthError::TimestampTooOld {
                    scheme: Scheme::TimestampedHex,
                    skew_secs: 400,
                },
                403,
                "stale_timestamp",
            ),
            (
                "future",
                AuthError::TimestampInFuture {
                    scheme: Scheme::StandardWebhooks,
                    skew_secs: 400,
                },
                403,
                "stale_timestamp",
            ),
            (
                "replay",
                AuthError::ReplayedNonce {
                    scheme: Scheme::VobizV2,
                },
                403,
                "replayed_nonce",
            ),
            ("ip", AuthError::ForbiddenAddress, 403, "forbidden_address"),
            (
                "store",
                AuthError::NonceStoreUnavailable,
                503,
                "store_unavailable",
            ),
            (
                "resolver",
                AuthError::SecretUnavailable,
                500,
                "misconfigured",
            ),
        ];
        for (name, err, status, kind) in table {
            let r = err.rejection();
            assert_eq!((r.status(), r.kind()), (status, kind), "{name}");
        }
    }

    #[test]
    fn challenge_is_carried() {
        let r = AuthError::MissingCredentials {
            scheme: Scheme::Bearer,
            challenge: Challenge::Bearer,
        }
        .rejection();
        assert_eq!(
            r.headers().next(),
            Some(("www-authenticate", r#"Bearer realm="voxhook""#))
        );
    }
}
