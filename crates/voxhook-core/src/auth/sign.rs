//! The other side: the headers a provider would send, for tests, examples and
//! the CLI. Time and nonce are injectable so results are reproducible.
//!
//! ```
//! use voxhook_core::Provider;
//! use voxhook_core::auth::sign::{self, SignRequest};
//!
//! let req = SignRequest::new("POST", "https://hooks.example.com/voxpria/events", br#"{"event":"call.completed"}"#)
//!     .timestamp(1_700_000_000);
//! let headers = sign::for_provider(Provider::VoxPria, "whsec_dev_voxpria_secret", &req)?;
//! assert_eq!(headers[0].0, "x-webhook-signature");
//! assert!(headers[0].1.starts_with("t=1700000000,v1="));
//! assert!(headers[1].1.starts_with("sha256="));
//! # Ok::<(), voxhook_core::ConfigError>(())
//! ```

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};

use hmac::Mac;
use sha2::{Digest, Sha256};

use super::codec::base64_encode;
use super::params;
use super::{Clock, Secret, SystemClock};
use crate::error::ConfigError;
use crate::event::Provider;

/// What to sign: method, full URL, body, time and nonce.
#[derive(Debug, Clone)]
pub struct SignRequest<'a> {
    /// HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// The full URL the provider calls (`https://host/path?query`).
    pub url: &'a str,
    /// The exact body bytes.
    pub body: &'a [u8],
    /// Unix seconds for timestamped schemes.
    pub timestamp: i64,
    /// The nonce for nonce schemes (Vobiz sends 20 digits).
    pub nonce: Cow<'a, str>,
}

impl<'a> SignRequest<'a> {
    /// A request signed now (system clock) with a fresh 20-digit nonce.
    pub fn new(method: &'a str, url: &'a str, body: &'a [u8]) -> Self {
        SignRequest {
            method,
            url,
            body,
            timestamp: SystemClock.now_unix(),
            nonce: Cow::Owned(fresh_nonce()),
        }
    }

    /// Sets the timestamp (Unix seconds).
    pub fn timestamp(mut self, unix: i64) -> Self {
        self.timestamp = unix;
        self
    }

    /// Reads the timestamp from `clock`.
    pub fn clock(self, clock: &dyn Clock) -> Self {
        self.timestamp(clock.now_unix())
    }

    /// Sets the nonce.
    pub fn nonce(mut self, nonce: impl Into<Cow<'a, str>>) -> Self {
        self.nonce = nonce.into();
        self
    }
}

/// A 20-digit nonce, unique within this process and unpredictable enough for tests.
fn fresh_nonce() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let d = Sha256::new()
        .chain_update(t.to_le_bytes())
        .chain_update(n.to_le_bytes())
        .chain_update(std::process::id().to_le_bytes())
        .finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    format!("{:020}", u64::from_le_bytes(b))
}

/// The headers `provider` sends for a request, given its secret in the
/// provider's own form: TryVox token, Voxtelesys `user:password`, VoxPria
/// webhook secret, Vobiz auth token.
///
/// # Errors
/// [`ConfigError`] when the secret is empty or not in the provider's form.
pub fn for_provider(
    provider: Provider,
    secret: &str,
    req: &SignRequest<'_>,
) -> Result<Vec<(String, String)>, ConfigError> {
    if secret.is_empty() {
        return Err(ConfigError::Missing("secret"));
    }
    let headers = match provider {
        Provider::TryVox => vec![bearer(secret)],
        Provider::Voxtelesys => {
            let (user, password) = secret.split_once(':').ok_or(ConfigError::Invalid {
                what: "Voxtelesys credentials",
                why: "expected user:password",
            })?;
            vec![basic(user, password)]
        }
        Provider::VoxPria => vec![
            (
                "x-webhook-signature".into(),
                timestamped_hex(secret, req.timestamp, req.body),
            ),
            (
                "x-voxpria-signature".into(),
                body_hmac_hex(secret, req.body),
            ),
        ],
        Provider::Vobiz => {
            let nonce = req.nonce.as_ref();
            vec![
                (
                    "x-vobiz-signature-v3".into(),
                    vobiz_v3(secret, req.url, nonce),
                ),
                ("x-vobiz-signature-v3-nonce".into(), nonce.into()),
                (
                    "x-vobiz-signature-v2".into(),
                    vobiz_v2(secret, req.url, nonce),
                ),
                ("x-vobiz-signature-v2-nonce".into(), nonce.into()),
            ]
        }
    };
    Ok(headers)
}

/// `("authorization", "Bearer <token>")`.
pub fn bearer(token: &str) -> (String, String) {
    ("authorization".into(), format!("Bearer {token}"))
}

/// `("authorization", "Basic base64(user:password)")`.
pub fn basic(user: &str, password: &str) -> (String, String) {
    (
        "authorization".into(),
        format!(
            "Basic {}",
            base64_encode(format!("{user}:{password}").as_bytes())
        ),
    )
}

fn hmac256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Secret::new(key).hmac_sha256();
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().to_vec()
}

/// `t=<unix>,v1=<hex>`: HMAC-SHA256 of `t.body` keyed with the secret's bytes.
pub fn timestamped_hex(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let t = timestamp.to_string();
    let tag = hmac256(secret.as_bytes(), &[t.as_bytes(), b".", body]);
    format!("t={t},v1={}", hex::encode(tag))
}

/// `sha256=<hex>`: HMAC-SHA256 of the body keyed with the secret's bytes.
pub fn body_hmac_hex(secret: &str, body: &[u8]) -> String {
    format!(
        "sha256={}",
        hex::encode(hmac256(secret.as_bytes(), &[body]))
    )
}

/// The URL without query and fragment, as URL + nonce schemes sign it.
fn base_url(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    &url[..end]
}

/// Vobiz V2 (= Plivo V2): `base64(HMAC-SHA256(token, base_url + nonce))`.
pub fn vobiz_v2(token: &str, url: &str, nonce: &str) -> String {
    base64_encode(&hmac256(
        token.as_bytes(),
        &[base_url(url).as_bytes(), nonce.as_bytes()],
    ))
}

/// Vobiz V3: `base64(HMAC-SHA256(token, base_url + "." + nonce))`.
pub fn vobiz_v3(token: &str, url: &str, nonce: &str) -> String {
    base64_encode(&hmac256(
        token.as_bytes(),
        &[base_url(url).as_bytes(), b".", nonce.as_bytes()],
    ))
}

/// Standard Webhooks: the `webhook-signature` value `v1,<base64>` over
/// `id.timestamp.body`, keyed with the decoded `whsec_` secret.
///
/// # Errors
/// [`ConfigError`] when the secret is not `whsec_` + base64.
pub fn standard_webhooks(
    secret: &str,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, ConfigError> {
    let key = Secret::standard_webhooks(secret)?;
    let t = timestamp.to_string();
    let tag = hmac256(
        key.expose(),
        &[id.as_bytes(), b".", t.as_bytes(), b".", body],
    );
    Ok(format!("v1,{}", base64_encode(&tag)))
}

/// The three Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
///
/// # Errors
/// [`ConfigError`] when the secret is not `whsec_` + base64.
pub fn standard_webhooks_headers(
    secret: &str,
    id: &str,
    req: &SignRequest<'_>,
) -> Result<Vec<(String, String)>, ConfigError> {
    Ok(vec![
        ("webhook-id".into(), id.into()),
        ("webhook-timestamp".into(), req.timestamp.to_string()),
        (
            "webhook-signature".into(),
            standard_webhooks(secret, id, req.timestamp, req.body)?,
        ),
    ])
}

/// Plivo V3: `base64(HMAC-SHA256(token, url' + "." + nonce))` where `url'` is
/// the URL without query, then the sorted query (`?a=1&b=2`) and, for POST,
/// the sorted form body params (`kv` concatenated), as Plivo's SDKs build it.
/// `req.body` is read as form parameters when `form_body` is true.
pub fn plivo_v3(token: &str, req: &SignRequest<'_>, form_body: bool) -> String {
    let query = req
        .url
        .split('#')
        .next()
        .and_then(|u| u.split_once('?'))
        .map(|(_, q)| q);
    let suffix = params::plivo_v3_suffix(req.method, query, form_body.then_some(req.body));
    base64_encode(&hmac256(
        token.as_bytes(),
        &[
            base_url(req.url).as_bytes(),
            suffix.as_bytes(),
            b".",
            req.nonce.as_bytes(),
        ],
    ))
}

/// Twilio: `base64(HMAC-SHA1(token, url + sorted form params))`, the URL with
/// its query as sent. For JSON bodies use [`twilio_json`].
pub fn twilio(token: &str, url: &str, form_body: Option<&[u8]>) -> String {
    let mut mac = Secret::new(token).hmac_sha1();
    mac.update(url.split('#').next().unwrap_or(url).as_bytes());
    for (k, v) in form_body
        .map(|b| params::sorted_pairs(b, true))
        .unwrap_or_default()
    {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    base64_encode(&mac.finalize().into_bytes())
}

/// Twilio with a JSON body: appends `bodySHA256=<hex sha256(body)>` to the URL
/// and signs that URL. Returns `(url_to_call, signature)`.
pub fn twilio_json(token: &str, url: &str, body: &[u8]) -> (String, String) {
    let sep = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{sep}bodySHA256={}", hex::encode(Sha256::digest(body)));
    let sig = twilio(token, &url, None);
    (url, sig)
}

/// Plivo V2 (the same computation as Vobiz V2).
pub fn plivo_v2(token: &str, url: &str, nonce: &str) -> String {
    vobiz_v2(token, url, nonce)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_nonces_are_20_digits_and_differ() {
        let a = fresh_nonce();
        let b = fresh_nonce();
        assert_eq!(a.len(), 20);
        assert!(a.bytes().all(|c| c.is_ascii_digit()));
        assert_ne!(a, b);
    }

    #[test]
    fn voxtelesys_secret_must_be_a_pair() {
        let req = SignRequest::new("POST", "https://x/y", b"");
        assert!(for_provider(Provider::Voxtelesys, "nocolon", &req).is_err());
        assert!(for_provider(Provider::TryVox, "", &req).is_err());
    }
}
