//! `t=<unix>,v1=<hex>[,v1=<hex>...]`: HMAC-SHA256 over `t.body` with the raw
//! secret bytes as key, lower-case hex (VoxPria `X-Webhook-Signature`,
//! Stripe-style). Every `v1` entry is checked, not only the last.

use std::sync::Arc;

use hmac::Mac;

use super::clock::{self, Clock};
use super::codec::HexTags;
use super::context::{Env, Keys, Out, signature_header};
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
        let mut t: Option<&[u8]> = None;
        let mut sigs = HexTags::new();
        let mut seen = 0usize;
        for item in value.split(|b| *b == b',') {
            let item = item.trim_ascii();
            if let Some(v) = item.strip_prefix(b"t=") {
                t = t.or(Some(v));
            } else if let Some(v) = item.strip_prefix(b"v1=") {
                seen += 1;
                sigs.push(v);
            }
        }
        let Some(t) = t else {
            out.note(scheme, || "no `t=` timestamp".into());
            return Err(malformed("no t= timestamp"));
        };
        let Some(ts) = window::parse_unix(t) else {
            return Err(malformed("the timestamp is not a number"));
        };
        window::check(scheme, ts, self.clock.now_unix(), self.tolerance, out)?;
        let secrets = env.secrets(&self.keys);
        let feed = |mac: &mut HmacSha256| {
            mac.update(t);
            mac.update(b".");
            mac.update(req.body());
        };
        match find_sha256(secrets, feed, |tag| sigs.contains(tag)) {
            Some(i) => {
                out.note(scheme, || format!("secret #{i} matched"));
                Ok(Verification::new(scheme, i))
            }
            None => {
                out.note(scheme, || {
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

impl From<TimestampedHex> for Auth {
    fn from(s: TimestampedHex) -> Self {
        Auth::leaf(super::Node::Timestamped(s))
    }
}
