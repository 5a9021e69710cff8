//! Voxtelesys: Twilio-like voice webhooks as a form body or GET query
//! (`CallSid`, `AccountID`, `CallStatus`, ...), and JSON messaging webhooks
//! (`type: "mo"` inbound, `type: "per_recipient"` delivery receipts).

use std::borrow::Cow;

use super::kinds::call_kind_from_status;
use super::{Dialect, Draft, Field, delivery_id_field};
use crate::event::Provider;

/// The Voxtelesys dialect.
pub const DIALECT: Dialect = Dialect {
    provider: Provider::Voxtelesys,
    field,
    classify,
};

/// Voxtelesys's wire names (voice forms and messaging JSON).
pub fn field(parent: &str, name: &str) -> Field {
    if parent == "error" {
        return match name {
            "code" => Field::ErrorCode,
            "description" => Field::ErrorDescription,
            _ => Field::Ignore,
        };
    }
    match name {
        // Voice (form or query).
        "CallSid" => Field::CallId,
        "AccountID" | "AccountSid" | "AccountId" => Field::AccountId,
        "TrunkID" | "TrunkId" => Field::TrunkId,
        "From" | "Caller" => Field::From,
        "To" | "Called" => Field::To,
        "CallStatus" => Field::Status,
        "Direction" => Field::Direction,
        "CallerName" => Field::CallerName,
        "ParentCallSid" => Field::ParentCallId,
        "ForwardedFrom" => Field::ForwardedFrom,
        "Vars" => Field::Vars,
        "FromCity" => Field::FromCity,
        "FromState" => Field::FromState,
        "FromZip" => Field::FromZip,
        "FromCountry" => Field::FromCountry,
        "ToCity" => Field::ToCity,
        "ToState" => Field::ToState,
        "ToZip" => Field::ToZip,
        "ToCountry" => Field::ToCountry,
        "AnsweredBy" => Field::AnsweredBy,
        "Timestamp" => Field::Timestamp,
        "CallDuration" | "Duration" => Field::Duration,
        "RecordingSid" => Field::RecordingId,
        "RecordingUrl" => Field::RecordingUrl,
        "RecordingStatus" => Field::RecordingStatus,
        "RecordingDuration" => Field::RecordingDuration,
        "TranscriptionText" => Field::Transcript,
        "Digits" => Field::Digits,
        "SpeechResult" => Field::Speech,
        "Confidence" => Field::Confidence,
        "DialCallStatus" => Field::DialStatus,
        "DialCallSid" => Field::DialCallId,
        "DialCallDuration" => Field::DialDuration,
        // Messaging (JSON).
        "type" => Field::Event,
        "from" => Field::From,
        "to" => Field::To,
        "body" => Field::Body,
        "media" => Field::Media,
        "received_at" | "time" => Field::Timestamp,
        "message_id" => Field::MessageId,
        "batch_id" => Field::BatchId,
        "tag" => Field::Tag,
        "status" => Field::Status,
        "error" => Field::Flatten,
        _ => delivery_id_field(parent, name),
    }
}

/// Voxtelesys's kinds, per the normative table: verb actions by their
/// parameters, then `CallStatus`; messaging by `type`.
pub fn classify(d: &mut Draft) -> Cow<'static, str> {
    match d.event() {
        Some("mo") => Cow::Borrowed("message.received"),
        Some("per_recipient") => Cow::Borrowed("message.status"),
        Some(other) => Cow::Owned(other.to_owned()),
        None if d.has(Field::Digits) || d.has(Field::Speech) => Cow::Borrowed("call.gather"),
        None if d.has(Field::DialStatus) => Cow::Borrowed("call.dial"),
        None if d.has(Field::RecordingUrl) || d.has(Field::RecordingStatus) => {
            Cow::Borrowed("call.recording")
        }
        None => call_kind_from_status(d.status()),
    }
}
