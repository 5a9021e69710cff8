//! The receiving pipeline: [`Receiver`], its two phases, and the deadline race.
//!
//! ```text
//! adapter: read body (size cap, under the budget) ──► Inbound
//!   Receiver::admit   authenticate → decode → claim
//!     ├─ Admission::Respond(reply)   duplicate (stored answer, replayed) or budget reply
//!     └─ Admission::Run(admitted)    fresh: the event, its metadata, and a Ticket
//!   Ticket::run / run_local          the handler raced against the budget;
//!                                    late → budget reply now, the handler finishes
//!                                    in the tracked background and settles itself
//!   Ticket::settle                   2xx → answer stored for duplicates; else released
//! ```
//!
//! Rejections ([`Rejection`](crate::Rejection)) never reach the handler and
//! never create a dedup entry.

mod builder;
mod receiver;
mod reply;
mod stats;
mod ticket;

pub use builder::{
    DEFAULT_BODY_LIMIT, DEFAULT_COMPLETED_TTL, DEFAULT_LATE_GRACE, DEFAULT_MAX_BACKGROUND,
    ReceiverBuilder,
};
pub use receiver::{Admission, Admitted, BackgroundFailure, DeliveryMeta, Mode, Receiver, drain};
pub use reply::{REPLAYED_HEADER, Reply};
pub use stats::StatsSnapshot;
pub use ticket::{Outcome, Ticket};
