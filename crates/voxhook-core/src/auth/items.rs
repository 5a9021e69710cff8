//! The comma-separated items of a signature header value (`t=..,v1=..`),
//! found eight bytes at a time instead of one.

/// `0x01` in every byte of a word.
const ONES: u64 = u64::from_le_bytes([1; 8]);
/// `0x80` in every byte of a word.
const HIGHS: u64 = ONES << 7;
/// `,` in every byte of a word.
const COMMAS: u64 = u64::from_le_bytes([b','; 8]);

/// The index of the first `,` in `s` at or after `from`, or `s.len()`.
#[inline]
fn next_comma(s: &[u8], from: usize) -> usize {
    let mut at = from;
    // Blocks without a comma are skipped 32 bytes at a time (an OR of
    // compares with no early exit: two vector compares); the block with one
    // is searched a word at a time.
    while let Some(block) = s.get(at..at + 32) {
        let Ok(block) = <&[u8; 32]>::try_from(block) else {
            break;
        };
        if block.iter().fold(false, |any, &b| any | (b == b',')) {
            break;
        }
        at += 32;
    }
    while let Some(chunk) = s.get(at..at + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        // The bytes equal to `,` become zero; `(x - 1) & !x` has the high
        // bit of a byte set when it was zero. Bits above a zero byte may be
        // set spuriously (the borrow), never below: the lowest set bit is the
        // first comma.
        let x = u64::from_le_bytes(word) ^ COMMAS;
        let zeros = x.wrapping_sub(ONES) & !x & HIGHS;
        if zeros != 0 {
            return at + (zeros.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&b) = s.get(at) {
        if b == b',' {
            return at;
        }
        at += 1;
    }
    s.len()
}

/// Calls `f` with each item of `value` split at `,`, in order, trimmed of
/// ASCII whitespace (empty items included, as `split` would give them).
#[inline]
pub(crate) fn for_each<'a>(value: &'a [u8], mut f: impl FnMut(&'a [u8])) {
    let mut start = 0;
    loop {
        let end = next_comma(value, start);
        f(trim(value.get(start..end).unwrap_or_default()));
        if end >= value.len() {
            break;
        }
        start = end + 1;
    }
}

/// `s` without leading and trailing ASCII whitespace; bytes above `b' '`
/// are never whitespace, so the usual item is returned without a loop.
#[inline]
pub(crate) fn trim(s: &[u8]) -> &[u8] {
    match s {
        [first, .., last] if *first > b' ' && *last > b' ' => s,
        _ => s.trim_ascii(),
    }
}

/// What follows `key` in `item`, when `item` starts with it (a fixed-size
/// compare: no `memcmp` call).
#[inline]
pub(crate) fn strip<'a, const N: usize>(item: &'a [u8], key: &[u8; N]) -> Option<&'a [u8]> {
    let (head, value) = item.split_first_chunk::<N>()?;
    (head == key).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(value: &[u8]) -> Vec<&[u8]> {
        let mut v = Vec::new();
        for_each(value, |item| v.push(item));
        v
    }

    #[test]
    fn next_comma_agrees_with_position() {
        let mut s = Vec::new();
        for len in 0..100 {
            for at in 0..=len {
                s.clear();
                // Bytes around `,` (0x2c) and high ones, which the word trick
                // must not take for a comma.
                s.extend(
                    (0..len).map(|i| [0x2b, 0x2d, 0xac, 0x80, 0x00, b'a', 0x2c ^ 0x80][i % 7]),
                );
                if let Some(b) = s.get_mut(at) {
                    *b = b',';
                }
                for from in 0..=len {
                    let want = s
                        .iter()
                        .skip(from)
                        .position(|&b| b == b',')
                        .map_or(len, |i| from + i);
                    assert_eq!(
                        next_comma(&s, from),
                        want,
                        "len {len}, comma at {at}, from {from}"
                    );
                }
            }
        }
        assert_eq!(next_comma(b",,,,,,,,,", 0), 0);
        assert_eq!(next_comma(b"aaaaaaa,,", 0), 7);
        assert_eq!(next_comma(b"aaaaaaa,,", 8), 8);
        assert_eq!(next_comma(b"ab", 5), 2);
    }

    #[test]
    fn items_table() {
        struct Case {
            name: &'static str,
            value: &'static str,
            items: &'static [&'static str],
        }
        let cases = [
            Case {
                name: "empty",
                value: "",
                items: &[""],
            },
            Case {
                name: "one",
                value: "t=1",
                items: &["t=1"],
            },
            Case {
                name: "spaces trimmed",
                value: " t=1 ,\tv1=ab , v1=cd",
                items: &["t=1", "v1=ab", "v1=cd"],
            },
            Case {
                name: "empty items kept",
                value: ",t=1,,",
                items: &["", "t=1", "", ""],
            },
            Case {
                name: "long items",
                value: "t=1700000000,v1=0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd",
                items: &[
                    "t=1700000000",
                    "v1=0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd",
                ],
            },
        ];
        for c in cases {
            let got = items(c.value.as_bytes());
            let want: Vec<&[u8]> = c
                .value
                .as_bytes()
                .split(|b| *b == b',')
                .map(<[u8]>::trim_ascii)
                .collect();
            assert_eq!(got, want, "{} (as split)", c.name);
            let want: Vec<&[u8]> = c.items.iter().map(|s| s.as_bytes()).collect();
            assert_eq!(got, want, "{}", c.name);
        }
    }

    #[test]
    fn trim_agrees_with_trim_ascii() {
        for s in [
            &b""[..],
            b" ",
            b"a",
            b" a",
            b"a ",
            b"\ta\r\n",
            b"ab",
            b"a b",
            b"\x0cab\x0b",
            b"\x80\xff",
            b"!~",
        ] {
            assert_eq!(trim(s), s.trim_ascii(), "{s:?}");
        }
    }

    #[test]
    fn strip_table() {
        assert_eq!(strip(b"t=1", b"t="), Some(&b"1"[..]));
        assert_eq!(strip(b"t=", b"t="), Some(&b""[..]));
        assert_eq!(strip(b"t", b"t="), None);
        assert_eq!(strip(b"v1=ab", b"t="), None);
        assert_eq!(strip(b"v1=ab", b"v1="), Some(&b"ab"[..]));
        assert_eq!(strip(b"V1=ab", b"v1="), None);
    }
}
