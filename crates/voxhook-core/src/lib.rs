//! # voxhook-core
//!
//! The framework-free core of [voxhook]: it turns an inbound voice-platform
//! webhook (an [`Inbound`] request view) into an authenticated, de-duplicated,
//! typed event, and the handler's answer back into provider-ready VoxML, on
//! time. The axum and actix-web adapters are thin layers over this crate.
//!
//! [voxhook]: https://docs.rs/voxhook
#![forbid(unsafe_code)]

pub mod auth;
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
