//! TryVox: JSON bodies with snake_case names (`event`, `call_uuid`,
//! `status`/`call_status`, ...), and GET query callbacks with the same names.

use std::borrow::Cow;

use super::kinds::dotted_call_kind;
use super::{Dialect, Draft, Field, delivery_id_field};
use crate::event::Provider;

/// The TryVox dialect.
pub const DIALECT: Dialect = Dialect {
    provider: Provider::TryVox,
    field,
    classify,
};

/// TryVox's wire names.
pub fn field(parent: &str, name: &str) -> Field {
    if !parent.is_empty() {
        return Field::Ignore;
    }
    match name {
        "event" | "event_type" => Field::Event,
        "call_uuid" | "call_id" => Field::CallId,
        "parent_call_uuid" | "parent_call_id" => Field::ParentCallId,
        "account_id" | "auth_id" => Field::AccountId,
        "from" => Field::From,
        "to" => Field::To,
        "caller_name" => Field::CallerName,
        "direction" => Field::Direction,
        "status" | "call_status" => Field::Status,
        "timestamp" => Field::Timestamp,
        "duration" | "call_duration" => Field::Duration,
        "bill_duration" | "billed_duration" => Field::BillDuration,
        "end_reason" | "hangup_cause" => Field::EndReason,
        "answered_by" => Field::AnsweredBy,
        "recording_id" | "recording_uuid" => Field::RecordingId,
        "recording_url" => Field::RecordingUrl,
        "recording_duration" => Field::RecordingDuration,
        "transcript" | "transcription" | "transcription_text" => Field::Transcript,
        "digits" => Field::Digits,
        "speech" | "speech_result" => Field::Speech,
        "confidence" => Field::Confidence,
        "dial_status" | "dial_call_status" => Field::DialStatus,
        "dial_call_uuid" => Field::DialCallId,
        "dial_duration" => Field::DialDuration,
        "variables" | "vars" => Field::Vars,
        "message_uuid" | "message_id" => Field::MessageId,
        _ => delivery_id_field(parent, name),
    }
}

/// TryVox's kinds: `call.*` events by name; without an `event`, a verb
/// callback (`call.gather` with digits or speech, `call.dial` with a dial
/// status, `call.recording` with a recording URL, else `call.status`).
pub fn classify(d: &mut Draft) -> Cow<'static, str> {
    match d.event() {
        Some(e) => dotted_call_kind(e, d.status()).unwrap_or_else(|| Cow::Owned(e.to_owned())),
        None if d.has(Field::Digits) || d.has(Field::Speech) => Cow::Borrowed("call.gather"),
        None if d.has(Field::DialStatus) => Cow::Borrowed("call.dial"),
        None if d.has(Field::RecordingUrl) => Cow::Borrowed("call.recording"),
        None => Cow::Borrowed("call.status"),
    }
}
