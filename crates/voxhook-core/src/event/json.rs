//! [`JsonText`]: a JSON value kept as its (minified) text.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::raw::{minify_into, minify_str};
use super::span::Span;

/// A JSON value kept as minified text, emitted as JSON (not as a string) in
/// the normalized form; parsed only when asked. An event keeps the text in
/// its text buffer; this is the normalized view's borrowed (or, read back,
/// owned) form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct JsonText<'a>(Cow<'a, str>);

impl<'a> JsonText<'a> {
    /// Minified JSON text that is known to be valid.
    pub(crate) fn borrowed(minified: &'a str) -> JsonText<'a> {
        JsonText(Cow::Borrowed(minified))
    }

    pub(crate) fn into_inner(self) -> Cow<'a, str> {
        self.0
    }
}

/// Whether `text` is a JSON value other than `null`.
pub(crate) fn is_json_value(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() && text.trim() != "null"
}

/// Appends valid JSON `text`, minified, to an event's text buffer.
pub(crate) fn push_minified_json(buf: &mut String, text: &str) -> Option<Span> {
    // Minifying keeps valid JSON valid.
    Span::push_with(buf, |buf| minify_into(text, buf))
}

/// Parses JSON text an event keeps.
pub(crate) fn parse_json(text: &str) -> Option<serde_json::Value> {
    serde_json::from_str(text).ok()
}

impl Serialize for JsonText<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw: &RawValue = serde_json::from_str(&self.0).map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for JsonText<'_> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <Box<RawValue>>::deserialize(d)?;
        Ok(JsonText(Cow::Owned(minify_str(raw.get()))))
    }
}
