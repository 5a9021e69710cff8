//! Budgets, fallbacks and tracked background completion of late handlers.
//!
//! Every route has a *budget* below its provider's deadline (Vobiz 3 s →
//! 2.5 s; TryVox, Voxtelesys, VoxPria 5 s → 4.5 s; see
//! [`Provider::default_budget`](crate::Provider::default_budget)). The budget
//! starts when the request arrives and covers the body read, authentication,
//! decoding, the dedup claim and the handler. At the budget:
//!
//! - an *answer* route answers its [`Fallback`] (the library's default VoxML
//!   for the dialect, a document of your own, or a 503 so the provider uses
//!   its own fallback URL);
//! - an *events* route answers 503 `Retry-After: 1`, so the provider retries
//!   and the retry is answered from the dedup store once the late handler is
//!   done.
//!
//! The late handler is never cancelled: it keeps running in the background,
//! counted by a [`Tracker`], and settles its dedup entry with its own result.

mod tracker;
mod unwind;
mod within;

pub use tracker::{Tracker, TrackerSlot};
pub(crate) use unwind::CatchUnwind;
pub use within::{Elapsed, Within, within, within_grace};

use bytes::Bytes;

use crate::Provider;
use crate::dedup::StoredAnswer;

/// What an *answer* route sends when its handler misses the budget.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fallback {
    /// The library's default fallback document for the route's dialect
    /// ([`voxml::fallback`](crate::voxml::fallback)): a short apology, then hang up.
    DefaultVoxml,
    /// A document of your own, already rendered (status 200).
    Custom {
        /// Its `Content-Type`.
        content_type: &'static str,
        /// Its body.
        body: Bytes,
    },
    /// `503 Retry-After: 1`, so the provider calls its own fallback URL.
    ServiceUnavailable,
}

impl Fallback {
    /// The answer to send for `provider`, or `None` for a 503.
    pub(crate) fn answer(&self, provider: Provider) -> Option<StoredAnswer> {
        match self {
            Fallback::DefaultVoxml => {
                let doc = crate::voxml::fallback(provider);
                Some(StoredAnswer {
                    status: 200,
                    content_type: Some(Bytes::from_static(doc.content_type.as_bytes())),
                    body: doc.body.clone(),
                })
            }
            Fallback::Custom { content_type, body } => Some(StoredAnswer {
                status: 200,
                content_type: Some(Bytes::from_static(content_type.as_bytes())),
                body: body.clone(),
            }),
            Fallback::ServiceUnavailable => None,
        }
    }
}
