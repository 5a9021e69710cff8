//! Per-request evaluation state shared by the schemes.

use std::sync::Arc;
use std::time::Duration;

use super::replay::NonceStore;
use super::resolver::SecretResolver;
use super::{AuthError, Scheme, Secret};
use crate::request::Inbound;

/// Where a scheme's secrets come from.
#[derive(Clone, Debug)]
pub(crate) enum Keys {
    /// Fixed when the `Auth` was built.
    Static(Arc<[Secret]>),
    /// Looked up per request.
    Resolver(Arc<dyn SecretResolver>),
}

impl Keys {
    pub(crate) fn fixed(secrets: Vec<Secret>) -> Self {
        Keys::Static(secrets.into())
    }

    pub(crate) fn has_empty(&self) -> bool {
        match self {
            Keys::Static(s) => s.is_empty() || s.iter().any(Secret::is_empty),
            Keys::Resolver(_) => false,
        }
    }
}

pub(crate) fn resolver_id(r: &Arc<dyn SecretResolver>) -> usize {
    Arc::as_ptr(r).cast::<()>() as usize
}

/// Read-only inputs of one evaluation: the secrets resolvers returned.
#[derive(Debug, Default)]
pub(crate) struct Env {
    pub(crate) resolved: Vec<(usize, Vec<Secret>)>,
}

impl Env {
    pub(crate) fn secrets<'k>(&'k self, keys: &'k Keys) -> &'k [Secret] {
        match keys {
            Keys::Static(s) => s,
            Keys::Resolver(r) => {
                let id = resolver_id(r);
                self.resolved
                    .iter()
                    .find(|(rid, _)| *rid == id)
                    .map_or(&[], |(_, v)| v.as_slice())
            }
        }
    }
}

/// A nonce to record once the whole chain has accepted the request.
#[derive(Debug)]
pub(crate) struct PendingNonce {
    pub(crate) store: Arc<dyn NonceStore>,
    pub(crate) key: String,
    pub(crate) window: Duration,
    pub(crate) scheme: Scheme,
}

/// The value of signature header `name`, or a noted `MissingSignature`.
pub(crate) fn signature_header<'a>(
    req: &Inbound<'a>,
    name: &str,
    scheme: Scheme,
    out: &mut Out,
) -> Result<&'a [u8], AuthError> {
    match req.headers().first(name) {
        Some(v) => Ok(v),
        None => {
            out.note(scheme, || format!("no `{name}` header"));
            Err(AuthError::MissingSignature { scheme })
        }
    }
}

/// One line of an explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The scheme that wrote it.
    pub scheme: Scheme,
    /// What it found (never a secret or an expected signature).
    pub text: String,
}

/// Outputs of one evaluation.
#[derive(Debug, Default)]
pub(crate) struct Out {
    pub(crate) nonces: Vec<PendingNonce>,
    pub(crate) notes: Option<Vec<Note>>,
}

impl Out {
    /// Records a diagnostic line; the text is only built when explaining.
    #[inline]
    pub(crate) fn note(&mut self, scheme: Scheme, text: impl FnOnce() -> String) {
        if let Some(notes) = &mut self.notes {
            notes.push(Note {
                scheme,
                text: text(),
            });
        }
    }
}
