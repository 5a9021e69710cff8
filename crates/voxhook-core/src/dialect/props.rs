//! Property tests: no bytes, field map or query makes a dialect panic, and
//! whatever decodes survives the normalized form's round trip.

use proptest::prelude::*;

use bytes::Bytes;

use super::Draft;
use crate::event::{Event, Provider, Raw, RawEncoding};

const CONTENT_TYPES: [Option<&str>; 5] = [
    Some("application/json"),
    Some("application/x-www-form-urlencoded"),
    None,
    Some("text/plain"),
    Some("application/vnd.example+json; charset=utf-8"),
];

/// Wire names every dialect knows, so generated maps reach the typed paths.
const NAMES: &[&str] = &[
    "event",
    "Event",
    "type",
    "call_uuid",
    "CallUUID",
    "CallSid",
    "call_id",
    "callId",
    "id",
    "data",
    "error",
    "status",
    "CallStatus",
    "call_status",
    "Status",
    "duration",
    "Duration",
    "BillDuration",
    "timestamp",
    "time",
    "Timestamp",
    "from",
    "From",
    "to",
    "To",
    "Direction",
    "direction",
    "Vars",
    "variables",
    "media",
    "stats",
    "transcript",
    "Digits",
    "Speech",
    "SpeechResult",
    "Confidence",
    "SpeechConfidenceScore",
    "DialStatus",
    "DialCallStatus",
    "RecordingUrl",
    "RecordUrl",
    "RecordingStatus",
    "HangupCause",
    "EndTime",
    "Machine",
    "message_id",
    "campaign_id",
    "contact_id",
    "ALegUUID",
    "ParentCallSid",
    "delivery_id",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(NAMES).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

fn json_scalar() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{Value, json};
    let leaf = prop_oneof![
        any::<String>().prop_map(Value::String),
        any::<u64>().prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        proptest::sample::select(
            &[
                "completed",
                "busy",
                "cancel",
                "answered",
                " Answered",
                "NO-ANSWER",
                "2026-04-09T10:30:45.123Z",
                "{\"a\":1}",
                ""
            ][..]
        )
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(2, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((name(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Decoding must not panic; a decoded event must survive the normalized form.
fn check(result: Result<Event, crate::DecodeError>) {
    if let Ok(event) = result {
        let text = event.to_json();
        let back: Event = serde_json::from_str(&text).expect("normalized form reads back");
        assert_eq!(back, event);
        assert_eq!(back.to_json(), text);
        let _ = (
            event.event_id(),
            event.is_actionable(),
            event.is_repeatable(),
            event.delivery_id(),
        );
        let _ = (event.raw().get("From"), event.raw().to_value());
    } else if let Err(e) = result {
        assert!(!e.to_string().is_empty());
        let _ = e.rejection();
    }
}

/// The fast JSON path, whenever it decodes `body`, makes the same draft as
/// the serde_json walk; returns whether it decoded for every dialect.
pub(super) fn fast_path_agrees(body: &str) -> bool {
    let mut decoded = true;
    for provider in Provider::ALL {
        let dialect = super::for_provider(provider);
        let fresh = || Draft::new(provider, Raw::new(RawEncoding::Json, Bytes::new()));
        let mut fast = fresh();
        if super::scan::decode(body, dialect.field, &mut fast).is_none() {
            decoded = false;
            continue;
        }
        let mut slow = fresh();
        let serde = super::json::decode_serde(body, dialect.field, &mut slow);
        assert_eq!(serde, Ok(()), "{provider}: {body}");
        assert_eq!(
            format!("{fast:?}"),
            format!("{slow:?}"),
            "{provider}: {body}"
        );
    }
    decoded
}

/// JSON-like fragments, so generated text reaches every branch of the fast path.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\n",
    "\"",
    "\\",
    "\\u00e9",
    "\\ud800",
    "0",
    "1",
    "9",
    "-",
    ".",
    "e",
    "E",
    "+",
    "true",
    "false",
    "null",
    "tru",
    "\"call_id\"",
    "\"data\"",
    "\"event\"",
    "\"status\"",
    "\"duration\"",
    "\"variables\"",
    "\"transcript\"",
    "\"media\"",
    "\"stats\"",
    "\"to\"",
    "\"x\"",
    "\u{1}",
    "é",
];

/// Strings that stress a skip of JSON kept as text: braces, brackets,
/// quotes and backslashes (escaped when serialized), whitespace, non-ASCII.
fn tricky_string() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(
            &[
                "{",
                "}",
                "[",
                "]",
                "\"{\\\"a\\\":1}\"",
                "a \"b\" c",
                "\\",
                "x y",
                "é日本",
                "\u{1}",
                "}{",
                ""
            ][..]
        )
        .prop_map(str::to_owned),
        any::<String>(),
    ]
}

/// JSON values nested a few levels, holding tricky strings.
fn nested_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{Value, json};
    let leaf = prop_oneof![
        tricky_string().prop_map(Value::String),
        any::<u64>().prop_map(|n| json!(n)),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((tricky_string(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn fast_json_path_agrees_on_nested_variables(vars in nested_json(), stats in nested_json()) {
        let object = serde_json::json!({
            "event": "call.ended",
            "data": {"call_id": "c-1", "variables": vars, "stats": stats, "transcript": vars},
        });
        let compact = serde_json::to_string(&object).expect("serializes");
        let pretty = serde_json::to_string_pretty(&object).expect("serializes");
        // Strings with escapes and any nesting are skipped, not refused.
        prop_assert!(fast_path_agrees(&compact), "{}", compact);
        prop_assert!(fast_path_agrees(&pretty), "{}", pretty);
    }

    #[test]
    fn a_byte_that_breaks_utf8_anywhere_is_a_typed_error(
        vars in nested_json(),
        at in any::<proptest::sample::Index>(),
        bad in proptest::sample::select(&[0x80u8, 0xbf, 0xc0, 0xc3, 0xe9, 0xf0, 0xff][..]),
    ) {
        let object = serde_json::json!({"event": "call.ended", "data": {"call_id": "c-1", "variables": vars}});
        let mut body = serde_json::to_vec(&object).expect("serializes");
        body.insert(at.index(body.len() + 1), bad);
        prop_assume!(std::str::from_utf8(&body).is_err());
        for provider in Provider::ALL {
            let got = Event::parse(provider, Some("application/json"), &body);
            prop_assert_eq!(got.err(), Some(crate::DecodeError::InvalidUtf8));
        }
    }

    #[test]
    fn fast_json_path_agrees_on_generated_maps(pairs in proptest::collection::vec((name(), json_scalar()), 0..12)) {
        let object: serde_json::Map<String, serde_json::Value> = pairs.into_iter().collect();
        let compact = serde_json::to_string(&object).expect("serializes");
        let pretty = serde_json::to_string_pretty(&object).expect("serializes");
        fast_path_agrees(&compact);
        fast_path_agrees(&pretty);
    }

    #[test]
    fn fast_json_path_agrees_on_token_soup(tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..40)) {
        let body = format!("{{{}", tokens.concat());
        fast_path_agrees(&body);
    }

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..256), ct in 0usize..5) {
        for provider in Provider::ALL {
            check(Event::parse(provider, CONTENT_TYPES[ct], &body));
        }
        check(Event::detect(CONTENT_TYPES[ct], &body));
    }

    #[test]
    fn arbitrary_form_maps_never_panic(pairs in proptest::collection::vec((name(), any::<String>()), 0..12)) {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
        for provider in Provider::ALL {
            check(Event::parse(provider, Some("application/x-www-form-urlencoded"), body.as_bytes()));
            check(Event::parse_query(provider, &body));
        }
        check(Event::detect(Some("application/x-www-form-urlencoded"), body.as_bytes()));
    }

    #[test]
    fn arbitrary_json_maps_never_panic(pairs in proptest::collection::vec((name(), json_scalar()), 0..12)) {
        let object: serde_json::Map<String, serde_json::Value> = pairs.into_iter().collect();
        let body = serde_json::to_vec(&object).expect("serializes");
        for provider in Provider::ALL {
            check(Event::parse(provider, Some("application/json"), &body));
        }
        check(Event::detect(Some("application/json"), &body));
    }

    #[test]
    fn arbitrary_queries_never_panic(query in any::<String>()) {
        for provider in Provider::ALL {
            check(Event::parse_query(provider, &query));
        }
    }
}
