//! RFC 3339 timestamps without a date-time dependency.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An instant sent by a provider, kept in UTC with nanosecond precision.
///
/// Only timestamps that carry a zone (`Z` or `±hh:mm`) are parsed: a
/// zone-less local time (such as Vobiz `StartTime`) is never guessed into a
/// `Timestamp` and stays in the raw fields as sent.
///
/// ```
/// use voxhook_core::event::Timestamp;
///
/// let t = Timestamp::parse_rfc3339("2026-04-09T10:30:45.123Z").unwrap();
/// assert_eq!(t.unix_seconds(), 1_775_730_645);
/// assert_eq!(t.to_string(), "2026-04-09T10:30:45.123Z");
/// let t = Timestamp::parse_rfc3339("2026-04-09T12:30:45+02:00").unwrap();
/// assert_eq!(t.to_string(), "2026-04-09T10:30:45Z");
/// assert!(Timestamp::parse_rfc3339("2026-04-09 10:30:45").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
}

impl Timestamp {
    /// A timestamp from seconds since the Unix epoch and a sub-second part.
    /// Returns `None` when `nanos` is a second or more, or when the instant
    /// is outside the years 0000 to 9999 (which RFC 3339 cannot write).
    pub const fn from_unix(secs: i64, nanos: u32) -> Option<Timestamp> {
        if nanos >= 1_000_000_000 || secs < MIN_SECS || secs > MAX_SECS {
            return None;
        }
        Some(Timestamp { secs, nanos })
    }

    /// Parses an RFC 3339 date-time with a zone (`T` or a space between date and time).
    pub fn parse_rfc3339(s: &str) -> Option<Timestamp> {
        parse_utc_seconds(s.as_bytes()).or_else(|| parse_general(s))
    }

    /// Seconds since the Unix epoch.
    pub const fn unix_seconds(&self) -> i64 {
        self.secs
    }

    /// The sub-second part, in nanoseconds.
    pub const fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Milliseconds since the Unix epoch.
    pub const fn unix_millis(&self) -> i64 {
        self.secs * 1000 + (self.nanos / 1_000_000) as i64
    }

    /// The instant as a [`SystemTime`].
    pub fn to_system_time(&self) -> SystemTime {
        let sub = Duration::from_nanos(u64::from(self.nanos));
        match u64::try_from(self.secs) {
            Ok(s) => UNIX_EPOCH + Duration::from_secs(s) + sub,
            Err(_) => UNIX_EPOCH - Duration::from_secs(self.secs.unsigned_abs()) + sub,
        }
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC (`Z`), with as many fraction digits as needed (0, 3, 6 or 9).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )?;
        let n = self.nanos;
        if n == 0 {
        } else if n.is_multiple_of(1_000_000) {
            write!(f, ".{:03}", n / 1_000_000)?;
        } else if n.is_multiple_of(1000) {
            write!(f, ".{:06}", n / 1000)?;
        } else {
            write!(f, ".{n:09}")?;
        }
        f.write_str("Z")
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse_rfc3339(&s)
            .ok_or_else(|| serde::de::Error::custom("timestamp is not RFC 3339 with a zone"))
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the usual form, without the general parser's
/// scanning; `None` for anything else (left to [`parse_general`]).
fn parse_utc_seconds(b: &[u8]) -> Option<Timestamp> {
    let [
        y0,
        y1,
        y2,
        y3,
        b'-',
        m0,
        m1,
        b'-',
        d0,
        d1,
        b'T',
        h0,
        h1,
        b':',
        i0,
        i1,
        b':',
        s0,
        s1,
        b'Z',
    ] = *b
    else {
        return None;
    };
    // Every digit checked at once, then read without further checks.
    let digits = [y0, y1, y2, y3, m0, m1, d0, d1, h0, h1, i0, i1, s0, s1];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let two = |a: u8, b: u8| i64::from(a - b'0') * 10 + i64::from(b - b'0');
    let (year, month, day) = (two(y0, y1) * 100 + two(y2, y3), two(m0, m1), two(d0, d1));
    let (hour, minute, second) = (two(h0, h1), two(i0, i1), two(s0, s1));
    if !valid_fields(year, month, day, hour, minute, second) {
        return None;
    }
    let secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    Timestamp::from_unix(secs, 0)
}

/// Any RFC 3339 date-time with a zone.
fn parse_general(s: &str) -> Option<Timestamp> {
    let b = s.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0i64, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let sep = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !valid_fields(year, month, day, hour, minute, second) {
        return None;
    }
    let mut i = 19;
    let mut nanos: u32 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(d - b'0');
            }
            i += 1;
        }
        let n = i - start;
        if n == 0 {
            return None;
        }
        for _ in n..9 {
            nanos *= 10;
        }
    }
    let offset = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let off = h * 3600 + m * 60;
            if *sign == b'-' { -off } else { off }
        }
        _ => return None,
    };
    // A leap second is folded onto the next second's start.
    let secs =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Timestamp::from_unix(secs, nanos)
}

#[inline(always)]
fn valid_fields(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64) -> bool {
    (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
        && hour <= 23
        && minute <= 59
        && second <= 60
}

/// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
const MIN_SECS: i64 = -62_167_219_200;
const MAX_SECS: i64 = 253_402_300_799;

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian).
#[inline(always)]
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        let cases = [
            (
                "utc millis",
                "2026-04-09T10:30:45.123Z",
                Some("2026-04-09T10:30:45.123Z"),
            ),
            (
                "utc plain",
                "2025-02-09T12:00:00Z",
                Some("2025-02-09T12:00:00Z"),
            ),
            (
                "offset",
                "2025-01-01T00:30:00+01:00",
                Some("2024-12-31T23:30:00Z"),
            ),
            (
                "negative offset",
                "2024-02-28T23:00:00-02:00",
                Some("2024-02-29T01:00:00Z"),
            ),
            (
                "micros",
                "2024-01-01T00:00:00.000001Z",
                Some("2024-01-01T00:00:00.000001Z"),
            ),
            (
                "space",
                "2024-01-01 00:00:00Z",
                Some("2024-01-01T00:00:00Z"),
            ),
            (
                "pre-epoch",
                "1969-12-31T23:59:59Z",
                Some("1969-12-31T23:59:59Z"),
            ),
            ("no zone", "2025-10-30 10:30:00", None),
            ("bad day", "2025-02-30T00:00:00Z", None),
            ("empty fraction", "2025-02-01T00:00:00.Z", None),
            ("garbage", "yesterday", None),
            ("multibyte", "2025-02-01T00:00:00é", None),
            ("offset before year 0", "0000-01-01T00:00:00+01:00", None),
            (
                "leap second",
                "2016-12-31T23:59:60Z",
                Some("2017-01-01T00:00:00Z"),
            ),
            ("month 13", "2025-13-01T00:00:00Z", None),
            ("hour 24", "2025-01-01T24:00:00Z", None),
            (
                "lower-case z",
                "2025-01-01T00:00:00z",
                Some("2025-01-01T00:00:00Z"),
            ),
            (
                "year 0",
                "0000-01-01T00:00:00Z",
                Some("0000-01-01T00:00:00Z"),
            ),
            (
                "leading space",
                " 2025-01-01T00:00:00Z",
                Some("2025-01-01T00:00:00Z"),
            ),
            ("signed digit", "2025-01-01T00:00:0+Z", None),
            (
                "last second",
                "9999-12-31T23:59:59Z",
                Some("9999-12-31T23:59:59Z"),
            ),
        ];
        for (name, input, want) in cases {
            let got = Timestamp::parse_rfc3339(input).map(|t| t.to_string());
            assert_eq!(got.as_deref(), want, "{name}");
            assert_eq!(
                Timestamp::parse_rfc3339(input),
                parse_general(input),
                "{name}: the fast path agrees"
            );
        }
    }

    #[test]
    fn fast_path_agrees_with_every_byte_at_every_position() {
        for base in [
            "2025-02-02T14:30:00Z",
            "2024-02-29T23:59:60Z",
            "0000-01-01T00:00:00Z",
        ] {
            for at in 0..base.len() {
                for byte in 0..=u8::MAX {
                    let mut b = base.as_bytes().to_vec();
                    b[at] = byte;
                    let fast = parse_utc_seconds(&b);
                    let Ok(text) = std::str::from_utf8(&b) else {
                        assert_eq!(fast, None, "{b:?}");
                        continue;
                    };
                    // The fast path only ever answers what the general one does.
                    if fast.is_some() {
                        assert_eq!(fast, parse_general(text), "{text}");
                    }
                    let plain_digit_change =
                        base.as_bytes()[at].is_ascii_digit() && byte.is_ascii_digit();
                    if plain_digit_change && parse_general(text).is_some() {
                        assert_eq!(fast, parse_general(text), "{text}: the fast path reads it");
                    }
                }
            }
        }
        let short_or_long = ["2025-02-02T14:30:00", "2025-02-02T14:30:00Z ", ""];
        for text in short_or_long {
            assert_eq!(parse_utc_seconds(text.as_bytes()), None, "{text:?}");
        }
    }

    #[test]
    fn epoch_values() {
        let t = Timestamp::parse_rfc3339("1970-01-01T00:00:01.5Z").unwrap();
        assert_eq!(
            (t.unix_seconds(), t.subsec_nanos(), t.unix_millis()),
            (1, 500_000_000, 1500)
        );
        assert_eq!(t.to_system_time(), UNIX_EPOCH + Duration::from_millis(1500));
    }
}
