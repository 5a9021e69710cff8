//! `voxhook send`: one realistic signed delivery, its answer judged like the provider would.

use std::fmt::Write as _;

use crate::check::{self, display_name};
use crate::cli::SendArgs;
use crate::delivery::{self, Answer, Signed};
use crate::exit::Outcome;
use crate::retry;
use crate::secret;
use crate::style::Style;
use crate::templates;

pub(crate) async fn run(args: SendArgs) -> anyhow::Result<Outcome> {
    let provider = delivery::provider_for(&args.url, args.delivery.provider)?;
    if args.list_events {
        for kind in templates::kinds(provider) {
            let note = if templates::expects_answer(provider, kind) {
                "  (waits for VoxML)"
            } else {
                ""
            };
            outln!("{kind}{note}");
        }
        return Ok(Outcome::Passed);
    }
    let secrets = secret::from_process(&args.secret, provider)?;
    let secret = &secrets[0];
    let prepared = delivery::prepare(provider, &args.delivery)?;
    let expect_voxml = if args.answer {
        true
    } else if args.no_answer {
        false
    } else {
        templates::expects_answer(provider, &prepared.kind)
    };
    let client = delivery::client(args.timeout)?;
    let style = Style::stdout();
    let (schedule, schedule_desc) = retry::schedule(provider);
    let ids = sent_ids(&prepared);
    let mut attempt = 0usize;
    loop {
        let signed = prepared.sign(&args.url, secret)?;
        outln!(
            "{} {} {}  {}",
            style.bold("→"),
            signed.method.as_str(),
            signed.url,
            style.dim(&format!("{provider} {}{ids}", prepared.kind)),
        );
        if args.verbose {
            out!("{}", describe_request(&signed));
        }
        let problems = match delivery::send(&client, &signed).await {
            Ok(answer) => {
                out!("{}", describe_answer(&answer, style));
                check::problems(provider, expect_voxml, &answer)
            }
            Err(e) => vec![transport_problem(provider, &e)],
        };
        if problems.is_empty() {
            let what = if expect_voxml {
                format!("VoxML answer accepted for {}", display_name(provider))
            } else {
                format!("acknowledged as {} expects", display_name(provider))
            };
            outln!("{} {what}", style.good("✓"));
            return Ok(Outcome::Passed);
        }
        for p in &problems {
            outln!("{} {p}", style.bad("✗"));
        }
        if !args.retries {
            return Ok(Outcome::Failed);
        }
        let Some(delay) = retry::delay(provider, attempt, args.retry_scale) else {
            outln!(
                "{} gave up after {} attempts ({schedule_desc})",
                style.bad("✗"),
                attempt + 1
            );
            return Ok(Outcome::Failed);
        };
        attempt += 1;
        outln!(
            "{} retry {attempt}/{} in {} ({schedule_desc}); same event, signed afresh",
            style.warn("↻"),
            schedule.len(),
            humantime::format_duration(round_ms(delay)),
        );
        tokio::time::sleep(delay).await;
    }
}

/// The ids of the event as the core reads it (` call <id> from <n>`), or why it cannot be read.
fn sent_ids(p: &crate::delivery::Prepared) -> String {
    let parsed = match p.method {
        crate::cli::Method::Get => {
            voxhook_core::Event::parse_query(p.provider, &String::from_utf8_lossy(&p.payload))
        }
        crate::cli::Method::Post => {
            voxhook_core::Event::parse(p.provider, p.content_type.as_deref(), &p.payload)
        }
    };
    match parsed {
        Ok(ev) => {
            let mut s = String::new();
            if let Some(id) = ev.call_id().or(ev.event_id()) {
                let _ = write!(s, "  id {id}");
            }
            if let Some(from) = ev.from() {
                let _ = write!(s, "  from {from}");
            }
            if ev.kind() != p.kind {
                let _ = write!(s, "  (the core reads it as {})", ev.kind());
            }
            s
        }
        Err(e) => format!("  (the core cannot read this body: {e})"),
    }
}

fn round_ms(d: std::time::Duration) -> std::time::Duration {
    std::time::Duration::from_millis(d.as_millis().try_into().unwrap_or(u64::MAX))
}

/// The error chain of a failed request, and the deadline verdict for a timeout.
pub(crate) fn transport_problem(provider: voxhook_core::Provider, e: &reqwest::Error) -> String {
    let mut msg = format!("no answer: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let _ = write!(msg, ": {s}");
        source = s.source();
    }
    if e.is_timeout() {
        let _ = write!(msg, " ({} would have timed out)", display_name(provider));
    }
    msg
}

/// The request as sent, with credentials that carry the secret itself redacted.
pub(crate) fn describe_request(req: &Signed) -> String {
    let mut out = String::new();
    for (k, v) in &req.headers {
        let shown = if k.eq_ignore_ascii_case("authorization") {
            let scheme = v.split(' ').next().unwrap_or("");
            format!("{scheme} [REDACTED]")
        } else {
            v.clone()
        };
        let _ = writeln!(out, "  {k}: {shown}");
    }
    if !req.body.is_empty() {
        let _ = writeln!(out, "  {}", String::from_utf8_lossy(&req.body));
    }
    out
}

const SHOWN_HEADERS: &[&str] = &[
    "content-type",
    "voxhook-replayed",
    "retry-after",
    "www-authenticate",
    "allow",
];

/// Status, latency, the headers that matter, and the body.
pub(crate) fn describe_answer(a: &Answer, style: Style) -> String {
    let reason = http::StatusCode::from_u16(a.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let status = format!("{} {reason}", a.status);
    let status = if (200..300).contains(&a.status) {
        style.good(&status)
    } else {
        style.bad(&status)
    };
    let mut out = format!(
        "{} {status}  {:.1} ms\n",
        style.bold("←"),
        a.latency.as_secs_f64() * 1000.0
    );
    for name in SHOWN_HEADERS {
        if let Some(v) = a.header(name) {
            let _ = writeln!(out, "  {name}: {v}");
        }
    }
    if !a.body.is_empty() {
        const MAX: usize = 4096;
        let text = String::from_utf8_lossy(&a.body);
        let cut: String = text.chars().take(MAX).collect();
        let more = if text.chars().count() > MAX {
            " …"
        } else {
            ""
        };
        let _ = writeln!(out, "  {cut}{more}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Method;

    #[test]
    fn verbose_request_redacts_credentials() {
        let req = Signed {
            method: Method::Post,
            url: "http://h/tryvox/answer".into(),
            headers: vec![
                ("Authorization".into(), "Bearer hunter2".into()),
                ("X-Vobiz-Signature-V3".into(), "abc=".into()),
            ],
            body: b"{}".to_vec(),
        };
        let s = describe_request(&req);
        assert!(!s.contains("hunter2"), "{s}");
        assert!(s.contains("Bearer [REDACTED]") && s.contains("abc="), "{s}");
    }
}
