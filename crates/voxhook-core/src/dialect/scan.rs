//! The fast path of the JSON decoder: one hand-written pass over the usual
//! webhook body (strings without escapes, plain integers), making exactly
//! the [`Draft::set`] calls the serde_json walk in [`super::json`] makes.
//!
//! Whatever it does not handle (an escape, a negative or fractional scalar,
//! an array where a scalar is read, deep nesting) or finds invalid, it gives
//! up on with `None`, and the caller starts over with serde_json: the result,
//! the error kind and its position stay serde_json's.

use std::borrow::Cow;

use super::draft::{Draft, Value};
use super::{Field, FieldFn};

/// Nesting beyond this goes to serde_json (which enforces its own limit).
const MAX_DEPTH: u32 = 32;

/// Decodes the JSON object `text` into `draft`; `None` leaves it (possibly
/// half-filled) to be discarded.
pub(super) fn decode(text: &str, field: FieldFn, draft: &mut Draft) -> Option<()> {
    let mut s = Scan {
        text,
        i: 0,
        spaced: false,
    };
    s.eat(b'{')?;
    s.object(draft, field, "")?;
    s.ws();
    (s.i == s.b().len()).then_some(())
}

struct Scan<'a> {
    text: &'a str,
    i: usize,
    /// Whether whitespace was stepped over (reset by `json_value`).
    spaced: bool,
}

impl<'a> Scan<'a> {
    /// The text as bytes. (Not a field of its own: a second pointer and
    /// length to keep in registers made `object`'s loop spill.)
    #[inline(always)]
    fn b(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn ws(&mut self) {
        // Compact JSON has none: one compare decides the usual case.
        while let Some(&c @ ..=b' ') = self.b().get(self.i)
            && matches!(c, b' ' | b'\n' | b'\r' | b'\t')
        {
            self.i += 1;
            self.spaced = true;
        }
    }

    /// The next byte after whitespace.
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b().get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// The members of an object whose `{` was just read, mapped like
    /// `json::Object::visit_map`.
    fn object(&mut self, draft: &mut Draft, field: FieldFn, parent: &str) -> Option<()> {
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            match field(parent, key) {
                Field::Ignore => self.skip(1)?,
                Field::Flatten if parent.is_empty() => {
                    if self.peek()? == b'{' {
                        self.i += 1;
                        self.object(draft, field, key)?;
                    } else {
                        self.skip(1)?;
                    }
                }
                Field::Flatten => self.skip(1)?,
                f if f.takes_json() => match self.json_value(f)? {
                    (Value::Json(text), true) => draft.set_compact_json(f, text),
                    (Value::Str(Cow::Borrowed(s)), _) => draft.set_str(f, s),
                    (value, _) => draft.set(f, value),
                },
                // A string, the usual value, goes in without a `Value`.
                f if self.peek()? == b'"' => draft.set_str(f, self.string_here()?),
                f => {
                    let value = self.scalar()?;
                    draft.set(f, value);
                }
            }
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// The value of a field kept as JSON, as its text, and whether that
    /// text holds no whitespace outside strings (so it is already minified).
    /// A transcript that is a plain string is handed over as the string
    /// itself: the draft would read the same text out of the quoted JSON,
    /// scanning it again.
    fn json_value(&mut self, f: Field) -> Option<(Value<'a>, bool)> {
        self.ws();
        let start = self.i;
        self.spaced = false;
        match self.string() {
            Some(s) if f == Field::Transcript => {
                return Some((Value::Str(Cow::Borrowed(s)), true));
            }
            Some(_) => {}
            None => {
                self.i = start;
                self.skip(1)?;
            }
        }
        let value = match self.text.get(start..self.i)? {
            "null" => Value::Null,
            text => Value::Json(text),
        };
        Some((value, !self.spaced))
    }

    /// A scalar read as `json::Scalar` reads it; arrays and numbers other
    /// than plain non-negative integers are left to serde_json.
    fn scalar(&mut self) -> Option<Value<'a>> {
        match self.peek()? {
            b'"' => self.string().map(|s| Value::Str(Cow::Borrowed(s))),
            b'0'..=b'9' => self.integer().map(Value::U64),
            b't' => self.literal(b"true").map(|()| Value::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Value::Bool(false)),
            b'n' => self.literal(b"null").map(|()| Value::Null),
            // An object carries nothing where a scalar is read.
            b'{' => self.skip(1).map(|()| Value::Null),
            _ => None,
        }
    }

    /// A string without escapes or control characters, after whitespace.
    #[inline(always)]
    fn string(&mut self) -> Option<&'a str> {
        if self.peek()? != b'"' {
            return None;
        }
        self.string_here()
    }

    /// [`Scan::string`] once its opening quote was peeked at.
    #[inline(always)]
    fn string_here(&mut self) -> Option<&'a str> {
        let start = self.i + 1;
        let end = start + first_special(self.b().get(start..)?);
        if self.b().get(end) != Some(&b'"') {
            return None;
        }
        self.i = end + 1;
        // Both ends sit next to an ASCII quote, so they are char boundaries.
        // (Cut in two steps: each is one boundary check, and inlined.)
        self.text.get(..end)?.get(start..)
    }

    /// Any valid string (escapes included) whose value is not needed.
    #[inline(always)]
    fn skip_string(&mut self) -> Option<()> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.i + 1;
        let end = start + first_special(self.b().get(start..)?);
        self.i = match self.b().get(end)? {
            b'"' => end,
            // An escape (or a control character, refused there).
            _ => string_end(self.b(), end, true)?,
        } + 1;
        Some(())
    }

    /// A non-negative integer that fits a `u64`, with no fraction or exponent.
    fn integer(&mut self) -> Option<u64> {
        let start = self.i;
        let mut n: u64 = 0;
        while let Some(&d @ b'0'..=b'9') = self.b().get(self.i) {
            n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            self.i += 1;
        }
        let leading_zero = self.i - start > 1 && self.b().get(start) == Some(&b'0');
        let more = matches!(self.b().get(self.i), Some(b'.' | b'e' | b'E'));
        (!leading_zero && !more).then_some(n)
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i + word.len();
        (self.b().get(self.i..end)? == word).then(|| self.i = end)
    }

    /// Steps over any valid JSON value at nesting `depth`.
    fn skip(&mut self, depth: u32) -> Option<()> {
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' | b'[' if depth >= MAX_DEPTH => None,
            b'{' => {
                self.i += 1;
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.skip_string()?;
                    self.eat(b':')?;
                    // A string, the usual member, without another call.
                    if self.peek()? == b'"' {
                        self.skip_string()?;
                    } else {
                        self.skip(depth + 1)?;
                    }
                    if self.end_of(b'}')? {
                        return Some(());
                    }
                }
            }
            b'[' => {
                self.i += 1;
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.skip(depth + 1)?;
                    if self.end_of(b']')? {
                        return Some(());
                    }
                }
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// After a member or item: `,` (more follow) or `close` (the end).
    fn end_of(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.i += 1;
                Some(false)
            }
            c if c == close => {
                self.i += 1;
                Some(true)
            }
            _ => None,
        }
    }

    /// Steps over a number of the JSON grammar:
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Option<()> {
        if self.b().get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.b().get(self.i)? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.b().get(self.i) == Some(&b'.') {
            self.i += 1;
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.b().get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.b().get(self.i) {
                self.i += 1;
            }
            self.some_digits()?;
        }
        // `01` is not a number; neither is `1x` (caught by the caller).
        (!matches!(self.b().get(self.i), Some(b'0'..=b'9'))).then_some(())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.b().get(self.i) {
            self.i += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.i;
        self.digits();
        (self.i > start).then_some(())
    }
}

/// The index of the quote closing a string whose content starts at `i`;
/// `None` at a control character, the end of the input, or an escape when
/// `escapes` is false.
#[inline]
fn string_end(b: &[u8], mut i: usize, escapes: bool) -> Option<usize> {
    loop {
        i += first_special(b.get(i..)?);
        match b.get(i)? {
            b'"' => return Some(i),
            b'\\' if escapes => i += 1 + escape_len(b.get(i + 1..)?)?,
            _ => return None,
        }
    }
}

/// The index of the first quote, backslash or control character in `rest`
/// (its length when there is none).
#[inline(always)]
pub(super) fn first_special(rest: &[u8]) -> usize {
    let mut tail = rest;
    // Two words a round: most strings end within the first 16 bytes.
    while let Some((pair, next)) = tail.split_first_chunk::<16>() {
        let (lo, hi) = pair.split_at(8);
        let (lo, hi) = (special_bits(lo), special_bits(hi));
        if lo | hi != 0 {
            let at = if lo != 0 {
                lo.trailing_zeros()
            } else {
                64 + hi.trailing_zeros()
            };
            return rest.len() - tail.len() + at as usize / 8;
        }
        tail = next;
    }
    while let Some((word, next)) = tail.split_first_chunk::<8>() {
        let found = special_bits(word);
        if found != 0 {
            return rest.len() - tail.len() + found.trailing_zeros() as usize / 8;
        }
        tail = next;
    }
    let special = |c: u8| c == b'"' || c == b'\\' || c < 0x20;
    rest.len() - tail.len() + tail.iter().position(|&c| special(c)).unwrap_or(tail.len())
}

/// Bit 7 of each byte of the 8-byte `word` that is `"`, `\` or a control
/// character (and possibly of bytes above the first such byte: read only
/// the lowest bit set); 0 when there is none.
#[inline(always)]
fn special_bits(word: &[u8]) -> u64 {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let mut bytes = [0; 8];
    bytes.copy_from_slice(word);
    let w = u64::from_le_bytes(bytes);
    // `^ 0x02` maps the control characters onto themselves and `"` onto
    // 0x20, so one "below 0x21" test finds both; a second finds `\`.
    // `& !w` drops the bytes from 0x80 up.
    ((w ^ (ONES * 0x02)).wrapping_sub(ONES * 0x21)
        | (w ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES))
        & !w
        & HIGH
}

/// The length of an escape after its backslash. A `\u` escape of a
/// surrogate is left to serde_json, whose rules for those vary.
fn escape_len(rest: &[u8]) -> Option<usize> {
    match rest.first()? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(1),
        b'u' => {
            let hex = std::str::from_utf8(rest.get(1..5)?).ok()?;
            let unit = u16::from_str_radix(hex, 16).ok()?;
            let plain = hex.bytes().all(|h| h.is_ascii_hexdigit());
            (plain && !(0xD800..=0xDFFF).contains(&unit)).then_some(5)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::props::fast_path_agrees;

    #[test]
    fn rare_or_invalid_json_is_left_to_serde_json() {
        let deep = format!("{{\"x\":{}1{}}}", "[".repeat(40), "]".repeat(40));
        let voxpria = r#"{"event":"call.ended","timestamp":"2025-02-02T14:30:00Z","data":{"call_id":"call_1","campaign_id":"camp_xyz789","contact_id":"cont_def456","phone_number":"+15551234567","status":"answered","duration":127,"recording_url":"https://recordings.example.com/r/1.mp3","transcript":"Caller confirmed.","variables":{"appointment_confirmed":true,"appointment_date":"2025-02-10"}}}"#;
        // (name, body, whether the fast path decodes it for every dialect)
        let cases: &[(&str, &str, bool)] = &[
            ("voxpria call.ended", voxpria, true),
            (
                "pretty",
                "{ \"event\" : \"call.ended\" ,\n \"data\" : { \"call_id\" : \"c\", \"duration\": 0 } }\n",
                true,
            ),
            ("empty", "{}", true),
            ("escape in a read value", r#"{"event":"a\"b"}"#, false),
            (
                "escape in an ignored value",
                r#"{"event":"x","zz":"https:\/\/x\u00e9"}"#,
                true,
            ),
            (
                "escape in variables",
                r#"{"data":{"variables":{"a":"\u00e9"}}}"#,
                true,
            ),
            (
                "escape in a transcript",
                r#"{"data":{"transcript":"a\"b\u00e9"}}"#,
                true,
            ),
            ("plain transcript", r#"{"data":{"transcript":"ok"}}"#, true),
            (
                "spaced variables (minified by the draft)",
                "{\"data\":{\"variables\":{ \"a\" : \"x y\" ,\n \"b\":[1, {\"c\":\"}\"}] }}}",
                true,
            ),
            (
                "compact variables with spaces, braces and escaped quotes in strings",
                r#"{"data":{"variables":{"a":"x { y","b":"{\"c\":\"}\"}","d":"]["},"stats":[1,"a b"]}}"#,
                true,
            ),
            (
                "variables as a string",
                r#"{"data":{"variables":"{\"a\":1}"}}"#,
                true,
            ),
            (
                "variables as a number",
                r#"{"data":{"variables":5,"stats":true}}"#,
                true,
            ),
            ("variables null", r#"{"data":{"variables":null}}"#, true),
            (
                "non-ASCII inside strings",
                r#"{"event":"é","data":{"call_id":"ü日本","variables":{"n":"日本 語"}}}"#,
                true,
            ),
            ("non-ASCII outside strings", r#"{"event":"a"é}"#, false),
            ("non-ASCII in a skipped value", r#"{"zz":é}"#, false),
            ("empty transcript", r#"{"data":{"transcript":""}}"#, true),
            (
                "transcript array",
                r#"{"data":{"transcript":[{"t":"a"}]}}"#,
                true,
            ),
            ("surrogate escape", r#"{"zz":"\ud83d\ude00"}"#, false),
            ("negative scalar", r#"{"data":{"duration":-1}}"#, false),
            ("float scalar", r#"{"data":{"duration":1.5}}"#, false),
            (
                "u64 overflow",
                r#"{"data":{"duration":18446744073709551616}}"#,
                false,
            ),
            ("array scalar", r#"{"event":["a"]}"#, false),
            (
                "object scalar",
                r#"{"event":{"a":[1,2.5e-3,-0,{}],"b":[]}}"#,
                true,
            ),
            ("leading zero", r#"{"zz":01}"#, false),
            ("bare minus", r#"{"zz":-}"#, false),
            ("empty fraction", r#"{"zz":1.}"#, false),
            ("empty exponent", r#"{"zz":1e+}"#, false),
            ("trailing item comma", r#"{"zz":[1,],"event":"a"}"#, false),
            ("trailing member comma", r#"{"event":"a",}"#, false),
            ("bad literal", r#"{"zz":tru}"#, false),
            ("control character", "{\"event\":\"a\u{1}\"}", false),
            ("missing colon", r#"{"event" "a"}"#, false),
            ("trailing garbage", r#"{"event":"a"} x"#, false),
            ("unterminated", r#"{"event":"a""#, false),
            ("deep", &deep, false),
        ];
        for (name, body, want) in cases {
            assert_eq!(fast_path_agrees(body), *want, "{name}");
        }
    }

    #[test]
    fn string_end_stops_at_quote_escape_or_control() {
        let cases: &[(&str, &[u8], Option<usize>)] = &[
            ("short", b"ab\"", Some(2)),
            ("long", b"abcdefghijklmnopq\"x", Some(17)),
            ("quote in second word", b"abcdefgh\"", Some(8)),
            ("escape", b"abcdefghij\\\"\"", None),
            ("control", b"abcdefghijk\nl\"", None),
            ("unterminated", b"abcdefghijklmnop", None),
            ("multibyte", "ééééé\"".as_bytes(), Some(10)),
            ("empty", b"\"", Some(0)),
        ];
        for (name, input, want) in cases {
            assert_eq!(string_end(input, 0, false), *want, "{name}");
        }
    }

    #[test]
    fn first_special_finds_each_kind_at_each_offset() {
        // Neighbours of the special bytes, and their images with bit 7 set.
        let plain: &[u8] = &[
            0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0xa2, 0xdc, 0xe9, 0x80, 0xff,
        ];
        // Up to 40 bytes: two 16-byte rounds, a word and a byte tail.
        for len in 0..40 {
            for special in [b'"', b'\\', 0x00, 0x02, 0x1f] {
                for at in 0..len {
                    let mut rest: Vec<u8> = plain.iter().copied().cycle().take(len).collect();
                    rest[at] = special;
                    assert_eq!(first_special(&rest), at, "len {len}, {special:#x} at {at}");
                    // A second special byte after the first does not move it.
                    if at + 1 < len {
                        rest[at + 1] = b'"';
                        assert_eq!(
                            first_special(&rest),
                            at,
                            "len {len}, {special:#x} at {at}, twice"
                        );
                    }
                }
            }
            for &c in plain {
                assert_eq!(first_special(&vec![c; len]), len, "none in {len} of {c:#x}");
            }
        }
    }

    #[test]
    fn escapes_in_skipped_strings() {
        let cases: &[(&str, &[u8], Option<usize>)] = &[
            ("simple", b"a\\\"b\"", Some(4)),
            ("slash", b"https:\\/\\/x\"", Some(11)),
            ("unicode", b"\\u00e9x\"", Some(7)),
            ("bad escape", b"\\x\"", None),
            ("short unicode", b"\\u12\"", None),
            ("signed hex", b"\\u+123\"", None),
            ("surrogate", b"\\ud83d\\ude00\"", None),
            ("escape at end", b"abc\\", None),
        ];
        for (name, input, want) in cases {
            assert_eq!(string_end(input, 0, true), *want, "{name}");
        }
    }
}
