//! `X-Twilio-Signature`: base64(HMAC-SHA1(token, url + sorted params)), as the
//! official SDKs compute it.
//!
//! The URL is the public URL with the query exactly as received (never
//! re-encoded); form POST parameters are appended sorted by name, then by value
//! (repeated keys keep every value). A JSON body is covered through
//! `bodySHA256=<hex sha256(body)>` in the URL: when that parameter is present
//! the body hash is **always** checked (fail closed), which several SDKs skip.

use hmac::Mac;
use sha2::{Digest, Sha256};

use super::codec::{self, TagBuf, Tags};
use super::context::{Env, Keys, Out, signature_header};
use super::params;
use super::secret::{HmacSha1, find_sha1};
use super::url::{SignedUrl, UrlPolicy};
use super::{Auth, AuthError, IntoSecrets, Scheme, Verification};
use crate::request::Inbound;

const HEADER: &str = "x-twilio-signature";

/// The Twilio-style scheme (Twilio itself, and Twilio-compatible senders).
///
/// ```
/// use voxhook_core::auth::{Auth, Twilio};
///
/// let auth = Auth::from(Twilio::new("auth-token")).public_url("https://hooks.example.com")?;
/// assert!(auth.validate().is_ok());
/// # Ok::<(), voxhook_core::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Twilio {
    pub(crate) keys: Keys,
    pub(crate) url: UrlPolicy,
}

impl Twilio {
    /// Checks `X-Twilio-Signature` against the auth token(s).
    pub fn new(tokens: impl IntoSecrets) -> Self {
        Twilio {
            keys: tokens.into_source().0,
            url: UrlPolicy::default(),
        }
    }

    pub(crate) fn check(
        &self,
        req: &Inbound<'_>,
        env: &Env,
        out: &mut Out,
    ) -> Result<Verification, AuthError> {
        let scheme = Scheme::Twilio;
        let value = signature_header(req, HEADER, scheme, out)?;
        let mut tags = Tags::new();
        tags.push_base64(value);
        if tags.is_empty() {
            return Err(AuthError::MalformedSignature {
                scheme,
                why: "the signature is not base64",
            });
        }
        let query = req.query().unwrap_or("");
        let body_hash = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "bodySHA256")
            .map(|(_, v)| v);
        let form = match &body_hash {
            Some(expected) => {
                let mut buf: TagBuf = [0; 64];
                let expected = codec::hex_lower_into(expected.as_bytes(), &mut buf);
                let actual = Sha256::digest(req.body());
                if !expected.is_some_and(|e| codec::tag_eq(&actual, e)) {
                    out.note(scheme, || {
                        "bodySHA256 in the URL does not match the body".into()
                    });
                    return Err(AuthError::SignatureMismatch { scheme });
                }
                Vec::new()
            }
            None if !req.is_query_request() && params::is_form(req.content_type()) => {
                params::sorted_pairs(req.body(), true)
            }
            None => Vec::new(),
        };
        let Some((url, source)) = self.url.resolve(req) else {
            out.note(scheme, || "no public URL and no Host header".into());
            return Err(AuthError::SignatureMismatch { scheme });
        };
        let secrets = env.secrets(&self.keys);
        let tail = if form.is_empty() {
            String::new()
        } else {
            format!(" + {} sorted params", form.len())
        };
        let attempt = |variant: &SignedUrl<'_>| {
            let feed = |mac: &mut HmacSha1| {
                variant.feed(mac, true);
                for (k, v) in &form {
                    mac.update(k.as_bytes());
                    mac.update(v.as_bytes());
                }
            };
            find_sha1(secrets, feed, |tag| tags.contains(tag))
        };
        match url.find_variant(source, scheme, true, &tail, out, attempt) {
            Some(i) => Ok(Verification::new(scheme, i)),
            None => Err(AuthError::SignatureMismatch { scheme }),
        }
    }
}

impl From<Twilio> for Auth {
    fn from(s: Twilio) -> Self {
        Auth::leaf(super::Node::Twilio(s))
    }
}
