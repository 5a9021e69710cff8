//! An HMAC-SHA256 of the raw body in a configurable header: `sha256=<hex>`,
//! bare hex or base64 (VoxPria `x-voxpria-signature`, Vobiz KYC, GitHub-style).

use std::sync::Arc;

use hmac::Mac;

use super::codec::{self, TagBuf};
use super::context::{Env, Keys, Out, signature_header};
use super::secret::{HmacSha256, find_sha256};
use super::{Auth, AuthError, IntoSecrets, Scheme, Verification};
use crate::request::Inbound;

/// How a body signature is written in its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SignatureEncoding {
    /// `sha256=<hex>`, bare lower-case hex, or base64, told apart by form.
    #[default]
    Auto,
    /// `sha256=<lower-case hex>` only.
    PrefixedHex,
    /// Lower-case hex only.
    Hex,
    /// Standard base64 only.
    Base64,
}

/// The body HMAC scheme.
///
/// ```
/// use voxhook_core::auth::{Auth, BodyHmac, SignatureEncoding};
///
/// let auth: Auth = BodyHmac::new("x-vobiz-signature", "main-account-token")
///     .encoding(SignatureEncoding::PrefixedHex)
///     .into();
/// assert!(auth.validate().is_ok());
/// ```
#[derive(Debug, Clone)]
pub struct BodyHmac {
    pub(crate) header: Arc<str>,
    pub(crate) keys: Keys,
    pub(crate) encoding: SignatureEncoding,
}

impl BodyHmac {
    /// Checks header `header` against `secrets` (raw bytes of each secret are the key).
    pub fn new(header: &str, secrets: impl IntoSecrets) -> Self {
        BodyHmac {
            header: header.to_ascii_lowercase().into(),
            keys: secrets.into_source().0,
            encoding: SignatureEncoding::Auto,
        }
    }

    /// Restricts the accepted encoding (default: [`SignatureEncoding::Auto`]).
    pub fn encoding(mut self, encoding: SignatureEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    fn decode<'b>(&self, value: &[u8], buf: &'b mut TagBuf) -> Option<&'b [u8]> {
        let value = value.trim_ascii();
        let prefixed = value.strip_prefix(b"sha256=");
        match self.encoding {
            SignatureEncoding::PrefixedHex => codec::hex_lower_into(prefixed?, buf),
            SignatureEncoding::Hex => codec::hex_lower_into(value, buf),
            SignatureEncoding::Base64 => codec::base64_into(value, buf),
            SignatureEncoding::Auto => match prefixed {
                Some(hex) => codec::hex_lower_into(hex, buf),
                None if value.len() == 64 && value.iter().all(|b| b.is_ascii_hexdigit()) => {
                    codec::hex_lower_into(value, buf)
                }
                None => codec::base64_into(value, buf),
            },
        }
    }

    pub(crate) fn check(
        &self,
        req: &Inbound<'_>,
        env: &Env,
        out: &mut Out,
    ) -> Result<Verification, AuthError> {
        let scheme = Scheme::BodyHmac;
        let value = signature_header(req, &self.header, scheme, out)?;
        let mut buf: TagBuf = [0; 64];
        let Some(got) = self.decode(value, &mut buf) else {
            out.note(scheme, || {
                format!("`{}` is not in the expected encoding", self.header)
            });
            return Err(AuthError::MalformedSignature {
                scheme,
                why: "not sha256=<hex>, hex or base64",
            });
        };
        let secrets = env.secrets(&self.keys);
        let feed = |mac: &mut HmacSha256| mac.update(req.body());
        if let Some(i) = find_sha256(secrets, feed, |tag| codec::tag_eq(tag, got)) {
            out.note(scheme, || format!("secret #{i} matched"));
            return Ok(Verification::new(scheme, i));
        }
        out.note(scheme, || {
            format!(
                "the body signature matches none of {} secrets",
                secrets.len()
            )
        });
        Err(AuthError::SignatureMismatch { scheme })
    }
}

impl From<BodyHmac> for Auth {
    fn from(s: BodyHmac) -> Self {
        Auth::leaf(super::Node::BodyHmac(s))
    }
}
