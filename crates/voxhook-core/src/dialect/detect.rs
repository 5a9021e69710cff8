//! Auto-detection of the provider from the content type and body shape.

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::{DecodeError, body_encoding, form};
use crate::event::{Provider, RawEncoding};

/// Guesses which provider sent a body, from its content type and shape:
///
/// - JSON with a `data` object: VoxPria; with `type` (`mo`, `per_recipient`)
///   or a `message_id`/`batch_id`: Voxtelesys messaging; with `CallUUID`,
///   `Event` or the legacy `call_id`: Vobiz; with `call_uuid`,
///   `call_status` or `message_uuid`: TryVox;
/// - a form with `CallSid`, `AccountID`, `AccountSid`, `TrunkID` or
///   `ApiVersion`: Voxtelesys; with `CallUUID`, `Event`, `ALegUUID` or
///   `RequestUUID`: Vobiz; with `call_uuid`: TryVox.
///
/// ```
/// use voxhook_core::{dialect, Provider};
///
/// let p = dialect::detect_provider(Some("application/json"), br#"{"event":"credit.low","data":{}}"#)?;
/// assert_eq!(p, Provider::VoxPria);
/// # Ok::<(), voxhook_core::DecodeError>(())
/// ```
///
/// # Errors
///
/// [`DecodeError::UnsupportedMediaType`], a JSON syntax error, or
/// [`DecodeError::Undetectable`] when no shape matches.
pub fn detect_provider(content_type: Option<&str>, body: &[u8]) -> Result<Provider, DecodeError> {
    match body_encoding(content_type, body)? {
        RawEncoding::Json => detect_json(body),
        _ => detect_form(body),
    }
}

#[derive(Deserialize)]
struct Probe {
    data: Option<IgnoredAny>,
    #[serde(rename = "type")]
    kind: Option<IgnoredAny>,
    message_id: Option<IgnoredAny>,
    batch_id: Option<IgnoredAny>,
    #[serde(rename = "CallUUID")]
    call_uuid_upper: Option<IgnoredAny>,
    #[serde(rename = "Event")]
    event_upper: Option<IgnoredAny>,
    call_id: Option<IgnoredAny>,
    call_uuid: Option<IgnoredAny>,
    call_status: Option<IgnoredAny>,
    message_uuid: Option<IgnoredAny>,
    #[serde(rename = "CallSid")]
    call_sid: Option<IgnoredAny>,
}

fn detect_json(body: &[u8]) -> Result<Provider, DecodeError> {
    let p: Probe = serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            DecodeError::NotAnObject
        } else {
            DecodeError::from_json(&e)
        }
    })?;
    if p.data.is_some() {
        Ok(Provider::VoxPria)
    } else if p.kind.is_some()
        || p.message_id.is_some()
        || p.batch_id.is_some()
        || p.call_sid.is_some()
    {
        Ok(Provider::Voxtelesys)
    } else if p.call_uuid.is_some() || p.call_status.is_some() || p.message_uuid.is_some() {
        Ok(Provider::TryVox)
    } else if p.call_uuid_upper.is_some() || p.event_upper.is_some() || p.call_id.is_some() {
        Ok(Provider::Vobiz)
    } else {
        Err(DecodeError::Undetectable)
    }
}

pub(crate) fn detect_form(body: &[u8]) -> Result<Provider, DecodeError> {
    if std::str::from_utf8(body).is_err() {
        return Err(DecodeError::InvalidUtf8);
    }
    let mut found = None;
    for name in form::names(body) {
        match name.as_ref() {
            "CallSid" | "AccountID" | "AccountSid" | "TrunkID" | "ApiVersion" => {
                return Ok(Provider::Voxtelesys);
            }
            "CallUUID" | "Event" | "ALegUUID" | "RequestUUID" => return Ok(Provider::Vobiz),
            "call_uuid" => found = found.or(Some(Provider::TryVox)),
            _ => {}
        }
    }
    found.ok_or(DecodeError::Undetectable)
}
