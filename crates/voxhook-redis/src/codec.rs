//! The compact byte encoding of an entry's value.
//!
//! One Redis string per dedup key, tagged by its first byte so the Lua
//! scripts can branch on it without parsing:
//!
//! | state | value |
//! |---|---|
//! | in flight | `i` + 16 hex digits of the lease token + decimal prior failures + `:` + lease deadline (Redis clock, ms since the epoch) |
//! | released | `r` + decimal failure count |
//! | done | `d` + status (u16 BE) + content-type length (u16 BE, `0xFFFF` = none) + content type + body |

use bytes::{BufMut, Bytes};
use voxhook_core::dedup::{LeaseToken, StoreError, StoredAnswer};

/// First byte of a completed entry (the scripts write the others).
const TAG_DONE: u8 = b'd';

/// Content-type length that means "no content type".
const NO_CONTENT_TYPE: u16 = u16::MAX;
/// Tag + status + content-type length.
const HEADER_LEN: usize = 1 + 2 + 2;

/// Encodes a completed entry.
///
/// # Errors
/// A content type of 65,535 bytes or more cannot be stored.
pub(crate) fn encode_done(answer: &StoredAnswer) -> Result<Vec<u8>, StoreError> {
    let ct_len = match &answer.content_type {
        None => NO_CONTENT_TYPE,
        Some(ct) => u16::try_from(ct.len())
            .ok()
            .filter(|len| *len != NO_CONTENT_TYPE)
            .ok_or(StoreError::msg("content type too long to store"))?,
    };
    let ct = answer.content_type.as_deref().unwrap_or_default();
    let mut out = Vec::with_capacity(HEADER_LEN + ct.len() + answer.body.len());
    out.put_u8(TAG_DONE);
    out.put_u16(answer.status);
    out.put_u16(ct_len);
    out.extend_from_slice(ct);
    out.extend_from_slice(&answer.body);
    Ok(out)
}

/// Decodes a completed entry (the whole value, tag included) without copying
/// the body.
///
/// # Errors
/// The value is not a well-formed completed entry.
pub(crate) fn decode_done(value: Vec<u8>) -> Result<StoredAnswer, StoreError> {
    const MALFORMED: StoreError = StoreError::msg("malformed stored answer in redis");
    let value = Bytes::from(value);
    let header = value.get(..HEADER_LEN).ok_or(MALFORMED)?;
    let [tag, s0, s1, c0, c1] = *header else {
        return Err(MALFORMED);
    };
    if tag != TAG_DONE {
        return Err(MALFORMED);
    }
    let status = u16::from_be_bytes([s0, s1]);
    let ct_len = u16::from_be_bytes([c0, c1]);
    let (content_type, body_start) = if ct_len == NO_CONTENT_TYPE {
        (None, HEADER_LEN)
    } else {
        let end = HEADER_LEN + usize::from(ct_len);
        if end > value.len() {
            return Err(MALFORMED);
        }
        (Some(value.slice(HEADER_LEN..end)), end)
    };
    Ok(StoredAnswer {
        status,
        content_type,
        body: value.slice(body_start..),
    })
}

/// The token as the scripts see it: 16 lower-case hex digits (fixed width, so
/// a prefix comparison in Lua is exact).
pub(crate) fn token_arg(token: LeaseToken) -> [u8; 16] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 16];
    for (i, byte) in token.0.to_be_bytes().into_iter().enumerate() {
        out[2 * i] = HEX[usize::from(byte >> 4)];
        out[2 * i + 1] = HEX[usize::from(byte & 0x0f)];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, ct: Option<&'static str>, body: &'static str) -> StoredAnswer {
        StoredAnswer {
            status,
            content_type: ct.map(|c| Bytes::from_static(c.as_bytes())),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn round_trips() {
        let cases = [
            ("plain ack", StoredAnswer::ack()),
            (
                "xml answer",
                answer(
                    200,
                    Some("application/xml"),
                    "<Response><Speak>hi</Speak></Response>",
                ),
            ),
            ("empty content type", answer(201, Some(""), "x")),
            (
                "content type, empty body",
                answer(204, Some("text/plain"), ""),
            ),
            ("odd status", answer(599, None, "body without type")),
        ];
        for (name, case) in cases {
            let encoded = encode_done(&case).unwrap();
            assert_eq!(encoded[0], TAG_DONE, "{name}");
            assert_eq!(decode_done(encoded).unwrap(), case, "{name}");
        }
    }

    #[test]
    fn ack_is_five_bytes() {
        assert_eq!(encode_done(&StoredAnswer::ack()).unwrap().len(), 5);
    }

    #[test]
    fn rejects_malformed_values() {
        let cases: [(&str, &[u8]); 5] = [
            ("empty", b""),
            ("short header", b"d\x00\xc8\xff"),
            ("wrong tag", b"i\x00\xc8\xff\xff"),
            ("content type past end", b"d\x00\xc8\x00\x09text"),
            ("released entry", b"r3"),
        ];
        for (name, value) in cases {
            assert!(decode_done(value.to_vec()).is_err(), "{name}");
        }
    }

    #[test]
    fn rejects_huge_content_type() {
        let ct = Bytes::from(vec![b'a'; usize::from(u16::MAX)]);
        let huge = StoredAnswer {
            status: 200,
            content_type: Some(ct),
            body: Bytes::new(),
        };
        assert!(encode_done(&huge).is_err());
    }

    #[test]
    fn token_is_fixed_width_hex() {
        let cases = [
            ("zero", 0, "0000000000000000"),
            ("one", 1, "0000000000000001"),
            ("max", u64::MAX, "ffffffffffffffff"),
        ];
        for (name, token, want) in cases {
            assert_eq!(&token_arg(LeaseToken(token)), want.as_bytes(), "{name}");
        }
    }
}
