//! The generic form decoder (`application/x-www-form-urlencoded` bodies and
//! GET query strings): `+` is a space, `%2B` is a plus.

use std::borrow::Cow;

use super::draft::{Draft, Value};
use super::{DecodeError, FieldFn};

/// Decodes a form body or query string into `draft`.
pub(crate) fn decode(body: &[u8], field: FieldFn, draft: &mut Draft) -> Result<(), DecodeError> {
    if std::str::from_utf8(body).is_err() {
        return Err(DecodeError::InvalidUtf8);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::EmptyBody);
    }
    for (name, value) in form_urlencoded::parse(body) {
        draft.set(field("", &name), Value::Str(value));
    }
    Ok(())
}

/// The percent-decoded names of a form, for shape detection.
pub(crate) fn names(body: &[u8]) -> impl Iterator<Item = Cow<'_, str>> {
    form_urlencoded::parse(body).map(|(k, _)| k)
}
