//! [`EventData`]: the normalized fields every event carries, and their JSON form.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{Direction, Provider, Raw, Status, Timestamp};
use crate::event::json::JsonText;

/// The normalized data of one event, shared by every [`Event`](super::Event)
/// variant (each variant's payload dereferences to it).
///
/// Its serde form is the normalized JSON form documented at the
/// [`event`](super) module: absent fields are omitted, numbers are numbers,
/// statuses are lower-case, and `raw` holds the wire payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    pub(crate) schema: Schema,
    pub(crate) provider: Provider,
    pub(crate) kind: Cow<'static, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) call_id: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) parent_call_id: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) account_id: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) trunk_id: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) from: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) to: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) caller_name: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) forwarded_from: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) direction: Option<Direction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) timestamp: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) duration: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) bill_duration: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) end_reason: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) answered_by: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) machine: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) from_city: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) from_state: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) from_zip: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) from_country: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) to_city: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) to_state: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) to_zip: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) to_country: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) campaign_id: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) contact_id: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) recording_id: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) recording_url: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) recording_status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) recording_duration: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) transcript: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) summary: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) digits: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) speech: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) confidence: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) input_type: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) dial_status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) dial_call_id: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) dial_duration: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) dial_action: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) message_id: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) batch_id: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) body: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) media: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tag: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error_code: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error_description: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) delivery_id: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) vars: Option<JsonText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) stats: Option<JsonText>,
    pub(crate) raw: Raw,
}

macro_rules! str_getters {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {
        $( $(#[$m])* pub fn $name(&self) -> Option<&str> { self.$name.as_deref() } )*
    };
}

impl EventData {
    /// Empty data for `provider`, to be filled by a dialect.
    pub(crate) fn new(provider: Provider, raw: Raw) -> EventData {
        EventData {
            schema: Schema,
            provider,
            kind: Cow::Borrowed(""),
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
        self.vars.as_ref().map(JsonText::as_str)
    }

    /// Custom call variables, parsed.
    pub fn vars(&self) -> Option<serde_json::Value> {
        self.vars.as_ref().and_then(JsonText::to_value)
    }

    /// The lossless wire view: every field the provider sent, by its wire name.
    pub fn raw(&self) -> &Raw {
        &self.raw
    }
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
