//! `t=<unix>,v1=<hex>[,v1=<hex>...]`: HMAC-SHA256 over `t.body` with the raw
//! secret bytes as key, lower-case hex (VoxPria `X-Webhook-Signature`,
//! Stripe-style). Every `v1` entry is checked, not only the last.

use std::sync::Arc;

use hmac::Mac;

use super::clock::{self, Clock};
use super::codec::{self, TagBuf};
use super::context::{Env, Keys, Out};
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
            keys: Keys::fixed(secrets.into_secrets()),
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
        let Some(value) = req.headers().first(&self.header) else {
            out.note(scheme, || format!("no `{}` header", self.header));
            return Err(AuthError::MissingSignature { scheme });
        };
        let mut t: Option<&[u8]> = None;
        let mut sigs = 0usize;
        for item in value.split(|b| *b == b',') {
            let item = item.trim_ascii();
            let Some(eq) = item.iter().position(|b| *b == b'=') else {
                continue;
            };
            match &item[..eq] {
                b"t" if t.is_none() => t = Some(&item[eq + 1..]),
                b"v1" => sigs += 1,
                _ => {}
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
        if sigs == 0 {
            out.note(scheme, || "no `v1=` signature".into());
            return Err(AuthError::SignatureMismatch { scheme });
        }
        let secrets = env.secrets(&self.keys);
        for (i, secret) in secrets.iter().enumerate() {
            let mut mac = secret.hmac_sha256();
            mac.update(t);
            mac.update(b".");
            mac.update(req.body());
            let tag = mac.finalize().into_bytes();
            let matched = v1_values(value).any(|v| {
                let mut buf: TagBuf = [0; 64];
                codec::hex_lower_into(v, &mut buf).is_some_and(|got| codec::tag_eq(&tag, got))
            });
            if matched {
                out.note(scheme, || format!("secret #{i} matched"));
                return Ok(Verification::new(scheme, i));
            }
        }
        out.note(scheme, || {
            format!(
                "none of {sigs} v1 signatures matches any of {} secrets",
                secrets.len()
            )
        });
        Err(AuthError::SignatureMismatch { scheme })
    }
}

fn v1_values(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|b| *b == b',')
        .filter_map(|item| item.trim_ascii().strip_prefix(b"v1="))
}

impl From<TimestampedHex> for Auth {
    fn from(s: TimestampedHex) -> Self {
        Auth::leaf(super::Node::Timestamped(s))
    }
}
