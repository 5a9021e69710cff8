//! Provider auto-detection: the content type is the input up to the first
//! newline, the body the rest.
#![no_main]

use libfuzzer_sys::fuzz_target;
use voxhook_core::Event;

fuzz_target!(|data: &[u8]| {
    let (ct, body) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (std::str::from_utf8(&data[..i]).ok(), &data[i + 1..]),
        None => (None, data),
    };
    if let Ok(event) = Event::detect(ct, body) {
        let _ = serde_json::to_vec(&event).expect("an event serializes");
        let _ = event.kind();
    }
});
