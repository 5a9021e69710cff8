//! Authentication of inbound webhooks: bearer, basic, API key and every
//! provider's HMAC scheme, decided over the exact bytes and URL received.
//!
//! An [`Auth`] is built once (cheap to clone) and asked
//! [`verify`](Auth::verify) per request. There is no implicit default:
//! a route without authentication says so with [`Auth::none`].
//!
//! # Provider presets
//!
//! | provider | preset | what the provider sends |
//! |---|---|---|
//! | TryVox | [`Auth::tryvox`] | no signature yet ("coming soon"); TryVox recommends allow-listing its IP ranges. The preset checks `Authorization: Bearer <token>`, a token *you* put on the request: a voxhook convention, not a TryVox feature. Combine with [`Auth::ip_allowlist`]. |
//! | Voxtelesys | [`Auth::voxtelesys`] | HTTP Basic `user:password` (a missing header gets a 401 challenge, since some senders send credentials only after one) |
//! | VoxPria | [`Auth::voxpria`] | `X-Webhook-Signature: t=<unix>,v1=<hex>` (HMAC-SHA256 of `t.body`) or `x-voxpria-signature: sha256=<hex>` (HMAC-SHA256 of the body); the whole secret, `whsec_` included, is the key; one present header verifying is enough |
//! | Vobiz | [`Auth::vobiz`] + [`Auth::public_url`] | `X-Vobiz-Signature-V3` / `-V2` with their nonces, over the public URL without query; a nonce seen in the last 10 minutes is a replay |
//!
//! ```
//! use voxhook_core::auth::{Auth, sign};
//! use voxhook_core::{Inbound, Provider};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let auth = Auth::vobiz("dev-vobiz-token").public_url("https://hooks.example.com")?;
//!
//! // What Vobiz would send (the signing side is public, for tests and tools).
//! let req = sign::SignRequest::new("POST", "https://hooks.example.com/vobiz/answer", b"CallUUID=1")
//!     .nonce("12345678901234567890");
//! let headers = sign::for_provider(Provider::Vobiz, "dev-vobiz-token", &req)?;
//!
//! let inbound = Inbound::new("POST", "/vobiz/answer", &headers, b"CallUUID=1");
//! let v = auth.verify(&inbound).await.expect("verifies");
//! assert_eq!(v.secret_index, 0);
//! // The same nonce again is a replay.
//! let again = auth.verify(&inbound).await.unwrap_err();
//! assert_eq!(again.rejection().kind(), "replayed_nonce");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```
//!
//! # Other schemes
//!
//! | scheme | constructor | notes |
//! |---|---|---|
//! | Standard Webhooks / Svix | [`Auth::standard_webhooks`], [`StandardWebhooks`] | `whsec_` base64 secrets; `id.ts.body`; every space-separated `v1,` entry checked; tolerance both ways (default 5 min); the verified `webhook-id` is [`Verification::delivery_id`] |
//! | Stripe-style `t=,v1=` | [`Auth::timestamped_hex`], [`TimestampedHex`] | raw secret bytes as key; every `v1` checked, not only the last |
//! | body HMAC | [`Auth::body_hmac`], [`BodyHmac`] | `sha256=<hex>`, hex or base64 ([`SignatureEncoding`]); e.g. Vobiz KYC `X-Vobiz-Signature` keyed with the main account's token |
//! | Plivo V3 / V2 | [`Auth::plivo`] | V3: URL with re-sorted query + sorted POST params + nonce, comma-separated signatures; same replay guard as Vobiz |
//! | Twilio-style | [`Auth::twilio`], [`Twilio`] | HMAC-SHA1 of URL (query as received) + sorted params, repeated keys; JSON bodies via `bodySHA256`, always checked |
//! | API key | [`Auth::api_key`] | configurable header; 401 without challenge |
//! | IP allow-list | [`Auth::ip_allowlist`] | CIDR ranges; honours [`Auth::trust_proxies`] |
//!
//! # Secrets, rotation and resolvers
//! Every constructor takes one secret or several ([`IntoSecrets`]); all are
//! accepted, and [`Verification::secret_index`] says which matched, so an old
//! secret can be retired once it stops matching. Secrets can instead come
//! from a [`SecretResolver`] asked per request ([`SecretSource::resolver`]),
//! e.g. per Vobiz sub-account or from a secret store with hot rotation.
//! Constructors never fail: a problem (an empty secret, an invalid `whsec_`
//! key) is kept and reported by [`Auth::validate`], which a receiver calls
//! when it is built, and by the fallible setters ([`Auth::public_url`],
//! [`Auth::trust_proxies`]).
//!
//! # Public URL and proxies
//! URL-signed schemes (Vobiz, Plivo, Twilio) need the URL the provider
//! called. Set it with [`Auth::public_url`] (the base; the request path is
//! appended exactly as received). Without it, `https://` + `Host` is used,
//! or, only when the peer is in [`Auth::trust_proxies`], the `Forwarded` /
//! `X-Forwarded-Proto` / `X-Forwarded-Host` headers. Both default-port forms
//! (`:443`/`:80` present or absent) are tried; fragments are never signed.
//!
//! # Combining
//! [`Auth::any`] / [`Auth::or`] accept when one alternative accepts (when all
//! fail, a present-but-wrong signature is reported before a missing one);
//! [`Auth::all`] / [`Auth::and`] need every check, e.g.
//! `Auth::tryvox(token).and(Auth::ip_allowlist(ranges))`.
//!
//! # Replay guard
//! Vobiz and Plivo sign neither the body nor the time, so the nonces of
//! verified requests are recorded (bounded in-memory [`MemoryNonceStore`] by
//! default, shared by clones of the `Auth`; any [`NonceStore`] via
//! [`Auth::nonce_store`]) and a nonce seen within 10 minutes is refused.
//! Only requests whose signature verified are recorded, and only once the
//! whole chain accepted them. Providers send a fresh nonce on every retry:
//! nonces are never a dedup key.
//!
//! # Diagnostics and signing
//! [`Auth::explain`] says what was checked (headers found or missing, URL
//! variants tried, timestamp skew, which secret matched) without recording
//! nonces; [`sign`] produces the headers each provider sends, with an
//! injectable time and nonce.
//!
//! # Security
//! Signatures are decoded to bytes and compared in constant time; an empty or
//! truncated signature never matches. Tokens and passwords are compared as
//! SHA-256 digests in constant time. Errors and [`Explanation`]s never contain
//! a secret, an expected signature or the body; every type holding a secret
//! prints `[REDACTED]`.

mod body_hmac;
mod clock;
mod codec;
mod context;
mod credentials;
mod error;
mod explain;
mod ip;
mod items;
mod nonce_url;
mod outcome;
mod params;
mod replay;
mod resolver;
mod secret;
pub mod sign;
mod standard;
mod timestamped;
mod twilio;
mod url;
mod window;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

pub use body_hmac::{BodyHmac, SignatureEncoding};
pub use clock::{Clock, ManualClock, SystemClock};
pub use context::Note;
pub use error::AuthError;
pub use explain::Explanation;
pub use ip::{IpAllowlist, IpNet};
pub use nonce_url::NonceSignature;
pub use outcome::{Scheme, Verification};
pub use replay::{MemoryNonceStore, NonceFuture, NonceStore, NonceStoreError};
pub use resolver::{FnResolver, ResolveError, ResolveFuture, SecretResolver};
pub use secret::{IntoSecrets, Secret, SecretSource};
pub use standard::StandardWebhooks;
pub use timestamped::TimestampedHex;
pub use twilio::Twilio;
pub use window::Tolerance;

use crate::error::ConfigError;
use crate::request::Inbound;
use context::{Env, Keys, Out};
use credentials::{ApiKey, Basic, Bearer};

/// How a route authenticates its webhooks: one scheme, or several combined.
/// Cheap to clone (an `Arc`).
///
/// Constructors never fail; a configuration problem (an empty secret, a bad
/// public URL) is kept and reported by [`Auth::validate`] (which the receiver
/// builder calls) and by the fallible setters such as [`Auth::public_url`].
/// A request checked by an invalid `Auth` is refused with a 500.
#[derive(Debug, Clone)]
pub struct Auth {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    node: Node,
    error: Option<ConfigError>,
    has_resolver: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum Node {
    None,
    Bearer(Bearer),
    Basic(Basic),
    ApiKey(ApiKey),
    Timestamped(TimestampedHex),
    BodyHmac(BodyHmac),
    NonceUrl(NonceSignature),
    Standard(StandardWebhooks),
    Twilio(Twilio),
    Ip(IpAllowlist),
    Any(Vec<Node>),
    All(Vec<Node>),
    Invalid(ConfigError),
}

impl Node {
    fn first_error(&self) -> Option<ConfigError> {
        let empty = |keys: &Keys| {
            keys.has_empty()
                .then_some(ConfigError::Missing("secret (empty)"))
        };
        match self {
            Node::Invalid(e) => Some(e.clone()),
            Node::Any(v) | Node::All(v) => {
                if v.is_empty() {
                    return Some(ConfigError::Missing("auth alternatives (empty list)"));
                }
                v.iter().find_map(Node::first_error)
            }
            Node::Bearer(b) => empty(&b.keys),
            Node::Basic(b) => empty(&b.keys),
            Node::ApiKey(a) => empty(&a.keys),
            Node::Timestamped(t) => empty(&t.keys),
            Node::BodyHmac(b) => empty(&b.keys),
            Node::Standard(s) => empty(&s.keys),
            Node::Twilio(t) => empty(&t.keys),
            Node::NonceUrl(n) => empty(&n.keys).or_else(|| n.parent.as_ref().and_then(empty)),
            Node::None | Node::Ip(_) => None,
        }
    }

    fn for_each_keys(&self, f: &mut impl FnMut(&Keys)) {
        match self {
            Node::Any(v) | Node::All(v) => v.iter().for_each(|n| n.for_each_keys(f)),
            Node::Bearer(b) => f(&b.keys),
            Node::Basic(b) => f(&b.keys),
            Node::ApiKey(a) => f(&a.keys),
            Node::Timestamped(t) => f(&t.keys),
            Node::BodyHmac(b) => f(&b.keys),
            Node::Standard(s) => f(&s.keys),
            Node::Twilio(t) => f(&t.keys),
            Node::NonceUrl(n) => {
                f(&n.keys);
                if let Some(p) = &n.parent {
                    f(p);
                }
            }
            Node::None | Node::Ip(_) | Node::Invalid(_) => {}
        }
    }

    fn for_each_mut(&mut self, f: &mut impl FnMut(&mut Node)) {
        if let Node::Any(v) | Node::All(v) = self {
            v.iter_mut().for_each(|n| n.for_each_mut(f));
        } else {
            f(self);
        }
    }

    fn check(
        &self,
        req: &Inbound<'_>,
        env: &Env,
        out: &mut Out,
    ) -> Result<Verification, AuthError> {
        match self {
            Node::None => {
                out.note(Scheme::None, || {
                    "authentication is disabled (Auth::none)".into()
                });
                Ok(Verification::new(Scheme::None, 0))
            }
            Node::Bearer(b) => b.check(req, env, out),
            Node::Basic(b) => b.check(req, env, out),
            Node::ApiKey(a) => a.check(req, env, out),
            Node::Timestamped(t) => t.check(req, env, out),
            Node::BodyHmac(b) => b.check(req, env, out),
            Node::NonceUrl(n) => n.check(req, env, out),
            Node::Standard(s) => s.check(req, env, out),
            Node::Twilio(t) => t.check(req, env, out),
            Node::Ip(i) => i.check(req, out),
            Node::Invalid(e) => Err(AuthError::Misconfigured(e.clone())),
            Node::Any(alts) => {
                let mut worst: Option<AuthError> = None;
                for alt in alts {
                    let mark = out.nonces.len();
                    match alt.check(req, env, out) {
                        Ok(v) => return Ok(v),
                        Err(e) => {
                            out.nonces.truncate(mark);
                            if worst.as_ref().is_none_or(|w| e.weight() > w.weight()) {
                                worst = Some(e);
                            }
                        }
                    }
                }
                Err(
                    worst.unwrap_or(AuthError::Misconfigured(ConfigError::Missing(
                        "auth alternatives (empty list)",
                    ))),
                )
            }
            Node::All(parts) => {
                let mut first: Option<Verification> = None;
                let mut delivery_id = None;
                for part in parts {
                    let v = part.check(req, env, out)?;
                    if delivery_id.is_none() {
                        delivery_id.clone_from(&v.delivery_id);
                    }
                    first.get_or_insert(v);
                }
                let mut v = first.ok_or(AuthError::Misconfigured(ConfigError::Missing(
                    "auth requirements (empty list)",
                )))?;
                v.delivery_id = delivery_id;
                Ok(v)
            }
        }
    }
}

impl Auth {
    pub(crate) fn leaf(node: Node) -> Self {
        let error = node.first_error();
        let mut has_resolver = false;
        node.for_each_keys(&mut |k| has_resolver |= matches!(k, Keys::Resolver(_)));
        Auth {
            inner: Arc::new(Inner {
                node,
                error,
                has_resolver,
            }),
        }
    }

    fn node(&self) -> &Node {
        &self.inner.node
    }

    fn map(self, mut f: impl FnMut(&mut Node)) -> Self {
        let mut node = self.inner.node.clone();
        node.for_each_mut(&mut f);
        Auth::leaf(node)
    }

    fn invalid(e: ConfigError) -> Self {
        Auth::leaf(Node::Invalid(e))
    }

    /// No authentication at all: every request is accepted. Only for routes
    /// that are protected otherwise (a private network, a gateway).
    pub fn none() -> Self {
        Auth::leaf(Node::None)
    }

    /// `Authorization: Bearer <token>`; one token or several (rotation).
    /// Missing or wrong: 401 with `WWW-Authenticate: Bearer realm="voxhook"`.
    pub fn bearer(tokens: impl IntoSecrets) -> Self {
        Auth::leaf(Node::Bearer(Bearer {
            keys: tokens.into_source().0,
        }))
    }

    /// HTTP Basic with one `user` / `password` pair.
    /// Missing or wrong: 401 with `WWW-Authenticate: Basic realm="voxhook"`.
    pub fn basic(user: &str, password: &str) -> Self {
        Self::basic_pairs([(user, password)])
    }

    /// HTTP Basic accepting any of several `(user, password)` pairs.
    pub fn basic_pairs<'p>(pairs: impl IntoIterator<Item = (&'p str, &'p str)>) -> Self {
        let mut secrets = Vec::new();
        for (user, password) in pairs {
            if user.is_empty() || user.contains(':') || password.is_empty() {
                return Self::invalid(ConfigError::Invalid {
                    what: "Basic credentials",
                    why: "the user must be non-empty without ':' and the password non-empty",
                });
            }
            secrets.push(Secret::new(format!("{user}:{password}")));
        }
        Auth::leaf(Node::Basic(Basic {
            keys: Keys::fixed(secrets),
        }))
    }

    /// HTTP Basic from `user:password`, split at the first `:` (the password may contain `:`).
    pub fn basic_credentials(credentials: &str) -> Self {
        match credentials.split_once(':') {
            Some((user, password)) => Self::basic(user, password),
            None => Self::invalid(ConfigError::Invalid {
                what: "Basic credentials",
                why: "expected user:password",
            }),
        }
    }

    /// A shared key in header `header` (e.g. `x-api-key`); 401 without a challenge.
    pub fn api_key(header: &str, keys: impl IntoSecrets) -> Self {
        Auth::leaf(Node::ApiKey(ApiKey {
            header: header.to_ascii_lowercase().into(),
            keys: keys.into_source().0,
        }))
    }

    /// `t=<unix>,v1=<hex>` in header `header` (Stripe-style); see [`TimestampedHex`].
    pub fn timestamped_hex(header: &str, secrets: impl IntoSecrets) -> Self {
        TimestampedHex::new(header, secrets).into()
    }

    /// An HMAC-SHA256 of the body in header `header`; see [`BodyHmac`].
    pub fn body_hmac(header: &str, secrets: impl IntoSecrets) -> Self {
        BodyHmac::new(header, secrets).into()
    }

    /// An IP allow-list (CIDR ranges or single addresses). Behind a proxy,
    /// combine with [`Auth::trust_proxies`] so the client address is read from
    /// `X-Forwarded-For` / `Forwarded` sent by that proxy only.
    pub fn ip_allowlist<I, S>(ranges: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        match IpAllowlist::new(ranges) {
            Ok(a) => Auth::leaf(Node::Ip(a)),
            Err(e) => Self::invalid(e),
        }
    }

    /// TryVox preset: `Authorization: Bearer <token>`.
    ///
    /// TryVox documents no webhook signature yet and recommends allow-listing
    /// its IP ranges. This token is a **voxhook convention**, not a TryVox
    /// feature: you configure your TryVox URLs so that requests carry it.
    /// Add `.and(Auth::ip_allowlist(ranges))` for TryVox's published ranges.
    pub fn tryvox(token: impl IntoSecrets) -> Self {
        Self::bearer(token)
    }

    /// Voxtelesys preset: HTTP Basic from `user:password` (split at the first `:`).
    pub fn voxtelesys(credentials: &str) -> Self {
        Self::basic_credentials(credentials)
    }

    /// VoxPria preset: `X-Webhook-Signature: t=<unix>,v1=<hex>` (±5 min) or
    /// `x-voxpria-signature: sha256=<hex>`; the whole secret string
    /// (`whsec_` prefix included) is the HMAC key. The request is accepted
    /// when at least one present header verifies.
    pub fn voxpria(secrets: impl IntoSecrets) -> Self {
        let secrets = secrets.into_source();
        Auth::from(TimestampedHex::new("x-webhook-signature", secrets.clone())).or(BodyHmac::new(
            "x-voxpria-signature",
            secrets,
        )
        .encoding(SignatureEncoding::PrefixedHex)
        .into())
    }

    /// Vobiz preset: `X-Vobiz-Signature-V3` / `-V2` with their nonce headers,
    /// keyed with the account auth token(s), over the public URL (set it with
    /// [`Auth::public_url`]) without query; accepted when one present pair
    /// verifies; a nonce seen in the last 10 minutes is refused as a replay.
    /// For sub-accounts' `-MA-` headers see [`NonceSignature::parent_token`].
    pub fn vobiz(tokens: impl IntoSecrets) -> Self {
        NonceSignature::vobiz(tokens).into()
    }

    /// Standard Webhooks (`webhook-*` or `svix-*` headers) with `whsec_`
    /// secret(s); the verified `webhook-id` becomes
    /// [`Verification::delivery_id`]. An invalid secret is kept as a
    /// configuration error (see [`Auth::validate`]); use
    /// [`StandardWebhooks::new`] to get it at once.
    pub fn standard_webhooks<'s>(secrets: impl IntoIterator<Item = &'s str>) -> Self {
        match StandardWebhooks::new(secrets) {
            Ok(s) => s.into(),
            Err(e) => Self::invalid(e),
        }
    }

    /// Twilio-style `X-Twilio-Signature` (HMAC-SHA1 of URL and sorted params;
    /// JSON bodies through `bodySHA256`, always checked). Set the public URL
    /// with [`Auth::public_url`].
    pub fn twilio(tokens: impl IntoSecrets) -> Self {
        Twilio::new(tokens).into()
    }

    /// Plivo `X-Plivo-Signature-V3` (URL with sorted query and POST params +
    /// nonce, several comma-separated signatures) or `-V2` (URL + nonce), with
    /// the replay guard. Set the public URL with [`Auth::public_url`].
    pub fn plivo(tokens: impl IntoSecrets) -> Self {
        NonceSignature::plivo(tokens).into()
    }

    /// Accepts a request when any of `alternatives` accepts it (first match
    /// reported). When all fail, the most telling error is returned: a present
    /// but wrong signature before a missing one.
    pub fn any(alternatives: impl IntoIterator<Item = Auth>) -> Self {
        let mut v = Vec::new();
        for a in alternatives {
            match a.node() {
                Node::Any(inner) => v.extend(inner.iter().cloned()),
                n => v.push(n.clone()),
            }
        }
        Auth::leaf(Node::Any(v))
    }

    /// Accepts a request only when every check accepts it (e.g. a token and an
    /// IP allow-list). Reports the first check's verification.
    pub fn all(requirements: impl IntoIterator<Item = Auth>) -> Self {
        let mut v = Vec::new();
        for a in requirements {
            match a.node() {
                Node::All(inner) => v.extend(inner.iter().cloned()),
                n => v.push(n.clone()),
            }
        }
        Auth::leaf(Node::All(v))
    }

    /// `self` or `other` ([`Auth::any`] of two).
    pub fn or(self, other: Auth) -> Self {
        Self::any([self, other])
    }

    /// `self` and `other` ([`Auth::all`] of two).
    pub fn and(self, other: Auth) -> Self {
        Self::all([self, other])
    }

    /// Sets the public base URL providers call (e.g. `https://hooks.example.com`,
    /// optionally with a path prefix) for every URL-signed scheme in this
    /// `Auth`. The signed URL is this base + the request path as received.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] when `url` is not an absolute `http(s)` URL
    /// without query, fragment or credentials; or an error kept from building
    /// this `Auth`.
    pub fn public_url(self, url: &str) -> Result<Self, ConfigError> {
        self.validate()?;
        let base = Arc::new(url::PublicBase::parse(url)?);
        Ok(self.map(|n| match n {
            Node::NonceUrl(s) => s.url.base = Some(base.clone()),
            Node::Twilio(t) => t.url.base = Some(base.clone()),
            _ => {}
        }))
    }

    /// Trusts the forwarding headers (`Forwarded`, `X-Forwarded-Proto`,
    /// `X-Forwarded-Host`, `X-Forwarded-For`) when, and only when, the peer is
    /// in one of these ranges: for URL reconstruction (when no public URL is
    /// set) and for IP allow-lists.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] when a range does not parse; or an error kept
    /// from building this `Auth`.
    pub fn trust_proxies<I, S>(self, ranges: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.validate()?;
        let proxies = ip::TrustedProxies(ip::parse_nets(ranges)?);
        Ok(self.map(|n| match n {
            Node::NonceUrl(s) => s.url.proxies = proxies.clone(),
            Node::Twilio(t) => t.url.proxies = proxies.clone(),
            Node::Ip(i) => i.proxies = proxies.clone(),
            _ => {}
        }))
    }

    /// Uses `clock` for timestamp windows (tests, tools).
    pub fn clock(self, clock: Arc<dyn Clock>) -> Self {
        self.map(|n| match n {
            Node::Timestamped(t) => t.clock = clock.clone(),
            Node::Standard(s) => s.clock = clock.clone(),
            _ => {}
        })
    }

    /// Uses `store` (e.g. shared by replicas) and `window` for every replay
    /// guard in this `Auth`.
    pub fn nonce_store(self, store: Arc<dyn NonceStore>, window: Duration) -> Self {
        self.map(|n| {
            if let Node::NonceUrl(s) = n
                && s.replay.is_some()
            {
                s.replay = Some(nonce_url::ReplayGuard {
                    store: store.clone(),
                    window,
                });
            }
        })
    }

    /// Whether this `Auth` is usable.
    ///
    /// # Errors
    /// The first configuration problem kept while building it (an empty
    /// secret, an invalid range, an empty list of alternatives, ...).
    pub fn validate(&self) -> Result<(), ConfigError> {
        match &self.inner.error {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Whether this is [`Auth::none`].
    pub fn is_none(&self) -> bool {
        matches!(self.node(), Node::None)
    }

    /// Decides whether `req` really comes from the provider.
    ///
    /// Replay guards record the nonces of the accepted request only once the
    /// whole chain accepted it.
    // Written out (not `async fn`) so the signature promises `Send`.
    #[allow(clippy::manual_async_fn)]
    pub fn verify<'a>(
        &'a self,
        req: &'a Inbound<'a>,
    ) -> impl Future<Output = Result<Verification, AuthError>> + Send + 'a {
        async move { self.run(req, &mut Out::default()).await }
    }

    /// Like [`verify`](Auth::verify) but explains what was checked (headers
    /// found or missing, URL variants tried, timestamp skew, which secret
    /// matched), for the CLI and for debugging. A dry run: no nonce is recorded.
    #[allow(clippy::manual_async_fn)]
    pub fn explain<'a>(
        &'a self,
        req: &'a Inbound<'a>,
    ) -> impl Future<Output = Explanation> + Send + 'a {
        async move {
            let mut out = Out {
                nonces: Vec::new(),
                notes: Some(Vec::new()),
            };
            let result = self.run(req, &mut out).await;
            let notes = out.notes.unwrap_or_default();
            Explanation { result, notes }
        }
    }

    /// Checks `req`; a dry run (no nonce recorded) when `out` collects notes.
    async fn run(&self, req: &Inbound<'_>, out: &mut Out) -> Result<Verification, AuthError> {
        if let Some(e) = &self.inner.error {
            return Err(AuthError::Misconfigured(e.clone()));
        }
        let dry_run = out.notes.is_some();
        let env = if self.inner.has_resolver {
            self.resolve(req).await?
        } else {
            Env::default()
        };
        let mut result = self.node().check(req, &env, out);
        if result.is_ok() && !dry_run {
            for p in &out.nonces {
                match p.store.record(&p.key, p.window).await {
                    Ok(true) => {}
                    Ok(false) => {
                        result = Err(AuthError::ReplayedNonce { scheme: p.scheme });
                        break;
                    }
                    Err(_) => {
                        result = Err(AuthError::NonceStoreUnavailable);
                        break;
                    }
                }
            }
        } else if result.is_ok() && !out.nonces.is_empty() {
            let n = out.nonces.len();
            out.note(Scheme::None, || {
                format!("dry run: {n} nonce(s) not checked against the replay store")
            });
        }
        result
    }

    async fn resolve(&self, req: &Inbound<'_>) -> Result<Env, AuthError> {
        let mut resolvers: Vec<Arc<dyn SecretResolver>> = Vec::new();
        self.node().for_each_keys(&mut |k| {
            if let Keys::Resolver(r) = k
                && !resolvers
                    .iter()
                    .any(|x| context::resolver_id(x) == context::resolver_id(r))
            {
                resolvers.push(r.clone());
            }
        });
        let mut env = Env::default();
        for r in resolvers {
            let secrets = r
                .resolve(req)
                .await
                .map_err(|_| AuthError::SecretUnavailable)?;
            env.resolved.push((context::resolver_id(&r), secrets));
        }
        Ok(env)
    }
}
