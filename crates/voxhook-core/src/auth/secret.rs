//! Secrets with redacted `Debug`, and their lazily pre-keyed HMAC states.

use std::fmt;
use std::sync::{Arc, OnceLock};

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::context::Keys;
use super::resolver::SecretResolver;

pub(crate) type HmacSha256 = Hmac<Sha256>;
pub(crate) type HmacSha1 = Hmac<Sha1>;

/// One secret (a token, a password pair, an HMAC key), cheap to clone.
///
/// Its `Debug` prints `[REDACTED]`, never the value. The keyed HMAC states are
/// computed on first use and kept, so verifying a request does not re-hash the
/// key (the two extra compressions of HMAC key setup).
///
/// ```
/// use voxhook_core::auth::Secret;
///
/// let s = Secret::new("hunter2");
/// assert_eq!(format!("{s:?}"), "Secret([REDACTED])");
/// ```
#[derive(Clone)]
pub struct Secret {
    inner: Arc<Inner>,
}

struct Inner {
    bytes: Box<[u8]>,
    sha256: OnceLock<HmacSha256>,
    sha1: OnceLock<HmacSha1>,
    digest: OnceLock<[u8; 32]>,
}

impl Secret {
    /// A secret from its bytes (a string's UTF-8 bytes, or a decoded key).
    pub fn new(bytes: impl AsRef<[u8]>) -> Self {
        Secret {
            inner: Arc::new(Inner {
                bytes: bytes.as_ref().into(),
                sha256: OnceLock::new(),
                sha1: OnceLock::new(),
                digest: OnceLock::new(),
            }),
        }
    }

    /// The secret's bytes. Handle with care: never log them.
    pub fn expose(&self) -> &[u8] {
        &self.inner.bytes
    }

    /// Whether the secret is empty (an empty secret is a configuration error).
    pub fn is_empty(&self) -> bool {
        self.inner.bytes.is_empty()
    }

    /// A fresh HMAC-SHA256 state keyed with this secret (a clone of a cached one).
    pub(crate) fn hmac_sha256(&self) -> HmacSha256 {
        self.inner
            .sha256
            .get_or_init(|| {
                // HMAC accepts keys of any length: `new_from_slice` cannot fail.
                HmacSha256::new_from_slice(&self.inner.bytes).expect("HMAC takes any key length")
            })
            .clone()
    }

    /// A fresh HMAC-SHA1 state keyed with this secret.
    pub(crate) fn hmac_sha1(&self) -> HmacSha1 {
        self.inner
            .sha1
            .get_or_init(|| {
                HmacSha1::new_from_slice(&self.inner.bytes).expect("HMAC takes any key length")
            })
            .clone()
    }

    /// SHA-256 of the secret, so that tokens are compared digest to digest in
    /// constant time without leaking their length.
    pub(crate) fn digest(&self) -> &[u8; 32] {
        self.inner
            .digest
            .get_or_init(|| Sha256::digest(&self.inner.bytes).into())
    }
}

/// The index of the first secret whose HMAC-SHA256 over what `feed` writes
/// satisfies `matches`.
pub(crate) fn find_sha256(
    secrets: &[Secret],
    feed: impl Fn(&mut HmacSha256),
    matches: impl Fn(&[u8]) -> bool,
) -> Option<usize> {
    secrets.iter().position(|s| {
        let mut mac = s.hmac_sha256();
        feed(&mut mac);
        matches(&mac.finalize().into_bytes())
    })
}

/// Like [`find_sha256`] with HMAC-SHA1 (Twilio).
pub(crate) fn find_sha1(
    secrets: &[Secret],
    feed: impl Fn(&mut HmacSha1),
    matches: impl Fn(&[u8]) -> bool,
) -> Option<usize> {
    secrets.iter().position(|s| {
        let mut mac = s.hmac_sha1();
        feed(&mut mac);
        matches(&mac.finalize().into_bytes())
    })
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s)
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::new(s)
    }
}

impl From<&String> for Secret {
    fn from(s: &String) -> Self {
        Secret::new(s)
    }
}

impl From<&[u8]> for Secret {
    fn from(s: &[u8]) -> Self {
        Secret::new(s)
    }
}

impl From<Vec<u8>> for Secret {
    fn from(s: Vec<u8>) -> Self {
        Secret::new(s)
    }
}

/// Where a scheme's secrets come from: values fixed at build time (one or
/// several, for rotation) or a [`SecretResolver`] asked per request.
///
/// ```
/// use std::sync::Arc;
/// use voxhook_core::auth::{Auth, FnResolver, Secret, SecretSource};
///
/// let fixed = Auth::bearer(["old-token", "new-token"]);
/// let resolver = FnResolver::new(|_req| Ok(vec![Secret::new("from-vault")]));
/// let resolved = Auth::bearer(SecretSource::resolver(Arc::new(resolver)));
/// assert!(fixed.validate().is_ok() && resolved.validate().is_ok());
/// ```
#[derive(Debug, Clone)]
pub struct SecretSource(pub(crate) Keys);

impl SecretSource {
    /// Secrets looked up per request by `resolver`.
    pub fn resolver(resolver: Arc<dyn SecretResolver>) -> Self {
        SecretSource(Keys::Resolver(resolver))
    }

    /// Secrets fixed now.
    pub fn fixed(secrets: Vec<Secret>) -> Self {
        SecretSource(Keys::fixed(secrets))
    }
}

/// One or several secrets (for rotation: old and new), or a resolver.
///
/// Implemented for one secret (`&str`, `String`, [`Secret`]), for arrays,
/// slices and vectors of them, and for [`SecretSource`]; the order gives
/// [`Verification::secret_index`](super::Verification).
pub trait IntoSecrets {
    /// The source of the secrets.
    fn into_source(self) -> SecretSource;
}

impl IntoSecrets for SecretSource {
    fn into_source(self) -> SecretSource {
        self
    }
}

impl<T: Into<Secret>> IntoSecrets for T {
    fn into_source(self) -> SecretSource {
        SecretSource::fixed(vec![self.into()])
    }
}

impl<T: Into<Secret>> IntoSecrets for Vec<T> {
    fn into_source(self) -> SecretSource {
        SecretSource::fixed(self.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Secret>, const N: usize> IntoSecrets for [T; N] {
    fn into_source(self) -> SecretSource {
        SecretSource::fixed(self.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Secret> + Clone> IntoSecrets for &[T] {
    fn into_source(self) -> SecretSource {
        SecretSource::fixed(self.iter().cloned().map(Into::into).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("hunter2-secret");
        let shown = format!("{s:?} {:?}", vec![s.clone()]);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(format!("{s:?}"), "Secret([REDACTED])");
    }

    #[test]
    fn into_secrets_keeps_order() {
        let Keys::Static(v) = ["old", "new"].into_source().0 else {
            panic!("fixed")
        };
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].expose(), b"new");
    }

    #[test]
    fn cached_hmac_matches_fresh() {
        let s = Secret::new("k");
        let mut a = s.hmac_sha256();
        a.update(b"m");
        let mut b = HmacSha256::new_from_slice(b"k").unwrap();
        b.update(b"m");
        assert_eq!(a.finalize().into_bytes(), b.finalize().into_bytes());
    }
}
