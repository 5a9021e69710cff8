//! [`VoxhookLayer`]: verify, de-duplicate and answer on time, as a tower layer.
//!
//! For each request the middleware, in this order:
//!
//! 1. starts the route's budget (the deadline covers everything below);
//! 2. answers 413 from `Content-Length` before reading, then reads the body
//!    under the size limit (413 while reading) and under the deadline (a
//!    trickled body gets the route's budget answer, it cannot hold the
//!    connection past the budget);
//! 3. runs the core's admission: authentication (401/403), content type
//!    (415), decoding (400) and the dedup claim (a duplicate gets the stored
//!    answer with `Voxhook-Replayed: true`);
//! 4. puts the verified event, its [`DeliveryMeta`](voxhook_core::pipeline::DeliveryMeta)
//!    and the raw bytes into the request's extensions (read them with
//!    [`Verified`](crate::Verified), [`Delivery`](crate::Delivery) and
//!    [`RawBody`](crate::RawBody)), and calls the inner service (your
//!    handler) raced against the deadline;
//! 5. renders a returned [`VoxMl`](crate::VoxMl) document in the route's
//!    dialect, stores the answer for duplicates, and answers.
//!
//! At the budget an answer route answers its fallback VoxML and an events
//! route 503 `Retry-After: 1`; the late handler is not cancelled: it
//! finishes in the background and settles its dedup entry. Every failure is
//! a response: the service's error type is the inner service's.
//!
//! What the middleware keeps of the handler's response is its status, its
//! `Content-Type` and its body (the same bytes are replayed to duplicates):
//! put layers that rewrite the response body, such as compression, outside
//! the voxhook layer.
//!
//! ```
//! use axum::{Router, routing::post, http::StatusCode};
//! use voxhook_axum::{Verified, VoxMl, VoxhookLayer};
//! use voxhook_core::{Event, Provider, auth::Auth, pipeline::Receiver, voxml};
//!
//! async fn answer(Verified(event): Verified<Event>) -> VoxMl {
//!     let caller = event.from().unwrap_or("there");
//!     VoxMl::from(voxml::Response::new().say(format!("Hello {caller}")))
//! }
//!
//! async fn events(Verified(event): Verified<Event>) -> StatusCode {
//!     println!("{}", event.kind());
//!     StatusCode::OK
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let tryvox = Receiver::builder(Provider::TryVox)
//!     .auth(Auth::bearer(["s3cret"]))
//!     .build()?;
//! let app: Router = Router::new()
//!     .route("/tryvox/answer", post(answer).route_layer(VoxhookLayer::answer(tryvox.clone())))
//!     .route("/tryvox/events", post(events).route_layer(VoxhookLayer::events(tryvox)));
//! # Ok(()) }
//! ```

mod future;
mod service;

pub use self::future::ResponseFuture;
pub use self::service::Voxhook;

use tower_layer::Layer;
use voxhook_core::pipeline::{Mode, Receiver};

/// A tower [`Layer`] that runs a voxhook [`Receiver`] in front of a handler.
///
/// Use it per route with `MethodRouter::route_layer` (the usual way: each
/// route declares its mode) or on a whole router with `Router::route_layer`
/// / `Router::layer`. See the [module docs](self) for what it does and an
/// example.
#[derive(Clone, Debug)]
#[must_use]
pub struct VoxhookLayer {
    receiver: Receiver,
    mode: Mode,
}

impl VoxhookLayer {
    /// A layer running `receiver` in `mode`.
    pub fn new(receiver: Receiver, mode: Mode) -> Self {
        VoxhookLayer { receiver, mode }
    }

    /// An *answer* route: the provider waits for VoxML; at the budget the
    /// route answers the receiver's fallback document.
    pub fn answer(receiver: Receiver) -> Self {
        Self::new(receiver, Mode::Answer)
    }

    /// An *events* route: informational callbacks answered with a 2xx; at
    /// the budget the route answers 503 `Retry-After: 1` so the provider
    /// retries (the retry gets the late handler's stored answer).
    pub fn events(receiver: Receiver) -> Self {
        Self::new(receiver, Mode::Events)
    }

    /// An events route that answers `200` at once and runs the handler in
    /// the tracked background. A failing handler cannot be retried by the
    /// provider: failures are only reported (see
    /// `ReceiverBuilder::on_background_failure`).
    pub fn acknowledge_first(receiver: Receiver) -> Self {
        Self::new(receiver, Mode::AcknowledgeFirst)
    }

    /// The receiver this layer runs.
    pub fn receiver(&self) -> &Receiver {
        &self.receiver
    }

    /// The route's mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }
}

impl<S> Layer<S> for VoxhookLayer {
    type Service = Voxhook<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Voxhook::new(inner, self.receiver.clone(), self.mode)
    }
}
