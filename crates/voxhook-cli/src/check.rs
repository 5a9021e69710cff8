//! Judging an answer the way the provider would: status, deadline, VoxML.

use std::sync::OnceLock;
use std::time::Duration;

use voxhook_core::{Provider, voxml};

use crate::delivery::{Answer, is_success};

/// The display name providers use for themselves.
pub(crate) fn display_name(provider: Provider) -> &'static str {
    match provider {
        Provider::TryVox => "TryVox",
        Provider::Voxtelesys => "Voxtelesys",
        Provider::VoxPria => "VoxPria",
        Provider::Vobiz => "Vobiz",
        _ => "The provider",
    }
}

/// The reason in a voxhook-style rejection body `{"error":..,"detail":..}`, if it is one.
pub(crate) fn rejection_reason(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let kind = v.get("error")?.as_str()?;
    let detail = v.get("detail").and_then(|d| d.as_str()).unwrap_or("");
    Some(
        format!("{kind}: {detail}")
            .trim_end_matches([':', ' '])
            .to_string(),
    )
}

/// The environment variable that scales provider deadlines (tests only; not in `--help`).
const DEADLINE_SCALE_ENV: &str = "VOXHOOK_DEADLINE_SCALE";

/// How long the provider waits for an answer (scaled by `VOXHOOK_DEADLINE_SCALE` when set,
/// so tests need not wait whole seconds).
pub(crate) fn deadline(provider: Provider) -> Duration {
    static SCALE: OnceLock<f64> = OnceLock::new();
    let scale = *SCALE.get_or_init(|| {
        std::env::var(DEADLINE_SCALE_ENV)
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(1.0)
    });
    provider.deadline().mul_f64(scale)
}

/// The deadline as people say it: `3 s`, `30 ms`.
pub(crate) fn show_deadline(provider: Provider) -> String {
    let d = deadline(provider);
    if d.subsec_millis() == 0 && d.as_secs() > 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// The deadline problem, if the answer came after the provider would have hung up.
pub(crate) fn deadline_problem(provider: Provider, latency: Duration) -> Option<String> {
    (latency > deadline(provider)).then(|| {
        format!(
            "{} would have timed out: answered in {:.2} s, the deadline is {}",
            display_name(provider),
            latency.as_secs_f64(),
            show_deadline(provider)
        )
    })
}

/// Every problem with an answer; empty means the provider would be satisfied.
pub(crate) fn problems(provider: Provider, expect_voxml: bool, answer: &Answer) -> Vec<String> {
    let mut out = Vec::new();
    if !is_success(provider, answer.status) {
        let reason = rejection_reason(&answer.body)
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        let needs = if provider == Provider::Vobiz {
            "200"
        } else {
            "a 2xx"
        };
        out.push(format!(
            "rejected: HTTP {}{reason}; {} needs {needs}",
            answer.status,
            display_name(provider)
        ));
    }
    out.extend(deadline_problem(provider, answer.latency));
    if expect_voxml && out.is_empty() {
        out.extend(voxml_problems(
            provider,
            answer.header("content-type"),
            &answer.body,
        ));
    }
    out
}

/// Problems with a VoxML answer for `provider`'s dialect (content type, size,
/// well-formedness, verbs, attributes, nesting and values, as the core checks them).
pub(crate) fn voxml_problems(
    provider: Provider,
    content_type: Option<&str>,
    body: &[u8],
) -> Vec<String> {
    if body.trim_ascii().is_empty() {
        return vec![
            "expected a VoxML answer, got an empty body (pass --no-answer if this URL only acknowledges)"
                .to_string(),
        ];
    }
    match voxml::check(provider, content_type, body) {
        Ok(()) => Vec::new(),
        Err(problems) => problems
            .iter()
            .map(|p| format!("invalid {} VoxML: {p}", display_name(provider)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, ct: &str, body: &str, ms: u64) -> Answer {
        let mut headers = http::HeaderMap::new();
        headers.insert("content-type", ct.parse().unwrap());
        Answer {
            status,
            headers,
            body: bytes::Bytes::from(body.to_string()),
            latency: Duration::from_millis(ms),
        }
    }

    #[test]
    fn judged_like_the_provider() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?><Response><Speak>Hi</Speak></Response>"#;
        let cases = [
            (
                "good vobiz answer",
                Provider::Vobiz,
                true,
                answer(200, "application/xml", xml, 10),
                None,
            ),
            (
                "vobiz late",
                Provider::Vobiz,
                true,
                answer(200, "application/xml", xml, 3200),
                Some("Vobiz would have timed out"),
            ),
            (
                "tryvox 4.9 s is in time",
                Provider::TryVox,
                false,
                answer(200, "text/plain", "", 4900),
                None,
            ),
            (
                "vobiz 204",
                Provider::Vobiz,
                false,
                answer(204, "text/plain", "", 5),
                Some("Vobiz needs 200"),
            ),
            (
                "rejection reason",
                Provider::VoxPria,
                false,
                answer(
                    403,
                    "application/json",
                    r#"{"error":"signature_mismatch","detail":"The webhook signature does not match."}"#,
                    5,
                ),
                Some("signature_mismatch: The webhook signature does not match."),
            ),
            (
                "empty answer",
                Provider::Vobiz,
                true,
                answer(200, "application/xml", "", 5),
                Some("empty body"),
            ),
            (
                "json for xml dialect",
                Provider::Voxtelesys,
                true,
                answer(200, "application/json", "{}", 5),
                Some("invalid Voxtelesys VoxML"),
            ),
            (
                "bad verb",
                Provider::Vobiz,
                true,
                answer(
                    200,
                    "application/xml",
                    "<Response><Say>x</Say></Response>",
                    5,
                ),
                Some("Response/Say"),
            ),
        ];
        for (name, p, voxml, a, want) in cases {
            let got = problems(p, voxml, &a);
            match want {
                None => assert!(got.is_empty(), "{name}: {got:?}"),
                Some(w) => assert!(got.iter().any(|g| g.contains(w)), "{name}: {got:?}"),
            }
        }
    }
}
