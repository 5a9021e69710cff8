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

/// Lower-case hex of `bytes` into `out`, branch-free and without a table,
/// since `bytes` is a computed tag that must not leak before the comparison.
fn hex_lower_encode<'b>(bytes: &[u8], out: &'b mut [u8; HEX_MAX]) -> &'b [u8] {
    let digit = |n: u8| {
        // 0xff when n > 9, else 0: 'a' - '0' - 10 = 39 is added only then.
        let above9 = 9u8.wrapping_sub(n) >> 7;
        n + b'0' + (above9.wrapping_neg() & 39)
    };
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = digit(b >> 4);
        pair[1] = digit(b & 0x0f);
    }
    &out[..2 * bytes.len().min(TAG_MAX)]
}

/// Constant-time equality of a computed tag and a received one. Different
/// lengths (an empty or truncated signature) never match.
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

/// The lower-case hex text of a computed tag, to compare received hex
/// signatures as text: nothing received is decoded or validated, since a
/// value that is not lower-case hex (upper case, a stray character) can never
/// equal it.
pub(crate) struct HexText {
    buf: [u8; HEX_MAX],
    len: usize,
}

impl HexText {
    pub(crate) fn of(computed: &[u8]) -> Self {
        let mut buf = [0u8; HEX_MAX];
        let len = hex_lower_encode(computed, &mut buf).len();
        HexText { buf, len }
    }

    /// Whether `received` (trimmed) is this text, in constant time; an empty
    /// or truncated one never is.
    pub(crate) fn matches(&self, received: &[u8]) -> bool {
        self.buf
            .get(..self.len)
            .is_some_and(|text| tag_eq(text, received.trim_ascii()))
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
    fn hex_text_matches_what_decoding_matches() {
        struct Case {
            name: &'static str,
            received: &'static [&'static str],
            computed: &'static [u8],
            want: bool,
        }
        let cases = [
            Case {
                name: "equal",
                received: &["00ff10a9"],
                computed: &[0x00, 0xff, 0x10, 0xa9],
                want: true,
            },
            Case {
                name: "second of several",
                received: &["zz", "0000", "00ff10a9 "],
                computed: &[0x00, 0xff, 0x10, 0xa9],
                want: true,
            },
            Case {
                name: "one digit differs",
                received: &["00ff10a8"],
                computed: &[0x00, 0xff, 0x10, 0xa9],
                want: false,
            },
            Case {
                name: "upper case refused",
                received: &["00FF10A9"],
                computed: &[0x00, 0xff, 0x10, 0xa9],
                want: false,
            },
            Case {
                name: "truncated",
                received: &["00ff10"],
                computed: &[0x00, 0xff, 0x10, 0xa9],
                want: false,
            },
            Case {
                name: "empty",
                received: &[""],
                computed: &[0x00, 0xff, 0x10, 0xa9],
                want: false,
            },
            Case {
                name: "mixed case refused",
                received: &["00fF10a9"],
                computed: &[0x00, 0xff, 0x10, 0xa9],
                want: false,
            },
            Case {
                name: "non-hex of the right length",
                received: &["00ff10ag", "0xff10a9", "00ff10a\u{0}"],
                computed: &[0x00, 0xff, 0x10, 0xa9],
                want: false,
            },
            Case {
                name: "too long",
                received: &["00ff10a900"],
                computed: &[0x00, 0xff, 0x10, 0xa9],
                want: false,
            },
            Case {
                name: "spaces around",
                received: &[" 00ff10a9\t"],
                computed: &[0x00, 0xff, 0x10, 0xa9],
                want: true,
            },
            Case {
                name: "past the first eight entries",
                received: &["x", "x", "x", "x", "x", "x", "x", "x", "x", "00ff10a9"],
                computed: &[0x00, 0xff, 0x10, 0xa9],
                want: true,
            },
        ];
        for c in cases {
            let text = HexText::of(c.computed);
            let got = c.received.iter().any(|r| text.matches(r.as_bytes()));
            assert_eq!(got, c.want, "{}", c.name);
            // Decoding each value agrees (when it fits the eight decoded slots).
            if c.received.len() <= MAX_TAGS {
                let mut decoded = Tags::new();
                for r in c.received {
                    decoded.push(|buf| hex_lower_into(r.as_bytes(), buf).map(<[u8]>::len));
                }
                assert_eq!(decoded.contains(c.computed), c.want, "{} decoded", c.name);
            }
        }
    }

    #[test]
    fn hex_round_trips_every_byte() {
        let bytes: Vec<u8> = (0..=255).collect();
        for chunk in bytes.chunks(64) {
            let mut text = [0u8; 128];
            let hex = hex_lower_encode(chunk, &mut text);
            assert_eq!(hex, hex::encode(chunk).as_bytes());
            let mut back = [0u8; 64];
            assert_eq!(hex_lower_into(hex, &mut back), Some(chunk));
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
