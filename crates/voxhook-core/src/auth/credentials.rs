//! Shared-secret credentials: bearer token, Basic user/password, API key header.
//!
//! Presented values are hashed with SHA-256 and compared digest to digest in
//! constant time, so neither the content nor the length of a secret leaks
//! through timing.

use std::sync::Arc;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::context::{Env, Keys, Out};
use super::{AuthError, Scheme, Secret, Verification};
use crate::error::Challenge;
use crate::request::Inbound;

/// Index of the secret whose digest equals SHA-256(`presented`).
fn match_digest(secrets: &[Secret], presented: &[u8]) -> Option<usize> {
    let d: [u8; 32] = Sha256::digest(presented).into();
    secrets
        .iter()
        .position(|s| bool::from(s.digest().ct_eq(&d)))
}

/// `Authorization: <scheme> <credentials>` with the scheme matched case-insensitively.
fn authorization<'a>(req: &Inbound<'a>, scheme: &str) -> Option<Result<&'a [u8], ()>> {
    let v = req.headers().first("authorization")?.trim_ascii();
    let (name, rest) = match v.iter().position(|b| *b == b' ') {
        Some(i) => (&v[..i], v[i + 1..].trim_ascii()),
        None => (v, &b""[..]),
    };
    if !name.eq_ignore_ascii_case(scheme.as_bytes()) || rest.is_empty() {
        return Some(Err(()));
    }
    Some(Ok(rest))
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
        let fail = |missing: bool| {
            let (scheme, challenge) = (Scheme::Bearer, Challenge::Bearer);
            if missing {
                AuthError::MissingCredentials { scheme, challenge }
            } else {
                AuthError::InvalidCredentials { scheme, challenge }
            }
        };
        let token = match authorization(req, "bearer") {
            None => {
                out.note(Scheme::Bearer, || "no Authorization header".into());
                return Err(fail(true));
            }
            Some(Err(())) => {
                out.note(Scheme::Bearer, || {
                    "Authorization is not `Bearer <token>`".into()
                });
                return Err(fail(false));
            }
            Some(Ok(t)) => t,
        };
        let secrets = env.secrets(&self.keys);
        match match_digest(secrets, token) {
            Some(i) => {
                out.note(Scheme::Bearer, || format!("token #{i} matched"));
                Ok(Verification::new(Scheme::Bearer, i))
            }
            None => {
                out.note(Scheme::Bearer, || {
                    format!("the token matches none of {} configured", secrets.len())
                });
                Err(fail(false))
            }
        }
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
        let fail = |missing: bool| {
            let (scheme, challenge) = (Scheme::Basic, Challenge::Basic);
            if missing {
                AuthError::MissingCredentials { scheme, challenge }
            } else {
                AuthError::InvalidCredentials { scheme, challenge }
            }
        };
        let encoded = match authorization(req, "basic") {
            None => {
                out.note(Scheme::Basic, || "no Authorization header".into());
                return Err(fail(true));
            }
            Some(Err(())) => {
                out.note(Scheme::Basic, || {
                    "Authorization is not `Basic <credentials>`".into()
                });
                return Err(fail(false));
            }
            Some(Ok(t)) => t,
        };
        let mut buf = [0u8; 512];
        let decoded = if encoded.len() <= 680 {
            base64::Engine::decode_slice(
                &base64::engine::general_purpose::STANDARD,
                encoded,
                &mut buf,
            )
            .ok()
            .and_then(|n| buf.get(..n))
        } else {
            None
        };
        let Some(decoded) = decoded else {
            out.note(Scheme::Basic, || "the credentials are not base64".into());
            return Err(fail(false));
        };
        let secrets = env.secrets(&self.keys);
        match match_digest(secrets, decoded) {
            Some(i) => {
                out.note(Scheme::Basic, || format!("user/password pair #{i} matched"));
                Ok(Verification::new(Scheme::Basic, i))
            }
            None => {
                out.note(Scheme::Basic, || {
                    format!(
                        "the credentials match none of {} configured pairs",
                        secrets.len()
                    )
                });
                Err(fail(false))
            }
        }
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
        let (scheme, challenge) = (Scheme::ApiKey, Challenge::None);
        let Some(value) = req.headers().first(&self.header) else {
            out.note(scheme, || format!("no `{}` header", self.header));
            return Err(AuthError::MissingCredentials { scheme, challenge });
        };
        let secrets = env.secrets(&self.keys);
        match match_digest(secrets, value.trim_ascii()) {
            Some(i) => {
                out.note(scheme, || format!("key #{i} matched"));
                Ok(Verification::new(scheme, i))
            }
            None => {
                out.note(scheme, || {
                    format!("`{}` matches none of {} keys", self.header, secrets.len())
                });
                Err(AuthError::InvalidCredentials { scheme, challenge })
            }
        }
    }
}
