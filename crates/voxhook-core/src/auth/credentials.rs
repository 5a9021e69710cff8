//! Shared-secret credentials: bearer token, Basic user/password, API key header.
//!
//! Presented values are hashed with SHA-256 and compared digest to digest in
//! constant time, so neither the content nor the length of a secret leaks
//! through timing.

use std::sync::Arc;

use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::context::{Env, Keys, Out};
use super::{AuthError, Scheme, Secret, Verification};
use crate::error::Challenge;
use crate::request::Inbound;

/// What a request presented, before comparing it.
enum Presented<'a> {
    /// Nothing in this header.
    Missing(&'a str),
    /// Something that cannot be a credential of this scheme.
    Unreadable(&'static str),
    Value(&'a [u8]),
}

/// Compares `presented` with the secrets and words the outcome.
fn verdict(
    scheme: Scheme,
    challenge: Challenge,
    presented: Presented<'_>,
    secrets: &[Secret],
    out: &mut Out,
) -> Result<Verification, AuthError> {
    let value = match presented {
        Presented::Missing(header) => {
            out.note(scheme, || format!("no `{header}` header"));
            return Err(AuthError::MissingCredentials { scheme, challenge });
        }
        Presented::Unreadable(why) => {
            out.note(scheme, || why.into());
            return Err(AuthError::InvalidCredentials { scheme, challenge });
        }
        Presented::Value(v) => v,
    };
    let d: [u8; 32] = Sha256::digest(value).into();
    match secrets
        .iter()
        .position(|s| bool::from(s.digest().ct_eq(&d)))
    {
        Some(i) => {
            out.note(scheme, || format!("credential #{i} matched"));
            Ok(Verification::new(scheme, i))
        }
        None => {
            out.note(scheme, || {
                format!("matches none of {} configured credentials", secrets.len())
            });
            Err(AuthError::InvalidCredentials { scheme, challenge })
        }
    }
}

/// The credentials of `Authorization: <auth_scheme> <credentials>` (scheme
/// matched case-insensitively).
fn authorization<'a>(req: &Inbound<'a>, auth_scheme: &str) -> Presented<'a> {
    let Some(v) = req.headers().first("authorization") else {
        return Presented::Missing("authorization");
    };
    let v = v.trim_ascii();
    let (name, rest) = match v.iter().position(|b| *b == b' ') {
        Some(i) => (&v[..i], v[i + 1..].trim_ascii()),
        None => (v, &b""[..]),
    };
    if !name.eq_ignore_ascii_case(auth_scheme.as_bytes()) || rest.is_empty() {
        return Presented::Unreadable("Authorization has another scheme or no credentials");
    }
    Presented::Value(rest)
}

/// `Authorization: Bearer <token>`; several tokens accepted at once.
#[derive(Debug, Clone)]
pub(crate) struct Bearer {
    pub(crate) keys: Keys,
}

impl Bearer {
    pub(crate) fn check(
        &self,
        req: &Inbound<'_>,
        env: &Env,
        out: &mut Out,
    ) -> Result<Verification, AuthError> {
        let presented = authorization(req, "bearer");
        let secrets = env.secrets(&self.keys);
        verdict(Scheme::Bearer, Challenge::Bearer, presented, secrets, out)
    }
}

/// `Authorization: Basic base64(user:password)`; several pairs accepted.
#[derive(Debug, Clone)]
pub(crate) struct Basic {
    /// Each secret is `user:password`.
    pub(crate) keys: Keys,
}

impl Basic {
    pub(crate) fn check(
        &self,
        req: &Inbound<'_>,
        env: &Env,
        out: &mut Out,
    ) -> Result<Verification, AuthError> {
        let mut buf = [0u8; 512];
        let presented = match authorization(req, "basic") {
            Presented::Value(encoded) if encoded.len() <= 680 => {
                match base64::engine::general_purpose::STANDARD.decode_slice(encoded, &mut buf) {
                    Ok(n) => Presented::Value(&buf[..n]),
                    Err(_) => Presented::Unreadable("the Basic credentials are not base64"),
                }
            }
            Presented::Value(_) => Presented::Unreadable("the Basic credentials are too long"),
            other => other,
        };
        let secrets = env.secrets(&self.keys);
        verdict(Scheme::Basic, Challenge::Basic, presented, secrets, out)
    }
}

/// A shared key in a configurable header (no challenge on 401).
#[derive(Debug, Clone)]
pub(crate) struct ApiKey {
    pub(crate) header: Arc<str>,
    pub(crate) keys: Keys,
}

impl ApiKey {
    pub(crate) fn check(
        &self,
        req: &Inbound<'_>,
        env: &Env,
        out: &mut Out,
    ) -> Result<Verification, AuthError> {
        let presented = match req.headers().first(&self.header) {
            Some(v) => Presented::Value(v.trim_ascii()),
            None => Presented::Missing(&self.header),
        };
        let secrets = env.secrets(&self.keys);
        verdict(Scheme::ApiKey, Challenge::None, presented, secrets, out)
    }
}
