//! Secrets looked up per request (per account or tenant, or from a secret
//! store with hot rotation), instead of fixed when the `Auth` is built.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use super::Secret;
use crate::request::Inbound;

/// The future a [`SecretResolver`] returns.
pub type ResolveFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Vec<Secret>, ResolveError>> + Send + 'a>>;

/// Looks up the secrets that may have signed this request, e.g. by the
/// account id in the path or in a header (Vobiz sub-accounts).
///
/// Returning an empty list means "no secret for this request": the request is
/// then refused as not matching. An error refuses it with a 500 (the provider
/// retries later). Return [`Secret`]s you keep (they are cheap to clone and
/// cache their keyed HMAC state) rather than building new ones per call.
pub trait SecretResolver: Send + Sync + fmt::Debug {
    /// The candidate secrets for `req`, in order (the index is reported).
    fn resolve<'a>(&'a self, req: &'a Inbound<'a>) -> ResolveFuture<'a>;
}

/// A resolver failed to reach its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveError(pub &'static str);

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "secret resolver failed: {}", self.0)
    }
}

impl std::error::Error for ResolveError {}

/// A [`SecretResolver`] from a synchronous function (e.g. a lookup in a map
/// refreshed elsewhere).
///
/// ```
/// use voxhook_core::auth::{Auth, FnResolver, Secret, SecretSource};
/// use std::sync::Arc;
///
/// let tenants = Arc::new(std::collections::HashMap::from([
///     ("/t/acme/vobiz".to_string(), Secret::new("acme-token")),
/// ]));
/// let resolver = FnResolver::new(move |req| {
///     Ok(tenants.get(req.path()).cloned().into_iter().collect())
/// });
/// let auth = Auth::vobiz(SecretSource::resolver(Arc::new(resolver)));
/// assert!(auth.validate().is_ok());
/// ```
pub struct FnResolver<F> {
    f: F,
}

impl<F> FnResolver<F>
where
    F: Fn(&Inbound<'_>) -> Result<Vec<Secret>, ResolveError> + Send + Sync,
{
    /// Wraps `f`.
    pub fn new(f: F) -> Self {
        FnResolver { f }
    }
}

impl<F> fmt::Debug for FnResolver<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnResolver")
    }
}

impl<F> SecretResolver for FnResolver<F>
where
    F: Fn(&Inbound<'_>) -> Result<Vec<Secret>, ResolveError> + Send + Sync,
{
    fn resolve<'a>(&'a self, req: &'a Inbound<'a>) -> ResolveFuture<'a> {
        let out = (self.f)(req);
        Box::pin(std::future::ready(out))
    }
}
