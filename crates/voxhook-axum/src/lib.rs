//! # voxhook-axum
//!
//! Receive voice-platform webhooks (TryVox, Voxtelesys, VoxPria, Vobiz) in
//! an [axum] app: one [`VoxhookLayer`] per route authenticates, decodes and
//! de-duplicates each delivery, runs your handler under the provider's
//! deadline, and renders its [`VoxMl`] answer in the route's dialect.
//!
//! ```
//! use axum::{Router, routing::post};
//! use voxhook_axum::{Verified, VoxMl, VoxhookLayer};
//! use voxhook_core::{Event, Provider, auth::Auth, pipeline::Receiver, voxml};
//!
//! async fn answer(Verified(event): Verified<Event>) -> VoxMl {
//!     VoxMl::from(voxml::Response::new().say(format!("Hello {}", event.from().unwrap_or("there"))))
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let vobiz = Receiver::builder(Provider::Vobiz)
//!     .auth(Auth::none()) // use the Vobiz preset with your auth token in real code
//!     .build()?;
//! let app: Router = Router::new()
//!     .route("/vobiz/answer", post(answer).route_layer(VoxhookLayer::answer(vobiz)));
//! # Ok(()) }
//! ```
//!
//! | item | what |
//! |---|---|
//! | [`VoxhookLayer`] / [`Voxhook`] / [`ResponseFuture`] | the tower middleware (see [`layer`]) |
//! | [`Verified<T>`] | the verified event (or your type built from it); works without the layer too, without dedup and deadline |
//! | [`WebhookState`] | where `Verified<T>` without the layer finds its receiver (`FromRef` of your state) |
//! | [`Unverified<T>`] | a decoded event whose authentication you do elsewhere |
//! | [`RawBody`], [`Delivery`] | the exact bytes received; the delivery metadata (dedup key, deadline) |
//! | [`VoxMl`] | a portable VoxML answer, rendered by the layer for the route's provider |
//! | [`WebhookRejection`] | a core rejection as a response: the status, headers and JSON body of the error table |
//! | [`shutdown`] | graceful shutdown that also drains late and background handlers |
//!
//! # Security
//!
//! An extractor never hands out an unauthenticated event unless its type
//! says so ([`Unverified`]). The layer checks the signature over the exact
//! bytes received, and claims the dedup entry only after authentication, so
//! unauthenticated traffic cannot fill the store.
//!
//! [axum]: https://docs.rs/axum
#![forbid(unsafe_code)]

mod body;
mod extract;
mod handoff;
mod inbound;
pub mod layer;
mod rejection;
mod response;
pub mod shutdown;

#[doc(no_inline)]
pub use voxhook_core;

pub use extract::{Delivery, RawBody, Unverified, Verified, WebhookState};
pub use layer::{ResponseFuture, Voxhook, VoxhookLayer};
pub use rejection::WebhookRejection;
pub use response::VoxMl;
