//! Decoding of signature header values into bytes, and constant-time comparison.

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use subtle::ConstantTimeEq;

/// Standard alphabet; padding optional (some senders strip it), canonical bits required.
const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Room for any digest we compare (SHA-256 = 32 bytes; SHA-1 = 20), with slack
/// so that a too-long value decodes and then fails the length check.
pub(crate) type TagBuf = [u8; TAG_MAX];

/// The room of a [`TagBuf`], in bytes.
const TAG_MAX: usize = 64;
/// Its length as hex text.
const HEX_MAX: usize = 2 * TAG_MAX;

/// Decodes standard base64 into `buf`; `None` when it is not base64 or too long.
pub(crate) fn base64_into<'b>(value: &[u8], buf: &'b mut TagBuf) -> Option<&'b [u8]> {
    let value = value.trim_ascii();
    if value.is_empty() || value.len() > 84 {
        return None;
    }
    let n = B64.decode_slice(value, buf).ok()?;
    buf.get(..n)
}

/// Decodes lower-case hex into `buf`. Upper case is refused: every sender we
/// know emits lower case, and signatures are compared as their exact text.
pub(crate) fn hex_lower_into<'b>(value: &[u8], buf: &'b mut TagBuf) -> Option<&'b [u8]> {
    let value = hex_lower_tag(value)?;
    for (out, pair) in buf.iter_mut().zip(value.chunks_exact(2)) {
        *out = (nibble(pair[0]) << 4) | nibble(pair[1]);
    }
    buf.get(..value.len() / 2)
}

/// `value` trimmed, when it is a non-empty, even-length lower-case hex text
/// short enough to decode into a [`TagBuf`]: what [`hex_lower_into`] accepts.
fn hex_lower_tag(value: &[u8]) -> Option<&[u8]> {
    let value = value.trim_ascii();
    let hex = value.iter().fold(true, |ok, &c| {
        ok & (c.is_ascii_digit() | (b'a'..=b'f').contains(&c))
    });
    let fits = !value.is_empty() && value.len().is_multiple_of(2) && value.len() <= HEX_MAX;
    (hex && fits).then_some(value)
}

/// The value of one lower-case hex digit (`c` already checked): no branch,
/// so the loop vectorizes.
fn nibble(c: u8) -> u8 {
    (c & 0x0f) + 9 * (c >> 6)
}

/// The lower-case hex digit of `n` (< 16), branch-free and without a table,
/// since `n` comes from a computed tag that must not leak before the
/// comparison.
fn hex_digit(n: u8) -> u8 {
    // 0xff when n > 9, else 0: 'a' - '0' - 10 = 39 is added only then.
    let above9 = 9u8.wrapping_sub(n) >> 7;
    n + b'0' + (above9.wrapping_neg() & 39)
}

/// Constant-time equality of a computed tag and a received one. Different
/// lengths (an empty or truncated signature) never match.
#[inline]
pub(crate) fn tag_eq(computed: &[u8], received: &[u8]) -> bool {
    if computed.is_empty() || computed.len() != received.len() {
        return false;
    }
    // OR-accumulate the differences with no data-dependent branch, then one
    // constant-time test (`subtle` per byte costs a barrier per byte).
    let diff = computed
        .iter()
        .zip(received)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    bool::from(diff.ct_eq(&0))
}

/// Up to this many signatures per header are considered (rotation sends a few).
pub(crate) const MAX_TAGS: usize = 8;

/// The decoded signatures of one header, on the stack.
pub(crate) struct Tags {
    bufs: [TagBuf; MAX_TAGS],
    lens: [usize; MAX_TAGS],
    n: usize,
}

impl Tags {
    pub(crate) fn new() -> Self {
        Tags {
            bufs: [[0; TAG_MAX]; MAX_TAGS],
            lens: [0; MAX_TAGS],
            n: 0,
        }
    }

    /// Decodes one more signature with `decode`; ignored when full or undecodable.
    pub(crate) fn push(&mut self, decode: impl FnOnce(&mut TagBuf) -> Option<usize>) {
        if let Some(buf) = self.bufs.get_mut(self.n)
            && let Some(len) = decode(buf)
        {
            self.lens[self.n] = len;
            self.n += 1;
        }
    }

    pub(crate) fn push_base64(&mut self, value: &[u8]) {
        self.push(|buf| base64_into(value, buf).map(<[u8]>::len));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Whether any signature equals `computed` (constant time per comparison).
    pub(crate) fn contains(&self, computed: &[u8]) -> bool {
        let mut hit = false;
        for (buf, len) in self.bufs.iter().zip(self.lens).take(self.n) {
            hit |= tag_eq(computed, &buf[..len]);
        }
        hit
    }
}

/// The lower-case hex text of a computed SHA-256 tag, to compare received
/// hex signatures as text: nothing received is decoded or validated, since a
/// value that is not lower-case hex (upper case, a stray character) can never
/// equal it. Fixed sizes, so the encode and the compare are a few vector
/// instructions.
pub(crate) struct Sha256Hex([u8; 64]);

impl Sha256Hex {
    pub(crate) fn of(tag: &[u8; 32]) -> Self {
        let mut text = [0u8; 64];
        for (pair, &b) in text.as_chunks_mut::<2>().0.iter_mut().zip(tag) {
            *pair = [hex_digit(b >> 4), hex_digit(b & 0x0f)];
        }
        Sha256Hex(text)
    }

    /// Whether `received` (already trimmed) is this text, in constant time;
    /// a value of another length (empty, truncated) never is.
    pub(crate) fn matches(&self, received: &[u8]) -> bool {
        // The fixed length lets the inlined compare run on whole vectors.
        <&[u8; 64]>::try_from(received).is_ok_and(|received| tag_eq(&self.0, received))
    }
}

/// Standard padded base64, for signing.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoders_table() {
        struct Case {
            name: &'static str,
            input: &'static str,
            hex: Option<&'static [u8]>,
            b64: Option<&'static [u8]>,
        }
        let cases = [
            Case {
                name: "empty",
                input: "",
                hex: None,
                b64: None,
            },
            Case {
                name: "lower hex",
                input: "0aff",
                hex: Some(&[0x0a, 0xff]),
                b64: Some(&[0xd1, 0xa7, 0xdf]),
            },
            Case {
                name: "upper hex refused",
                input: "0AFF",
                hex: None,
                b64: Some(&[0xd0, 0x01, 0x45]),
            },
            Case {
                name: "odd length",
                input: "abc",
                hex: None,
                b64: Some(&[0x69, 0xb7]),
            },
            Case {
                name: "padded b64",
                input: "aGk=",
                hex: None,
                b64: Some(b"hi"),
            },
            Case {
                name: "unpadded b64",
                input: "aGk",
                hex: None,
                b64: Some(b"hi"),
            },
            Case {
                name: "garbage",
                input: "!!",
                hex: None,
                b64: None,
            },
        ];
        for c in cases {
            let mut a = [0u8; 64];
            let mut b = [0u8; 64];
            assert_eq!(
                hex_lower_into(c.input.as_bytes(), &mut a),
                c.hex,
                "{} hex",
                c.name
            );
            assert_eq!(
                base64_into(c.input.as_bytes(), &mut b),
                c.b64,
                "{} b64",
                c.name
            );
        }
    }

    #[test]
    fn sha256_hex_matches_what_decoding_matches() {
        let computed: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0xa5);
        let good = hex::encode(computed);
        let mut one_off = good.clone().into_bytes();
        one_off[63] = if one_off[63] == b'0' { b'1' } else { b'0' };
        let one_off = String::from_utf8(one_off).unwrap();
        let cases: Vec<(&str, Vec<String>, bool)> = vec![
            ("equal", vec![good.clone()], true),
            (
                "last of several",
                vec!["zz".into(), "00".repeat(32), good.clone()],
                true,
            ),
            ("one digit differs", vec![one_off], false),
            ("upper case refused", vec![good.to_uppercase()], false),
            (
                "one upper-case digit refused",
                vec![good.replacen(|c: char| c.is_ascii_lowercase(), "A", 1)],
                false,
            ),
            (
                "non-hex of the right length",
                vec![format!("g{}", &good[1..]), format!("{}\u{0}", &good[..63])],
                false,
            ),
            ("truncated", vec![good[..62].to_string()], false),
            ("too long", vec![format!("{good}00")], false),
            ("empty", vec![String::new()], false),
        ];
        let text = Sha256Hex::of(&computed);
        for (name, received, want) in cases {
            let got = received.iter().any(|r| text.matches(r.as_bytes()));
            assert_eq!(got, want, "{name}");
            // Decoding each value agrees.
            let mut decoded = Tags::new();
            for r in &received {
                decoded.push(|buf| hex_lower_into(r.as_bytes(), buf).map(<[u8]>::len));
            }
            assert_eq!(decoded.contains(&computed), want, "{name} decoded");
        }
    }

    #[test]
    fn hex_round_trips_every_byte() {
        let bytes: Vec<u8> = (0..=255).collect();
        for chunk in bytes.chunks(32) {
            let tag: &[u8; 32] = chunk.try_into().unwrap();
            let text = Sha256Hex::of(tag).0;
            assert_eq!(&text[..], hex::encode(chunk).as_bytes());
            let mut back = [0u8; 64];
            assert_eq!(hex_lower_into(&text, &mut back), Some(chunk));
        }
    }

    #[test]
    fn tag_eq_refuses_empty_and_truncated() {
        assert!(tag_eq(b"abcd", b"abcd"));
        assert!(!tag_eq(b"abcd", b"abc"));
        assert!(!tag_eq(b"abcd", b""));
        assert!(!tag_eq(b"", b""));
    }
}
