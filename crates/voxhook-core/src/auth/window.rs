//! The timestamp tolerance window of timestamped schemes.

use std::time::Duration;

use super::context::Out;
use super::{AuthError, Scheme};

/// How far a signed timestamp may be from now, in each direction.
///
/// ```
/// use std::time::Duration;
/// use voxhook_core::auth::Tolerance;
///
/// let t = Tolerance::default();
/// assert_eq!((t.past, t.future), (Duration::from_secs(300), Duration::from_secs(300)));
/// let strict = Tolerance::symmetric(Duration::from_secs(60));
/// assert_eq!(strict.future, Duration::from_secs(60));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tolerance {
    /// How old a timestamp may be.
    pub past: Duration,
    /// How far in the future a timestamp may be (clock skew).
    pub future: Duration,
}

impl Tolerance {
    /// The same window in both directions.
    pub const fn symmetric(d: Duration) -> Self {
        Tolerance { past: d, future: d }
    }
}

impl Default for Tolerance {
    /// Five minutes each way, as Standard Webhooks and Stripe use.
    fn default() -> Self {
        Self::symmetric(Duration::from_secs(300))
    }
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// Parses a Unix-seconds timestamp written as plain ASCII digits.
pub(crate) fn parse_unix(v: &[u8]) -> Option<i64> {
    if v.is_empty() || v.len() > 15 {
        return None;
    }
    // 15 digits cannot overflow an i64.
    let (high, rest) = match v.split_first_chunk::<8>() {
        Some((eight, rest)) => (eight_digits(eight)?, rest),
        None => (0, v),
    };
    rest.iter().try_fold(high, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
    })
}

/// The value of eight ASCII digits, a word at a time (today's timestamps
/// have ten digits): `None` when one is not a digit.
fn eight_digits(digits: &[u8; 8]) -> Option<i64> {
    const NIBBLES: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    const ZEROS: u64 = u64::from_le_bytes([b'0'; 8]);
    let x = u64::from_le_bytes(*digits);
    // Each byte is in '0'..='?' and stays there when 6 is added ('9' + 6 = '?'):
    // '0'..='9'. No carry crosses bytes once the first test holds.
    if x & NIBBLES != ZEROS || x.wrapping_add(0x0606_0606_0606_0606) & NIBBLES != ZEROS {
        return None;
    }
    // The first digit is the low byte. Each step joins neighbouring lanes
    // (high * 10^k + low) without a carry leaving a lane.
    let x = x - ZEROS;
    let x = (x * 10 + (x >> 8)) & 0x00ff_00ff_00ff_00ff;
    let x = (x * 100 + (x >> 16)) & 0x0000_ffff_0000_ffff;
    let x = (x * 10_000 + (x >> 32)) & 0xffff_ffff;
    i64::try_from(x).ok()
}

pub(crate) fn check(
    scheme: Scheme,
    ts: i64,
    now: i64,
    tol: Tolerance,
    out: &mut Out,
) -> Result<(), AuthError> {
    let skew = now.saturating_sub(ts);
    out.note(scheme, || {
        format!("timestamp {ts} is {skew} s from now ({now})")
    });
    if skew > secs(tol.past) {
        Err(AuthError::TimestampTooOld {
            scheme,
            skew_secs: skew,
        })
    } else if skew.saturating_neg() > secs(tol.future) {
        Err(AuthError::TimestampInFuture {
            scheme,
            skew_secs: skew.saturating_neg(),
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_table() {
        let tol = Tolerance::default();
        let cases = [
            ("now", 1000, 1000, true),
            ("edge old", 700, 1000, true),
            ("too old", 699, 1000, false),
            ("edge future", 1300, 1000, true),
            ("too far ahead", 1301, 1000, false),
        ];
        for (name, ts, now, ok) in cases {
            let got = check(Scheme::TimestampedHex, ts, now, tol, &mut Out::default());
            assert_eq!(got.is_ok(), ok, "{name}");
        }
        assert_eq!(parse_unix(b"1700000000"), Some(1_700_000_000));
        for bad in [&b""[..], b"-1", b"+1", b"1e9", b"12 "] {
            assert_eq!(parse_unix(bad), None, "{bad:?}");
        }
    }

    /// The digit-at-a-time parse the word-at-a-time one must agree with.
    fn parse_slow(v: &[u8]) -> Option<i64> {
        if v.is_empty() || v.len() > 15 {
            return None;
        }
        v.iter().try_fold(0i64, |acc, b| {
            b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
        })
    }

    #[test]
    fn parse_unix_table() {
        let cases: [(&str, &[u8], Option<i64>); 12] = [
            ("ten digits", b"1700000000", Some(1_700_000_000)),
            ("eight digits", b"12345678", Some(12_345_678)),
            ("nine digits", b"987654321", Some(987_654_321)),
            ("short", b"7", Some(7)),
            ("leading zeros", b"0000000000001", Some(1)),
            (
                "fifteen nines",
                b"999999999999999",
                Some(999_999_999_999_999),
            ),
            ("sixteen digits", b"1000000000000000", None),
            ("a letter among the first eight", b"17000a0000", None),
            ("a letter after eight", b"170000000a", None),
            ("colon right after 9", b"1700:00000", None),
            ("slash right before 0", b"1700/00000", None),
            ("a space", b"1700 00000", None),
        ];
        for (name, input, want) in cases {
            assert_eq!(parse_unix(input), want, "{name}");
        }
    }

    #[test]
    fn parse_unix_agrees_with_the_slow_parse_on_every_byte() {
        // Every byte value at every position of a ten-digit timestamp.
        let base = *b"1763840000";
        for at in 0..base.len() {
            for b in 0..=255u8 {
                let mut v = base;
                v[at] = b;
                assert_eq!(parse_unix(&v), parse_slow(&v), "{v:?}");
            }
        }
        // Many numbers of every length (a fixed LCG: no randomness needed).
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let n = x >> 14;
            let text = n.to_string();
            for len in 1..=text.len().min(15) {
                let v = &text.as_bytes()[..len];
                assert_eq!(parse_unix(v), parse_slow(v), "{text}");
            }
        }
    }
}
