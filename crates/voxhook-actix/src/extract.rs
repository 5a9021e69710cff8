//! Extractors: [`Verified`], [`Unverified`], [`RawBody`], [`Delivery`].

use std::fmt;
use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use bytes::Bytes;
use futures_util::future::{Either, LocalBoxFuture};
use tokio::time::Instant;
use voxhook_core::pipeline::{DEFAULT_BODY_LIMIT, DeliveryMeta, Receiver};
use voxhook_core::{Event, Provider, Rejection, dialect};

use crate::WebhookRejection;
use crate::body::{self, BodyError};
use crate::handoff::Handoff;
use crate::headers::ActixHeaders;
use crate::inbound::inbound;

/// An authenticated, decoded event (or your own type built from it with
/// `TryFrom<Event>`).
///
/// Behind a [`VoxhookMiddleware`](crate::VoxhookMiddleware) it takes the
/// event the middleware verified, de-duplicated and is running under the
/// deadline.
///
/// Without the middleware it authenticates and decodes the request itself
/// with the [`Receiver`] in the app data (`App::app_data(receiver)` or
/// `web::Data<Receiver>`), but it does **no deduplication and no deadline**,
/// and a [`VoxMl`](crate::VoxMl) answer must name its provider
/// ([`VoxMl::for_provider`](crate::VoxMl::for_provider)). It reads the body.
///
/// Rejections: those of authentication and decoding (401, 403, 413, 415,
/// 400), 500 `misconfigured` with neither the middleware nor a receiver (the
/// detail goes to the debug log), and 400 `malformed_payload` when
/// `TryFrom<Event>` fails.
///
/// ```
/// use actix_web::{App, HttpResponse, web};
/// use voxhook_actix::Verified;
/// use voxhook_core::{Event, Provider, auth::Auth, pipeline::Receiver};
///
/// // No middleware: the receiver comes from the app data.
/// async fn events(Verified(event): Verified<Event>) -> HttpResponse {
///     println!("{}", event.kind());
///     HttpResponse::Ok().finish()
/// }
///
/// let receiver = Receiver::builder(Provider::TryVox).auth(Auth::bearer(["s3cret"])).build()?;
/// let app = App::new().app_data(receiver).route("/events", web::post().to(events));
/// # Ok::<(), voxhook_core::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Verified<T = Event>(pub T);

impl<T> FromRequest for Verified<T>
where
    T: TryFrom<Event> + 'static,
    T::Error: fmt::Display,
{
    type Error = WebhookRejection;
    // Ready at once behind the middleware (no allocation); boxed only when
    // the extractor reads and checks the body itself.
    type Future = Either<
        Ready<Result<Self, Self::Error>>,
        LocalBoxFuture<'static, Result<Self, Self::Error>>,
    >;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        match take_event(req) {
            Taken::Event(event) => Either::Left(ready(convert(event).map(Verified))),
            Taken::Gone => Either::Left(ready(Err(taken_twice()))),
            Taken::NoMiddleware => {
                let Some(receiver) = receiver(req) else {
                    tracing::debug!(target: "voxhook::rejection", "Verified<T> without a VoxhookMiddleware and without a Receiver in the app data");
                    return Either::Left(ready(Err(WebhookRejection(Rejection::Misconfigured))));
                };
                let req = req.clone();
                let payload = payload.take();
                Either::Right(Box::pin(async move {
                    let event = verify_without_middleware(&req, payload, &receiver).await?;
                    convert(event).map(Verified)
                }))
            }
        }
    }
}

/// A decoded event that was **not** authenticated, for routes that
/// authenticate some other way (a gateway, mTLS, an allow-list in front).
///
/// Behind a [`VoxhookMiddleware`](crate::VoxhookMiddleware) it is the
/// middleware's (verified) event. Without it, the body is decoded with the
/// dialect of the [`Receiver`] in the app data or, with none, detected from
/// the content type and body. It reads the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Unverified<T = Event>(pub T);

impl<T> FromRequest for Unverified<T>
where
    T: TryFrom<Event> + 'static,
    T::Error: fmt::Display,
{
    type Error = WebhookRejection;
    // Ready at once behind the middleware (no allocation); boxed only when
    // the extractor reads and checks the body itself.
    type Future = Either<
        Ready<Result<Self, Self::Error>>,
        LocalBoxFuture<'static, Result<Self, Self::Error>>,
    >;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        match take_event(req) {
            Taken::Event(event) => Either::Left(ready(convert(event).map(Unverified))),
            Taken::Gone => Either::Left(ready(Err(taken_twice()))),
            Taken::NoMiddleware => {
                let receiver = receiver(req);
                let req = req.clone();
                let payload = payload.take();
                Either::Right(Box::pin(async move {
                    let event = decode_without_middleware(&req, payload, receiver.as_ref()).await?;
                    convert(event).map(Unverified)
                }))
            }
        }
    }
}

/// The body exactly as received (the bytes the signature was checked over),
/// from a [`VoxhookMiddleware`](crate::VoxhookMiddleware); 500
/// `misconfigured` without it. It does not consume the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBody(pub Bytes);

impl FromRequest for RawBody {
    type Error = WebhookRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(with_handoff(req, |h| RawBody(h.raw.clone())))
    }
}

/// What voxhook knows about the delivery being handled: dedup key, earlier
/// failures, which secret verified it, and the deadline
/// ([`DeliveryMeta::time_left`]). From a
/// [`VoxhookMiddleware`](crate::VoxhookMiddleware); 500 `misconfigured` without it.
#[derive(Debug, Clone)]
pub struct Delivery(pub DeliveryMeta);

impl FromRequest for Delivery {
    type Error = WebhookRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(with_handoff(req, |h| Delivery(h.meta.clone())))
    }
}

enum Taken {
    Event(Event),
    /// The middleware ran, but another extractor already took the event.
    Gone,
    NoMiddleware,
}

fn take_event(req: &HttpRequest) -> Taken {
    match req.extensions_mut().get_mut::<Handoff>() {
        Some(handoff) => handoff.event.take().map_or(Taken::Gone, Taken::Event),
        None => Taken::NoMiddleware,
    }
}

fn taken_twice() -> WebhookRejection {
    tracing::debug!(target: "voxhook::rejection", "the verified event was already taken by another extractor of this request");
    WebhookRejection(Rejection::Misconfigured)
}

fn with_handoff<R>(
    req: &HttpRequest,
    f: impl FnOnce(&Handoff) -> R,
) -> Result<R, WebhookRejection> {
    match req.extensions().get::<Handoff>() {
        Some(handoff) => Ok(f(handoff)),
        None => {
            tracing::debug!(target: "voxhook::rejection", "extractor used on a route without a VoxhookMiddleware");
            Err(WebhookRejection(Rejection::Misconfigured))
        }
    }
}

/// The receiver in the app data, as `Receiver` or `web::Data<Receiver>`.
fn receiver(req: &HttpRequest) -> Option<Receiver> {
    req.app_data::<Receiver>()
        .or_else(|| req.app_data::<web::Data<Receiver>>().map(|d| d.get_ref()))
        .cloned()
}

fn convert<T>(event: Event) -> Result<T, WebhookRejection>
where
    T: TryFrom<Event>,
    T::Error: fmt::Display,
{
    T::try_from(event).map_err(|e| {
        tracing::debug!(target: "voxhook::rejection", reason = %e, "the event does not convert to the handler's type");
        WebhookRejection(Rejection::MalformedPayload)
    })
}

/// The slow path: authenticate and decode with the app data's receiver. No
/// claim, no handler deadline (the body read is still bounded by the budget).
async fn verify_without_middleware(
    req: &HttpRequest,
    mut payload: Payload,
    receiver: &Receiver,
) -> Result<Event, WebhookRejection> {
    let bytes = read(req, &mut payload, receiver.body_limit(), Some(receiver)).await?;
    let headers = ActixHeaders(req.headers());
    let inbound = inbound(req, &headers, &bytes);
    let result = match receiver.auth().verify(&inbound).await {
        Ok(_) => dialect::decode(receiver.provider(), &inbound).map_err(|e| e.rejection()),
        Err(e) => Err(e.rejection()),
    };
    result.map_err(|r| {
        receiver.note_rejection(&r);
        WebhookRejection(r)
    })
}

async fn decode_without_middleware(
    req: &HttpRequest,
    mut payload: Payload,
    receiver: Option<&Receiver>,
) -> Result<Event, WebhookRejection> {
    let limit = receiver.map_or(DEFAULT_BODY_LIMIT, Receiver::body_limit);
    let bytes = read(req, &mut payload, limit, receiver).await?;
    let headers = ActixHeaders(req.headers());
    let inbound = inbound(req, &headers, &bytes);
    let decoded = match receiver {
        Some(r) => dialect::decode(r.provider(), &inbound),
        None => Event::detect(inbound.content_type(), &bytes),
    };
    decoded.map_err(|e| WebhookRejection(e.rejection()))
}

/// Reads the body under `limit` (refusing a declared `Content-Length` over
/// it first) and, with a receiver, under its budget.
async fn read(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
    receiver: Option<&Receiver>,
) -> Result<Bytes, WebhookRejection> {
    let deadline = match receiver {
        Some(r) => r.start(),
        None => Instant::now() + Provider::TryVox.default_budget(),
    };
    let rejection = if body::content_length(req.headers()).is_some_and(|n| n > limit as u64) {
        Rejection::PayloadTooLarge
    } else {
        match body::read(payload, limit, deadline).await {
            Ok(bytes) => return Ok(bytes),
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
