//! Vobiz: Plivo-like form POST and GET callbacks (`Event`, `CallUUID`,
//! `CallStatus`, `HangupCause`, ...), including a hangup callback with no
//! `Event` at all, and the older JSON variant (`event`, `call_id`, snake_case).

use std::borrow::Cow;

use super::kinds::{call_kind_from_status, dotted_call_kind, end_of_call_kind};
use super::{Dialect, Draft, Field, delivery_id_field};
use crate::event::Provider;

/// The Vobiz dialect.
pub const DIALECT: Dialect = Dialect {
    provider: Provider::Vobiz,
    field,
    classify,
};

/// Vobiz's wire names (current form names and the legacy JSON names).
pub fn field(parent: &str, name: &str) -> Field {
    if !parent.is_empty() {
        return Field::Ignore;
    }
    match name {
        "Event" | "event" => Field::Event,
        "CallUUID" | "call_uuid" | "call_id" => Field::CallId,
        "ALegUUID" => Field::ParentCallId,
        "auth_id" | "account_id" => Field::AccountId,
        "From" | "from" => Field::From,
        "To" | "to" => Field::To,
        "CallerName" => Field::CallerName,
        "ForwardedFrom" => Field::ForwardedFrom,
        "Direction" | "direction" => Field::Direction,
        "CallStatus" | "Status" | "status" | "call_status" => Field::Status,
        "timestamp" => Field::Timestamp,
        "Duration" | "duration" => Field::Duration,
        "BillDuration" | "bill_duration" => Field::BillDuration,
        "HangupCause" | "HangupCauseName" | "hangup_cause" => Field::EndReason,
        // Zone-less local times: their presence marks the end of a call, but
        // they are never guessed into the timestamp.
        "EndTime" | "end_time" => Field::Marker,
        "Machine" => Field::Machine,
        "Vars" => Field::Vars,
        "RecordingID" | "RecordingId" | "recording_id" => Field::RecordingId,
        "RecordUrl" | "RecordFile" | "RecordingUrl" | "recording_url" => Field::RecordingUrl,
        "RecordingDuration" => Field::RecordingDuration,
        "Digits" => Field::Digits,
        "Speech" => Field::Speech,
        "SpeechConfidenceScore" => Field::Confidence,
        "InputType" => Field::InputType,
        "DialStatus" => Field::DialStatus,
        "DialBLegUUID" => Field::DialCallId,
        "DialAction" => Field::DialAction,
        _ => delivery_id_field(parent, name),
    }
}

/// Vobiz's kinds, per the normative table.
pub fn classify(d: &mut Draft) -> Cow<'static, str> {
    let status = d.status();
    match d.event() {
        Some("CallInitiated") => Cow::Borrowed("call.initiated"),
        Some("Ring") => Cow::Borrowed("call.ringing"),
        Some("StartApp") => Cow::Borrowed("call.answered"),
        Some("Hangup") => end_of_call_kind(status),
        Some("Record" | "RecordStop" | "recording.completed") => Cow::Borrowed("call.recording"),
        Some("DialAnswer" | "DialConnected" | "DialHangup" | "DialAction" | "DialDigitsMatch") => {
            Cow::Borrowed("call.dial")
        }
        Some("MachineDetection") => Cow::Borrowed("call.machine_detection"),
        Some(e) => dotted_call_kind(e, status).unwrap_or_else(|| Cow::Owned(e.to_owned())),
        None if d.has(Field::EndReason)
            || d.has(Field::Marker)
            || status.is_some_and(|s| s.is_final()) =>
        {
            end_of_call_kind(status)
        }
        None if d.has(Field::DialStatus) => Cow::Borrowed("call.dial"),
        None if d.has(Field::Digits) || d.has(Field::Speech) => Cow::Borrowed("call.gather"),
        None if d.has(Field::RecordingUrl) => Cow::Borrowed("call.recording"),
        None => call_kind_from_status(status),
    }
}
