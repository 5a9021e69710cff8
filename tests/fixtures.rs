//! Every fixture in `tests/fixtures/<provider>/` (exact bytes as sent, with a
//! `manifest.json` of method, content type and expected normalized fields)
//! decodes to the expected event, through every entry point.

use std::path::{Path, PathBuf};

use serde_json::Value;
use voxhook::{Event, Inbound, Provider, dialect};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn variant_name(e: &Event) -> &'static str {
    match e {
        Event::CallInitiated(_) => "CallInitiated",
        Event::CallRinging(_) => "CallRinging",
        Event::CallAnswered(_) => "CallAnswered",
        Event::CallCompleted(_) => "CallCompleted",
        Event::CallFailed(_) => "CallFailed",
        Event::CallStatus(_) => "CallStatus",
        Event::Recording(_) => "Recording",
        Event::Gather(_) => "Gather",
        Event::Dial(_) => "Dial",
        Event::MachineDetection(_) => "MachineDetection",
        Event::MessageStatus(_) => "MessageStatus",
        Event::MessageReceived(_) => "MessageReceived",
        Event::Campaign(_) => "Campaign",
        Event::Contact(_) => "Contact",
        Event::Unknown(_) => "Unknown",
        _ => "other",
    }
}

struct Case {
    name: String,
    provider: Provider,
    spec: Value,
    bytes: Vec<u8>,
}

fn load(provider: Provider) -> Vec<Case> {
    let dir = fixtures_dir().join(provider.as_str());
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest"))
            .expect("manifest is JSON");
    assert_eq!(manifest["provider"], provider.as_str());
    manifest["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|spec| {
            let file = spec["file"].as_str().expect("file");
            Case {
                name: format!(
                    "{provider}/{} ({file})",
                    spec["name"].as_str().expect("name")
                ),
                provider,
                bytes: std::fs::read(dir.join(file)).expect(file),
                spec: spec.clone(),
            }
        })
        .collect()
}

impl Case {
    fn is_get(&self) -> bool {
        self.spec["method"] == "GET"
    }

    fn content_type(&self) -> Option<&str> {
        self.spec["content_type"].as_str()
    }

    fn parse(&self) -> Event {
        let result = if self.is_get() {
            let q = std::str::from_utf8(&self.bytes).expect("query is UTF-8");
            Event::parse_query(self.provider, q)
        } else {
            Event::parse(self.provider, self.content_type(), &self.bytes)
        };
        result.unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }

    fn decode_inbound(&self) -> Event {
        let mut headers = Vec::new();
        if let Some(ct) = self.content_type() {
            headers.push(("content-type".to_owned(), ct.to_owned()));
        }
        let (method, target, body): (&str, String, &[u8]) = if self.is_get() {
            let q = std::str::from_utf8(&self.bytes).expect("query is UTF-8");
            ("GET", format!("/hook?{q}"), b"")
        } else {
            ("POST", "/hook".to_owned(), &self.bytes)
        };
        let req = Inbound::new(method, &target, &headers, body);
        dialect::decode(self.provider, &req).unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }
}

fn check(case: &Case) {
    let name = &case.name;
    let event = case.parse();
    let json = serde_json::to_value(&event).expect("serializes");
    assert_eq!(json["schema"], 1, "{name}");
    assert_eq!(json["provider"], case.provider.as_str(), "{name}");
    assert_eq!(event.provider(), case.provider, "{name}");

    let expect = case.spec["expect"].as_object().expect("expect");
    for (key, want) in expect {
        assert_eq!(&json[key.as_str()], want, "{name}: normalized {key}");
    }
    assert_eq!(
        Some(event.kind()),
        expect["kind"].as_str(),
        "{name}: kind()"
    );
    assert_eq!(
        event.call_id(),
        json["call_id"].as_str(),
        "{name}: call_id()"
    );
    assert_eq!(
        event.status_str(),
        json["status"].as_str(),
        "{name}: status_str()"
    );
    assert_eq!(event.from(), json["from"].as_str(), "{name}: from()");
    assert_eq!(event.to(), json["to"].as_str(), "{name}: to()");
    for key in case.spec["absent"].as_array().into_iter().flatten() {
        let key = key.as_str().expect("absent key");
        assert!(json.get(key).is_none(), "{name}: {key} should be absent");
    }
    assert!(
        json.as_object()
            .expect("object")
            .values()
            .all(|v| !v.is_null()),
        "{name}: no nulls in the normalized form"
    );
    for (field, want) in case.spec["raw"].as_object().into_iter().flatten() {
        assert_eq!(
            event.raw().get(field).as_deref(),
            want.as_str(),
            "{name}: raw {field}"
        );
    }
    for (field, want) in case.spec["raw_all"].as_object().into_iter().flatten() {
        let want: Vec<&str> = want
            .as_array()
            .expect("array")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(event.raw().get_all(field), want, "{name}: raw_all {field}");
    }
    for (pointer, want) in case.spec["pointer"].as_object().into_iter().flatten() {
        assert_eq!(
            event.raw().pointer(pointer).as_ref(),
            Some(want),
            "{name}: raw {pointer}"
        );
    }
    if let Some(want) = case.spec["actionable"].as_bool() {
        assert_eq!(event.is_actionable(), want, "{name}: is_actionable");
    }
    if let Some(want) = case.spec["repeatable"].as_bool() {
        assert_eq!(event.is_repeatable(), want, "{name}: is_repeatable");
    }
    if let Some(want) = case.spec["event_id"].as_str() {
        assert_eq!(event.event_id(), Some(want), "{name}: event_id");
    } else {
        assert!(
            event.event_id().is_some()
                || expect["kind"] == "credit.low"
                || expect["kind"] == "message.received",
            "{name}: event_id"
        );
    }
    if let Some(want) = case.spec["variant"].as_str() {
        assert_eq!(variant_name(&event), want, "{name}: variant");
    }
    if let Some(want) = case.spec["exact"].as_str() {
        assert_eq!(event.to_json(), want, "{name}: exact normalized form");
    }

    // The raw view keeps the payload as received, byte for byte.
    assert_eq!(event.raw().as_bytes(), &case.bytes[..], "{name}: raw bytes");
    // The normalized form is one line and reads back to an equal event.
    let text = event.to_json();
    assert!(!text.contains('\n'), "{name}: one line");
    let back: Event = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(back, event, "{name}: round trip");
    assert_eq!(back.to_json(), text, "{name}: stable");
    assert_eq!(
        back.is_repeatable(),
        event.is_repeatable(),
        "{name}: round trip repeatable"
    );

    // Every entry point agrees.
    assert_eq!(case.decode_inbound(), event, "{name}: dialect::decode");
    if !case.is_get() {
        let detected = Event::detect(case.content_type(), &case.bytes)
            .unwrap_or_else(|e| panic!("{name}: detect: {e}"));
        assert_eq!(detected, event, "{name}: detect");
    }
}

#[test]
fn every_fixture_decodes_as_its_manifest_says() {
    let mut total = 0;
    for provider in Provider::ALL {
        let cases = load(provider);
        assert!(
            cases.len() >= 12,
            "{provider}: at least 12 fixtures, found {}",
            cases.len()
        );
        for case in &cases {
            check(case);
        }
        total += cases.len();
    }
    assert!(total >= 48);
}

#[test]
fn every_fixture_file_is_in_a_manifest() {
    for provider in Provider::ALL {
        let dir = fixtures_dir().join(provider.as_str());
        let listed: Vec<String> = load(provider)
            .iter()
            .map(|c| c.spec["file"].as_str().unwrap_or_default().to_owned())
            .collect();
        for entry in std::fs::read_dir(&dir).expect("dir") {
            let file = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            assert!(
                file == "manifest.json" || listed.contains(&file),
                "{provider}: {file} unlisted"
            );
        }
    }
}
