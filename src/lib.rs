//! # voxhook
//!
//! Receive voice-platform webhooks (TryVox, Voxtelesys, VoxPria, Vobiz) in
//! Rust: typed events, authentication, deduplication of retries, and VoxML
//! answers before the provider's deadline.
//!
//! This facade re-exports [`voxhook_core`]; the framework adapters are
//! enabled with features.
#![forbid(unsafe_code)]

#[doc(inline)]
pub use voxhook_core::*;

/// The axum adapter (feature `axum`): [`VoxhookLayer`](voxhook_axum::VoxhookLayer),
/// extractors and VoxML responses.
#[cfg(feature = "axum")]
#[doc(inline)]
pub use voxhook_axum as axum;

/// The Redis dedup store (feature `redis`): one claim per delivery across
/// every replica. See [`voxhook_redis`].
#[cfg(feature = "redis")]
pub use voxhook_redis as redis;

/// The actix-web adapter (feature `actix`): [`VoxhookMiddleware`](voxhook_actix::VoxhookMiddleware),
/// extractors and VoxML responses.
#[cfg(feature = "actix")]
#[doc(inline)]
pub use voxhook_actix as actix;
