//! # voxhook-actix
//!
//! Receive voice-platform webhooks (TryVox, Voxtelesys, VoxPria, Vobiz) in
//! an [actix-web] app: one [`VoxhookMiddleware`] per route authenticates,
//! decodes and de-duplicates each delivery, runs your handler under the
//! provider's deadline, and renders its [`VoxMl`] answer in the route's
//! dialect. Names, behaviour and answers mirror the axum adapter
//! (`voxhook-axum`) byte for byte.
//!
//! ```
//! use actix_web::{App, web};
//! use voxhook_actix::{Verified, VoxMl, VoxhookMiddleware};
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
//! let app = App::new()
//!     .route("/vobiz/answer", web::post().to(answer).wrap(VoxhookMiddleware::answer(vobiz)));
//! # Ok(()) }
//! ```
//!
//! | item | what |
//! |---|---|
//! | [`VoxhookMiddleware`] | the actix `Transform` (wrap each webhook *route* with it) |
//! | [`Verified<T>`] | the verified event (or your type built from it); works without the middleware too (receiver from `app_data`), without dedup and deadline |
//! | [`Unverified<T>`] | a decoded event whose authentication you do elsewhere |
//! | [`RawBody`], [`Delivery`] | the exact bytes received; the delivery metadata (dedup key, deadline) |
//! | [`VoxMl`] | a portable VoxML answer, rendered by the middleware for the route's provider |
//! | [`WebhookRejection`] | a core rejection as a response: the status, headers and JSON body of the error table |
//! | [`ActixHeaders`] | actix's header map read by the core without copying |
//! | [`shutdown`] | graceful `HttpServer` shutdown that also drains late and background handlers |
//!
//! actix handlers are not `Send`: the middleware runs them on the worker
//! that received the request, and a late handler finishes in the
//! background on that worker (see [`shutdown`] for why this matters when
//! stopping).
//!
//! # Security
//!
//! An extractor never hands out an unauthenticated event unless its type
//! says so ([`Unverified`]). The middleware checks the signature over the
//! exact bytes received, and claims the dedup entry only after
//! authentication, so unauthenticated traffic cannot fill the store.
//!
//! [actix-web]: https://docs.rs/actix-web
#![forbid(unsafe_code)]

mod body;
mod extract;
mod handoff;
mod headers;
mod inbound;
mod middleware;
mod rejection;
mod reply;
pub mod shutdown;
mod voxml;

#[doc(no_inline)]
pub use voxhook_core;

pub use extract::{Delivery, RawBody, Unverified, Verified};
pub use headers::ActixHeaders;
pub use middleware::VoxhookMiddleware;
#[doc(hidden)]
pub use middleware::VoxhookService;
pub use rejection::WebhookRejection;
pub use voxml::VoxMl;
