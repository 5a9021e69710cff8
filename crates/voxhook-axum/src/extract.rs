//! Extractors: [`Verified`], [`Unverified`], [`RawBody`], [`Delivery`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use bytes::Bytes;
use http::request::Parts;
use voxhook_core::pipeline::{DEFAULT_BODY_LIMIT, DeliveryMeta, Receiver};
use voxhook_core::{Event, Rejection, dialect};

use crate::WebhookRejection;
use crate::body::{self, BodyError};
use crate::handoff::Handoff;
use crate::inbound::inbound;

/// Where the extractors find a [`Receiver`] on a route without a
/// [`VoxhookLayer`](crate::VoxhookLayer): taken from the router's state
/// with [`FromRef`].
///
/// It is already provided for a router whose state is `()` (layer only:
/// without the layer the extractors answer 500 `misconfigured`) or a
/// [`Receiver`]. For your own state, say which receiver the route uses:
///
/// ```
/// use axum::extract::FromRef;
/// use voxhook_axum::WebhookState;
/// use voxhook_core::pipeline::Receiver;
///
/// #[derive(Clone)]
/// struct AppState {
///     vobiz: Receiver,
/// }
///
/// impl FromRef<AppState> for WebhookState {
///     fn from_ref(state: &AppState) -> Self {
///         WebhookState::new(state.vobiz.clone())
///     }
/// }
/// ```
#[derive(Clone, Debug, Default)]
pub struct WebhookState(Option<Receiver>);

impl WebhookState {
    /// Extractors without the layer authenticate and decode with `receiver`.
    pub fn new(receiver: Receiver) -> Self {
        WebhookState(Some(receiver))
    }

    /// Extractors work only behind a [`VoxhookLayer`](crate::VoxhookLayer).
    pub fn layer_only() -> Self {
        WebhookState(None)
    }

    /// The receiver, if any.
    pub fn receiver(&self) -> Option<&Receiver> {
        self.0.as_ref()
    }
}

impl From<Receiver> for WebhookState {
    fn from(receiver: Receiver) -> Self {
        WebhookState::new(receiver)
    }
}

impl FromRef<()> for WebhookState {
    fn from_ref(_: &()) -> Self {
        WebhookState::layer_only()
    }
}

impl FromRef<Receiver> for WebhookState {
    fn from_ref(receiver: &Receiver) -> Self {
        WebhookState::new(receiver.clone())
    }
}

/// An authenticated, decoded event (or your own type built from it with
/// `TryFrom<Event>`).
///
/// Behind a [`VoxhookLayer`](crate::VoxhookLayer) it takes the event the
/// layer verified, de-duplicated and is running under the deadline.
///
/// Without the layer it authenticates and decodes the request itself with
/// the [`Receiver`] of the router's state (see [`WebhookState`]), but it
/// does **no deduplication and no deadline**, and a [`VoxMl`](crate::VoxMl)
/// answer must name its provider ([`VoxMl::for_provider`](crate::VoxMl::for_provider)).
/// It reads the body, so it must be the last extractor.
///
/// Rejections: those of authentication and decoding (401, 403, 413, 415,
/// 400), 500 `misconfigured` without a layer or a receiver, and 400
/// `malformed_payload` when `TryFrom<Event>` fails.
///
/// ```
/// use axum::{Router, routing::post, http::StatusCode};
/// use voxhook_axum::Verified;
/// use voxhook_core::{Event, Provider, auth::Auth, pipeline::Receiver};
///
/// // No layer: the receiver comes from the state.
/// async fn events(Verified(event): Verified<Event>) -> StatusCode {
///     println!("{}", event.kind());
///     StatusCode::OK
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let receiver = Receiver::builder(Provider::TryVox).auth(Auth::bearer(["s3cret"])).build()?;
/// let app: Router = Router::new().route("/events", post(events)).with_state(receiver);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Verified<T = Event>(pub T);

impl<S, T> FromRequest<S> for Verified<T>
where
    S: Send + Sync,
    WebhookState: FromRef<S>,
    T: TryFrom<Event>,
    T::Error: fmt::Display,
{
    type Rejection = WebhookRejection;

    fn from_request(
        req: Request,
        state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        let event = event(req, state, Authenticate::Yes);
        async move { event.await.map(Verified) }
    }
}

/// A decoded event that was **not** authenticated, for routes that
/// authenticate some other way (a gateway, mTLS, an allow-list in front).
///
/// Behind a [`VoxhookLayer`](crate::VoxhookLayer) it is the layer's
/// (verified) event. Without it, the body is decoded with the dialect of the
/// state's receiver (see [`WebhookState`]) or, with none, detected from the
/// content type and body. It reads the body, so it must be the last extractor.
#[derive(Debug, Clone, PartialEq)]
pub struct Unverified<T = Event>(pub T);

impl<S, T> FromRequest<S> for Unverified<T>
where
    S: Send + Sync,
    WebhookState: FromRef<S>,
    T: TryFrom<Event>,
    T::Error: fmt::Display,
{
    type Rejection = WebhookRejection;

    fn from_request(
        req: Request,
        state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        let event = event(req, state, Authenticate::No);
        async move { event.await.map(Unverified) }
    }
}

/// The body exactly as received (the bytes the signature was checked over),
/// from a [`VoxhookLayer`](crate::VoxhookLayer); 500 `misconfigured` without it.
///
/// It does not consume the body, so it can come before [`Verified`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequestParts<S> for RawBody {
    type Rejection = WebhookRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        handoff(parts).map(|h| RawBody(h.raw.clone()))
    }
}

/// What voxhook knows about the delivery being handled: dedup key, earlier
/// failures, which secret verified it, and the deadline
/// ([`DeliveryMeta::time_left`]). From a [`VoxhookLayer`](crate::VoxhookLayer);
/// 500 `misconfigured` without it.
#[derive(Debug, Clone)]
pub struct Delivery(pub DeliveryMeta);

impl<S: Send + Sync> FromRequestParts<S> for Delivery {
    type Rejection = WebhookRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        handoff(parts).map(|h| Delivery(h.meta.clone()))
    }
}

fn handoff(parts: &Parts) -> Result<&Handoff, WebhookRejection> {
    parts.extensions.get::<Handoff>().ok_or_else(|| {
        tracing::debug!(target: "voxhook::rejection", "extractor used on a route without a VoxhookLayer");
        WebhookRejection(Rejection::Misconfigured)
    })
}

/// Whether an extractor without the layer authenticates the request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Authenticate {
    Yes,
    No,
}

/// The layer's event (taken, not cloned), or the slow path without a layer;
/// then converted to the handler's type.
///
/// The layer's case is decided before the future exists, and the slow path
/// is boxed: inline, its state (a body read, an authentication) would make
/// every handler's future a kilobyte larger.
fn event<S, T>(
    mut req: Request,
    state: &S,
    authenticate: Authenticate,
) -> impl Future<Output = Result<T, WebhookRejection>> + Send + use<S, T>
where
    S: Send + Sync,
    WebhookState: FromRef<S>,
    T: TryFrom<Event>,
    T::Error: fmt::Display,
{
    let source = match req.extensions_mut().remove::<Handoff>() {
        Some(handoff) => Source::Layer(handoff.event),
        None => {
            let state = WebhookState::from_ref(state);
            Source::Slow(match authenticate {
                Authenticate::Yes => Box::pin(verify_without_layer(req, state)),
                Authenticate::No => Box::pin(decode_without_layer(req, state)),
            })
        }
    };
    async move {
        let event = match source {
            Source::Layer(event) => event,
            Source::Slow(slow) => slow.await?,
        };
        T::try_from(event).map_err(|e| {
            tracing::debug!(target: "voxhook::rejection", reason = %e, "the event does not convert to the handler's type");
            WebhookRejection(Rejection::MalformedPayload)
        })
    }
}

/// Where an extractor's event comes from.
enum Source {
    /// The layer verified it.
    Layer(Event),
    /// No layer: authenticate and/or decode here.
    Slow(Pin<Box<dyn Future<Output = Result<Event, WebhookRejection>> + Send>>),
}

/// The slow path: authenticate and decode with the state's receiver. No
/// claim, no handler deadline (the body read is still bounded by the budget).
async fn verify_without_layer(
    req: Request,
    state: WebhookState,
) -> Result<Event, WebhookRejection> {
    let Some(receiver) = state.receiver() else {
        tracing::debug!(target: "voxhook::rejection", "Verified<T> without a VoxhookLayer and without a receiver in the state");
        return Err(WebhookRejection(Rejection::Misconfigured));
    };
    let (parts, bytes) = read(req, receiver.body_limit(), Some(receiver)).await?;
    let inbound = inbound(&parts, &bytes);
    let result = match receiver.auth().verify(&inbound).await {
        Ok(_) => dialect::decode(receiver.provider(), &inbound).map_err(|e| e.rejection()),
        Err(e) => Err(e.rejection()),
    };
    result.map_err(|r| {
        receiver.note_rejection(&r);
        WebhookRejection(r)
    })
}

async fn decode_without_layer(
    req: Request,
    state: WebhookState,
) -> Result<Event, WebhookRejection> {
    let receiver = state.receiver();
    let limit = receiver.map_or(DEFAULT_BODY_LIMIT, Receiver::body_limit);
    let (parts, bytes) = read(req, limit, receiver).await?;
    let inbound = inbound(&parts, &bytes);
    let decoded = match receiver {
        Some(r) => dialect::decode(r.provider(), &inbound),
        None => Event::detect(inbound.content_type(), &bytes),
    };
    decoded.map_err(|e| WebhookRejection(e.rejection()))
}

/// Reads the body under `limit` and, with a receiver, under its budget.
async fn read(
    req: Request,
    limit: usize,
    receiver: Option<&Receiver>,
) -> Result<(Parts, Bytes), WebhookRejection> {
    let deadline = match receiver {
        Some(r) => r.start(),
        None => tokio::time::Instant::now() + voxhook_core::Provider::TryVox.default_budget(),
    };
    let (parts, body) = req.into_parts();
    let declared = body::content_length(&parts.headers);
    let rejection = if declared.is_some_and(|n| n > limit as u64) {
        body::drain(body, &parts.headers, deadline).await;
        Rejection::PayloadTooLarge
    } else {
        match body::read(body, limit, deadline).await {
            Ok(bytes) => return Ok((parts, bytes)),
            Err(BodyError::TooLarge) => Rejection::PayloadTooLarge,
            Err(BodyError::Deadline) => Rejection::Deadline,
            Err(BodyError::Read) => Rejection::MalformedPayload,
        }
    };
    if let Some(r) = receiver {
        r.note_rejection(&rejection);
    }
    Err(WebhookRejection(rejection))
}
