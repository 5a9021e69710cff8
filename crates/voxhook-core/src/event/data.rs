//! [`EventData`]: the normalized fields every event carries, and their JSON form.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::span::Span;
use super::{Direction, Provider, Raw, Status, Timestamp};
use crate::event::{JsonText, parse_json};

/// The normalized data of one event, shared by every [`Event`](super::Event)
/// variant (each variant's payload dereferences to it).
///
/// Its serde form is the normalized JSON form documented at the
/// [`event`](super) module: absent fields are omitted, numbers are numbers,
/// statuses are lower-case, and `raw` holds the wire payload.
#[derive(Clone)]
pub struct EventData {
    pub(crate) provider: Provider,
    pub(crate) kind: Cow<'static, str>,
    /// The text fields' values, one after another (each field is a [`Span`] of it).
    pub(crate) text: String,
    pub(crate) call_id: Option<Span>,
    pub(crate) parent_call_id: Option<Span>,
    pub(crate) account_id: Option<Span>,
    pub(crate) trunk_id: Option<Span>,
    pub(crate) from: Option<Span>,
    pub(crate) to: Option<Span>,
    pub(crate) caller_name: Option<Span>,
    pub(crate) forwarded_from: Option<Span>,
    pub(crate) direction: Option<Direction>,
    pub(crate) status: Option<Status>,
    pub(crate) timestamp: Option<Timestamp>,
    pub(crate) duration: Option<u64>,
    pub(crate) bill_duration: Option<u64>,
    pub(crate) end_reason: Option<Span>,
    pub(crate) answered_by: Option<Span>,
    pub(crate) machine: Option<bool>,
    pub(crate) from_city: Option<Span>,
    pub(crate) from_state: Option<Span>,
    pub(crate) from_zip: Option<Span>,
    pub(crate) from_country: Option<Span>,
    pub(crate) to_city: Option<Span>,
    pub(crate) to_state: Option<Span>,
    pub(crate) to_zip: Option<Span>,
    pub(crate) to_country: Option<Span>,
    pub(crate) campaign_id: Option<Span>,
    pub(crate) contact_id: Option<Span>,
    pub(crate) name: Option<Span>,
    pub(crate) recording_id: Option<Span>,
    pub(crate) recording_url: Option<Span>,
    pub(crate) recording_status: Option<Status>,
    pub(crate) recording_duration: Option<u64>,
    pub(crate) transcript: Option<Span>,
    pub(crate) summary: Option<Span>,
    pub(crate) digits: Option<Span>,
    pub(crate) speech: Option<Span>,
    pub(crate) confidence: Option<f64>,
    pub(crate) input_type: Option<Span>,
    pub(crate) dial_status: Option<Status>,
    pub(crate) dial_call_id: Option<Span>,
    pub(crate) dial_duration: Option<u64>,
    pub(crate) dial_action: Option<Span>,
    pub(crate) message_id: Option<Span>,
    pub(crate) batch_id: Option<Span>,
    pub(crate) body: Option<Span>,
    pub(crate) media: Option<Vec<String>>,
    pub(crate) tag: Option<Span>,
    pub(crate) error_code: Option<Span>,
    pub(crate) error_description: Option<Span>,
    pub(crate) delivery_id: Option<Span>,
    /// Minified JSON text in the text buffer.
    pub(crate) vars: Option<Span>,
    /// Minified JSON text in the text buffer.
    pub(crate) stats: Option<Span>,
    pub(crate) raw: Raw,
}

macro_rules! str_getters {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {
        $( $(#[$m])* pub fn $name(&self) -> Option<&str> { self.text_of(self.$name) } )*
    };
}

impl EventData {
    /// Empty data for `provider`, to be filled by a dialect; `text` is the
    /// (empty) buffer its text fields will go in.
    #[inline]
    pub(crate) fn new(provider: Provider, raw: Raw, text: String) -> EventData {
        EventData {
            provider,
            kind: Cow::Borrowed(""),
            text,
            call_id: None,
            parent_call_id: None,
            account_id: None,
            trunk_id: None,
            from: None,
            to: None,
            caller_name: None,
            forwarded_from: None,
            direction: None,
            status: None,
            timestamp: None,
            duration: None,
            bill_duration: None,
            end_reason: None,
            answered_by: None,
            machine: None,
            from_city: None,
            from_state: None,
            from_zip: None,
            from_country: None,
            to_city: None,
            to_state: None,
            to_zip: None,
            to_country: None,
            campaign_id: None,
            contact_id: None,
            name: None,
            recording_id: None,
            recording_url: None,
            recording_status: None,
            recording_duration: None,
            transcript: None,
            summary: None,
            digits: None,
            speech: None,
            confidence: None,
            input_type: None,
            dial_status: None,
            dial_call_id: None,
            dial_duration: None,
            dial_action: None,
            message_id: None,
            batch_id: None,
            body: None,
            media: None,
            tag: None,
            error_code: None,
            error_description: None,
            delivery_id: None,
            vars: None,
            stats: None,
            raw,
        }
    }

    /// The value of a text field.
    pub(crate) fn text_of(&self, span: Option<Span>) -> Option<&str> {
        span.and_then(|s| s.get(&self.text))
    }

    /// The normalized form, borrowing from `self`.
    fn normalized(&self) -> Normalized<'_> {
        Normalized {
            schema: Schema,
            provider: self.provider,
            kind: Cow::Borrowed(&self.kind),
            call_id: self.text_of(self.call_id).map(Cow::Borrowed),
            parent_call_id: self.text_of(self.parent_call_id).map(Cow::Borrowed),
            account_id: self.text_of(self.account_id).map(Cow::Borrowed),
            trunk_id: self.text_of(self.trunk_id).map(Cow::Borrowed),
            from: self.text_of(self.from).map(Cow::Borrowed),
            to: self.text_of(self.to).map(Cow::Borrowed),
            caller_name: self.text_of(self.caller_name).map(Cow::Borrowed),
            forwarded_from: self.text_of(self.forwarded_from).map(Cow::Borrowed),
            direction: self.direction.as_ref().map(Cow::Borrowed),
            status: self.status.as_ref().map(Cow::Borrowed),
            timestamp: self.timestamp,
            duration: self.duration,
            bill_duration: self.bill_duration,
            end_reason: self.text_of(self.end_reason).map(Cow::Borrowed),
            answered_by: self.text_of(self.answered_by).map(Cow::Borrowed),
            machine: self.machine,
            from_city: self.text_of(self.from_city).map(Cow::Borrowed),
            from_state: self.text_of(self.from_state).map(Cow::Borrowed),
            from_zip: self.text_of(self.from_zip).map(Cow::Borrowed),
            from_country: self.text_of(self.from_country).map(Cow::Borrowed),
            to_city: self.text_of(self.to_city).map(Cow::Borrowed),
            to_state: self.text_of(self.to_state).map(Cow::Borrowed),
            to_zip: self.text_of(self.to_zip).map(Cow::Borrowed),
            to_country: self.text_of(self.to_country).map(Cow::Borrowed),
            campaign_id: self.text_of(self.campaign_id).map(Cow::Borrowed),
            contact_id: self.text_of(self.contact_id).map(Cow::Borrowed),
            name: self.text_of(self.name).map(Cow::Borrowed),
            recording_id: self.text_of(self.recording_id).map(Cow::Borrowed),
            recording_url: self.text_of(self.recording_url).map(Cow::Borrowed),
            recording_status: self.recording_status.as_ref().map(Cow::Borrowed),
            recording_duration: self.recording_duration,
            transcript: self.text_of(self.transcript).map(Cow::Borrowed),
            summary: self.text_of(self.summary).map(Cow::Borrowed),
            digits: self.text_of(self.digits).map(Cow::Borrowed),
            speech: self.text_of(self.speech).map(Cow::Borrowed),
            confidence: self.confidence,
            input_type: self.text_of(self.input_type).map(Cow::Borrowed),
            dial_status: self.dial_status.as_ref().map(Cow::Borrowed),
            dial_call_id: self.text_of(self.dial_call_id).map(Cow::Borrowed),
            dial_duration: self.dial_duration,
            dial_action: self.text_of(self.dial_action).map(Cow::Borrowed),
            message_id: self.text_of(self.message_id).map(Cow::Borrowed),
            batch_id: self.text_of(self.batch_id).map(Cow::Borrowed),
            body: self.text_of(self.body).map(Cow::Borrowed),
            media: self.media.as_deref().map(Cow::Borrowed),
            tag: self.text_of(self.tag).map(Cow::Borrowed),
            error_code: self.text_of(self.error_code).map(Cow::Borrowed),
            error_description: self.text_of(self.error_description).map(Cow::Borrowed),
            delivery_id: self.text_of(self.delivery_id).map(Cow::Borrowed),
            vars: self.text_of(self.vars).map(JsonText::borrowed),
            stats: self.text_of(self.stats).map(JsonText::borrowed),
            raw: Cow::Borrowed(&self.raw),
        }
    }

    /// The provider that sent the event.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The dotted kind (`call.completed`, ...) or the provider's own event name.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    str_getters! {
        /// The call id (`call_uuid`, `CallSid`, `CallUUID`, `call_id`, `callId`, ...).
        call_id,
        /// The parent call's id (`ParentCallSid`, Vobiz `ALegUUID` when it differs from the call id).
        parent_call_id,
        /// The account id (`account_id`, `AccountID`, `AccountSid`, Vobiz `auth_id`).
        account_id,
        /// The trunk id (Voxtelesys `TrunkID`).
        trunk_id,
        /// The calling number, as sent (form-decoded: `%2B1415` is `+1415`).
        from,
        /// The called number, as sent (VoxPria `phone_number`/`phoneNumber`/`toNumber`; the first recipient of a message).
        to,
        /// The caller's name (CNAM).
        caller_name,
        /// The number the call was forwarded from.
        forwarded_from,
        /// The end reason or hangup cause (`end_reason`, `HangupCause`, `HangupCauseName`).
        end_reason,
        /// Who answered, from answering-machine detection (`AnsweredBy`).
        answered_by,
        /// Geographic data: the caller's city.
        from_city,
        /// Geographic data: the caller's state or province.
        from_state,
        /// Geographic data: the caller's postal code.
        from_zip,
        /// Geographic data: the caller's country.
        from_country,
        /// Geographic data: the called party's city.
        to_city,
        /// Geographic data: the called party's state or province.
        to_state,
        /// Geographic data: the called party's postal code.
        to_zip,
        /// Geographic data: the called party's country.
        to_country,
        /// The campaign id (VoxPria).
        campaign_id,
        /// The contact id (VoxPria).
        contact_id,
        /// The recording URL (`RecordingUrl`, `RecordUrl`, `recording_url`, `recording`).
        recording_url,
        /// The transcript of the call or recording.
        transcript,
        /// An idempotency token the provider keeps across retries, when the payload has one.
        delivery_id,
    }

    /// The call direction.
    pub fn direction(&self) -> Option<&Direction> {
        self.direction.as_ref()
    }

    /// The normalized status.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// When the event happened, if the provider sent a zoned timestamp.
    pub fn timestamp(&self) -> Option<Timestamp> {
        self.timestamp
    }

    /// The call duration in seconds.
    pub fn duration(&self) -> Option<u64> {
        self.duration
    }

    /// The billed duration in seconds.
    pub fn bill_duration(&self) -> Option<u64> {
        self.bill_duration
    }

    /// Custom call variables as JSON text (Voxtelesys/Vobiz `Vars`, VoxPria `variables`).
    pub fn vars_json(&self) -> Option<&str> {
        self.text_of(self.vars)
    }

    /// Custom call variables, parsed.
    pub fn vars(&self) -> Option<serde_json::Value> {
        self.text_of(self.vars).and_then(parse_json)
    }

    /// The lossless wire view: every field the provider sent, by its wire name.
    pub fn raw(&self) -> &Raw {
        &self.raw
    }
}

impl PartialEq for EventData {
    /// Field by field (not the text buffer: the same values may sit in another order).
    fn eq(&self, other: &EventData) -> bool {
        self.normalized() == other.normalized()
    }
}

impl fmt::Debug for EventData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.normalized().fmt(f)
    }
}

impl Serialize for EventData {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.normalized().serialize(s)
    }
}

impl<'de> Deserialize<'de> for EventData {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Normalized::deserialize(d).map(Into::into)
    }
}

impl From<Normalized<'_>> for EventData {
    fn from(n: Normalized<'_>) -> EventData {
        let mut text = String::new();
        let mut push = |value: Option<Cow<'_, str>>| value.and_then(|v| Span::push(&mut text, &v));
        EventData {
            provider: n.provider,
            kind: Cow::Owned(n.kind.into_owned()),
            call_id: push(n.call_id),
            parent_call_id: push(n.parent_call_id),
            account_id: push(n.account_id),
            trunk_id: push(n.trunk_id),
            from: push(n.from),
            to: push(n.to),
            caller_name: push(n.caller_name),
            forwarded_from: push(n.forwarded_from),
            direction: n.direction.map(Cow::into_owned),
            status: n.status.map(Cow::into_owned),
            timestamp: n.timestamp,
            duration: n.duration,
            bill_duration: n.bill_duration,
            end_reason: push(n.end_reason),
            answered_by: push(n.answered_by),
            machine: n.machine,
            from_city: push(n.from_city),
            from_state: push(n.from_state),
            from_zip: push(n.from_zip),
            from_country: push(n.from_country),
            to_city: push(n.to_city),
            to_state: push(n.to_state),
            to_zip: push(n.to_zip),
            to_country: push(n.to_country),
            campaign_id: push(n.campaign_id),
            contact_id: push(n.contact_id),
            name: push(n.name),
            recording_id: push(n.recording_id),
            recording_url: push(n.recording_url),
            recording_status: n.recording_status.map(Cow::into_owned),
            recording_duration: n.recording_duration,
            transcript: push(n.transcript),
            summary: push(n.summary),
            digits: push(n.digits),
            speech: push(n.speech),
            confidence: n.confidence,
            input_type: push(n.input_type),
            dial_status: n.dial_status.map(Cow::into_owned),
            dial_call_id: push(n.dial_call_id),
            dial_duration: n.dial_duration,
            dial_action: push(n.dial_action),
            message_id: push(n.message_id),
            batch_id: push(n.batch_id),
            body: push(n.body),
            media: n.media.map(Cow::into_owned),
            tag: push(n.tag),
            error_code: push(n.error_code),
            error_description: push(n.error_description),
            delivery_id: push(n.delivery_id),
            vars: push(n.vars.map(JsonText::into_inner)),
            stats: push(n.stats.map(JsonText::into_inner)),
            raw: n.raw.into_owned(),
            text,
        }
    }
}

/// The normalized form of [`EventData`] (its serde form), borrowing from it
/// when serializing and owning its values when deserialized.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Normalized<'a> {
    schema: Schema,
    provider: Provider,
    kind: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    call_id: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent_call_id: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account_id: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    trunk_id: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    caller_name: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    forwarded_from: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    direction: Option<Cow<'a, Direction>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<Cow<'a, Status>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timestamp: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    duration: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bill_duration: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    end_reason: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    answered_by: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    machine: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from_city: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from_state: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from_zip: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from_country: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to_city: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to_state: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to_zip: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to_country: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    campaign_id: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    contact_id: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recording_id: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recording_url: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recording_status: Option<Cow<'a, Status>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recording_duration: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    transcript: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    summary: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    digits: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    speech: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    confidence: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    input_type: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dial_status: Option<Cow<'a, Status>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dial_call_id: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dial_duration: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dial_action: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message_id: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    batch_id: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    media: Option<Cow<'a, [String]>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tag: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error_code: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error_description: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delivery_id: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    vars: Option<JsonText<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stats: Option<JsonText<'a>>,
    raw: Cow<'a, Raw>,
}

/// The `"schema": 1` marker of the normalized form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Schema;

impl Serialize for Schema {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(1)
    }
}

impl<'de> Deserialize<'de> for Schema {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match u64::deserialize(d)? {
            1 => Ok(Schema),
            _ => Err(serde::de::Error::custom("unsupported schema (expected 1)")),
        }
    }
}
