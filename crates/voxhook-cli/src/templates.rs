//! Built-in deliveries: every provider × normalized kind, in that provider's wire shape
//! (the seeds and `providers.md`), with fresh realistic ids.

use serde_json::{Map, Value, json};
use voxhook_core::Provider;

use crate::exit::usage;
use crate::ids;

/// A wire payload: a JSON object or form fields in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Payload {
    /// `application/json`.
    Json(Value),
    /// `application/x-www-form-urlencoded` (or the query of a GET).
    Form(Vec<(String, String)>),
}

impl Payload {
    pub(crate) fn content_type(&self) -> &'static str {
        match self {
            Payload::Json(_) => "application/json",
            Payload::Form(_) => "application/x-www-form-urlencoded",
        }
    }

    /// The encoded body (compact JSON, or a form).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        match self {
            Payload::Json(v) => v.to_string().into_bytes(),
            Payload::Form(f) => form_encode(f).into_bytes(),
        }
    }

    /// Sets `key` to `value`: a form field (replaced or appended), or a JSON member
    /// (`a.b` reaches into objects; a value that parses as JSON is kept as JSON).
    fn set(&mut self, key: &str, value: &str) {
        match self {
            Payload::Form(fields) => match fields.iter_mut().find(|(k, _)| k == key) {
                Some((_, v)) => *v = value.to_string(),
                None => fields.push((key.to_string(), value.to_string())),
            },
            Payload::Json(root) => {
                let parsed = serde_json::from_str::<Value>(value)
                    .ok()
                    .filter(|v| !v.is_string())
                    .unwrap_or_else(|| Value::String(value.to_string()));
                let mut node = root;
                let mut parts = key.split('.').peekable();
                while let Some(part) = parts.next() {
                    if !node.is_object() {
                        *node = Value::Object(Map::new());
                    }
                    let Value::Object(obj) = node else { return };
                    if parts.peek().is_none() {
                        obj.insert(part.to_string(), parsed);
                        return;
                    }
                    node = obj.entry(part.to_string()).or_insert_with(|| json!({}));
                }
            }
        }
    }
}

pub(crate) fn form_encode(fields: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields.iter())
        .finish()
}

/// The kinds each provider has templates for.
pub(crate) fn kinds(provider: Provider) -> &'static [&'static str] {
    match provider {
        Provider::TryVox => &[
            "call.initiated",
            "call.ringing",
            "call.answered",
            "call.completed",
            "call.failed",
            "call.status",
        ],
        Provider::Voxtelesys => &[
            "call.initiated",
            "call.ringing",
            "call.answered",
            "call.completed",
            "call.failed",
            "call.gather",
            "call.dial",
            "call.recording",
            "message.status",
            "message.received",
        ],
        Provider::VoxPria => &[
            "call.initiated",
            "call.answered",
            "call.completed",
            "call.failed",
            "campaign.started",
            "campaign.paused",
            "campaign.completed",
            "campaign.finished",
            "contact.created",
            "contact.updated",
            "credit.low",
        ],
        Provider::Vobiz => &[
            "call.initiated",
            "call.ringing",
            "call.answered",
            "call.completed",
            "call.failed",
            "call.recording",
            "call.gather",
            "call.dial",
            "call.machine_detection",
        ],
        _ => &[],
    }
}

/// Whether the provider usually waits for VoxML on this kind (answer URL, voice URL, verb actions).
pub(crate) fn expects_answer(provider: Provider, kind: &str) -> bool {
    match provider {
        Provider::TryVox => matches!(kind, "call.answered" | "call.status"),
        Provider::Voxtelesys => matches!(
            kind,
            "call.ringing" | "call.answered" | "call.gather" | "call.dial"
        ),
        Provider::Vobiz => matches!(kind, "call.answered" | "call.gather" | "call.dial"),
        _ => false,
    }
}

/// What the user overrides in a template.
#[derive(Debug, Default, Clone)]
pub(crate) struct Overrides {
    pub(crate) call_id: Option<String>,
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
    /// `key=value` pairs applied last.
    pub(crate) set: Vec<String>,
}

/// The ids and numbers one delivery uses.
struct Parts {
    call_id: String,
    from: String,
    to: String,
}

/// Builds the delivery for `provider` and `kind`, with fresh ids and the overrides applied.
///
/// # Errors
/// A usage error when the provider has no template for `kind` or a `--set` is not `key=value`.
pub(crate) fn build(provider: Provider, kind: &str, ov: &Overrides) -> anyhow::Result<Payload> {
    let default_call_id = match provider {
        Provider::Voxtelesys => ids::hex_id("CA", 32),
        Provider::VoxPria => ids::alnum_id("call_", 12),
        _ => ids::uuid_v4(),
    };
    let parts = Parts {
        call_id: ov.call_id.clone().unwrap_or(default_call_id),
        from: ov
            .from
            .clone()
            .unwrap_or_else(|| "+919876543210".to_string()),
        to: ov.to.clone().unwrap_or_else(|| "+14155551234".to_string()),
    };
    let payload = match provider {
        Provider::TryVox => tryvox(kind, &parts),
        Provider::Voxtelesys => voxtelesys(kind, &parts),
        Provider::VoxPria => voxpria(kind, &parts),
        Provider::Vobiz => vobiz(kind, &parts),
        _ => None,
    };
    let mut payload = payload.ok_or_else(|| {
        usage(format!(
            "no {provider} template for {kind:?}; {provider} has: {}",
            kinds(provider).join(", ")
        ))
    })?;
    for kv in &ov.set {
        let (k, v) = kv
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| usage(format!("--set expects KEY=VALUE, got {kv:?}")))?;
        payload.set(k, v);
    }
    Ok(payload)
}

fn tryvox(kind: &str, p: &Parts) -> Option<Payload> {
    let (event, status) = match kind {
        "call.initiated" => ("call.initiated", "queued"),
        "call.ringing" => ("call.ringing", "ringing"),
        "call.answered" => ("call.answered", "answered"),
        "call.completed" => ("call.ended", "completed"),
        "call.failed" => ("call.ended", "no-answer"),
        "call.status" => {
            // A verb callback (Redirect): no `event`, `call_status` instead of `status`.
            return Some(Payload::Json(json!({
                "call_uuid": p.call_id,
                "account_id": "AC123456",
                "from": p.from,
                "to": p.to,
                "call_status": "in-progress",
                "direction": "inbound",
            })));
        }
        _ => return None,
    };
    let mut v = json!({
        "event": event,
        "call_uuid": p.call_id,
        "account_id": "AC123456",
        "from": p.from,
        "to": p.to,
        "direction": "outbound",
        "status": status,
        "timestamp": ids::now_rfc3339_millis(),
    });
    if event == "call.ended" {
        let (duration, reason) = if status == "completed" {
            (125, "hangup")
        } else {
            (0, "no-answer")
        };
        v["duration"] = json!(duration);
        v["end_reason"] = json!(reason);
    }
    Some(Payload::Json(v))
}

fn form(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn voxtelesys(kind: &str, p: &Parts) -> Option<Payload> {
    match kind {
        "message.status" => {
            return Some(Payload::Json(json!({
                "type": "per_recipient",
                "batch_id": ids::uuid_v4(),
                "message_id": ids::uuid_v4(),
                "tag": "voxhook-test",
                "to": [p.to],
                "status": "delivered",
                "time": ids::now_rfc3339(),
                "error": {"code": "0", "description": "None"},
            })));
        }
        "message.received" => {
            return Some(Payload::Json(json!({
                "type": "mo",
                "to": p.to,
                "from": p.from,
                "body": "Hello from voxhook",
                "media": [],
                "received_at": ids::now_rfc3339(),
            })));
        }
        _ => {}
    }
    let (status, direction) = match kind {
        "call.initiated" => ("queued", "outbound-api"),
        "call.ringing" => ("ringing", "inbound"),
        "call.answered" | "call.gather" | "call.dial" | "call.recording" => {
            ("in-progress", "inbound")
        }
        "call.completed" => ("completed", "inbound"),
        "call.failed" => ("no-answer", "outbound-api"),
        _ => return None,
    };
    let mut f = form(&[
        ("CallSid", &p.call_id),
        ("AccountID", "100234"),
        ("TrunkID", "90001"),
        ("From", &p.from),
        ("To", &p.to),
        ("CallStatus", status),
        ("ApiVersion", "v1"),
        ("Direction", direction),
        ("CallerName", "VOXHOOK TEST"),
        ("FromCity", "SAN FRANCISCO"),
        ("FromState", "CA"),
        ("FromCountry", "US"),
    ]);
    let extra: &[(&str, &str)] = match kind {
        "call.completed" => &[("CallDuration", "125")],
        "call.gather" => &[("Digits", "1234"), ("FinishedOnKey", "#")],
        "call.dial" => &[
            ("DialCallStatus", "completed"),
            ("DialCallDuration", "42"),
            ("DialBridged", "true"),
        ],
        "call.recording" => &[
            ("RecordingStatus", "completed"),
            ("RecordingDuration", "31"),
            ("RecordingChannels", "1"),
            ("RecordingSource", "RecordVerb"),
        ],
        _ => &[],
    };
    f.extend(form(extra));
    match kind {
        "call.dial" => f.push(("DialCallSid".into(), ids::hex_id("CA", 32))),
        "call.recording" => {
            let sid = ids::hex_id("RE", 32);
            f.push((
                "RecordingUrl".into(),
                format!("https://recordings.example.com/{sid}.mp3"),
            ));
            f.push(("RecordingSid".into(), sid));
        }
        _ => {}
    }
    f.push(("Vars".into(), json!({"source": "voxhook-cli"}).to_string()));
    Some(Payload::Form(f))
}

fn voxpria(kind: &str, p: &Parts) -> Option<Payload> {
    let campaign_id = ids::alnum_id("camp_", 6);
    let contact_id = ids::alnum_id("cont_", 6);
    let (event, data) = match kind {
        "call.initiated" | "call.answered" | "call.completed" | "call.failed" => {
            let (event, status) = match kind {
                "call.initiated" => ("call.started", "initiated"),
                "call.answered" => ("call.answered", "answered"),
                "call.completed" => ("call.ended", "answered"),
                _ => ("call.failed", "failed"),
            };
            let mut d = json!({
                "call_id": p.call_id,
                "campaign_id": campaign_id,
                "contact_id": contact_id,
                "phone_number": p.to,
                "status": status,
            });
            if kind == "call.completed" {
                d["duration"] = json!(127);
                d["recording_url"] =
                    json!(format!("https://recordings.example.com/{}.mp3", p.call_id));
                d["transcript"] = json!("Customer confirmed the appointment.");
                d["variables"] =
                    json!({"appointment_confirmed": true, "appointment_date": "2025-02-10"});
            }
            (event, d)
        }
        "campaign.started" | "campaign.paused" | "campaign.completed" | "campaign.finished" => (
            kind,
            json!({
                "id": campaign_id,
                "name": "Q1 Appointment Reminders",
                "stats": {"totalContacts": 500, "answered": 387, "voicemails": 62},
            }),
        ),
        "contact.created" | "contact.updated" => (
            kind,
            json!({
                "contact_id": contact_id,
                "phone_number": p.to,
                "name": "Ada Lovelace",
                "variables": {"segment": "trial"},
            }),
        ),
        "credit.low" => {
            // `credit.low` carries no timestamp on the wire.
            return Some(Payload::Json(json!({
                "event": "credit.low",
                "data": {"currentBalance": 12.50, "threshold": 15.00, "currency": "USD"},
            })));
        }
        _ => return None,
    };
    Some(Payload::Json(json!({
        "event": event,
        "timestamp": ids::now_rfc3339(),
        "data": data,
    })))
}

fn vobiz(kind: &str, p: &Parts) -> Option<Payload> {
    let (event, status) = match kind {
        "call.initiated" => (Some("CallInitiated"), "ringing"),
        "call.ringing" => (Some("Ring"), "ringing"),
        "call.answered" => (Some("StartApp"), "in-progress"),
        "call.completed" => (Some("Hangup"), "completed"),
        "call.failed" => (Some("Hangup"), "no-answer"),
        "call.recording" => (Some("Record"), "in-progress"),
        "call.machine_detection" => (Some("MachineDetection"), "in-progress"),
        // Verb action callbacks carry no `Event`.
        "call.gather" | "call.dial" => (None, "in-progress"),
        _ => return None,
    };
    let request_uuid = ids::uuid_v4();
    let now = ids::now_plain();
    let mut f = Vec::new();
    if let Some(e) = event {
        f.push(("Event".to_string(), e.to_string()));
    }
    f.extend(form(&[
        ("CallUUID", &p.call_id),
        ("From", &p.from),
        ("To", &p.to),
        ("Direction", "outbound"),
        ("CallStatus", status),
        ("RequestUUID", &request_uuid),
        ("ALegRequestUUID", &request_uuid),
        ("ALegUUID", &p.call_id),
        ("SessionStart", &now),
        ("auth_id", "MA_VOXHOOKTEST"),
        ("timestamp", &ids::now_rfc3339()),
    ]));
    let extra: Vec<(&str, String)> = match kind {
        "call.completed" => vec![
            ("HangupCause", "NORMAL_CLEARING".into()),
            ("HangupCauseCode", "4000".into()),
            ("HangupSource", "Caller".into()),
            ("Duration", "125".into()),
            ("BillDuration", "180".into()),
            ("StartTime", now.clone()),
            ("AnswerTime", now.clone()),
            ("EndTime", now.clone()),
        ],
        "call.failed" => vec![
            ("HangupCause", "NO_ANSWER".into()),
            ("HangupCauseCode", "3000".into()),
            ("Duration", "0".into()),
            ("BillDuration", "0".into()),
            ("StartTime", now.clone()),
            ("AnswerTime", String::new()),
            ("EndTime", now.clone()),
        ],
        "call.recording" => {
            let rec = ids::uuid_v4();
            let url = format!("https://media.example.com/recordings/{rec}.mp3");
            vec![
                ("RecordingID", rec),
                ("RecordUrl", url.clone()),
                ("RecordFile", url),
                ("RecordingDuration", "31".into()),
                ("RecordingDurationMs", "31040".into()),
                ("RecordingEndReason", "FinishedOnKey".into()),
                ("Digits", "#".into()),
            ]
        }
        "call.gather" => vec![
            ("InputType", "dtmf".into()),
            ("Digits", "1234".into()),
            ("Speech", String::new()),
        ],
        "call.dial" => vec![
            ("DialStatus", "completed".into()),
            ("DialRingStatus", "true".into()),
            ("DialHangupCause", "NORMAL_CLEARING".into()),
            ("DialALegUUID", p.call_id.clone()),
            ("DialBLegUUID", ids::uuid_v4()),
        ],
        "call.machine_detection" => vec![("Machine", "true".into())],
        _ => vec![],
    };
    f.extend(extra.into_iter().map(|(k, v)| (k.to_string(), v)));
    Some(Payload::Form(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(p: &'a Payload, key: &str) -> Option<&'a str> {
        match p {
            Payload::Form(f) => f.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()),
            Payload::Json(v) => key
                .split('.')
                .try_fold(v, |n, k| n.get(k))
                .and_then(Value::as_str),
        }
    }

    #[test]
    fn every_listed_kind_builds_and_encodes() {
        for provider in Provider::ALL {
            for kind in kinds(provider) {
                let p = build(provider, kind, &Overrides::default())
                    .unwrap_or_else(|e| panic!("{provider} {kind}: {e}"));
                let bytes = p.to_bytes();
                assert!(!bytes.is_empty(), "{provider} {kind}");
                if let Payload::Json(_) = p {
                    serde_json::from_slice::<Value>(&bytes).expect("valid JSON");
                }
            }
        }
    }

    #[test]
    fn wire_names_follow_the_provider() {
        let cases = [
            (
                "tryvox hangup",
                Provider::TryVox,
                "call.completed",
                "event",
                "call.ended",
            ),
            (
                "tryvox failed",
                Provider::TryVox,
                "call.failed",
                "status",
                "no-answer",
            ),
            (
                "vobiz answer",
                Provider::Vobiz,
                "call.answered",
                "Event",
                "StartApp",
            ),
            (
                "vobiz hangup",
                Provider::Vobiz,
                "call.completed",
                "Event",
                "Hangup",
            ),
            (
                "voxpria start",
                Provider::VoxPria,
                "call.initiated",
                "event",
                "call.started",
            ),
            (
                "voxpria campaign",
                Provider::VoxPria,
                "campaign.finished",
                "event",
                "campaign.finished",
            ),
            (
                "voxtelesys ring",
                Provider::Voxtelesys,
                "call.ringing",
                "CallStatus",
                "ringing",
            ),
            (
                "voxtelesys dlr",
                Provider::Voxtelesys,
                "message.status",
                "type",
                "per_recipient",
            ),
            (
                "voxtelesys gather",
                Provider::Voxtelesys,
                "call.gather",
                "Digits",
                "1234",
            ),
        ];
        for (name, provider, kind, key, want) in cases {
            let p = build(provider, kind, &Overrides::default()).expect(name);
            assert_eq!(get(&p, key), Some(want), "{name}");
        }
    }

    #[test]
    fn overrides_and_set_apply() {
        let ov = Overrides {
            call_id: Some("abc-123".into()),
            from: Some("+15550001111".into()),
            to: None,
            set: vec!["HangupCause=USER_BUSY".into(), "Custom=1".into()],
        };
        let p = build(Provider::Vobiz, "call.completed", &ov).unwrap();
        assert_eq!(get(&p, "CallUUID"), Some("abc-123"));
        assert_eq!(get(&p, "From"), Some("+15550001111"));
        assert_eq!(get(&p, "HangupCause"), Some("USER_BUSY"));
        assert_eq!(get(&p, "Custom"), Some("1"));
        let body = String::from_utf8(p.to_bytes()).unwrap();
        assert!(body.contains("From=%2B15550001111"), "{body}");

        let ov = Overrides {
            set: vec!["data.status=busy".into(), "data.duration=9".into()],
            ..Overrides::default()
        };
        let Payload::Json(v) = build(Provider::VoxPria, "call.failed", &ov).unwrap() else {
            panic!("json")
        };
        assert_eq!(v["data"]["status"], "busy");
        assert_eq!(v["data"]["duration"], 9);
    }

    #[test]
    fn unknown_kind_and_bad_set_are_usage_errors() {
        let cases = [
            (
                "no gather on tryvox",
                Provider::TryVox,
                "call.gather",
                vec![],
            ),
            (
                "bad set",
                Provider::Vobiz,
                "call.answered",
                vec!["novalue".to_string()],
            ),
            (
                "empty key",
                Provider::Vobiz,
                "call.answered",
                vec!["=x".to_string()],
            ),
        ];
        for (name, provider, kind, set) in cases {
            let ov = Overrides {
                set,
                ..Overrides::default()
            };
            let err = build(provider, kind, &ov).expect_err(name);
            assert_eq!(crate::exit::exit_code(&err), 2, "{name}");
        }
    }

    #[test]
    fn every_template_parses_to_its_kind_with_the_core() {
        for provider in Provider::ALL {
            for kind in kinds(provider) {
                let p = build(provider, kind, &Overrides::default()).unwrap();
                let ev =
                    voxhook_core::Event::parse(provider, Some(p.content_type()), &p.to_bytes())
                        .unwrap_or_else(|e| panic!("{provider} {kind}: {e}"));
                assert_eq!(ev.kind(), *kind, "{provider} {kind}");
                assert_eq!(ev.provider(), provider, "{provider} {kind}");
            }
        }
    }

    #[test]
    fn fresh_ids_per_build() {
        let a = build(Provider::Vobiz, "call.answered", &Overrides::default()).unwrap();
        let b = build(Provider::Vobiz, "call.answered", &Overrides::default()).unwrap();
        assert_ne!(get(&a, "CallUUID"), get(&b, "CallUUID"));
    }
}
