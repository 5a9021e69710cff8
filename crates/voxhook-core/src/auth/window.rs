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
    v.iter().try_fold(0i64, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
    })
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
}
