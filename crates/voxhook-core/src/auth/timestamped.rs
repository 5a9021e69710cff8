//! `t=<unix>,v1=<hex>[,v1=<hex>...]`: HMAC-SHA256 over `t.body` with the raw
//! secret bytes as key, lower-case hex (VoxPria `X-Webhook-Signature`,
//! Stripe-style). Every `v1` entry is checked, not only the last.

use std::sync::Arc;

use hmac::Mac;

use super::clock::{self, Clock};
use super::codec::Sha256Hex;
use super::context::{Env, Keys, Out, signature_header};
use super::items;
use super::secret::{HmacSha256, find_sha256};
use super::window::{self, Tolerance};
use super::{Auth, AuthError, IntoSecrets, Scheme, Verification};
use crate::request::Inbound;

/// The timestamped hex scheme, configurable (header, tolerance, clock).
///
/// ```
/// use voxhook_core::auth::{Auth, TimestampedHex, Tolerance};
/// use std::time::Duration;
///
/// let auth: Auth = TimestampedHex::new("x-webhook-signature", "whsec_abc")
///     .tolerance(Tolerance::symmetric(Duration::from_secs(120)))
///     .into();
/// assert!(auth.validate().is_ok());
/// ```
#[derive(Debug, Clone)]
pub struct TimestampedHex {
    pub(crate) header: Arc<str>,
    pub(crate) keys: Keys,
    pub(crate) tolerance: Tolerance,
    pub(crate) clock: Arc<dyn Clock>,
}

impl TimestampedHex {
    /// Checks header `header` against `secrets` (the whole secret string is the key).
    pub fn new(header: &str, secrets: impl IntoSecrets) -> Self {
        TimestampedHex {
            header: header.to_ascii_lowercase().into(),
            keys: secrets.into_source().0,
            tolerance: Tolerance::default(),
            clock: clock::system(),
        }
    }

    /// Sets the tolerance window (default 5 minutes each way).
    pub fn tolerance(mut self, tolerance: Tolerance) -> Self {
        self.tolerance = tolerance;
        self
    }

    pub(crate) fn check(
        &self,
        req: &Inbound<'_>,
        env: &Env,
        out: &mut Out,
    ) -> Result<Verification, AuthError> {
        let scheme = Scheme::TimestampedHex;
        let malformed = |why| AuthError::MalformedSignature { scheme, why };
        let value = signature_header(req, &self.header, scheme, out)?;
        let parts = Parts::of(value);
        let Some(t) = parts.t else {
            out.note(scheme, || "no `t=` timestamp".into());
            return Err(malformed("no t= timestamp"));
        };
        let (Some(ts), Some(head)) = (window::parse_unix(t), Dotted::new(t)) else {
            return Err(malformed("the timestamp is not a number"));
        };
        window::check(scheme, ts, self.clock.now_unix(), self.tolerance, out)?;
        let secrets = env.secrets(&self.keys);
        let feed = |mac: &mut HmacSha256| {
            mac.update(head.bytes());
            mac.update(req.body());
        };
        let matches = |tag: &[u8]| {
            <&[u8; 32]>::try_from(tag)
                .is_ok_and(|tag| parts.any_matches(value, &Sha256Hex::of(tag)))
        };
        match find_sha256(secrets, feed, matches) {
            Some(i) => {
                out.note(scheme, || format!("secret #{i} matched"));
                Ok(Verification::new(scheme, i))
            }
            None => {
                out.note(scheme, || {
                    format!(
                        "{} v1 signature(s), none matches any of {} secrets",
                        parts.seen,
                        secrets.len()
                    )
                });
                Err(AuthError::SignatureMismatch { scheme })
            }
        }
    }
}

/// How many `v1=` values one pass keeps; a header with more is read again
/// for each comparison, so that every entry is still checked.
const KEPT: usize = 4;

/// What one pass over the header found: the first `t=` value (as sent) and
/// the `v1=` values (trimmed).
struct Parts<'a> {
    t: Option<&'a [u8]>,
    v1: [&'a [u8]; KEPT],
    seen: usize,
}

impl<'a> Parts<'a> {
    fn of(value: &'a [u8]) -> Self {
        let mut parts = Parts {
            t: None,
            v1: [&[]; KEPT],
            seen: 0,
        };
        items::for_each(value, |item| {
            if let Some(t) = items::strip(item, b"t=") {
                parts.t = parts.t.or(Some(t));
            } else if let Some(v) = items::strip(item, b"v1=") {
                if let Some(slot) = parts.v1.get_mut(parts.seen) {
                    *slot = items::trim(v);
                }
                parts.seen += 1;
            }
        });
        parts
    }

    /// Whether any `v1=` entry of `value` (which these parts come from) is
    /// `text`; every entry is compared (no early exit).
    fn any_matches(&self, value: &[u8], text: &Sha256Hex) -> bool {
        let mut hit = false;
        if self.seen <= KEPT {
            for v in self.v1.iter().take(self.seen) {
                hit |= text.matches(v);
            }
        } else {
            items::for_each(value, |item| {
                if let Some(v) = items::strip(item, b"v1=") {
                    hit |= text.matches(items::trim(v));
                }
            });
        }
        hit
    }
}

/// `t` and the `.` after it, the head of the signed text, in one buffer: one
/// HMAC update instead of two.
struct Dotted {
    buf: [u8; 16],
    len: usize,
}

impl Dotted {
    /// `None` when `t` is longer than a Unix timestamp can be.
    fn new(t: &[u8]) -> Option<Self> {
        let mut buf = [b'.'; 16];
        buf.get_mut(..t.len())?.copy_from_slice(t);
        let len = t.len() + 1;
        (len <= buf.len()).then_some(Dotted { buf, len })
    }

    fn bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

impl From<TimestampedHex> for Auth {
    fn from(s: TimestampedHex) -> Self {
        Auth::leaf(super::Node::Timestamped(s))
    }
}
