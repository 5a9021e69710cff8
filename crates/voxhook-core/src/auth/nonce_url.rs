//! URL + nonce signatures: Vobiz V2/V3 and Plivo V2/V3 (and their `-MA-` /
//! `-Ma-` variants keyed with the parent account's token).
//!
//! `V2 = base64(HMAC-SHA256(token, url + nonce))`,
//! Vobiz `V3 = base64(HMAC-SHA256(token, url + "." + nonce))`, where `url` is
//! the public URL without query or fragment; Plivo V3 appends the sorted query
//! and sorted POST parameters to the URL first (and may send several
//! comma-separated signatures). The body and the time are not
//! signed, so a replay guard rejects a nonce seen within the window (default
//! 10 minutes); only nonces of verified pairs are recorded.

use std::sync::Arc;
use std::time::Duration;

use hmac::Mac;

use super::codec::Tags;
use super::context::{Env, Keys, Out, PendingNonce};
use super::params;
use super::replay::{MemoryNonceStore, NonceStore};
use super::secret::{HmacSha256, find_sha256};
use super::url::UrlPolicy;
use super::url::{SignedUrl, UrlSource};
use super::{Auth, AuthError, IntoSecrets, Scheme, Secret, Verification};
use crate::request::Inbound;

/// Which provider's headers to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Vobiz,
    Plivo,
}

/// One signature header with its nonce header.
struct Pair {
    scheme: Scheme,
    signature: &'static str,
    nonce: &'static str,
    /// `"."` for V3, `""` for V2.
    separator: &'static [u8],
    /// Keyed with the parent (main) account's token.
    parent: bool,
    /// Plivo V3: the sorted query and POST params follow the URL.
    sorted_params: bool,
}

const fn pair(
    scheme: Scheme,
    signature: &'static str,
    nonce: &'static str,
    v3: bool,
    parent: bool,
    sorted_params: bool,
) -> Pair {
    Pair {
        scheme,
        signature,
        nonce,
        separator: if v3 { b"." } else { b"" },
        parent,
        sorted_params,
    }
}

const VOBIZ_V3_NONCE: &str = "x-vobiz-signature-v3-nonce";
const VOBIZ_V2_NONCE: &str = "x-vobiz-signature-v2-nonce";
const PLIVO_V3_NONCE: &str = "x-plivo-signature-v3-nonce";
const PLIVO_V2_NONCE: &str = "x-plivo-signature-v2-nonce";

// The `-MA-` headers reuse the nonce of their version (no separate MA nonce).
const VOBIZ: &[Pair] = &[
    pair(
        Scheme::VobizV3,
        "x-vobiz-signature-v3",
        VOBIZ_V3_NONCE,
        true,
        false,
        false,
    ),
    pair(
        Scheme::VobizMaV3,
        "x-vobiz-signature-ma-v3",
        VOBIZ_V3_NONCE,
        true,
        true,
        false,
    ),
    pair(
        Scheme::VobizV2,
        "x-vobiz-signature-v2",
        VOBIZ_V2_NONCE,
        false,
        false,
        false,
    ),
    pair(
        Scheme::VobizMaV2,
        "x-vobiz-signature-ma-v2",
        VOBIZ_V2_NONCE,
        false,
        true,
        false,
    ),
];

const PLIVO: &[Pair] = &[
    pair(
        Scheme::PlivoV3,
        "x-plivo-signature-v3",
        PLIVO_V3_NONCE,
        true,
        false,
        true,
    ),
    pair(
        Scheme::PlivoMaV3,
        "x-plivo-signature-ma-v3",
        PLIVO_V3_NONCE,
        true,
        true,
        true,
    ),
    pair(
        Scheme::PlivoV2,
        "x-plivo-signature-v2",
        PLIVO_V2_NONCE,
        false,
        false,
        false,
    ),
    pair(
        Scheme::PlivoMaV2,
        "x-plivo-signature-ma-v2",
        PLIVO_V2_NONCE,
        false,
        true,
        false,
    ),
];

/// Nonces longer than this are refused as malformed (providers send 20 digits).
pub(crate) const MAX_NONCE: usize = 128;

/// The replay guard: a nonce store and a window.
#[derive(Debug, Clone)]
pub(crate) struct ReplayGuard {
    pub(crate) store: Arc<dyn NonceStore>,
    pub(crate) window: Duration,
}

impl ReplayGuard {
    pub(crate) const DEFAULT_WINDOW: Duration = Duration::from_secs(600);

    pub(crate) fn memory() -> Self {
        ReplayGuard {
            store: Arc::new(MemoryNonceStore::default()),
            window: Self::DEFAULT_WINDOW,
        }
    }
}

/// Vobiz V2/V3 or Plivo V2 URL signatures, configurable.
///
/// ```
/// use voxhook_core::auth::{Auth, NonceSignature};
///
/// // A Vobiz sub-account: its own token, and the parent's for the `-MA-` headers.
/// let auth = Auth::from(NonceSignature::vobiz("sub-token").parent_token("main-token"))
///     .public_url("https://hooks.example.com")?;
/// assert!(auth.validate().is_ok());
/// # Ok::<(), voxhook_core::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct NonceSignature {
    pub(crate) family: Family,
    pub(crate) keys: Keys,
    pub(crate) parent: Option<Keys>,
    pub(crate) url: UrlPolicy,
    pub(crate) replay: Option<ReplayGuard>,
}

impl NonceSignature {
    /// Vobiz `X-Vobiz-Signature-V3` / `-V2` with the account auth token(s).
    pub fn vobiz(tokens: impl IntoSecrets) -> Self {
        Self::with_keys(Family::Vobiz, tokens.into_source().0)
    }

    /// Plivo `X-Plivo-Signature-V3` / `-V2` with the auth token(s).
    pub fn plivo(tokens: impl IntoSecrets) -> Self {
        Self::with_keys(Family::Plivo, tokens.into_source().0)
    }

    pub(crate) fn with_keys(family: Family, keys: Keys) -> Self {
        NonceSignature {
            family,
            keys,
            parent: None,
            url: UrlPolicy::default(),
            replay: Some(ReplayGuard::memory()),
        }
    }

    /// Also accepts the main-account (`-MA-` / `-Ma-`) headers, keyed with the parent's token(s).
    pub fn parent_token(mut self, tokens: impl IntoSecrets) -> Self {
        self.parent = Some(tokens.into_source().0);
        self
    }

    /// Turns the replay guard off. Not recommended: the body is not signed, so
    /// a captured request could be replayed with another body.
    pub fn without_replay_guard(mut self) -> Self {
        self.replay = None;
        self
    }

    fn pairs(&self) -> &'static [Pair] {
        match self.family {
            Family::Vobiz => VOBIZ,
            Family::Plivo => PLIVO,
        }
    }

    pub(crate) fn check(
        &self,
        req: &Inbound<'_>,
        env: &Env,
        out: &mut Out,
    ) -> Result<Verification, AuthError> {
        let h = req.headers();
        let resolved = self.url.resolve(req);
        let mut suffix: Option<String> = None;
        let mut first: Option<Verification> = None;
        let mut worst: Option<AuthError> = None;
        let mut present = false;
        for pair in self.pairs() {
            let scheme = pair.scheme;
            let Some(value) = h.first(pair.signature) else {
                out.note(scheme, || format!("no `{}` header", pair.signature));
                continue;
            };
            present = true;
            let keys = if pair.parent {
                match &self.parent {
                    Some(k) => k,
                    None => {
                        out.note(scheme, || {
                            "present, but no parent-account token is configured".into()
                        });
                        continue;
                    }
                }
            } else {
                &self.keys
            };
            let suffix = if pair.sorted_params {
                suffix.get_or_insert_with(|| {
                    let form = params::is_form(req.content_type()).then(|| req.body());
                    params::plivo_v3_suffix(req.method(), req.query(), form)
                })
            } else {
                ""
            };
            let result =
                self.check_pair(pair, value, suffix, req, resolved, env.secrets(keys), out);
            match result {
                Ok((v, nonce)) => {
                    if let Some(guard) = &self.replay {
                        let key = format!("{}:{nonce}", pair.nonce);
                        if !out.nonces.iter().any(|p| p.key == key) {
                            out.nonces.push(PendingNonce {
                                store: guard.store.clone(),
                                key,
                                window: guard.window,
                                scheme,
                            });
                        }
                    }
                    first.get_or_insert(v);
                }
                Err(e) => {
                    if worst.as_ref().is_none_or(|w| e.weight() > w.weight()) {
                        worst = Some(e);
                    }
                }
            }
        }
        match (first, worst) {
            (Some(v), _) => Ok(v),
            (None, Some(e)) => Err(e),
            (None, None) => {
                let scheme = self.pairs()[0].scheme;
                if present {
                    Err(AuthError::SignatureMismatch { scheme })
                } else {
                    Err(AuthError::MissingSignature { scheme })
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_pair<'r>(
        &self,
        pair: &Pair,
        value: &[u8],
        suffix: &str,
        req: &Inbound<'r>,
        resolved: Option<(SignedUrl<'_>, UrlSource)>,
        secrets: &[Secret],
        out: &mut Out,
    ) -> Result<(Verification, &'r str), AuthError> {
        let scheme = pair.scheme;
        let malformed = |why| AuthError::MalformedSignature { scheme, why };
        let nonce = match req.headers().first(pair.nonce) {
            None => {
                out.note(scheme, || {
                    format!(
                        "`{}` is present but `{}` is missing",
                        pair.signature, pair.nonce
                    )
                });
                return Err(malformed("the nonce header is missing"));
            }
            Some(n) => std::str::from_utf8(n.trim_ascii())
                .map_err(|_| malformed("the nonce is not text"))?,
        };
        if nonce.is_empty()
            || nonce.len() > MAX_NONCE
            || nonce.bytes().any(|b| b.is_ascii_control())
        {
            return Err(malformed("the nonce is empty, too long or not printable"));
        }
        let mut tags = Tags::new();
        for part in value.split(|b| *b == b',') {
            tags.push_base64(part);
        }
        if tags.is_empty() {
            out.note(scheme, || format!("`{}` is not base64", pair.signature));
            return Err(malformed("the signature is not base64"));
        }
        let Some((url, source)) = resolved else {
            out.note(scheme, || {
                "no public URL is configured and the request has no Host header".into()
            });
            return Err(AuthError::SignatureMismatch { scheme });
        };
        let attempt = |variant: &SignedUrl<'_>| {
            let feed = |mac: &mut HmacSha256| {
                variant.feed(mac, false);
                mac.update(suffix.as_bytes());
                mac.update(pair.separator);
                mac.update(nonce.as_bytes());
            };
            find_sha256(secrets, feed, |tag| tags.contains(tag))
        };
        match url.find_variant(source, scheme, false, suffix, out, attempt) {
            Some(i) => Ok((Verification::new(scheme, i), nonce)),
            None => Err(AuthError::SignatureMismatch { scheme }),
        }
    }
}

impl From<NonceSignature> for Auth {
    fn from(s: NonceSignature) -> Self {
        Auth::leaf(super::Node::NonceUrl(s))
    }
}
