//! The unified event model: one [`Event`] enum for every provider.
//!
//! A dialect (see [`crate::dialect`]) turns a provider's wire payload into an
//! [`Event`]; a handler `match`es on it, reads the normalized fields through
//! getters, and can always reach every wire field through [`Event::raw`].
//!
//! ```
//! use voxhook_core::{Event, Provider};
//!
//! let body = b"Event=Hangup&CallUUID=abc&From=%2B14155551234&To=%2B14155555678&CallStatus=busy&Duration=0";
//! let event = Event::parse(Provider::Vobiz, Some("application/x-www-form-urlencoded"), body)?;
//! match &event {
//!     Event::CallFailed(call) => {
//!         assert_eq!(call.from(), Some("+14155551234"));
//!         assert_eq!(call.status().map(|s| s.as_str()), Some("busy"));
//!     }
//!     other => panic!("unexpected {}", other.kind()),
//! }
//! assert_eq!(event.kind(), "call.failed");
//! # Ok::<(), voxhook_core::DecodeError>(())
//! ```
//!
//! # Kinds
//!
//! One vocabulary across providers (within a provider, the first matching row wins):
//!
//! | provider | wire | kind |
//! |---|---|---|
//! | TryVox | `call.initiated`, `call.queued` | `call.initiated` |
//! | TryVox | `call.ringing` | `call.ringing` |
//! | TryVox | `call.answered` | `call.answered` |
//! | TryVox | `call.ended`, `call.completed`, `call.hangup` | `call.completed`, or `call.failed` when the status is busy, no-answer, failed, canceled or timeout |
//! | TryVox | no `event` (verb callbacks, Redirect) | `call.status` |
//! | Voxtelesys | form with `Digits` or `SpeechResult` | `call.gather` |
//! | Voxtelesys | form with `DialCallStatus` | `call.dial` |
//! | Voxtelesys | form with `RecordingUrl` / `RecordingStatus` | `call.recording` |
//! | Voxtelesys | `CallStatus` queued / initiated | `call.initiated` |
//! | Voxtelesys | `CallStatus` ringing | `call.ringing` |
//! | Voxtelesys | `CallStatus` in-progress / answered | `call.answered` |
//! | Voxtelesys | `CallStatus` completed | `call.completed` |
//! | Voxtelesys | `CallStatus` busy, no-answer, failed, canceled | `call.failed` |
//! | Voxtelesys | any other or no `CallStatus` | `call.status` |
//! | Voxtelesys | JSON `type: "per_recipient"` | `message.status` |
//! | Voxtelesys | JSON `type: "mo"` | `message.received` |
//! | VoxPria | `call.started` | `call.initiated` |
//! | VoxPria | `call.answered` | `call.answered` |
//! | VoxPria | `call.ended`, `call.completed` | `call.completed` |
//! | VoxPria | `call.failed` | `call.failed` |
//! | VoxPria | `campaign.*`, `contact.*`, anything else | the same name |
//! | Vobiz | `CallInitiated` | `call.initiated` |
//! | Vobiz | `Ring` | `call.ringing` |
//! | Vobiz | `StartApp` | `call.answered` |
//! | Vobiz | `Hangup`, or no `Event` with `HangupCause` / `EndTime` / a final `CallStatus` | `call.completed`, or `call.failed` when `CallStatus` is busy, no-answer, failed, timeout or cancel |
//! | Vobiz | `Record`, `RecordStop`, `recording.completed`, or no `Event` with `RecordUrl` / `RecordFile` | `call.recording` |
//! | Vobiz | `DialAnswer`, `DialConnected`, `DialHangup`, `DialAction`, `DialDigitsMatch`, a form with `DialStatus` | `call.dial` |
//! | Vobiz | a form with `Digits` / `Speech` and no `Event` | `call.gather` |
//! | Vobiz | `MachineDetection` | `call.machine_detection` |
//! | Vobiz | `call.failed`; legacy JSON `call.completed` etc. | as TryVox |
//! | Vobiz | no `Event`, `CallStatus` ringing / in-progress | `call.ringing` / `call.answered` |
//! | any | an event name not above | the provider's own name, unchanged |
//!
//! # Lossless raw fields
//!
//! An event keeps the payload bytes as received (one copy, shared by clones)
//! and [`Event::raw`] decodes them on demand: a form is scanned, a JSON body
//! is parsed, only when a raw field is asked for. Parsing itself reads the
//! payload once into the typed fields and never builds a
//! `serde_json::Value`, so the raw view costs nothing on the hot path, and
//! every wire field stays reachable by its exact name, repeated form keys
//! included ([`Raw::get_all`]).
//!
//! # The normalized JSON form
//!
//! [`Event`] serializes (serde) to a stable JSON object and deserializes from
//! it, so events can be stored and forwarded:
//!
//! - `"schema": 1` first, then `provider` (`tryvox`, `voxtelesys`, `voxpria`
//!   or `vobiz`) and `kind` (the table above);
//! - the common fields at the top level: `call_id`, `parent_call_id`,
//!   `account_id`, `trunk_id`, `from`, `to`, `caller_name`, `forwarded_from`,
//!   `direction` (`inbound`, `outbound`, `outbound-api`, `outbound-dial`, or
//!   the value sent, lower-cased), `status`, `timestamp`, `duration`,
//!   `bill_duration`, `end_reason`, `answered_by`, `machine`, the geo fields
//!   `from_city` … `to_country`, `campaign_id`, `contact_id`, `name`;
//! - kind-specific fields: `recording_id`, `recording_url`,
//!   `recording_status`, `recording_duration`, `transcript`, `summary`,
//!   `digits`, `speech`, `confidence`, `input_type`, `dial_status`,
//!   `dial_call_id`, `dial_duration`, `dial_action`, `message_id`,
//!   `batch_id`, `body`, `media`, `tag`, `error_code`, `error_description`,
//!   `delivery_id`, `vars` (the custom variables as a JSON value), `stats`;
//! - `raw` last: the wire payload as received (a JSON body as its JSON
//!   object; a form or query as an object of name to string, or to an array
//!   of strings for a repeated name).
//!
//! Rules: absent fields are omitted, never `null`; numbers are JSON numbers
//! (`"125"` on the wire becomes `125`); every status is lower-case with one
//! spelling per value (`cancel` becomes `canceled`, see [`Status`]);
//! timestamps are RFC 3339 in UTC, and a zone-less local time (Vobiz
//! `StartTime`) is never guessed into `timestamp` (it stays in `raw`). An
//! empty wire value is treated as absent, except `digits` and `speech`
//! (empty means "no input"). When a field comes twice (an alias, or a
//! repeated form key), the first value is the normalized one.
//!
//! A Vobiz hangup:
//!
//! ```
//! use voxhook_core::{Event, Provider};
//!
//! let body = "Event=Hangup&CallUUID=550e8400-e29b-41d4-a716-446655440000&From=%2B14155551234\
//!     &To=%2B14155555678&Direction=outbound&CallStatus=completed&HangupCause=NORMAL_CLEARING\
//!     &Duration=125&BillDuration=180";
//! let event = Event::parse(Provider::Vobiz, Some("application/x-www-form-urlencoded"), body.as_bytes())?;
//! assert_eq!(
//!     event.to_json(),
//!     r#"{"schema":1,"provider":"vobiz","kind":"call.completed","call_id":"550e8400-e29b-41d4-a716-446655440000","from":"+14155551234","to":"+14155555678","direction":"outbound","status":"completed","duration":125,"bill_duration":180,"end_reason":"NORMAL_CLEARING","raw":{"Event":"Hangup","CallUUID":"550e8400-e29b-41d4-a716-446655440000","From":"+14155551234","To":"+14155555678","Direction":"outbound","CallStatus":"completed","HangupCause":"NORMAL_CLEARING","Duration":"125","BillDuration":"180"}}"#
//! );
//! let back: Event = serde_json::from_str(&event.to_json()).unwrap();
//! assert_eq!(back, event);
//! # Ok::<(), voxhook_core::DecodeError>(())
//! ```

mod data;
mod json;
mod payload;
mod provider;
mod raw;
mod span;
mod status;
mod timestamp;

pub use data::EventData;
pub use payload::{
    Call, Campaign, Contact, Dial, Gather, MachineDetection, Message, Other, Recording,
};
pub use provider::{Provider, UnknownProvider};
pub use raw::{Raw, RawEncoding};
pub use status::{Direction, Status};
pub use timestamp::Timestamp;

pub(crate) use json::{JsonText, is_json_value, parse_json, push_minified_json};
pub(crate) use raw::minify_str;
pub(crate) use span::Span;

use crate::dialect::{self, DecodeError};

/// One webhook event, from any provider.
///
/// Match on the variant for the kind; every payload dereferences to
/// [`EventData`] for the common fields. Serde gives the normalized JSON form
/// (see the [module docs](self)).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `call.initiated`: the call was created or queued.
    CallInitiated(Call),
    /// `call.ringing`: the call is ringing (an incoming call may be waiting for VoxML).
    CallRinging(Call),
    /// `call.answered`: the call was answered (the answer URL usually waits for VoxML).
    CallAnswered(Call),
    /// `call.completed`: the call ended after being answered (or ended normally).
    CallCompleted(Call),
    /// `call.failed`: busy, no-answer, canceled, timeout or failed.
    CallFailed(Call),
    /// `call.status`: another status change or a verb callback (Redirect).
    CallStatus(Call),
    /// `call.recording`: a recording is ready or changed status.
    Recording(Recording),
    /// `call.gather`: DTMF digits and/or speech.
    Gather(Gather),
    /// `call.dial`: the result or progress of a Dial.
    Dial(Dial),
    /// `call.machine_detection`: answering-machine detection result.
    MachineDetection(MachineDetection),
    /// `message.status`: a message delivery receipt.
    MessageStatus(Message),
    /// `message.received`: an inbound SMS/MMS.
    MessageReceived(Message),
    /// `campaign.*`: a campaign event (the kind keeps the provider's name, e.g. `campaign.finished`).
    Campaign(Campaign),
    /// `contact.*`: a contact event (e.g. `contact.updated`).
    Contact(Contact),
    /// Any other event; the kind is the provider's own name (`credit.low`, `Redirect`, ...).
    Unknown(Other),
}

impl Event {
    /// Parses a POST body from a known provider; `content_type` decides JSON
    /// vs form (when it is absent, the body's first byte decides).
    ///
    /// ```
    /// use voxhook_core::{Event, Provider};
    ///
    /// let body = br#"{"event":"call.answered","call_uuid":"c7a3","from":"+919876543210","to":"+14155551234","status":"answered"}"#;
    /// let ev = Event::parse(Provider::TryVox, Some("application/json"), body)?;
    /// assert_eq!((ev.kind(), ev.call_id()), ("call.answered", Some("c7a3")));
    /// assert!(ev.is_actionable());
    /// # Ok::<(), voxhook_core::DecodeError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`DecodeError`] when the content type is not JSON or form, the body
    /// cannot be read as its content type, or nothing identifies the event.
    pub fn parse(
        provider: Provider,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Event, DecodeError> {
        dialect::for_provider(provider).parse(content_type, body)
    }

    /// Parses a GET callback's query string (without the `?`).
    ///
    /// ```
    /// use voxhook_core::{Event, Provider};
    ///
    /// let ev = Event::parse_query(Provider::TryVox, "call_uuid=call_abc123&from=%2B919876543210")?;
    /// assert_eq!((ev.kind(), ev.from()), ("call.status", Some("+919876543210")));
    /// # Ok::<(), voxhook_core::DecodeError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`DecodeError`] when the query is not valid UTF-8 or nothing identifies the event.
    pub fn parse_query(provider: Provider, query: &str) -> Result<Event, DecodeError> {
        dialect::for_provider(provider).parse_query(query)
    }

    /// Parses a body whose provider is not known, guessing it from the content
    /// type and the body's shape (see [`dialect::detect_provider`]).
    ///
    /// ```
    /// use voxhook_core::{Event, Provider};
    ///
    /// let ev = Event::detect(Some("application/x-www-form-urlencoded"), b"CallSid=CA1&CallStatus=ringing")?;
    /// assert_eq!((ev.provider(), ev.kind()), (Provider::Voxtelesys, "call.ringing"));
    /// # Ok::<(), voxhook_core::DecodeError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Event::parse`], plus [`DecodeError::Undetectable`] when no provider's shape matches.
    pub fn detect(content_type: Option<&str>, body: &[u8]) -> Result<Event, DecodeError> {
        let provider = dialect::detect_provider(content_type, body)?;
        Event::parse(provider, content_type, body)
    }

    /// Parses a GET callback's query string whose provider is not known,
    /// guessing it from the names (see [`dialect::detect_provider`]).
    ///
    /// ```
    /// use voxhook_core::{Event, Provider};
    ///
    /// let ev = Event::detect_query("CallUUID=abc&Event=StartApp")?;
    /// assert_eq!((ev.provider(), ev.kind()), (Provider::Vobiz, "call.answered"));
    /// # Ok::<(), voxhook_core::DecodeError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Event::parse_query`], plus [`DecodeError::Undetectable`].
    pub fn detect_query(query: &str) -> Result<Event, DecodeError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let provider = dialect::detect_form_provider(query.as_bytes())?;
        Event::parse_query(provider, query)
    }

    /// Builds the event for `data` from its kind (as deserialization does).
    pub fn from_data(data: EventData) -> Event {
        Event::from_boxed(Box::new(data))
    }

    pub(crate) fn from_boxed(data: Box<EventData>) -> Event {
        match data.kind.as_ref() {
            "call.initiated" => Event::CallInitiated(Call(data)),
            "call.ringing" => Event::CallRinging(Call(data)),
            "call.answered" => Event::CallAnswered(Call(data)),
            "call.completed" => Event::CallCompleted(Call(data)),
            "call.failed" => Event::CallFailed(Call(data)),
            "call.status" => Event::CallStatus(Call(data)),
            "call.recording" => Event::Recording(Recording(data)),
            "call.gather" => Event::Gather(Gather(data)),
            "call.dial" => Event::Dial(Dial(data)),
            "call.machine_detection" => Event::MachineDetection(MachineDetection(data)),
            "message.status" => Event::MessageStatus(Message(data)),
            "message.received" => Event::MessageReceived(Message(data)),
            k if k.starts_with("campaign.") => Event::Campaign(Campaign(data)),
            k if k.starts_with("contact.") => Event::Contact(Contact(data)),
            _ => Event::Unknown(Other(data)),
        }
    }

    /// The normalized data shared by every variant.
    pub fn data(&self) -> &EventData {
        match self {
            Event::CallInitiated(p)
            | Event::CallRinging(p)
            | Event::CallAnswered(p)
            | Event::CallCompleted(p)
            | Event::CallFailed(p)
            | Event::CallStatus(p) => &p.0,
            Event::Recording(p) => &p.0,
            Event::Gather(p) => &p.0,
            Event::Dial(p) => &p.0,
            Event::MachineDetection(p) => &p.0,
            Event::MessageStatus(p) | Event::MessageReceived(p) => &p.0,
            Event::Campaign(p) => &p.0,
            Event::Contact(p) => &p.0,
            Event::Unknown(p) => &p.0,
        }
    }

    /// The provider that sent the event.
    pub fn provider(&self) -> Provider {
        self.data().provider
    }

    /// The dotted kind (`call.answered`, `message.status`, ...) or, for an
    /// event voxhook has no kind for, the provider's own name.
    pub fn kind(&self) -> &str {
        &self.data().kind
    }

    /// The call id, for call events.
    pub fn call_id(&self) -> Option<&str> {
        self.data().call_id()
    }

    /// The id that identifies the event: the recording id of a recording
    /// (else its call id), the message id of a message, the campaign or
    /// contact id of those events, otherwise the call id.
    pub fn event_id(&self) -> Option<&str> {
        let d = self.data();
        let text = |span| d.text_of(span);
        match self {
            Event::Recording(_) => text(d.recording_id).or_else(|| text(d.call_id)),
            Event::MessageStatus(_) | Event::MessageReceived(_) => text(d.message_id),
            Event::Campaign(_) => text(d.campaign_id),
            Event::Contact(_) => text(d.contact_id),
            // Each looked up only when the one before is absent.
            _ => text(d.call_id)
                .or_else(|| text(d.message_id))
                .or_else(|| text(d.campaign_id))
                .or_else(|| text(d.contact_id)),
        }
    }

    /// The normalized lower-case status (`completed`, `no-answer`, `delivered`, ...).
    pub fn status_str(&self) -> Option<&str> {
        self.data().status.as_ref().map(Status::as_str)
    }

    /// The calling number.
    pub fn from(&self) -> Option<&str> {
        self.data().from()
    }

    /// The called number.
    pub fn to(&self) -> Option<&str> {
        self.data().to()
    }

    /// A hint: the provider usually waits for VoxML in answer to this event
    /// (an answer URL, an incoming call, a Gather/Dial action, a Redirect).
    /// The route's mode decides; this is only a hint.
    pub fn is_actionable(&self) -> bool {
        let d = self.data();
        let inbound_or_unknown = d.direction.as_ref().is_none_or(Direction::is_inbound);
        match d.provider {
            Provider::VoxPria => false,
            Provider::TryVox => matches!(
                self,
                Event::CallAnswered(_) | Event::CallStatus(_) | Event::Gather(_) | Event::Dial(_)
            ),
            Provider::Voxtelesys => match self {
                Event::CallRinging(_) | Event::CallAnswered(_) => true,
                Event::Gather(_) | Event::Dial(_) => true,
                Event::Recording(_) => d.recording_status.is_none(),
                _ => false,
            },
            Provider::Vobiz => match self {
                Event::CallAnswered(_) | Event::Gather(_) => true,
                Event::CallRinging(_) => inbound_or_unknown && d.raw.get("Event").is_none(),
                Event::Dial(_) => d.dial_action.is_none() && d.dial_status.is_some(),
                Event::Unknown(_) => d.kind == "Redirect",
                _ => false,
            },
        }
    }

    /// Whether this callback can legitimately repeat with the same id, kind
    /// and status within one call (gather results, dial results, verb and
    /// Redirect callbacks, recordings without an id, events voxhook has no
    /// kind for): a dedup key must then include a digest of the body.
    pub fn is_repeatable(&self) -> bool {
        let d = self.data();
        match self {
            Event::Gather(_) | Event::Dial(_) | Event::CallStatus(_) => true,
            Event::Recording(_) => d.recording_id.is_none(),
            Event::Unknown(_) => d.call_id.is_some(),
            _ => false,
        }
    }

    /// An idempotency token the provider keeps across retries, when the
    /// payload has one (a top-level `delivery_id`, `webhook_id`,
    /// `idempotency_key` or `event_id` in a JSON body).
    pub fn delivery_id(&self) -> Option<&str> {
        self.data().delivery_id()
    }

    /// The lossless wire view: every field by its exact wire name.
    pub fn raw(&self) -> &Raw {
        &self.data().raw
    }

    /// The normalized JSON form, on one line.
    pub fn to_json(&self) -> String {
        // Every part of EventData serializes infallibly (strings, numbers, and
        // JSON text that was validated when it was stored).
        serde_json::to_string(self.data()).unwrap_or_default()
    }
}

impl serde::Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.data().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        EventData::deserialize(d).map(Event::from_data)
    }
}
