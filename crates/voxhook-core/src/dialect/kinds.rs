//! Kind helpers shared by dialects (public so custom dialects can reuse them).

use std::borrow::Cow;

use crate::event::Status;

/// `call.failed` when the status is a failure (busy, no-answer, canceled,
/// failed, timeout), else `call.completed`: the kind of an end-of-call event.
pub fn end_of_call_kind(status: Option<&Status>) -> Cow<'static, str> {
    if status.is_some_and(Status::is_failure) {
        Cow::Borrowed("call.failed")
    } else {
        Cow::Borrowed("call.completed")
    }
}

/// The call kind a status alone implies (Twilio-like `CallStatus`):
/// queued/initiated, ringing, in-progress/answered, completed, a failure;
/// `call.status` for anything else or no status.
pub fn call_kind_from_status(status: Option<&Status>) -> Cow<'static, str> {
    Cow::Borrowed(match status {
        Some(Status::Queued | Status::Initiated) => "call.initiated",
        Some(Status::Ringing) => "call.ringing",
        Some(Status::InProgress | Status::Answered) => "call.answered",
        Some(Status::Completed) => "call.completed",
        Some(s) if s.is_failure() => "call.failed",
        _ => "call.status",
    })
}

/// The TryVox-style `call.*` event names (also Vobiz's legacy JSON), or `None`.
pub(crate) fn dotted_call_kind(event: &str, status: Option<&Status>) -> Option<Cow<'static, str>> {
    Some(match event {
        "call.initiated" | "call.queued" => Cow::Borrowed("call.initiated"),
        "call.ringing" => Cow::Borrowed("call.ringing"),
        "call.answered" => Cow::Borrowed("call.answered"),
        "call.ended" | "call.completed" | "call.hangup" => end_of_call_kind(status),
        "call.failed" => Cow::Borrowed("call.failed"),
        _ => return None,
    })
}
