//! # voxhook-core
//!
//! The framework-free core of [voxhook]: it turns an inbound voice-platform
//! webhook (an [`Inbound`] request view) into an authenticated, de-duplicated,
//! typed [`Event`], and the handler's answer back into provider-ready VoxML,
//! on time. The axum and actix-web adapters are thin layers over this crate;
//! you can also use it directly from any HTTP stack.
//!
//! ## Quick start without a framework
//!
//! ```
//! use voxhook_core::dedup::StoredAnswer;
//! use voxhook_core::pipeline::{Admission, Mode, Outcome, Receiver};
//! use voxhook_core::voxml::{Document, Response};
//! use voxhook_core::{Auth, Inbound, Provider};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Built once per provider endpoint; cheap to clone.
//! let receiver = Receiver::builder(Provider::TryVox)
//!     .auth(Auth::tryvox(["dev-tryvox-token"]))
//!     .build()?;
//!
//! // Per request: a borrowed view of what arrived.
//! let headers = [("authorization", "Bearer dev-tryvox-token"), ("content-type", "application/json")];
//! let body = br#"{"event":"call.answered","call_uuid":"c-1","from":"+14155550100","to":"+14155550111"}"#;
//! let req = Inbound::new("POST", "/tryvox/answer", &headers, body);
//!
//! let reply = match receiver.admit(Mode::Answer, &req, receiver.start()).await {
//!     // A duplicate (the stored answer, replayed) or a rejection (401, 400, ...).
//!     Admission::Respond(reply) => reply,
//!     // A fresh delivery: run the handler under the deadline.
//!     Admission::Run(delivery) => {
//!         let from = delivery.event.from().unwrap_or("there").to_owned();
//!         delivery.ticket.run(async move {
//!             let doc = Document::from(Response::new().say(format!("Hello {from}")));
//!             match doc.render(Provider::TryVox) {
//!                 Ok(r) => Outcome::Answer(StoredAnswer {
//!                     status: 200,
//!                     content_type: Some(r.content_type.into()),
//!                     body: r.body,
//!                 }),
//!                 Err(_) => Outcome::Failed,
//!             }
//!         }).await
//!     }
//! };
//! let http = reply.into_http_response();
//! assert_eq!(http.status(), 200);
//! assert_eq!(http.headers()["content-type"], "application/json");
//! # Ok(()) }
//! ```
//!
//! Just parsing, with no authentication or dedup, is one call:
//! [`Event::parse`] (known provider) or [`Event::detect`] (auto-detect).
//!
//! ## Modules
//!
//! | module | owns |
//! |---|---|
//! | [`event`] | the [`Event`] enum, its payloads, statuses, the normalized JSON form |
//! | [`dialect`] | one wire format per provider, content-type dispatch, auto-detection |
//! | [`auth`] | the [`Auth`] chain, every scheme, signing helpers, redacted secrets |
//! | [`dedup`] | the [`DedupStore`] trait, key derivation, the in-memory store |
//! | [`deadline`] | budgets, fallbacks, the background-work tracker |
//! | [`voxml`] | VoxML builders and renderers (JSON for TryVox, XML for Voxtelesys and Vobiz) |
//! | [`pipeline`] | the [`Receiver`](pipeline::Receiver): admit, run under the deadline, settle |
//! | [`error`] | [`Rejection`]: every refusal with its HTTP status and fixed JSON body |
//!
//! ## Features
//!
//! | feature | default | what |
//! |---|---|---|
//! | `test-support` | no | `dedup::acceptance`: the shared acceptance suite for your own `DedupStore` |
//!
//! ## Security
//!
//! - Secure by default: a [`Receiver`](pipeline::Receiver) needs an explicit
//!   [`Auth`]; accepting unauthenticated requests takes [`Auth::none`].
//! - Signatures are checked over the exact bytes and URL received, decoded to
//!   bytes and compared in constant time.
//! - Rejections answer a fixed JSON body per kind: never an echo of input,
//!   never a secret or an expected signature. Details go to `tracing` at
//!   debug level (target `voxhook::rejection`), without bodies or secrets.
//! - Types holding secrets print `[REDACTED]` in `Debug`.
//! - Only authenticated requests can create dedup entries or record nonces.
//!
//! [voxhook]: https://docs.rs/voxhook
#![forbid(unsafe_code)]

pub mod auth;
pub mod body;
pub mod deadline;
pub mod dedup;
pub mod dialect;
pub mod error;
pub mod event;
pub mod pipeline;
pub mod request;
pub mod voxml;

pub use auth::{Auth, AuthError, Verification};
pub use dedup::{DedupStore, MemoryStore};
pub use dialect::DecodeError;
pub use error::{Challenge, ConfigError, Rejection};
pub use event::{Event, Provider};
pub use request::{HeaderSource, Inbound};
pub use voxml::VoxmlError;
