//! The [`Receiver`](crate::pipeline) pipeline: admit (authenticate, decode, claim) and settle.
