use std::future::Future;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::Request;
use http::header::CONTENT_TYPE;
use http::request::Parts;
use http_body::Body as _;
use http_body_util::BodyExt;
use tower_service::Service;
use voxhook_core::dedup::StoredAnswer;
use voxhook_core::pipeline::{Admission, Admitted, Mode, Outcome, Receiver, Reply};
use voxhook_core::{Provider, Rejection};

use super::{ResponseFuture, VoxhookLayer};
use crate::body::{self, BodyError};
use crate::handoff::Handoff;
use crate::inbound::inbound;
use crate::response::PendingVoxml;

/// The middleware [`VoxhookLayer`] produces: it authenticates, decodes and
/// de-duplicates each request, runs the inner service (your handler) under
/// the route's deadline, and renders its answer.
///
/// See the [crate docs](crate) for an example.
#[derive(Clone, Debug)]
pub struct Voxhook<S> {
    inner: S,
    receiver: Receiver,
    mode: Mode,
}

impl<S> Voxhook<S> {
    /// Wraps `inner` with `receiver`'s pipeline in `mode`.
    pub fn new(inner: S, receiver: Receiver, mode: Mode) -> Self {
        Voxhook {
            inner,
            receiver,
            mode,
        }
    }

    /// The layer that builds this middleware.
    pub fn layer(receiver: Receiver, mode: Mode) -> VoxhookLayer {
        VoxhookLayer::new(receiver, mode)
    }

    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// The receiver this middleware runs.
    pub fn receiver(&self) -> &Receiver {
        &self.receiver
    }

    /// The route's mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }
}

impl<S, B> Service<Request<B>> for Voxhook<S>
where
    S: Service<Request<Body>> + Clone + Send + 'static,
    S::Response: IntoResponse + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
{
    type Response = Response;
    type Error = S::Error;
    type Future = ResponseFuture<S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        // The clone is not necessarily ready: keep the service that was
        // polled ready for this call, see
        // https://docs.rs/tower/latest/tower/trait.Service.html#be-careful-when-cloning-inner-services
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let receiver = self.receiver.clone();
        let mode = self.mode;
        let (parts, body) = req.into_parts();
        ResponseFuture::new(handle(inner, receiver, mode, parts, body))
    }
}

/// One request through the pipeline. The deadline starts before the body is
/// read and covers everything up to the answer.
///
/// Not an `async fn`: an async block does not keep a second copy of its
/// captures, and this future is boxed on every request, so its size counts.
#[allow(clippy::manual_async_fn)]
fn handle<S, B>(
    inner: S,
    receiver: Receiver,
    mode: Mode,
    parts: Parts,
    body: B,
) -> impl Future<Output = Result<Response, S::Error>> + Send + 'static
where
    S: Service<Request<Body>> + Send + 'static,
    S::Response: IntoResponse + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
{
    async move {
        let deadline = receiver.start();
        if let Err(rejection) = receiver.check_content_length(body::content_length(&parts.headers))
        {
            body::drain(body, &parts.headers, deadline).await;
            return Ok(respond(Reply::Rejected(rejection)));
        }
        let bytes = match body::read(body, receiver.body_limit(), deadline).await {
            Ok(bytes) => bytes,
            Err(BodyError::Deadline) => return Ok(respond(receiver.budget_reply(mode))),
            Err(BodyError::TooLarge) => return Ok(reject(&receiver, Rejection::PayloadTooLarge)),
            Err(BodyError::Read) => return Ok(reject(&receiver, Rejection::MalformedPayload)),
        };
        // Admission and hand-over in one block: the body is borrowed in here
        // only, so neither a borrowed copy of it nor the admission is kept in
        // this future while the handler runs, which keeps it under 1 KiB.
        let run = {
            let bytes = bytes;
            let admission = receiver
                .admit(mode, &inbound(&parts, &bytes), deadline)
                .await;
            match admission {
                // Boxed on its own: both this future and the run stay under
                // the allocator's small-size cache (about 1 KiB), which costs
                // less than one larger allocation.
                Admission::Run(admitted) => {
                    Box::pin(run(inner, receiver.provider(), parts, bytes, admitted))
                }
                Admission::Respond(reply) => return Ok(respond(reply)),
            }
        };
        Ok(respond(run.await))
    }
}

/// Hands the event to the inner service (the handler) and returns the
/// ticket's run of it under the deadline. Synchronous up to that future, so
/// the handler's future is boxed once, by the ticket, and not carried in
/// this one.
fn run<S>(
    mut inner: S,
    provider: Provider,
    mut parts: Parts,
    bytes: Bytes,
    admitted: Admitted,
) -> impl Future<Output = Reply> + Send + 'static
where
    S: Service<Request<Body>> + Send + 'static,
    S::Response: IntoResponse + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    let Admitted {
        event,
        meta,
        ticket,
        ..
    } = admitted;
    parts.extensions.insert(Handoff {
        event,
        meta,
        raw: bytes.clone(),
    });
    let req = Request::from_parts(parts, body::to_axum(bytes));
    // `call` inside the handler's future: a panic there is the handler's.
    ticket.run(async move {
        match inner.call(req).await {
            Ok(response) => outcome(response.into_response(), provider).await,
            Err(_) => {
                tracing::error!(target: "voxhook::handler", %provider, "inner service returned an error");
                Outcome::Failed
            }
        }
    })
}

/// Turns the handler's response into what the dedup store keeps: a VoxML
/// document is rendered in the route's dialect; anything else is buffered.
///
/// A rejection the handler answered with (e.g. an extractor's) is kept whole,
/// so the reply keeps its headers (`WWW-Authenticate`, `Retry-After`).
async fn outcome(mut response: Response, provider: Provider) -> Outcome {
    if let Some(pending) = response.extensions_mut().remove::<PendingVoxml>() {
        return match pending.render(provider) {
            Ok(answer) => Outcome::Answer(answer),
            Err(()) => Outcome::Failed,
        };
    }
    if let Some(rejection) = response.extensions_mut().remove::<Rejection>()
        && rejection.status() == response.status().as_u16()
    {
        return Outcome::Rejected(rejection);
    }
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| Bytes::copy_from_slice(v.as_bytes()));
    let body = response.into_body();
    if body.is_end_stream() {
        // Nothing to read (a bare status, the usual events answer).
        return Outcome::Answer(StoredAnswer {
            status,
            content_type,
            body: Bytes::new(),
        });
    }
    match body.collect().await {
        Ok(collected) => Outcome::Answer(StoredAnswer {
            status,
            content_type,
            body: collected.to_bytes(),
        }),
        Err(_) => {
            tracing::error!(target: "voxhook::handler", %provider, "the handler's response body failed");
            Outcome::Failed
        }
    }
}

fn reject(receiver: &Receiver, rejection: Rejection) -> Response {
    receiver.note_rejection(&rejection);
    respond(Reply::Rejected(rejection))
}

/// The axum response for a reply; a rejection also goes into the response's
/// extensions, so outer layers can read its kind.
fn respond(reply: Reply) -> Response {
    let rejection = match &reply {
        Reply::Rejected(r) => Some(r.clone()),
        _ => None,
    };
    let mut response = reply.into_http_response().map(body::to_axum);
    if let Some(r) = rejection {
        response.extensions_mut().insert(r);
    }
    response
}
