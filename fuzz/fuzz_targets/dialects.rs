//! Every dialect decoder on arbitrary bytes: byte 0 picks the provider, byte 1
//! the content type (or a GET query). A decoded event must serialize to its
//! normalized form and read back to the same event.
#![no_main]

use libfuzzer_sys::fuzz_target;
use voxhook_core::{Event, Provider};

fuzz_target!(|data: &[u8]| {
    let [p, c, body @ ..] = data else { return };
    let provider = Provider::ALL[*p as usize % Provider::ALL.len()];
    let parsed = match c % 6 {
        0 => Event::parse(provider, Some("application/json"), body),
        1 => Event::parse(provider, Some("application/x-www-form-urlencoded"), body),
        2 => Event::parse(provider, None, body),
        3 => Event::parse(provider, Some("Application/JSON; charset=\"utf-8\""), body),
        4 => Event::parse(provider, Some("text/plain"), body),
        _ => match std::str::from_utf8(body) {
            Ok(query) => Event::parse_query(provider, query),
            Err(_) => return,
        },
    };
    if let Ok(event) = parsed {
        let json = serde_json::to_string(&event).expect("an event serializes");
        let back: Event = serde_json::from_str(&json).expect("the normalized form reads back");
        assert_eq!(back, event, "round trip through {json}");
    }
});
