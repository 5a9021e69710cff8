//! [`VoxhookMiddleware`]: authenticate, decode, deduplicate and answer on time.

use std::fmt;
use std::future::{Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use bytes::Bytes;

use actix_web::body::{BodySize, BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::{Error, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use voxhook_core::pipeline::{Admission, Admitted, Mode, Receiver, Reply};
use voxhook_core::{Provider, Rejection};

use crate::body::{self, BodyError};
use crate::handoff::Handoff;
use crate::headers::ActixHeaders;
use crate::inbound::inbound;
use crate::reply::{outcome, reply_response};

/// The actix-web middleware that puts a route behind a voxhook [`Receiver`].
///
/// For every request it starts the route's budget, refuses a declared
/// `Content-Length` over the body limit (413) before reading, reads the body
/// under the limit and the budget, then lets the core authenticate, decode
/// and claim the delivery. A fresh delivery reaches the handler with the
/// verified [`Event`](voxhook_core::Event), its [`DeliveryMeta`](voxhook_core::pipeline::DeliveryMeta)
/// and the raw body (read them with [`Verified`](crate::Verified),
/// [`Delivery`](crate::Delivery) and [`RawBody`](crate::RawBody)); the
/// payload is put back, so body extractors still work.
/// The handler runs under the budget: in time, its answer is sent (and
/// stored for duplicates); late, the route's budget reply is sent (the
/// fallback VoxML on an answer route, 503 `Retry-After: 1` on an events
/// route) and the handler finishes in the background and settles itself.
/// A duplicate gets the first delivery's answer with `Voxhook-Replayed: true`.
///
/// Every failure is an `Ok` response with the core's status, headers and
/// JSON body, never an actix `Error`, so outer middleware still sees it.
///
/// Wrap the *route* (`web::post().to(handler).wrap(..)`), not the resource,
/// so actix answers a wrong method before voxhook reads anything.
///
/// ```
/// use actix_web::{App, HttpResponse, web};
/// use voxhook_actix::{Verified, VoxMl, VoxhookMiddleware};
/// use voxhook_core::voxml::Response;
/// use voxhook_core::{Event, Provider, auth::Auth, pipeline::Receiver};
///
/// async fn answer(Verified(event): Verified<Event>) -> VoxMl {
///     VoxMl::from(Response::new().say(format!("Hello {}", event.from().unwrap_or("there"))))
/// }
///
/// async fn events(Verified(_event): Verified<Event>) -> HttpResponse {
///     HttpResponse::Ok().finish()
/// }
///
/// let vobiz = Receiver::builder(Provider::Vobiz)
///     .auth(Auth::vobiz("auth-token").public_url("https://hooks.example.com")?)
///     .build()?;
///
/// let app = App::new()
///     .route("/vobiz/answer", web::post().to(answer).wrap(VoxhookMiddleware::answer(vobiz.clone())))
///     .route("/vobiz/events", web::post().to(events).wrap(VoxhookMiddleware::events(vobiz)));
/// # Ok::<(), voxhook_core::ConfigError>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct VoxhookMiddleware {
    inner: Rc<Config>,
}

struct Config {
    receiver: Receiver,
    mode: Mode,
}

impl VoxhookMiddleware {
    /// A middleware for a route in `mode`.
    pub fn new(receiver: Receiver, mode: Mode) -> Self {
        VoxhookMiddleware {
            inner: Rc::new(Config { receiver, mode }),
        }
    }

    /// An *answer* route: the provider waits for VoxML; at the budget the
    /// receiver's fallback is sent.
    pub fn answer(receiver: Receiver) -> Self {
        Self::new(receiver, Mode::Answer)
    }

    /// An *events* route: a quick 2xx; at the budget 503 `Retry-After: 1`.
    pub fn events(receiver: Receiver) -> Self {
        Self::new(receiver, Mode::Events)
    }

    /// An events route acknowledged at once with `200`; the handler runs in
    /// the tracked background and its failures cannot be retried by the
    /// provider (see [`Mode::AcknowledgeFirst`]).
    pub fn acknowledge_first(receiver: Receiver) -> Self {
        Self::new(receiver, Mode::AcknowledgeFirst)
    }

    /// The receiver.
    pub fn receiver(&self) -> &Receiver {
        &self.inner.receiver
    }

    /// The route's mode.
    pub fn mode(&self) -> Mode {
        self.inner.mode
    }
}

impl fmt::Debug for VoxhookMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VoxhookMiddleware")
            .field("receiver", &self.inner.receiver)
            .field("mode", &self.inner.mode)
            .finish()
    }
}

impl<S, B> Transform<S, ServiceRequest> for VoxhookMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = VoxhookService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(VoxhookService {
            service: Rc::new(service),
            inner: Rc::clone(&self.inner),
        }))
    }
}

/// The service [`VoxhookMiddleware`] wraps a route's handler in.
#[doc(hidden)]
pub struct VoxhookService<S> {
    service: Rc<S>,
    inner: Rc<Config>,
}

impl<S> fmt::Debug for VoxhookService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VoxhookService")
            .field("mode", &self.inner.mode)
            .finish_non_exhaustive()
    }
}

impl<S, B> Service<ServiceRequest> for VoxhookService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let inner = Rc::clone(&self.inner);
        Box::pin(handle(service, inner, req))
    }
}

/// One request through the pipeline.
///
/// Not an `async fn`: an async block does not keep a second copy of its
/// captures, and this future is boxed on every request, so its size counts.
#[allow(clippy::manual_async_fn)]
fn handle<S, B>(
    service: Rc<S>,
    config: Rc<Config>,
    mut req: ServiceRequest,
) -> impl Future<Output = Result<ServiceResponse<EitherBody<B>>, Error>> + 'static
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    async move {
        let receiver = &config.receiver;
        let mode = config.mode;
        // The budget starts when the request arrives and covers the body read.
        let deadline = receiver.start();

        if let Err(rejection) = receiver.check_content_length(body::content_length(req.headers())) {
            return Ok(respond(req, Reply::Rejected(rejection)));
        }
        let mut payload = req.take_payload();
        let body = match body::read(&mut payload, receiver.body_limit(), deadline).await {
            Ok(body) => body,
            Err(error) => {
                let reply = match error {
                    BodyError::TooLarge => Reply::Rejected(Rejection::PayloadTooLarge),
                    BodyError::Read => Reply::Rejected(Rejection::MalformedPayload),
                    BodyError::Deadline => receiver.budget_reply(mode),
                };
                if let Reply::Rejected(rejection) = &reply {
                    receiver.note_rejection(rejection);
                }
                return Ok(respond_unread(req, reply, payload));
            }
        };
        drop(payload);

        // Admission and hand-over in one block: the body is borrowed in here
        // only, so this future keeps neither a borrowed copy of it nor the
        // admission while the handler runs.
        let (http_req, run) = {
            let body = body;
            let headers = ActixHeaders(req.headers());
            let admission = receiver
                .admit(mode, &inbound(req.request(), &headers, &body), deadline)
                .await;
            match admission {
                Admission::Run(admitted) => {
                    hand_over(service, req, body, admitted, receiver.provider())
                }
                Admission::Respond(reply) => return Ok(respond(req, reply)),
            }
        };

        // Counted while it runs, so a graceful shutdown (`Receiver::drain`) also
        // waits for handlers still in time; a late one takes its own slot before
        // this one is released.
        let in_flight = receiver.tracker().acquire();
        let reply = run.await;
        drop(in_flight);

        Ok(ServiceResponse::new(http_req, reply_response(reply)).map_into_right_body())
    }
}

/// Gives the handler the verified event, its metadata and the body again,
/// and returns the ticket's run of it under the deadline.
///
/// Synchronous, and the run is not boxed: it is awaited inline, and this
/// future still fits one allocation under the allocator's small-size cache
/// (about 1 KiB).
fn hand_over<S, B>(
    service: Rc<S>,
    mut req: ServiceRequest,
    body: Bytes,
    admitted: Admitted,
    provider: Provider,
) -> (HttpRequest, impl Future<Output = Reply> + 'static)
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    let Admitted {
        event,
        meta,
        ticket,
        ..
    } = admitted;
    req.set_payload(body::replay(body.clone()));
    req.extensions_mut().insert(Handoff {
        event: Some(event),
        meta,
        raw: body,
    });
    let http_req = req.request().clone();
    let handler = async move { outcome(service.call(req).await, provider).await };
    (http_req, ticket.run_local(handler))
}

/// The answer to a request whose body was not read to its end.
///
/// The response body holds the unread payload until it is fully written:
/// actix then closes the connection after the answer (lingering up to its
/// client-disconnect timeout, so the client can read it). Were the payload
/// dropped first, actix would keep the connection open to drain a chunked
/// body for as long as the client keeps it open (a chunk that declares
/// 2^64 bytes and never comes holds it forever), outliving the deadline.
fn respond_unread<B>(
    req: ServiceRequest,
    reply: Reply,
    payload: Payload,
) -> ServiceResponse<EitherBody<B>> {
    let response = reply_response(reply)
        .map_body(|_, body| UnreadBody {
            body,
            _payload: payload,
        })
        .map_into_boxed_body();
    req.into_response(response).map_into_right_body()
}

/// A response body that keeps the request's unread payload alive until the
/// body is written (see [`respond_unread`]).
struct UnreadBody {
    body: BoxBody,
    _payload: Payload,
}

impl MessageBody for UnreadBody {
    type Error = <BoxBody as MessageBody>::Error;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_next(cx)
    }
}

fn respond<B>(req: ServiceRequest, reply: Reply) -> ServiceResponse<EitherBody<B>> {
    req.into_response(reply_response(reply))
        .map_into_right_body()
}
