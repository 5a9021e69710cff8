//! What the middleware leaves in the request's extensions for the extractors.
//!
//! The type is private to this crate on purpose: nothing outside it can
//! insert one, so an extractor that finds a [`Handoff`] knows the middleware
//! authenticated the request (a user-inserted `Event` extension could not
//! be trusted that way).

use bytes::Bytes;
use voxhook_core::Event;
use voxhook_core::pipeline::DeliveryMeta;

/// The verified event (until an extractor takes it), its metadata and the
/// exact bytes received.
#[derive(Debug)]
pub(crate) struct Handoff {
    pub(crate) event: Option<Event>,
    pub(crate) meta: DeliveryMeta,
    pub(crate) raw: Bytes,
}
