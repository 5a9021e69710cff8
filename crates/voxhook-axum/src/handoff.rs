//! What the layer leaves in the request's extensions for the extractors.
//!
//! The types are private to this crate on purpose: nothing outside it can
//! insert one, so an extractor that finds a [`Handoff`] knows the layer
//! authenticated the request (a user-inserted `Event` extension could not
//! be trusted that way).

use bytes::Bytes;
use voxhook_core::Event;
use voxhook_core::pipeline::DeliveryMeta;

/// The verified event, its metadata and the exact bytes received.
#[derive(Debug, Clone)]
pub(crate) struct Handoff {
    pub(crate) event: Event,
    pub(crate) meta: DeliveryMeta,
    pub(crate) raw: Bytes,
}
