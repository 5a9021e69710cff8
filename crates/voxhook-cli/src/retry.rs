//! Provider retry schedules, for `send --retries`.

use std::time::Duration;

use voxhook_core::Provider;

/// The delays before each retry, and where the schedule comes from.
pub(crate) fn schedule(provider: Provider) -> (&'static [u64], &'static str) {
    match provider {
        Provider::TryVox => (&[1, 4, 16], "TryVox: 3 retries after 1 s, 4 s, 16 s"),
        // Vobiz documents "up to 3 retries with exponential backoff" without the delays.
        Provider::Vobiz => (
            &[1, 2, 4],
            "Vobiz: up to 3 retries, exponential backoff (1 s, 2 s, 4 s assumed)",
        ),
        // VoxPria: "Immediate, 1min, 5min, 30min, 2hr, 12hr", 6 attempts in all.
        Provider::VoxPria => (
            &[60, 300, 1800, 7200, 43200],
            "VoxPria: 5 retries after 1 min, 5 min, 30 min, 2 h, 12 h",
        ),
        // Voxtelesys documents exponential backoff without counts or delays.
        _ => (
            &[1, 2, 4],
            "Voxtelesys: exponential backoff (3 retries, 1 s, 2 s, 4 s assumed)",
        ),
    }
}

/// The delay before retry `n` (0-based) scaled by `scale`, or `None` past the schedule.
pub(crate) fn delay(provider: Provider, n: usize, scale: f64) -> Option<Duration> {
    let secs = *schedule(provider).0.get(n)?;
    Some(Duration::from_secs_f64(
        (secs as f64 * scale.max(0.0)).min(86_400.0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_follow_the_providers() {
        let cases = [
            ("tryvox first", Provider::TryVox, 0, Some(1000)),
            ("tryvox last", Provider::TryVox, 2, Some(16000)),
            ("tryvox past", Provider::TryVox, 3, None),
            ("vobiz third", Provider::Vobiz, 2, Some(4000)),
            ("vobiz past", Provider::Vobiz, 3, None),
            ("voxpria fifth", Provider::VoxPria, 4, Some(43_200_000)),
            ("voxpria past", Provider::VoxPria, 5, None),
        ];
        for (name, p, n, want) in cases {
            let got = delay(p, n, 1.0).map(|d| d.as_millis() as u64);
            assert_eq!(got, want, "{name}");
        }
        assert_eq!(
            delay(Provider::TryVox, 2, 0.001),
            Some(Duration::from_millis(16))
        );
    }
}
