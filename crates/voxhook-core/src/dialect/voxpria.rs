//! VoxPria: JSON `{event, timestamp?, data: {...}}`, with snake_case and
//! camelCase aliases (`call_id`/`callId`/`id`, `phone_number`/`phoneNumber`/`toNumber`,
//! `recording_url`/`recording`).

use std::borrow::Cow;

use super::{Dialect, Draft, Field, delivery_id_field};
use crate::event::Provider;

/// The VoxPria dialect.
pub const DIALECT: Dialect = Dialect {
    provider: Provider::VoxPria,
    field,
    classify,
};

/// VoxPria's wire names; the fields of `data` are read as if top-level.
pub fn field(parent: &str, name: &str) -> Field {
    match (parent, name) {
        ("", "event") => Field::Event,
        ("", "data") => Field::Flatten,
        (_, "timestamp") => Field::Timestamp,
        (_, "call_id" | "callId") => Field::CallId,
        // `id` is the call id of a call event and the campaign id of a campaign event.
        ("data", "id") => Field::Id,
        (_, "campaign_id" | "campaignId") => Field::CampaignId,
        (_, "contact_id" | "contactId") => Field::ContactId,
        (_, "phone_number" | "phoneNumber" | "toNumber" | "to_number" | "to") => Field::To,
        (_, "from" | "fromNumber" | "from_number" | "callerId" | "caller_id") => Field::From,
        (_, "status") => Field::Status,
        (_, "direction") => Field::Direction,
        (_, "duration") => Field::Duration,
        (_, "recording_url" | "recordingUrl" | "recording") => Field::RecordingUrl,
        (_, "transcript") => Field::Transcript,
        (_, "summary") => Field::Summary,
        (_, "variables") => Field::Vars,
        (_, "end_reason" | "endReason") => Field::EndReason,
        (_, "name") => Field::Name,
        (_, "stats") => Field::Stats,
        _ => delivery_id_field(parent, name),
    }
}

/// VoxPria's kinds: `call.started` is `call.initiated`, `call.ended` is
/// `call.completed`; every other name (`campaign.finished`, `credit.low`)
/// is kept.
pub fn classify(d: &mut Draft) -> Cow<'static, str> {
    let kind = match d.event() {
        Some("call.started") => Cow::Borrowed("call.initiated"),
        Some("call.ended" | "call.completed") => Cow::Borrowed("call.completed"),
        Some(e) => Cow::Owned(e.to_owned()),
        None => Cow::Borrowed("call.status"),
    };
    d.place_id(&kind);
    kind
}
