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
    // One match on the name (compiled as a length check per arm before any
    // byte compare); the parent only decides the few top-level names.
    let top = parent.is_empty();
    match name {
        "event" if top => Field::Event,
        "data" if top => Field::Flatten,
        "timestamp" => Field::Timestamp,
        "call_id" | "callId" => Field::CallId,
        // `id` is the call id of a call event and the campaign id of a campaign event.
        "id" if parent == "data" => Field::Id,
        "campaign_id" | "campaignId" => Field::CampaignId,
        "contact_id" | "contactId" => Field::ContactId,
        "phone_number" | "phoneNumber" | "toNumber" | "to_number" | "to" => Field::To,
        "from" | "fromNumber" | "from_number" | "callerId" | "caller_id" => Field::From,
        "status" => Field::Status,
        "direction" => Field::Direction,
        "duration" => Field::Duration,
        "recording_url" | "recordingUrl" | "recording" => Field::RecordingUrl,
        "transcript" => Field::Transcript,
        "summary" => Field::Summary,
        "variables" => Field::Vars,
        "end_reason" | "endReason" => Field::EndReason,
        "name" => Field::Name,
        "stats" => Field::Stats,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_by_parent() {
        let cases = [
            ("event at the top", "", "event", Field::Event),
            ("event inside data", "data", "event", Field::Ignore),
            ("data at the top", "", "data", Field::Flatten),
            ("data inside data", "data", "data", Field::Ignore),
            ("id inside data", "data", "id", Field::Id),
            ("id at the top", "", "id", Field::Ignore),
            ("camelCase inside data", "data", "callId", Field::CallId),
            ("snake_case at the top", "", "call_id", Field::CallId),
            ("alias of to", "data", "toNumber", Field::To),
            ("alias of from", "data", "fromNumber", Field::From),
            ("recording", "data", "recording", Field::RecordingUrl),
            (
                "delivery id at the top",
                "",
                "webhook_id",
                Field::DeliveryId,
            ),
            (
                "delivery id inside data",
                "data",
                "webhook_id",
                Field::Ignore,
            ),
            ("unknown", "data", "callid", Field::Ignore),
        ];
        for (name, parent, wire, want) in cases {
            assert_eq!(field(parent, wire), want, "{name}");
        }
    }
}
