//! VoxML rendering from arbitrary builder input: whatever the builder accepts
//! renders to a document that parses back (well-formed XML or valid JSON).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use quick_xml::events::Event as XmlEvent;
use voxhook_core::Provider;
use voxhook_core::voxml::{Document, Gather, Reason, Response};

#[derive(Arbitrary, Debug)]
enum Op {
    Say(String),
    Play(String),
    Pause(u8),
    Hangup,
    Redirect(String),
    Gather { action: String, prompt: String },
    Dial(String),
    Reject(bool),
    Stream(String),
}

fn build(ops: &[Op]) -> Response {
    ops.iter().fold(Response::new(), |r, op| match op {
        Op::Say(t) => r.say(t.as_str()),
        Op::Play(u) => r.play(u.as_str()),
        Op::Pause(s) => r.pause(u32::from(*s)),
        Op::Hangup => r.hangup(),
        Op::Redirect(u) => r.redirect(u.as_str()),
        Op::Gather { action, prompt } => {
            r.gather(Gather::new(action.as_str()).say(prompt.as_str()))
        }
        Op::Dial(n) => r.dial(n.as_str()),
        Op::Reject(busy) => r.reject(if *busy {
            Reason::Busy
        } else {
            Reason::Rejected
        }),
        Op::Stream(u) => r.stream(u.as_str()),
    })
}

fn well_formed_xml(body: &[u8]) {
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buf = Vec::new();
    let mut depth = 0i64;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(XmlEvent::Start(_)) => depth += 1,
            Ok(XmlEvent::End(_)) => depth -= 1,
            Ok(XmlEvent::Text(t)) => {
                t.decode().expect("text decodes");
            }
            Ok(XmlEvent::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "rendered XML does not parse: {e}: {}",
                String::from_utf8_lossy(body)
            ),
        }
        buf.clear();
    }
    assert_eq!(depth, 0, "unbalanced: {}", String::from_utf8_lossy(body));
}

fuzz_target!(|ops: Vec<Op>| {
    let doc = Document::from(build(&ops));
    for provider in [Provider::TryVox, Provider::Voxtelesys, Provider::Vobiz] {
        if let Ok(rendered) = doc.render(provider) {
            if provider == Provider::TryVox {
                serde_json::from_slice::<serde_json::Value>(&rendered.body)
                    .expect("rendered JSON parses");
            } else {
                well_formed_xml(&rendered.body);
            }
        }
    }
});
