//! The lossless wire view of an event: every field by its exact wire name.
//!
//! voxhook keeps the payload bytes as received (a `Bytes` copy of the body or
//! query string) and decodes raw fields on demand, so parsing stays on the
//! fast path and nothing the provider sent is lost, repeated form keys
//! included.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use serde_json::Value;
use serde_json::value::RawValue;

/// How the raw payload is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RawEncoding {
    /// A JSON object (a JSON body, or the `raw` object of a stored normalized event).
    Json,
    /// `application/x-www-form-urlencoded` (a form body or a GET query string).
    Form,
}

/// The payload as the provider sent it, with by-name access to every field.
///
/// Lookups decode on demand (a form is scanned, a JSON object is parsed), so
/// prefer the typed getters on the event in hot code.
///
/// ```
/// use voxhook_core::{Event, Provider};
///
/// let ev = Event::parse_query(Provider::Vobiz, "CallUUID=abc&Digits=1&Digits=2&From=%2B1415").unwrap();
/// let raw = ev.raw();
/// assert_eq!(raw.get("From").as_deref(), Some("+1415"));
/// assert_eq!(raw.get_all("Digits"), ["1", "2"]);
/// assert_eq!(raw.to_value()["Digits"], serde_json::json!(["1", "2"]));
/// ```
#[derive(Clone)]
pub struct Raw {
    encoding: RawEncoding,
    bytes: Bytes,
}

impl Raw {
    /// A raw view over payload bytes in the given encoding.
    ///
    /// The bytes are not validated here; a lookup on bytes that are not what
    /// `encoding` says finds nothing.
    pub fn new(encoding: RawEncoding, bytes: Bytes) -> Raw {
        Raw { encoding, bytes }
    }

    /// The encoding of the payload.
    pub fn encoding(&self) -> RawEncoding {
        self.encoding
    }

    /// The payload bytes exactly as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The payload bytes (a cheap clone).
    pub fn bytes(&self) -> Bytes {
        self.bytes.clone()
    }

    /// The first value of the top-level field `name`, as text: a JSON string
    /// as its content, other JSON values as their JSON text, a form value
    /// percent-decoded.
    pub fn get(&self, name: &str) -> Option<Cow<'_, str>> {
        match self.encoding {
            RawEncoding::Form => self.form_pairs().find(|(k, _)| k == name).map(|(_, v)| v),
            RawEncoding::Json => {
                let map = self.json_map()?;
                let v = map.get(name)?;
                match v {
                    Value::Array(items) => items.first().map(|v| Cow::Owned(json_text(v))),
                    v => Some(Cow::Owned(json_text(v))),
                }
            }
        }
    }

    /// Every value of the top-level field `name`, in order (a repeated form
    /// key, or the string items of a JSON array).
    pub fn get_all(&self, name: &str) -> Vec<Cow<'_, str>> {
        match self.encoding {
            RawEncoding::Form => self
                .form_pairs()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v)
                .collect(),
            RawEncoding::Json => match self.json_map().and_then(|mut m| m.remove(name)) {
                Some(Value::Array(items)) => {
                    items.iter().map(|v| Cow::Owned(json_text(v))).collect()
                }
                Some(v) => vec![Cow::Owned(json_text(&v))],
                None => Vec::new(),
            },
        }
    }

    /// The value at a JSON pointer (e.g. `/data/callId`); for a form, `/Name`
    /// gives the field's normalized value (a string, or an array when repeated).
    pub fn pointer(&self, pointer: &str) -> Option<Value> {
        self.to_value().pointer(pointer).cloned()
    }

    /// The form pairs in order, percent-decoded (empty for a JSON payload).
    pub fn form_pairs(&self) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
        let bytes: &[u8] = match self.encoding {
            RawEncoding::Form => &self.bytes,
            RawEncoding::Json => &[],
        };
        form_urlencoded::parse(bytes)
    }

    /// The raw payload as the JSON value of the normalized form: a JSON body
    /// as its object; a form as an object of name to string, or to an array
    /// of strings for a repeated name (in order of first appearance).
    pub fn to_value(&self) -> Value {
        match self.encoding {
            RawEncoding::Json => serde_json::from_slice(&self.bytes).unwrap_or(Value::Null),
            RawEncoding::Form => {
                let mut map = serde_json::Map::new();
                for (name, values) in group_form(&self.bytes) {
                    let v = if values.len() == 1 {
                        values
                            .into_iter()
                            .next()
                            .map(|v| Value::String(v.into_owned()))
                    } else {
                        Some(Value::Array(
                            values
                                .into_iter()
                                .map(|v| Value::String(v.into_owned()))
                                .collect(),
                        ))
                    };
                    map.insert(name.into_owned(), v.unwrap_or(Value::Null));
                }
                Value::Object(map)
            }
        }
    }

    fn json_map(&self) -> Option<serde_json::Map<String, Value>> {
        serde_json::from_slice(&self.bytes).ok()
    }
}

/// Groups form pairs by name, in order of first appearance.
fn group_form(bytes: &[u8]) -> Vec<(Cow<'_, str>, Vec<Cow<'_, str>>)> {
    let mut out: Vec<(Cow<'_, str>, Vec<Cow<'_, str>>)> = Vec::new();
    for (k, v) in form_urlencoded::parse(bytes) {
        match out.iter_mut().find(|(name, _)| *name == k) {
            Some((_, values)) => values.push(v),
            None => out.push((k, vec![v])),
        }
    }
    out
}

fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Removes insignificant whitespace from JSON text (keeping key order and
/// every value's exact spelling), so the normalized form stays one line.
pub(crate) fn minify_json(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    significant_runs(input, |from, to| {
        out.extend_from_slice(input.get(from..to).unwrap_or_default());
    });
    out
}

/// [`minify_json`] for text: one copy when there is nothing to remove, and
/// no second UTF-8 check (the runs end at ASCII whitespace, so each is text).
pub(crate) fn minify_str(input: &str) -> String {
    let mut out = String::new();
    minify_into(input, &mut out);
    out
}

/// [`minify_str`] appending to `out`.
pub(crate) fn minify_into(input: &str, out: &mut String) {
    // Most objects hold no whitespace at all.
    if !has_whitespace(input.as_bytes()) {
        out.push_str(input);
        return;
    }
    out.reserve(input.len());
    significant_runs(input.as_bytes(), |from, to| {
        out.push_str(input.get(from..to).unwrap_or_default());
    });
}

/// Whether the JSON text `input` holds whitespace, checked a word at a
/// time: in valid JSON every byte up to `b' '` is whitespace (control
/// characters only appear escaped).
fn has_whitespace(input: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let (words, tail) = input.as_chunks::<8>();
    let low = words.iter().fold(0, |any, word| {
        let w = u64::from_le_bytes(*word);
        any | (w.wrapping_sub(ONES * 0x21) & !w & HIGH)
    });
    low != 0 || tail.iter().any(|&b| b <= b' ')
}

/// Calls `keep(from, to)` for each run of `input` between insignificant
/// whitespace (whitespace outside strings), in order.
fn significant_runs(input: &[u8], mut keep: impl FnMut(usize, usize)) {
    let mut start = 0;
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        i += 1;
        match b {
            b'"' => {
                // To the closing quote, stepping over escaped characters.
                while let Some(&c) = input.get(i) {
                    i += 1;
                    match c {
                        b'\\' => i += 1,
                        b'"' => break,
                        _ => {}
                    }
                }
            }
            b' ' | b'\n' | b'\r' | b'\t' => {
                if i - 1 > start {
                    keep(start, i - 1);
                }
                start = i;
            }
            _ => {}
        }
    }
    if input.len() > start {
        keep(start, input.len());
    }
}

impl PartialEq for Raw {
    /// Two raw payloads are equal when they carry the same fields and values,
    /// whatever their encoding (a parsed form equals its stored JSON object).
    fn eq(&self, other: &Raw) -> bool {
        (self.encoding == other.encoding && self.bytes == other.bytes)
            || self.to_value() == other.to_value()
    }
}

impl fmt::Debug for Raw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Raw")
            .field("encoding", &self.encoding)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl serde::Serialize for Raw {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self.encoding {
            RawEncoding::Json => {
                let text = String::from_utf8(minify_json(&self.bytes))
                    .map_err(serde::ser::Error::custom)?;
                let raw = RawValue::from_string(text).map_err(serde::ser::Error::custom)?;
                raw.serialize(s)
            }
            RawEncoding::Form => {
                let groups = group_form(&self.bytes);
                let mut map = s.serialize_map(Some(groups.len()))?;
                for (name, values) in &groups {
                    match values.as_slice() {
                        [one] => map.serialize_entry(name, one)?,
                        many => map.serialize_entry(name, many)?,
                    }
                }
                map.end()
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for Raw {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <Box<RawValue>>::deserialize(d)?;
        let text = raw.get();
        if !text.trim_start().starts_with('{') {
            return Err(serde::de::Error::custom("raw must be a JSON object"));
        }
        Ok(Raw::new(
            RawEncoding::Json,
            Bytes::from(minify_json(text.as_bytes())),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minify_keeps_strings_and_order() {
        let cases = [
            (
                "spaces",
                "{ \"a\" : 1 ,\n \"b\": [1, 2] }",
                r#"{"a":1,"b":[1,2]}"#,
            ),
            (
                "string spaces",
                r#"{"a": "x y \" z"}"#,
                r#"{"a":"x y \" z"}"#,
            ),
            (
                "escaped backslash",
                r#"{"a": "\\", "b": 2}"#,
                r#"{"a":"\\","b":2}"#,
            ),
            (
                "already minified",
                r#"{"a":[1,"b c"]}"#,
                r#"{"a":[1,"b c"]}"#,
            ),
            ("empty", "", ""),
            ("only whitespace", " \n\t ", ""),
            ("unterminated string", "{\"a\": \"x ", "{\"a\":\"x "),
            ("trailing escape", "\"\\", "\"\\"),
            ("multibyte", "{ \"é\" : \"ü ö\" }", "{\"é\":\"ü ö\"}"),
        ];
        for (name, input, want) in cases {
            assert_eq!(
                String::from_utf8(minify_json(input.as_bytes())).unwrap(),
                want,
                "{name}"
            );
            assert_eq!(minify_str(input), want, "{name}: str");
        }
    }

    #[test]
    fn whitespace_is_found_at_each_offset() {
        for len in 0..20 {
            let plain = "a".repeat(len);
            assert!(!has_whitespace(plain.as_bytes()), "none in {len}");
            for at in 0..len {
                for ws in [b' ', b'\n', b'\r', b'\t'] {
                    let mut text = vec![b'!'; len];
                    text[at] = ws;
                    assert!(has_whitespace(&text), "{ws:#x} at {at} of {len}");
                }
            }
        }
        assert!(
            !has_whitespace("{\"é\":\"~\u{7f}\"}".as_bytes()),
            "bytes above a space"
        );
    }

    #[test]
    fn form_and_json_with_same_fields_are_equal() {
        let form = Raw::new(RawEncoding::Form, Bytes::from_static(b"A=1&B=x+y&A=2"));
        let json = Raw::new(
            RawEncoding::Json,
            Bytes::from_static(br#"{"A":["1","2"],"B":"x y"}"#),
        );
        assert_eq!(form, json);
        assert_eq!(json.get("A").as_deref(), Some("1"));
        assert_eq!(json.get_all("A"), ["1", "2"]);
        assert_eq!(form.get("B").as_deref(), Some("x y"));
        assert_eq!(
            serde_json::to_string(&form).unwrap(),
            r#"{"A":["1","2"],"B":"x y"}"#
        );
    }
}
