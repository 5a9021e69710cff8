//! Standard Webhooks (and Svix): `webhook-id` / `webhook-timestamp` /
//! `webhook-signature` (or the `svix-*` names); `whsec_` + base64 secrets;
//! base64(HMAC-SHA256(key, id.ts.body)); space-separated `v1,<sig>` entries.
//! A verified `webhook-id` is reported as the delivery id (stable across retries).

use std::sync::Arc;

use base64::Engine;
use hmac::Mac;

use super::clock::{self, Clock};
use super::codec::Tags;
use super::context::{Env, Keys, Out};
use super::secret::SecretSource;
use super::secret::{HmacSha256, find_sha256};
use super::window::{self, Tolerance};
use super::{Auth, AuthError, Scheme, Secret, Verification};
use crate::error::ConfigError;
use crate::request::Inbound;

const NAMES: [[&str; 3]; 2] = [
    ["webhook-id", "webhook-timestamp", "webhook-signature"],
    ["svix-id", "svix-timestamp", "svix-signature"],
];

/// Delivery ids longer than this are refused as malformed.
const MAX_ID: usize = 256;

impl Secret {
    /// A Standard Webhooks secret: `whsec_` + base64 (the prefix is optional).
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] when the rest is not base64 or is empty.
    ///
    /// ```
    /// use voxhook_core::auth::Secret;
    ///
    /// let key = Secret::standard_webhooks("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
    /// assert_eq!(key.expose().len(), 24);
    /// assert!(Secret::standard_webhooks("whsec_not base64!").is_err());
    /// ```
    pub fn standard_webhooks(secret: &str) -> Result<Secret, ConfigError> {
        let b64 = secret.strip_prefix("whsec_").unwrap_or(secret);
        match base64::engine::general_purpose::STANDARD.decode(b64) {
            Ok(key) if !key.is_empty() => Ok(Secret::new(key)),
            _ => Err(ConfigError::Invalid {
                what: "whsec_ secret",
                why: "expected whsec_ followed by non-empty standard base64",
            }),
        }
    }
}

/// The Standard Webhooks scheme, configurable.
///
/// ```
/// use voxhook_core::auth::{Auth, StandardWebhooks, Tolerance};
/// use std::time::Duration;
///
/// let sw = StandardWebhooks::new(["whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"])?
///     .tolerance(Tolerance { past: Duration::from_secs(600), future: Duration::from_secs(60) });
/// let auth = Auth::from(sw);
/// # Ok::<(), voxhook_core::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct StandardWebhooks {
    pub(crate) keys: Keys,
    pub(crate) tolerance: Tolerance,
    pub(crate) clock: Arc<dyn Clock>,
}

impl StandardWebhooks {
    /// From `whsec_` secrets (several at once for rotation).
    ///
    /// # Errors
    /// [`ConfigError`] when a secret is not `whsec_` + base64, or none is given.
    pub fn new<'s>(secrets: impl IntoIterator<Item = &'s str>) -> Result<Self, ConfigError> {
        let keys = secrets
            .into_iter()
            .map(Secret::standard_webhooks)
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(ConfigError::Missing("whsec_ secret"));
        }
        Ok(Self::from_source(SecretSource::fixed(keys)))
    }

    /// From already decoded keys, e.g. a [`SecretResolver`](super::SecretResolver)
    /// returning [`Secret::standard_webhooks`] values.
    pub fn from_source(source: SecretSource) -> Self {
        StandardWebhooks {
            keys: source.0,
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
        let scheme = Scheme::StandardWebhooks;
        let malformed = |why| AuthError::MalformedSignature { scheme, why };
        let mut found = [None; 3];
        let Some(names) = NAMES.iter().find(|names| {
            req.headers().first_each(names.as_slice(), &mut found);
            found[2].is_some()
        }) else {
            out.note(scheme, || {
                "no webhook-signature or svix-signature header".into()
            });
            return Err(AuthError::MissingSignature { scheme });
        };
        let [id_name, ts_name, _] = *names;
        let [id, ts_raw, sig] = found.map(|v| v.map(<[u8]>::trim_ascii));
        let sig = sig.unwrap_or_default();
        let Some(id) = id else {
            out.note(scheme, || format!("no `{id_name}` header"));
            return Err(malformed("the id header is missing"));
        };
        let id = std::str::from_utf8(id)
            .ok()
            .filter(|id| !id.is_empty() && id.len() <= MAX_ID)
            .ok_or(malformed("the id is empty, too long or not text"))?;
        let Some(ts_raw) = ts_raw else {
            out.note(scheme, || format!("no `{ts_name}` header"));
            return Err(malformed("the timestamp header is missing"));
        };
        let ts = window::parse_unix(ts_raw).ok_or(malformed("the timestamp is not a number"))?;
        window::check(scheme, ts, self.clock.now_unix(), self.tolerance, out)?;
        let mut tags = Tags::new();
        for entry in sig.split(|b| *b == b' ') {
            if let Some(b64) = entry.strip_prefix(b"v1,") {
                tags.push_base64(b64);
            }
        }
        let secrets = env.secrets(&self.keys);
        let feed = |mac: &mut HmacSha256| {
            mac.update(id.as_bytes());
            mac.update(b".");
            mac.update(ts_raw);
            mac.update(b".");
            mac.update(req.body());
        };
        match find_sha256(secrets, feed, |tag| tags.contains(tag)) {
            Some(i) => {
                out.note(scheme, || format!("secret #{i} matched message {id}"));
                Ok(Verification {
                    scheme,
                    secret_index: i,
                    delivery_id: Some(id.to_owned()),
                })
            }
            None => {
                out.note(scheme, || {
                    format!("no v1 signature matches any of {} secrets", secrets.len())
                });
                Err(AuthError::SignatureMismatch { scheme })
            }
        }
    }
}

impl From<StandardWebhooks> for Auth {
    fn from(s: StandardWebhooks) -> Self {
        Auth::leaf(super::Node::Standard(s))
    }
}
