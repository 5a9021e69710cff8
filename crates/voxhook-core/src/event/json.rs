//! [`JsonText`]: a JSON value kept as its (minified) text.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::raw::minify_str;

/// A JSON value kept as minified text, emitted as JSON (not as a string) in
/// the normalized form; parsed only when asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct JsonText(String);

impl JsonText {
    /// Wraps JSON text that is known to be valid.
    pub(crate) fn from_valid(text: &str) -> JsonText {
        // Minifying keeps valid JSON valid.
        JsonText(minify_str(text))
    }

    /// Validates `text` as JSON first; `null` is no value.
    pub(crate) fn parse(text: &str) -> Option<JsonText> {
        serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
        if text.trim() == "null" {
            return None;
        }
        Some(JsonText::from_valid(text))
    }

    pub(crate) fn into_string(self) -> String {
        self.0
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn to_value(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.0).ok()
    }
}

impl Serialize for JsonText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw: &RawValue = serde_json::from_str(&self.0).map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for JsonText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <Box<RawValue>>::deserialize(d)?;
        Ok(JsonText::from_valid(raw.get()))
    }
}
