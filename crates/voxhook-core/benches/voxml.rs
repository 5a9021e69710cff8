//! Rendering a typical answer (say + gather with a nested say + redirect) per
//! dialect, against a baseline in the same run that writes the same document
//! directly: a hand-driven quick-xml `Writer` for XML, `serde_json` of a plain
//! struct for TryVox JSON.

// criterion_group! generates an undocumented pub fn.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde::Serialize;
use voxhook_core::Provider;
use voxhook_core::voxml::{Document, Gather, Response};

const SAY: &str = "Welcome to Example Corp. Your call may be recorded.";
const PROMPT: &str = "Please enter your four digit PIN, then press hash.";
const ACTION: &str = "https://hooks.example.com/voice/pin?attempt=1&lang=en";
const REDIRECT: &str = "https://hooks.example.com/voice/menu";

fn document() -> Document {
    Response::new()
        .say(SAY)
        .gather(
            Gather::new(ACTION)
                .num_digits(4)
                .timeout(10)
                .finish_on_key("#")
                .say(PROMPT),
        )
        .redirect(REDIRECT)
        .into()
}

fn baseline_xml(say: &str, gather_tag: &str, timeout_attr: &str) -> Vec<u8> {
    let mut w = Writer::new(Vec::with_capacity(512));
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let _ = w.write_event(Event::Start(BytesStart::new("Response")));
    let _ = w.write_event(Event::Start(BytesStart::new(say)));
    let _ = w.write_event(Event::Text(BytesText::new(SAY)));
    let _ = w.write_event(Event::End(BytesEnd::new(say)));
    let gather = BytesStart::new(gather_tag).with_attributes([
        ("action", ACTION),
        ("numDigits", "4"),
        (timeout_attr, "10"),
        ("finishOnKey", "#"),
    ]);
    let _ = w.write_event(Event::Start(gather));
    let _ = w.write_event(Event::Start(BytesStart::new(say)));
    let _ = w.write_event(Event::Text(BytesText::new(PROMPT)));
    let _ = w.write_event(Event::End(BytesEnd::new(say)));
    let _ = w.write_event(Event::End(BytesEnd::new(gather_tag)));
    let _ = w.write_event(Event::Start(BytesStart::new("Redirect")));
    let _ = w.write_event(Event::Text(BytesText::new(REDIRECT)));
    let _ = w.write_event(Event::End(BytesEnd::new("Redirect")));
    let _ = w.write_event(Event::End(BytesEnd::new("Response")));
    w.into_inner()
}

#[derive(Serialize)]
struct Doc<'a> {
    voxml_version: &'a str,
    instructions: [Instruction<'a>; 3],
}

#[derive(Serialize)]
struct Nested<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Instruction<'a> {
    verb: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    num_digits: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    finish_on_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    say: Option<Nested<'a>>,
}

const EMPTY: Instruction<'static> = Instruction {
    verb: "",
    text: None,
    url: None,
    action_url: None,
    num_digits: None,
    timeout: None,
    finish_on_key: None,
    say: None,
};

fn baseline_json() -> Vec<u8> {
    let doc = Doc {
        voxml_version: "1.0",
        instructions: [
            Instruction {
                verb: "Say",
                text: Some(SAY),
                ..EMPTY
            },
            Instruction {
                verb: "Gather",
                action_url: Some(ACTION),
                num_digits: Some(4),
                timeout: Some(10),
                finish_on_key: Some("#"),
                say: Some(Nested { text: PROMPT }),
                ..EMPTY
            },
            Instruction {
                verb: "Redirect",
                url: Some(REDIRECT),
                ..EMPTY
            },
        ],
    };
    let mut out = Vec::with_capacity(512);
    let _ = serde_json::to_writer(&mut out, &doc);
    out
}

fn bench(c: &mut Criterion) {
    let doc = document();
    // The baselines write the same bytes (XML) or the same JSON value.
    assert_eq!(
        &doc.render(Provider::Vobiz).unwrap().body[..],
        &baseline_xml("Speak", "Gather", "executionTimeout")[..]
    );
    let ours: serde_json::Value =
        serde_json::from_slice(&doc.render(Provider::TryVox).unwrap().body).unwrap();
    let theirs: serde_json::Value = serde_json::from_slice(&baseline_json()).unwrap();
    assert_eq!(ours, theirs);

    let mut g = c.benchmark_group("voxml_render");
    g.bench_function("tryvox/voxhook", |b| {
        b.iter(|| black_box(&doc).render(Provider::TryVox))
    });
    g.bench_function("tryvox/baseline_serde_struct", |b| b.iter(baseline_json));
    g.bench_function("voxtelesys/voxhook", |b| {
        b.iter(|| black_box(&doc).render(Provider::Voxtelesys))
    });
    g.bench_function("voxtelesys/baseline_quick_xml", |b| {
        b.iter(|| baseline_xml(black_box("Say"), "Gather", "timeout"))
    });
    g.bench_function("vobiz/voxhook", |b| {
        b.iter(|| black_box(&doc).render(Provider::Vobiz))
    });
    g.bench_function("vobiz/baseline_quick_xml", |b| {
        b.iter(|| baseline_xml(black_box("Speak"), "Gather", "executionTimeout"))
    });
    g.bench_function("vobiz/build_and_render", |b| {
        b.iter(|| document().render(black_box(Provider::Vobiz)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
