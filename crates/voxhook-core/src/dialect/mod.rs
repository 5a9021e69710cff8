//! Provider wire formats ("dialects"): one module per provider, content-type
//! dispatch, and auto-detection.
//!
//! A [`Dialect`] is two plain functions: a **field function** that maps each
//! wire name (and, inside a nested JSON object, its parent's name) to a
//! normalized [`Field`] — aliases are just several names mapping to one
//! field — and a **classifier** that reads the decoded [`Draft`] and names
//! the event's kind. The generic JSON and form decoders do the rest: one pass
//! over the payload, no intermediate `serde_json::Value`, the payload kept
//! for the lossless raw view.
//!
//! # Adding a provider
//!
//! Another Twilio-like or Plivo-like platform needs no fork: write its field
//! function (falling back to the closest built-in one) and reuse or adapt a
//! classifier. The `provider` of a custom dialect names the family whose
//! VoxML dialect, deadline and auth presets it shares.
//!
//! ```
//! use std::borrow::Cow;
//! use voxhook_core::dialect::{self, Dialect, Draft, Field};
//! use voxhook_core::{Event, Provider};
//!
//! // A Plivo-like platform: Vobiz's names plus its own `CallId` and `X-Caller`.
//! fn field(parent: &str, name: &str) -> Field {
//!     match name {
//!         "CallId" => Field::CallId,
//!         "X-Caller" => Field::CallerName,
//!         _ => dialect::vobiz::field(parent, name),
//!     }
//! }
//! fn classify(draft: &mut Draft) -> Cow<'static, str> {
//!     match draft.event() {
//!         Some("Answer") => Cow::Borrowed("call.answered"),
//!         _ => dialect::vobiz::classify(draft),
//!     }
//! }
//! const PLIVO_LIKE: Dialect = Dialect { provider: Provider::Vobiz, field, classify };
//!
//! let ev = PLIVO_LIKE.parse(
//!     Some("application/x-www-form-urlencoded"),
//!     b"Event=Answer&CallId=c-1&X-Caller=Ada&From=%2B4930",
//! )?;
//! assert!(matches!(ev, Event::CallAnswered(_)));
//! assert_eq!((ev.call_id(), ev.data().caller_name()), (Some("c-1"), Some("Ada")));
//! # Ok::<(), voxhook_core::DecodeError>(())
//! ```

mod detect;
mod draft;
mod error;
mod field;
mod form;
mod json;
mod kinds;
#[cfg(test)]
mod props;
mod scan;
pub mod tryvox;
pub mod vobiz;
pub mod voxpria;
pub mod voxtelesys;

use std::borrow::Cow;

use bytes::Bytes;

pub(crate) use detect::detect_form as detect_form_provider;
pub use detect::detect_provider;
pub use draft::{Draft, Value};
pub use error::DecodeError;
pub use field::Field;
pub use kinds::{call_kind_from_status, end_of_call_kind};

use crate::Inbound;
use crate::event::{Event, Provider, Raw, RawEncoding};

/// Maps a wire name to a normalized field: `(parent, name)`, where `parent`
/// is `""` at the top level and the parent key inside a nested JSON object.
pub type FieldFn = fn(parent: &str, name: &str) -> Field;

/// Names the kind of a decoded event (`call.completed`, or the provider's own name).
pub type ClassifyFn = fn(&mut Draft) -> Cow<'static, str>;

/// A provider wire format: its field names and aliases, and its kind mapping.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    /// The provider (or provider family) the events are attributed to.
    pub provider: Provider,
    /// The field function.
    pub field: FieldFn,
    /// The classifier.
    pub classify: ClassifyFn,
}

/// The built-in dialect of `provider`.
pub fn for_provider(provider: Provider) -> &'static Dialect {
    match provider {
        Provider::TryVox => &tryvox::DIALECT,
        Provider::Voxtelesys => &voxtelesys::DIALECT,
        Provider::VoxPria => &voxpria::DIALECT,
        Provider::Vobiz => &vobiz::DIALECT,
    }
}

/// Decodes a request for `provider`: a `GET`/`HEAD` reads the query string;
/// any other method reads the body by its content type (a `POST` with an
/// empty body and a query string reads the query).
///
/// ```
/// use voxhook_core::{dialect, Inbound, Provider};
///
/// let headers = [("content-type", "application/x-www-form-urlencoded")];
/// let req = Inbound::new("POST", "/vobiz/answer", &headers, b"CallUUID=abc&Event=StartApp");
/// let ev = dialect::decode(Provider::Vobiz, &req)?;
/// assert_eq!(ev.kind(), "call.answered");
/// let req = Inbound::new("GET", "/vobiz/answer?CallUUID=abc&Event=Ring", &[], b"");
/// assert_eq!(dialect::decode(Provider::Vobiz, &req)?.kind(), "call.ringing");
/// # Ok::<(), voxhook_core::DecodeError>(())
/// ```
///
/// # Errors
///
/// [`DecodeError`] as for [`Event::parse`] and [`Event::parse_query`].
pub fn decode(provider: Provider, req: &Inbound<'_>) -> Result<Event, DecodeError> {
    for_provider(provider).decode(req)
}

impl Dialect {
    /// Decodes a request (see [`decode`]).
    ///
    /// # Errors
    ///
    /// [`DecodeError`] as for [`Dialect::parse`] and [`Dialect::parse_query`].
    pub fn decode(&self, req: &Inbound<'_>) -> Result<Event, DecodeError> {
        // The usual delivery: a POST body, whatever its query string.
        if !req.is_query_request() && !req.body().is_empty() {
            return self.parse(req.content_type(), req.body());
        }
        let query = req.query().filter(|q| !q.is_empty());
        match query {
            Some(q) if req.is_query_request() || req.body().is_empty() => self.parse_query(q),
            None if req.is_query_request() => Err(DecodeError::EmptyBody),
            _ => self.parse(req.content_type(), req.body()),
        }
    }

    /// Decodes a body by its content type (JSON or form; when the content type
    /// is absent, a body starting with `{` is JSON and anything else a form).
    /// A form-labelled body that starts with `{` is read as JSON: Vobiz
    /// documents JSON bodies under a form content type.
    ///
    /// # Errors
    ///
    /// [`DecodeError::UnsupportedMediaType`] for another content type; else
    /// the body's own decoding errors, or [`DecodeError::MissingIdentifier`].
    pub fn parse(&self, content_type: Option<&str>, body: &[u8]) -> Result<Event, DecodeError> {
        let encoding = body_encoding(content_type, body)?;
        self.decode_bytes(encoding, Bytes::copy_from_slice(body))
    }

    /// Decodes a GET callback's query string (without the `?`).
    ///
    /// # Errors
    ///
    /// [`DecodeError::EmptyBody`] for an empty query, or [`DecodeError::MissingIdentifier`].
    pub fn parse_query(&self, query: &str) -> Result<Event, DecodeError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        self.decode_bytes(RawEncoding::Form, Bytes::copy_from_slice(query.as_bytes()))
    }

    /// Decodes payload bytes already known to be in `encoding`; the bytes
    /// become the event's raw view without another copy.
    ///
    /// # Errors
    ///
    /// As [`Dialect::parse`].
    pub fn decode_bytes(&self, encoding: RawEncoding, bytes: Bytes) -> Result<Event, DecodeError> {
        // The raw view is attached after decoding: cloning a freshly copied
        // `Bytes` would allocate its shared header on every event.
        let mut draft =
            Draft::for_payload(self.provider, Raw::new(encoding, Bytes::new()), bytes.len());
        match encoding {
            RawEncoding::Json => json::decode(&bytes, self.field, &mut draft)?,
            _ => form::decode(&bytes, self.field, &mut draft)?,
        }
        if !draft.is_identified() {
            return Err(DecodeError::MissingIdentifier);
        }
        draft.data.raw = Raw::new(encoding, bytes);
        let kind = (self.classify)(&mut draft);
        Ok(Event::from_boxed(draft.finish(kind)))
    }
}

/// Which decoder reads a body with this content type.
fn body_encoding(content_type: Option<&str>, body: &[u8]) -> Result<RawEncoding, DecodeError> {
    // The exact lower-case name first: one compare, where the case-folding
    // one goes byte by byte.
    if content_type
        .is_some_and(|ct| ct == "application/json" || ct.eq_ignore_ascii_case("application/json"))
    {
        return Ok(RawEncoding::Json);
    }
    let starts_like_json = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let essence = content_type
        .map(|ct| ct.split(';').next().unwrap_or_default().trim())
        .filter(|ct| !ct.is_empty());
    let Some(essence) = essence else {
        return Ok(if starts_like_json {
            RawEncoding::Json
        } else {
            RawEncoding::Form
        });
    };
    let is = |name: &str| essence.eq_ignore_ascii_case(name);
    let ends_json = essence.len() > 5
        && essence
            .get(essence.len() - 5..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case("+json"));
    if is("application/json") || is("text/json") || ends_json {
        Ok(RawEncoding::Json)
    } else if is("application/x-www-form-urlencoded") {
        Ok(if starts_like_json {
            RawEncoding::Json
        } else {
            RawEncoding::Form
        })
    } else {
        Err(DecodeError::UnsupportedMediaType)
    }
}

/// Field names every JSON dialect accepts as a delivery id (an idempotency
/// token the provider keeps across retries).
pub(crate) fn delivery_id_field(parent: &str, name: &str) -> Field {
    match (parent, name) {
        ("", "delivery_id" | "webhook_id" | "idempotency_key" | "event_id") => Field::DeliveryId,
        _ => Field::Ignore,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_choose_the_decoder() {
        let json = Ok(RawEncoding::Json);
        let form = Ok(RawEncoding::Form);
        type Case<'a> = (
            &'a str,
            Option<&'a str>,
            &'a [u8],
            Result<RawEncoding, DecodeError>,
        );
        let cases: &[Case<'_>] = &[
            ("json", Some("application/json"), b"{}", json.clone()),
            (
                "json charset",
                Some("Application/JSON; charset=utf-8"),
                b"{}",
                json.clone(),
            ),
            (
                "vendor json",
                Some("application/vnd.x+json"),
                b"{}",
                json.clone(),
            ),
            (
                "form",
                Some("application/x-www-form-urlencoded"),
                b"a=1",
                form.clone(),
            ),
            (
                "json under form",
                Some("application/x-www-form-urlencoded"),
                b" {}",
                json.clone(),
            ),
            (
                "exact json, upper case",
                Some("APPLICATION/JSON"),
                b"a=1",
                json.clone(),
            ),
            ("absent json", None, b"{}", json.clone()),
            ("absent form", None, b"a=1", form.clone()),
            ("empty header", Some(""), b"a=1", form.clone()),
            (
                "xml",
                Some("text/xml"),
                b"<a/>",
                Err(DecodeError::UnsupportedMediaType),
            ),
            (
                "multipart",
                Some("multipart/form-data"),
                b"",
                Err(DecodeError::UnsupportedMediaType),
            ),
            (
                "just +json",
                Some("+json"),
                b"{}",
                Err(DecodeError::UnsupportedMediaType),
            ),
        ];
        for (name, ct, body, want) in cases {
            assert_eq!(&body_encoding(*ct, body), want, "{name}");
        }
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        use crate::Rejection;
        const JSON: Option<&str> = Some("application/json");
        const FORM: Option<&str> = Some("application/x-www-form-urlencoded");
        let bad = Rejection::MalformedPayload;
        type Case<'a> = (
            &'a str,
            Provider,
            Option<&'a str>,
            &'a [u8],
            DecodeError,
            Rejection,
        );
        let cases: &[Case<'_>] = &[
            (
                "truncated json",
                Provider::TryVox,
                JSON,
                b"{\"event\":",
                DecodeError::InvalidJson { line: 1, column: 9 },
                bad.clone(),
            ),
            (
                "trailing garbage",
                Provider::VoxPria,
                JSON,
                b"{} x",
                DecodeError::InvalidJson { line: 1, column: 4 },
                bad.clone(),
            ),
            (
                "json array",
                Provider::TryVox,
                JSON,
                b"[1,2]",
                DecodeError::NotAnObject,
                bad.clone(),
            ),
            (
                "json string",
                Provider::Vobiz,
                JSON,
                b"\"hi\"",
                DecodeError::NotAnObject,
                bad.clone(),
            ),
            (
                "not json at all",
                Provider::TryVox,
                JSON,
                b"event=x",
                DecodeError::InvalidJson { line: 1, column: 1 },
                bad.clone(),
            ),
            (
                "empty json",
                Provider::VoxPria,
                JSON,
                b"  ",
                DecodeError::EmptyBody,
                bad.clone(),
            ),
            (
                "empty form",
                Provider::Vobiz,
                FORM,
                b"",
                DecodeError::EmptyBody,
                bad.clone(),
            ),
            (
                "form not utf-8",
                Provider::Voxtelesys,
                FORM,
                b"From=\xff\xfe",
                DecodeError::InvalidUtf8,
                bad.clone(),
            ),
            (
                // Found by the `dialects` fuzz target: serde_json skips an
                // unknown field's string without validating it.
                "json not utf-8 in an ignored field",
                Provider::TryVox,
                JSON,
                b"{\"event\":\"call.initiated\",\"call_uuid\":\"c-1\",\"x\":\"\xb9\xb9\"}",
                DecodeError::InvalidUtf8,
                bad.clone(),
            ),
            (
                "no identifier json",
                Provider::TryVox,
                JSON,
                b"{\"from\":\"+1\",\"status\":\"ringing\"}",
                DecodeError::MissingIdentifier,
                bad.clone(),
            ),
            (
                "no identifier form",
                Provider::Voxtelesys,
                FORM,
                b"From=%2B1&CallStatus=ringing",
                DecodeError::MissingIdentifier,
                bad.clone(),
            ),
            (
                "empty id is no id",
                Provider::Vobiz,
                FORM,
                b"CallUUID=&Event=",
                DecodeError::MissingIdentifier,
                bad.clone(),
            ),
            (
                "voxpria empty data",
                Provider::VoxPria,
                JSON,
                b"{\"data\":{}}",
                DecodeError::MissingIdentifier,
                bad.clone(),
            ),
            (
                "xml",
                Provider::Vobiz,
                Some("text/xml"),
                b"<Response/>",
                DecodeError::UnsupportedMediaType,
                Rejection::UnsupportedMediaType,
            ),
        ];
        for (name, provider, ct, body, want, rejection) in cases {
            let err = Event::parse(*provider, *ct, body).expect_err(name);
            assert_eq!(&err, want, "{name}");
            assert_eq!(&err.rejection(), rejection, "{name}");
            assert!(
                !err.to_string().contains("+1"),
                "{name}: never echoes input"
            );
        }
    }

    #[test]
    fn get_without_query_and_undetectable_bodies_fail() {
        let req = Inbound::new("GET", "/hook", &[], b"");
        assert_eq!(decode(Provider::Vobiz, &req), Err(DecodeError::EmptyBody));
        let cases: &[(&str, Option<&str>, &[u8])] = &[
            (
                "json without known keys",
                Some("application/json"),
                b"{\"hello\":1}",
            ),
            ("form without known keys", None, b"hello=1"),
        ];
        for (name, ct, body) in cases {
            assert_eq!(
                Event::detect(*ct, body),
                Err(DecodeError::Undetectable),
                "{name}"
            );
        }
    }

    #[test]
    fn the_method_and_body_choose_between_query_and_body() {
        let form = [("content-type", "application/x-www-form-urlencoded")];
        // (name, method, target, body, the call id read or the error)
        type Case<'a> = (
            &'a str,
            &'a str,
            &'a str,
            &'a [u8],
            Result<&'a str, DecodeError>,
        );
        let cases: &[Case<'_>] = &[
            (
                "post body and query",
                "POST",
                "/h?CallSid=Q",
                b"CallSid=B",
                Ok("B"),
            ),
            ("post body only", "POST", "/h", b"CallSid=B", Ok("B")),
            ("post query only", "POST", "/h?CallSid=Q", b"", Ok("Q")),
            (
                "get query and body",
                "GET",
                "/h?CallSid=Q",
                b"CallSid=B",
                Ok("Q"),
            ),
            ("head query", "HEAD", "/h?CallSid=Q", b"", Ok("Q")),
            (
                "get body only",
                "GET",
                "/h",
                b"CallSid=B",
                Err(DecodeError::EmptyBody),
            ),
            (
                "get empty query",
                "GET",
                "/h?",
                b"CallSid=B",
                Err(DecodeError::EmptyBody),
            ),
        ];
        for (name, method, target, body, want) in cases {
            let req = Inbound::new(method, target, &form, body);
            let got = decode(Provider::Voxtelesys, &req).map(|ev| ev.call_id().map(str::to_owned));
            assert_eq!(got, want.clone().map(|id| Some(id.to_owned())), "{name}");
        }
    }

    #[test]
    fn post_with_empty_body_reads_the_query() {
        let req = Inbound::new("POST", "/hook?CallSid=CA1&CallStatus=completed", &[], b"");
        let ev = decode(Provider::Voxtelesys, &req).expect("decodes");
        assert_eq!((ev.kind(), ev.call_id()), ("call.completed", Some("CA1")));
    }
}
