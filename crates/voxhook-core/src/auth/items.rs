//! The comma-separated items of a signature header value (`t=..,v1=..`),
//! found eight bytes at a time instead of one.

/// `0x01` in every byte of a word.
const ONES: u64 = u64::from_le_bytes([1; 8]);
/// `0x80` in every byte of a word.
const HIGHS: u64 = ONES << 7;
/// `,` in every byte of a word.
const COMMAS: u64 = u64::from_le_bytes([b','; 8]);

/// The index of the first `,` in `s`.
fn find_comma(s: &[u8]) -> Option<usize> {
    let mut chunks = s.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
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
            return Some(at + (zeros.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b',')
        .map(|i| at + i)
}

/// The items of `value` split at each `,`, trimmed of ASCII whitespace
/// (empty items included, as `split` would give them).
#[derive(Debug, Clone)]
pub(crate) struct Items<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Items<'a> {
    #[inline]
    pub(crate) fn new(value: &'a [u8]) -> Self {
        Items { rest: Some(value) }
    }

    /// The value of the first item starting with `key` (e.g. `t=`), trimmed.
    #[inline]
    pub(crate) fn first<const N: usize>(self, key: &[u8; N]) -> Option<&'a [u8]> {
        self.values(key).next()
    }

    /// The values of the items starting with `key`, trimmed.
    #[inline]
    pub(crate) fn values<const N: usize>(self, key: &[u8; N]) -> impl Iterator<Item = &'a [u8]> {
        self.filter_map(move |item| {
            // A fixed-size compare: no `memcmp` call per item.
            let (head, value) = item.split_first_chunk::<N>()?;
            (head == key).then(|| value.trim_ascii())
        })
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        let item = match find_comma(rest).and_then(|i| rest.split_at_checked(i)) {
            Some((item, tail)) => {
                self.rest = tail.get(1..);
                item
            }
            None => {
                self.rest = None;
                rest
            }
        };
        Some(item.trim_ascii())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_comma_agrees_with_position() {
        let mut s = Vec::new();
        for len in 0..40 {
            for at in 0..=len {
                s.clear();
                // Bytes around `,` (0x2c) and high ones, which the word trick
                // must not take for a comma.
                s.extend((0..len).map(|i| [0x2b, 0x2d, 0xac, 0x80, 0x00, b'a'][i % 6]));
                if let Some(b) = s.get_mut(at) {
                    *b = b',';
                }
                let want = s.iter().position(|&b| b == b',');
                assert_eq!(find_comma(&s), want, "len {len}, comma at {at}");
            }
        }
        assert_eq!(find_comma(b",,,,,,,,,"), Some(0));
        assert_eq!(find_comma(b"aaaaaaa,,"), Some(7));
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
            let got: Vec<&[u8]> = Items::new(c.value.as_bytes()).collect();
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
    fn first_and_values_table() {
        let value = b"v1= ab ,t=1, t=2,v0=x,v1=cd";
        assert_eq!(Items::new(value).first(b"t="), Some(&b"1"[..]));
        assert_eq!(Items::new(value).first(b"v2="), None);
        let v1: Vec<&[u8]> = Items::new(value).values(b"v1=").collect();
        assert_eq!(v1, [&b"ab"[..], b"cd"]);
    }
}
