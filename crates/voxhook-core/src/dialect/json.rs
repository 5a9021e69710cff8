//! The generic JSON decoder: walks the object once, mapping keys through the
//! dialect's field function, without building a `serde_json::Value`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::draft::{Draft, Value};
use super::{DecodeError, Field, FieldFn};

/// Decodes a JSON object body into `draft`.
pub(crate) fn decode(body: &[u8], field: FieldFn, draft: &mut Draft) -> Result<(), DecodeError> {
    // JSON text is UTF-8 (RFC 8259). Checked up front because serde_json does
    // not validate the strings it skips, and the raw view re-emits them.
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(DecodeError::InvalidUtf8);
    };
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        None => return Err(DecodeError::EmptyBody),
        Some(b'{') => {}
        Some(_) => {
            // Valid JSON of another type, or not JSON at all.
            return match serde_json::from_slice::<IgnoredAny>(body) {
                Ok(_) => Err(DecodeError::NotAnObject),
                Err(e) => Err(DecodeError::from_json(&e)),
            };
        }
    }
    if super::scan::decode(text, field, draft).is_some() {
        #[cfg(debug_assertions)]
        check_fast_path(text, field, draft);
        return Ok(());
    }
    // Start over with serde_json: it reads the rare shapes and words the errors.
    draft.clear();
    draft.reserve_text(text.len());
    decode_serde(text, field, draft)
}

/// Debug builds (the tests, fuzzing with `-a`) check every fast-path decode
/// against the serde_json walk.
#[cfg(debug_assertions)]
fn check_fast_path(text: &str, field: FieldFn, fast: &Draft) {
    let mut slow = Draft::new(fast.data.provider, fast.data.raw.clone());
    assert_eq!(decode_serde(text, field, &mut slow), Ok(()), "{text}");
    assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{text}");
}

/// The serde_json walk over a JSON object.
pub(super) fn decode_serde(
    text: &str,
    field: FieldFn,
    draft: &mut Draft,
) -> Result<(), DecodeError> {
    let mut de = serde_json::Deserializer::from_str(text);
    Object {
        draft,
        field,
        parent: "",
    }
    .deserialize(&mut de)
    .and_then(|()| de.end())
    .map_err(|e| DecodeError::from_json(&e))
}

struct Object<'d, 'p> {
    draft: &'d mut Draft,
    field: FieldFn,
    parent: &'p str,
}

impl<'de> DeserializeSeed<'de> for Object<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Object<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Object {
            draft,
            field,
            parent,
        } = self;
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            match field(parent, &key) {
                Field::Ignore => {
                    map.next_value::<IgnoredAny>()?;
                }
                // One level of nesting is enough for every known payload; deeper
                // objects stay in the raw view.
                Field::Flatten if parent.is_empty() => map.next_value_seed(Object {
                    draft: &mut *draft,
                    field,
                    parent: &key,
                })?,
                Field::Flatten => {
                    map.next_value::<IgnoredAny>()?;
                }
                f if f.takes_json() => {
                    let raw: &'de RawValue = map.next_value()?;
                    let value = match raw.get() {
                        text if text.trim() == "null" => Value::Null,
                        text => Value::Json(text),
                    };
                    draft.set(f, value);
                }
                f => {
                    let Scalar(v) = map.next_value::<Scalar<'de>>()?;
                    draft.set(f, v);
                }
            }
        }
        Ok(())
    }

    // A nested value that is not an object carries no fields: ignore it.
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

/// A string borrowed from the input when it has no escapes.
struct Text<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Any JSON value read as a [`Value`]: scalars as such, the first item of an
/// array, and nothing for an object.
struct Scalar<'de>(Value<'de>);

impl<'de> de::Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Scalar<'de>, E> {
        Ok(Scalar(Value::Str(Cow::Borrowed(v))))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar<'de>, E> {
        Ok(Scalar(Value::Str(Cow::Owned(v.to_owned()))))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar<'de>, E> {
        Ok(Scalar(Value::Str(Cow::Owned(v))))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar<'de>, E> {
        Ok(Scalar(Value::U64(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar<'de>, E> {
        Ok(Scalar(Value::I64(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar<'de>, E> {
        Ok(Scalar(Value::F64(v)))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar<'de>, E> {
        Ok(Scalar(Value::Bool(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar<'de>, A::Error> {
        let first = seq
            .next_element::<Scalar<'de>>()?
            .map_or(Value::Null, |s| s.0);
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar(first))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar(Value::Null))
    }
}
