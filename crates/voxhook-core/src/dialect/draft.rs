//! [`Draft`]: an event being decoded, before its kind is known.

use std::borrow::Cow;
use std::fmt;

use crate::event::{
    Direction, EventData, Provider, Raw, Span, Status, Timestamp, is_json_value, minify_str,
    push_minified_json,
};

use super::Field;

/// One decoded wire value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value<'a> {
    /// A string (a form value, or a JSON string).
    Str(Cow<'a, str>),
    /// A JSON non-negative integer.
    U64(u64),
    /// A JSON negative integer.
    I64(i64),
    /// A JSON float.
    F64(f64),
    /// A JSON boolean.
    Bool(bool),
    /// A JSON object or array (or any JSON), as its text.
    Json(&'a str),
    /// JSON `null`, or a value that carries nothing.
    Null,
}

/// An event being decoded: the normalized fields set so far, the
/// provider's event name, and which fields were present on the wire.
///
/// A [`Dialect`](super::Dialect)'s classifier reads it to choose the kind.
pub struct Draft {
    pub(crate) data: Box<EventData>,
    /// The event name and the generic id sit in the event's text buffer
    /// too: one allocation for every string of the event.
    event: Option<Span>,
    id: Option<Span>,
    seen: u64,
}

/// The text buffer reserved up front holds a typical payload's strings, so
/// it is allocated once; a larger payload grows it as needed rather than
/// reserving its whole length.
const TEXT_RESERVE: usize = 2048;

impl Draft {
    pub(crate) fn new(provider: Provider, raw: Raw) -> Draft {
        Draft::with_text(provider, raw, String::new())
    }

    /// A draft whose text buffer holds the strings of a `len`-byte payload
    /// (they are never longer than the payload, unescaped or percent-decoded).
    pub(crate) fn for_payload(provider: Provider, raw: Raw, len: usize) -> Draft {
        Draft::with_text(provider, raw, String::with_capacity(len.min(TEXT_RESERVE)))
    }

    #[inline]
    fn with_text(provider: Provider, raw: Raw, text: String) -> Draft {
        Draft {
            // Written into the allocation: `Box::new` builds the ~760 bytes
            // on the stack and copies them.
            data: Box::write(Box::new_uninit(), EventData::new(provider, raw, text)),
            event: None,
            id: None,
            seen: 0,
        }
    }

    /// Reserves room for the strings of a `len`-byte payload (they are never
    /// longer than the payload, unescaped or percent-decoded).
    pub(crate) fn reserve_text(&mut self, len: usize) {
        self.data.text.reserve(len.min(TEXT_RESERVE));
    }

    /// Forgets every field set so far.
    pub(crate) fn clear(&mut self) {
        *self = Draft::new(self.data.provider, self.data.raw.clone());
    }

    /// The provider's event name (`Event`, `event`, messaging `type`), if sent.
    pub fn event(&self) -> Option<&str> {
        self.data.text_of(self.event)
    }

    /// The normalized status so far.
    pub fn status(&self) -> Option<&Status> {
        self.data.status.as_ref()
    }

    /// Whether a wire field mapped to `field` was present (even with an empty value).
    pub fn has(&self, field: Field) -> bool {
        self.seen & field.bit() != 0
    }

    /// The normalized data so far.
    pub fn data(&self) -> &EventData {
        &self.data
    }

    /// Takes the generic id ([`Field::Id`]) so the classifier can place it.
    pub fn take_id(&mut self) -> Option<String> {
        let id = self.id.take();
        self.data.text_of(id).map(str::to_owned)
    }

    /// Places `id` as the call, campaign or contact id according to `kind`,
    /// unless that id was already set.
    pub fn place_id(&mut self, kind: &str) {
        if let Some(id) = self.id.take() {
            let d = &mut *self.data;
            let slot = if kind.starts_with("campaign.") {
                &mut d.campaign_id
            } else if kind.starts_with("contact.") {
                &mut d.contact_id
            } else {
                &mut d.call_id
            };
            slot.get_or_insert(id);
        }
    }

    /// Sets a field from a string value, as a form decoder does.
    pub fn set_str(&mut self, field: Field, value: &str) {
        if matches!(field, Field::Ignore | Field::Flatten) {
            return;
        }
        self.seen |= field.bit();
        match self.text_slot(field) {
            Some((slot, text, keep_empty)) => {
                if slot.is_none() && (keep_empty || !value.is_empty()) {
                    *slot = Span::push(text, value);
                }
            }
            None => set_other(&mut self.data, field, &Value::Str(Cow::Borrowed(value))),
        }
    }

    /// Sets a field from a wire value. The first value of a field wins; an
    /// empty string counts as absent (except for digits and speech, where it
    /// means "no input"); a value that does not fit the field (a duration that
    /// is not a number) is left to the raw view.
    pub fn set(&mut self, field: Field, value: Value<'_>) {
        if matches!(field, Field::Ignore | Field::Flatten) {
            return;
        }
        self.seen |= field.bit();
        if matches!(value, Value::Null) {
            return;
        }
        match self.text_slot(field) {
            Some((slot, text, keep_empty)) => {
                if slot.is_none()
                    && let Some(s) = as_text(&value)
                    && (keep_empty || !s.is_empty())
                {
                    *slot = Span::push(text, &s);
                }
            }
            None => set_other(&mut self.data, field, &value),
        }
    }

    /// [`Draft::set`] of `Value::Json(text)`, for JSON text known to hold no
    /// whitespace outside strings: kept as it is, without minifying it again.
    pub(crate) fn set_compact_json(&mut self, field: Field, text: &str) {
        match json_slot(&mut self.data, field) {
            // A JSON string is unquoted first (`set_other`).
            Some((slot, buf)) if !text.starts_with('"') => {
                self.seen |= field.bit();
                if slot.is_none() {
                    *slot = Span::push(buf, text);
                }
            }
            _ => self.set(field, Value::Json(text)),
        }
    }

    /// The slot of a text field, the text buffer, and whether an empty value
    /// counts; `None` for a field that is not text.
    #[inline]
    fn text_slot(&mut self, field: Field) -> Option<(&mut Option<Span>, &mut String, bool)> {
        let d = &mut *self.data;
        let (slot, keep_empty) = match field {
            Field::Event => (&mut self.event, false),
            Field::Id => (&mut self.id, false),
            Field::CallId => (&mut d.call_id, false),
            Field::ParentCallId => (&mut d.parent_call_id, false),
            Field::AccountId => (&mut d.account_id, false),
            Field::TrunkId => (&mut d.trunk_id, false),
            Field::From => (&mut d.from, false),
            Field::To => (&mut d.to, false),
            Field::CallerName => (&mut d.caller_name, false),
            Field::ForwardedFrom => (&mut d.forwarded_from, false),
            Field::EndReason => (&mut d.end_reason, false),
            Field::AnsweredBy => (&mut d.answered_by, false),
            Field::FromCity => (&mut d.from_city, false),
            Field::FromState => (&mut d.from_state, false),
            Field::FromZip => (&mut d.from_zip, false),
            Field::FromCountry => (&mut d.from_country, false),
            Field::ToCity => (&mut d.to_city, false),
            Field::ToState => (&mut d.to_state, false),
            Field::ToZip => (&mut d.to_zip, false),
            Field::ToCountry => (&mut d.to_country, false),
            Field::CampaignId => (&mut d.campaign_id, false),
            Field::ContactId => (&mut d.contact_id, false),
            Field::Name => (&mut d.name, false),
            Field::RecordingId => (&mut d.recording_id, false),
            Field::RecordingUrl => (&mut d.recording_url, false),
            Field::Transcript => (&mut d.transcript, false),
            Field::Summary => (&mut d.summary, false),
            Field::Digits => (&mut d.digits, true),
            Field::Speech => (&mut d.speech, true),
            Field::InputType => (&mut d.input_type, false),
            Field::DialCallId => (&mut d.dial_call_id, false),
            Field::DialAction => (&mut d.dial_action, false),
            Field::MessageId => (&mut d.message_id, false),
            Field::BatchId => (&mut d.batch_id, false),
            Field::Body => (&mut d.body, true),
            Field::Tag => (&mut d.tag, false),
            Field::ErrorCode => (&mut d.error_code, false),
            Field::ErrorDescription => (&mut d.error_description, false),
            Field::DeliveryId => (&mut d.delivery_id, false),
            _ => return None,
        };
        Some((slot, &mut d.text, keep_empty))
    }
}

/// Sets a field that is not text.
fn set_other(d: &mut EventData, field: Field, value: &Value<'_>) {
    match field {
        Field::Direction if d.direction.is_none() => {
            d.direction = non_empty(value).map(|s| Direction::parse(&s));
        }
        Field::Status => status(&mut d.status, value),
        Field::RecordingStatus => status(&mut d.recording_status, value),
        Field::DialStatus => status(&mut d.dial_status, value),
        Field::Duration => number(&mut d.duration, value),
        Field::BillDuration => number(&mut d.bill_duration, value),
        Field::RecordingDuration => number(&mut d.recording_duration, value),
        Field::DialDuration => number(&mut d.dial_duration, value),
        Field::Confidence if d.confidence.is_none() => {
            d.confidence = match value {
                Value::F64(f) => Some(*f),
                Value::U64(n) => Some(*n as f64),
                Value::Str(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
                _ => None,
            };
        }
        Field::Machine if d.machine.is_none() => {
            d.machine = match value {
                Value::Bool(b) => Some(*b),
                Value::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
                Value::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
                _ => None,
            };
        }
        Field::Timestamp if d.timestamp.is_none() => {
            d.timestamp = match value {
                Value::Str(s) => Timestamp::parse_rfc3339(s),
                // Numbers above 10^11 can only be milliseconds (year 5138 in seconds).
                Value::U64(n) if *n > 100_000_000_000 => i64::try_from(n / 1000)
                    .ok()
                    .and_then(|s| Timestamp::from_unix(s, (n % 1000) as u32 * 1_000_000)),
                Value::U64(n) => i64::try_from(*n)
                    .ok()
                    .and_then(|s| Timestamp::from_unix(s, 0)),
                _ => None,
            };
        }
        Field::Vars | Field::Stats => {
            let Some((slot, buf)) = json_slot(d, field) else {
                return;
            };
            if slot.is_none() {
                let json = match value {
                    // A JSON string holding JSON text (as a form field would).
                    Value::Json(text) if text.starts_with('"') => {
                        serde_json::from_str::<String>(text)
                            .ok()
                            .filter(|inner| is_json_value(inner))
                            .map(Cow::Owned)
                    }
                    Value::Json(text) => Some(Cow::Borrowed(*text)),
                    Value::Str(s) => is_json_value(s).then_some(Cow::Borrowed(s.as_ref())),
                    _ => None,
                };
                if let Some(json) = json {
                    *slot = push_minified_json(buf, &json);
                }
            }
        }
        Field::Media => {
            let items: Vec<String> = match value {
                Value::Json(text) => serde_json::from_str::<Vec<String>>(text)
                    .or_else(|_| serde_json::from_str::<String>(text).map(|s| vec![s]))
                    .unwrap_or_default(),
                Value::Str(s) if !s.is_empty() => vec![s.to_string()],
                _ => Vec::new(),
            };
            if !items.is_empty() {
                d.media.get_or_insert_with(Vec::new).extend(items);
            }
        }
        // Text fields are set by `Draft::set`; a field already set keeps its first value.
        _ => {}
    }
}

impl Draft {
    /// Finishes the draft as an event of `kind`.
    pub(crate) fn finish(mut self, kind: Cow<'static, str>) -> Box<EventData> {
        self.place_id(&kind);
        let d = &mut *self.data;
        if d.parent_call_id.is_some() && d.text_of(d.parent_call_id) == d.text_of(d.call_id) {
            d.parent_call_id = None;
        }
        d.kind = kind;
        self.data
    }

    /// Whether something identifies the event: an event name or an id.
    pub(crate) fn is_identified(&self) -> bool {
        let d = &self.data;
        self.event.is_some()
            || self.id.is_some()
            || d.call_id.is_some()
            || d.message_id.is_some()
            || d.campaign_id.is_some()
            || d.contact_id.is_some()
    }
}

impl fmt::Debug for Draft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Draft")
            .field("data", &self.data)
            .field("event", &self.event())
            .field("id", &self.data.text_of(self.id))
            .field("seen", &self.seen)
            .finish()
    }
}

/// A value as text: a string as is (inlined: the usual case), any other
/// value converted.
#[inline]
fn as_text<'v>(value: &'v Value<'_>) -> Option<Cow<'v, str>> {
    match value {
        Value::Str(s) => Some(Cow::Borrowed(s.as_ref())),
        other => converted_text(other),
    }
}

fn converted_text<'v>(value: &'v Value<'_>) -> Option<Cow<'v, str>> {
    match value {
        Value::Str(s) => Some(Cow::Borrowed(s.as_ref())),
        Value::U64(n) => Some(Cow::Owned(n.to_string())),
        Value::I64(n) => Some(Cow::Owned(n.to_string())),
        Value::F64(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        Value::Json(text) if text.starts_with('"') => match json_string_without_escapes(text) {
            Some(inner) => Some(Cow::Borrowed(inner)),
            None => serde_json::from_str::<String>(text).ok().map(Cow::Owned),
        },
        // An object or array kept as its minified JSON text.
        Value::Json(text) => Some(Cow::Owned(minify_str(text))),
        Value::Null => None,
    }
}

/// The content of the JSON string `text` when it needs no unescaping: the
/// text between the quotes, if no quote, backslash or control character.
fn json_string_without_escapes(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let plain = super::scan::first_special(inner.as_bytes()) == inner.len();
    plain.then_some(inner)
}

/// The slot of a field kept as minified JSON text, and the text buffer.
fn json_slot(d: &mut EventData, field: Field) -> Option<(&mut Option<Span>, &mut String)> {
    let slot = match field {
        Field::Vars => &mut d.vars,
        Field::Stats => &mut d.stats,
        _ => return None,
    };
    Some((slot, &mut d.text))
}

fn non_empty<'v>(value: &'v Value<'_>) -> Option<Cow<'v, str>> {
    as_text(value).filter(|s| !s.trim().is_empty())
}

fn status(slot: &mut Option<Status>, value: &Value<'_>) {
    if slot.is_none() {
        *slot = match value {
            Value::Str(s) if let Some(exact) = Status::exact(s) => Some(exact),
            _ => non_empty(value).map(|s| Status::parse(&s)),
        };
    }
}

fn number(slot: &mut Option<u64>, value: &Value<'_>) {
    if slot.is_none() {
        *slot = match value {
            Value::U64(n) => Some(*n),
            Value::F64(f) if f.fract() == 0.0 && *f >= 0.0 && *f < 1e19 => Some(*f as u64),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::RawEncoding;
    use bytes::Bytes;

    #[test]
    fn set_str_agrees_with_set_of_a_string() {
        let cases: &[(&str, Field, &[&str])] = &[
            ("text, first wins", Field::CallId, &["c-1", "c-2"]),
            ("text, empty is absent", Field::To, &["", "+1555"]),
            ("digits keep empty", Field::Digits, &["", "12"]),
            ("status", Field::Status, &[" Answered ", "busy"]),
            ("duration", Field::Duration, &["x", "12"]),
            ("timestamp", Field::Timestamp, &["2025-02-02T14:30:00Z"]),
            ("event name", Field::Event, &["call.ended"]),
            ("ignored", Field::Ignore, &["x"]),
        ];
        let fresh = || Draft::new(Provider::VoxPria, Raw::new(RawEncoding::Json, Bytes::new()));
        for (name, field, values) in cases {
            let (mut by_str, mut by_value) = (fresh(), fresh());
            for v in *values {
                by_str.set_str(*field, v);
                by_value.set(*field, Value::Str(Cow::Owned((*v).to_owned())));
            }
            assert_eq!(format!("{by_str:?}"), format!("{by_value:?}"), "{name}");
        }
    }
}
