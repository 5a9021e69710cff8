//! Secrets with redacted `Debug`, and their lazily pre-keyed HMAC states.

use std::fmt;
use std::sync::{Arc, OnceLock};

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

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
    #[allow(dead_code)] // read by the Twilio scheme, next
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
    #[allow(dead_code)]
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

/// One or several secrets, accepted at once (for rotation: old and new).
///
/// Implemented for one secret (`&str`, `String`, [`Secret`]) and for arrays,
/// slices and vectors of them; the order gives [`Verification::secret_index`](super::Verification).
pub trait IntoSecrets {
    /// The secrets, in order.
    fn into_secrets(self) -> Vec<Secret>;
}

impl<T: Into<Secret>> IntoSecrets for T {
    fn into_secrets(self) -> Vec<Secret> {
        vec![self.into()]
    }
}

impl<T: Into<Secret>> IntoSecrets for Vec<T> {
    fn into_secrets(self) -> Vec<Secret> {
        self.into_iter().map(Into::into).collect()
    }
}

impl<T: Into<Secret>, const N: usize> IntoSecrets for [T; N] {
    fn into_secrets(self) -> Vec<Secret> {
        self.into_iter().map(Into::into).collect()
    }
}

impl<T: Into<Secret> + Clone> IntoSecrets for &[T] {
    fn into_secrets(self) -> Vec<Secret> {
        self.iter().cloned().map(Into::into).collect()
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
        let v = ["old", "new"].into_secrets();
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].expose(), b"new");
        assert_eq!("one".into_secrets().len(), 1);
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
