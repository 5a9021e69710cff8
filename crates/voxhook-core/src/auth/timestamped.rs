//! `t=<unix>,v1=<hex>[,v1=<hex>...]`: HMAC-SHA256 over `t.body` with the raw
//! secret bytes as key, lower-case hex (VoxPria `X-Webhook-Signature`,
//! Stripe-style). Every `v1` entry is checked, not only the last.

use std::sync::Arc;

use hmac::Mac;

use super::clock::{self, Clock};
use super::codec::HexText;
use super::context::{Env, Keys, Out, signature_header};
use super::items::Items;
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
        // One pass for the (first) `t=`, usually the first item; the `v1=`
        // entries are read as the computed tags get compared.
        let Some(t) = Items::new(value).first(b"t=") else {
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
        // Every `v1=` entry is compared, however many there are.
        let matches = |tag: &[u8]| {
            let text = HexText::of(tag);
            Items::new(value)
                .values(b"v1=")
                .fold(false, |hit, v| hit | text.matches(v))
        };
        match find_sha256(secrets, feed, matches) {
            Some(i) => {
                out.note(scheme, || format!("secret #{i} matched"));
                Ok(Verification::new(scheme, i))
            }
            None => {
                out.note(scheme, || {
                    let seen = Items::new(value).values(b"v1=").count();
                    format!(
                        "{seen} v1 signature(s), none matches any of {} secrets",
                        secrets.len()
                    )
                });
                Err(AuthError::SignatureMismatch { scheme })
            }
        }
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
