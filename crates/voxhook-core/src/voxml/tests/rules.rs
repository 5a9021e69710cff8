//! Each validation rule, broken on purpose, gives its named error.

use crate::Provider;
use crate::voxml::node::{Attr, Node, Value, Verb};
use crate::voxml::{
    Dial, Document, Gather, Response, Say, Stream, VoxmlError, check, tryvox, vobiz, voxtelesys,
};

fn err(name: &str, doc: impl Into<Document>, provider: Provider) -> VoxmlError {
    match doc.into().render(provider) {
        Ok(r) => panic!("{name}: rendered {:?}", r.body),
        Err(e) => e,
    }
}

#[test]
fn rendering_rules() {
    type Matcher = fn(&VoxmlError) -> bool;
    let raw_say_with_engine = Document {
        dialect: None,
        nodes: vec![{
            let mut n = Node::with_text(Verb::Say, "hi".into());
            n.set(Attr::Engine, Value::from("google"));
            n
        }],
    };
    let cases: Vec<(&str, Document, Provider, Matcher)> = vec![
        (
            "voxpria has no markup",
            Response::new().hangup().into(),
            Provider::VoxPria,
            |e| {
                matches!(
                    e,
                    VoxmlError::UnsupportedProvider {
                        provider: Provider::VoxPria
                    }
                )
            },
        ),
        (
            "vobiz document rendered for tryvox",
            vobiz::Response::new().speak("hi").into(),
            Provider::TryVox,
            |e| {
                matches!(
                    e,
                    VoxmlError::DialectMismatch {
                        built_for: Provider::Vobiz,
                        requested: Provider::TryVox
                    }
                )
            },
        ),
        (
            "voxtelesys has no stream",
            Response::new().stream("wss://a.example/s").into(),
            Provider::Voxtelesys,
            |e| {
                matches!(
                    e,
                    VoxmlError::UnsupportedVerb {
                        verb: "Stream",
                        provider: Provider::Voxtelesys
                    }
                )
            },
        ),
        (
            "tryvox gather takes one say",
            Response::new()
                .gather(Gather::new("https://a.example/g").say("a").say("b"))
                .into(),
            Provider::TryVox,
            |e| {
                matches!(
                    e,
                    VoxmlError::TooManyChildren {
                        verb: "Say",
                        parent: "Gather",
                        max: 1
                    }
                )
            },
        ),
        (
            "vobiz dial needs a number",
            Response::new().dial(Dial::new()).into(),
            Provider::Vobiz,
            |e| matches!(e, VoxmlError::MissingChild { verb: "Dial" }),
        ),
        (
            "tryvox dial needs a target",
            Response::new().dial(Dial::new()).into(),
            Provider::TryVox,
            |e| matches!(e, VoxmlError::MissingChild { verb: "Dial" }),
        ),
        (
            "vobiz speak has no engine",
            raw_say_with_engine.clone(),
            Provider::Vobiz,
            |e| {
                matches!(
                    e,
                    VoxmlError::UnsupportedAttribute {
                        verb: "Speak",
                        attribute: "engine",
                        provider: Provider::Vobiz
                    }
                )
            },
        ),
        (
            "tryvox stream must be wss",
            Response::new().stream("ws://a.example/s").into(),
            Provider::TryVox,
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        verb: "Stream",
                        attribute: "url",
                        ..
                    }
                )
            },
        ),
        (
            "vobiz executionTimeout is 5-60",
            Response::new()
                .gather(Gather::new("https://a.example/g").timeout(3))
                .into(),
            Provider::Vobiz,
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        verb: "Gather",
                        attribute: "executionTimeout",
                        ..
                    }
                )
            },
        ),
        (
            "gather action must be absolute",
            Response::new().gather(Gather::new("/relative")).into(),
            Provider::TryVox,
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        verb: "Gather",
                        attribute: "action_url",
                        ..
                    }
                )
            },
        ),
        (
            "say text must not be empty",
            Response::new().say("").into(),
            Provider::Voxtelesys,
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        verb: "Say",
                        attribute: "text",
                        ..
                    }
                )
            },
        ),
        (
            "finish_on_key is one key",
            Response::new()
                .gather(Gather::new("https://a.example/g").finish_on_key("12"))
                .into(),
            Provider::TryVox,
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        attribute: "finish_on_key",
                        ..
                    }
                )
            },
        ),
        (
            "voxtelesys output is a name",
            voxtelesys::Response::new()
                .set(voxtelesys::Set::new("not a name", "x"))
                .into(),
            Provider::Voxtelesys,
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        verb: "Set",
                        attribute: "output",
                        ..
                    }
                )
            },
        ),
        (
            "voxtelesys dial record mode",
            voxtelesys::Response::new()
                .dial(voxtelesys::Dial::new().record("always").number("+1"))
                .into(),
            Provider::Voxtelesys,
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        verb: "Dial",
                        attribute: "record",
                        ..
                    }
                )
            },
        ),
        (
            "vobiz extraHeaders at most 512 bytes",
            vobiz::Response::new()
                .stream(vobiz::Stream::new("wss://a.example/s").extra_headers("a".repeat(513)))
                .into(),
            Provider::Vobiz,
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        verb: "Stream",
                        attribute: "extraHeaders",
                        ..
                    }
                )
            },
        ),
        (
            "pay chargeAmount is decimal",
            voxtelesys::Response::new()
                .pay(voxtelesys::Pay::new().charge_amount("ten"))
                .into(),
            Provider::Voxtelesys,
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        verb: "Pay",
                        attribute: "chargeAmount",
                        ..
                    }
                )
            },
        ),
        (
            "vobiz stream is a ws(s) URL",
            Response::new()
                .stream(Stream::new("https://a.example/s"))
                .into(),
            Provider::Vobiz,
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        verb: "Stream",
                        attribute: "text",
                        ..
                    }
                )
            },
        ),
        (
            "control character in xml text",
            Response::new().say("a\u{1}b").into(),
            Provider::Vobiz,
            |e| {
                matches!(
                    e,
                    VoxmlError::ForbiddenCharacter {
                        verb: "Speak",
                        attribute: None
                    }
                )
            },
        ),
        (
            "carriage return in xml text",
            Response::new().say("a\rb").into(),
            Provider::Voxtelesys,
            |e| {
                matches!(
                    e,
                    VoxmlError::ForbiddenCharacter {
                        verb: "Say",
                        attribute: None
                    }
                )
            },
        ),
        (
            "line feed in xml attribute",
            Response::new().say(Say::new("hi").voice("a\nb")).into(),
            Provider::Voxtelesys,
            |e| {
                matches!(
                    e,
                    VoxmlError::ForbiddenCharacter {
                        verb: "Say",
                        attribute: Some("voice")
                    }
                )
            },
        ),
        (
            "U+FFFF in xml text",
            Response::new().say("a\u{FFFF}").into(),
            Provider::Vobiz,
            |e| matches!(e, VoxmlError::ForbiddenCharacter { .. }),
        ),
        (
            "vobiz 100 KB limit",
            Response::new().say("x".repeat(100 * 1024)).into(),
            Provider::Vobiz,
            |e| matches!(e, VoxmlError::TooLarge { limit: 102_400, .. }),
        ),
        (
            "tryvox reject reason via dialect builder is typed; gather nested in gather is not allowed",
            Document {
                dialect: None,
                nodes: vec![{
                    let mut g = Node::new(Verb::Gather);
                    g.set(Attr::Action, Value::from("https://a.example/g"));
                    g.children.push(Node::new(Verb::Hangup));
                    g
                }],
            },
            Provider::Voxtelesys,
            |e| {
                matches!(
                    e,
                    VoxmlError::NotAllowedHere {
                        verb: "Hangup",
                        parent: "Gather"
                    }
                )
            },
        ),
        (
            "noun at the top level",
            Document {
                dialect: None,
                nodes: vec![Node::with_text(Verb::Number, "+1".into())],
            },
            Provider::Vobiz,
            |e| {
                matches!(
                    e,
                    VoxmlError::NotAllowedHere {
                        verb: "Number",
                        parent: "Response"
                    }
                )
            },
        ),
        (
            "required attribute missing",
            Document {
                dialect: None,
                nodes: vec![Node::new(Verb::Record)],
            },
            Provider::Vobiz,
            |e| {
                matches!(
                    e,
                    VoxmlError::MissingAttribute {
                        verb: "Record",
                        attribute: "action"
                    }
                )
            },
        ),
        (
            "text missing",
            Document {
                dialect: None,
                nodes: vec![Node::new(Verb::Say)],
            },
            Provider::TryVox,
            |e| matches!(e, VoxmlError::MissingText { verb: "Say" }),
        ),
        (
            "text where none is taken",
            Document {
                dialect: None,
                nodes: vec![Node::with_text(Verb::Hangup, "bye".into())],
            },
            Provider::TryVox,
            |e| matches!(e, VoxmlError::UnexpectedText { verb: "Hangup" }),
        ),
    ];
    for (name, doc, provider, matcher) in cases {
        let e = err(name, doc, provider);
        assert!(matcher(&e), "{name}: got {e:?}");
        assert!(!e.to_string().is_empty(), "{name}");
    }
    // The typed builders cannot express an out-of-range Vobiz Gather from `tryvox::Gather`,
    // but its JSON twin renders fine.
    assert!(
        Document::from(
            tryvox::Response::new().gather(tryvox::Gather::new("https://a.example/g").timeout(3))
        )
        .render(Provider::TryVox)
        .is_ok()
    );
}

#[test]
fn check_rules() {
    type Matcher = fn(&VoxmlError) -> bool;
    const X: Option<&str> = Some("application/xml");
    const J: Option<&str> = Some("application/json");
    /// Name, provider, content type, body, path of the first problem, what it is.
    type CheckCase = (
        &'static str,
        Provider,
        Option<&'static str>,
        &'static str,
        &'static str,
        Matcher,
    );
    let cases: Vec<CheckCase> = vec![
        (
            "not well-formed",
            Provider::Vobiz,
            X,
            "<Response><Speak>hi</Response>",
            "Response/Speak[1]",
            |e| matches!(e, VoxmlError::Malformed { .. }),
        ),
        (
            "unclosed",
            Provider::Vobiz,
            X,
            "<Response><Speak>hi",
            "Response/Speak[1]",
            |e| matches!(e, VoxmlError::Malformed { .. }),
        ),
        (
            "bare ampersand",
            Provider::Vobiz,
            X,
            "<Response><Speak>a & b</Speak></Response>",
            "Response/Speak[1]",
            |e| matches!(e, VoxmlError::Malformed { .. }),
        ),
        ("empty body", Provider::Voxtelesys, X, "", "", |e| {
            matches!(e, VoxmlError::Malformed { .. })
        }),
        ("invalid json", Provider::TryVox, J, "{", "", |e| {
            matches!(e, VoxmlError::Malformed { .. })
        }),
        (
            "wrong xml root",
            Provider::Vobiz,
            X,
            "<Document/>",
            "",
            |e| matches!(e, VoxmlError::WrongRoot { .. }),
        ),
        (
            "no voxml_version",
            Provider::TryVox,
            J,
            r#"{"instructions":[]}"#,
            "",
            |e| matches!(e, VoxmlError::WrongRoot { .. }),
        ),
        (
            "say is speak on vobiz",
            Provider::Vobiz,
            X,
            "<Response><Say>hi</Say></Response>",
            "Response/Say[1]",
            |e| matches!(e, VoxmlError::UnknownVerb { name } if name == "Say"),
        ),
        (
            "unknown json verb",
            Provider::TryVox,
            J,
            r#"{"voxml_version":"1.0","instructions":[{"verb":"Speak","text":"x"}]}"#,
            "Response/instructions[1]",
            |e| matches!(e, VoxmlError::UnknownVerb { name } if name == "Speak"),
        ),
        (
            "unknown attribute",
            Provider::Voxtelesys,
            X,
            r#"<Response><Say colour="red">hi</Say></Response>"#,
            "Response/Say[1]",
            |e| matches!(e, VoxmlError::UnknownAttribute { verb: "Say", name } if name == "colour"),
        ),
        (
            "noun at top",
            Provider::Voxtelesys,
            X,
            "<Response><Number>+1</Number></Response>",
            "Response/Number[1]",
            |e| {
                matches!(
                    e,
                    VoxmlError::NotAllowedHere {
                        verb: "Number",
                        parent: "Response"
                    }
                )
            },
        ),
        (
            "hangup in gather",
            Provider::Vobiz,
            X,
            r#"<Response><Gather action="https://a.example/g"><Hangup/></Gather></Response>"#,
            "Response/Gather[1]/Hangup[1]",
            |e| {
                matches!(
                    e,
                    VoxmlError::NotAllowedHere {
                        verb: "Hangup",
                        parent: "Gather"
                    }
                )
            },
        ),
        (
            "tryvox gather needs action_url",
            Provider::TryVox,
            J,
            r#"{"voxml_version":"1.0","instructions":[{"verb":"Gather"}]}"#,
            "Response/Gather[1]",
            |e| {
                matches!(
                    e,
                    VoxmlError::MissingAttribute {
                        verb: "Gather",
                        attribute: "action_url"
                    }
                )
            },
        ),
        (
            "tryvox record needs action_url",
            Provider::TryVox,
            J,
            r#"{"voxml_version":"1.0","instructions":[{"verb":"Record"}]}"#,
            "Response/Record[1]",
            |e| {
                matches!(
                    e,
                    VoxmlError::MissingAttribute {
                        verb: "Record",
                        attribute: "action_url"
                    }
                )
            },
        ),
        (
            "input enum",
            Provider::Voxtelesys,
            X,
            r#"<Response><Gather input="keys"/></Response>"#,
            "Response/Gather[1]",
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        attribute: "input",
                        ..
                    }
                )
            },
        ),
        (
            "track enum",
            Provider::TryVox,
            J,
            r#"{"voxml_version":"1.0","instructions":[{"verb":"Stream","url":"wss://a.example/s","track":"left"}]}"#,
            "Response/Stream[1]",
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        attribute: "track",
                        ..
                    }
                )
            },
        ),
        (
            "reason enum",
            Provider::Vobiz,
            X,
            r#"<Response><Hangup reason="tired"/></Response>"#,
            "Response/Hangup[1]",
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        attribute: "reason",
                        ..
                    }
                )
            },
        ),
        (
            "json integer as string",
            Provider::TryVox,
            J,
            r#"{"voxml_version":"1.0","instructions":[{"verb":"Pause","length":"2"}]}"#,
            "Response/Pause[1]",
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        attribute: "length",
                        ..
                    }
                )
            },
        ),
        (
            "xml boolean",
            Provider::Vobiz,
            X,
            r#"<Response><Wait beep="yes"/></Response>"#,
            "Response/Wait[1]",
            |e| {
                matches!(
                    e,
                    VoxmlError::InvalidValue {
                        attribute: "beep",
                        ..
                    }
                )
            },
        ),
        (
            "missing text",
            Provider::Voxtelesys,
            X,
            "<Response><Say/></Response>",
            "Response/Say[1]",
            |e| matches!(e, VoxmlError::MissingText { verb: "Say" }),
        ),
        (
            "unexpected text",
            Provider::Voxtelesys,
            X,
            "<Response><Hangup>bye</Hangup></Response>",
            "Response/Hangup[1]",
            |e| matches!(e, VoxmlError::UnexpectedText { verb: "Hangup" }),
        ),
        (
            "text in the root",
            Provider::Voxtelesys,
            X,
            "<Response>hello</Response>",
            "Response",
            |e| matches!(e, VoxmlError::UnexpectedText { verb: "Response" }),
        ),
        (
            "wrong content type",
            Provider::TryVox,
            Some("text/html"),
            r#"{"voxml_version":"1.0","instructions":[]}"#,
            "",
            |e| {
                matches!(
                    e,
                    VoxmlError::WrongContentType {
                        expected: "application/json",
                        ..
                    }
                )
            },
        ),
        (
            "no content type",
            Provider::Vobiz,
            None,
            "<Response/>",
            "",
            |e| matches!(e, VoxmlError::WrongContentType { found: None, .. }),
        ),
        ("voxpria", Provider::VoxPria, J, "{}", "", |e| {
            matches!(e, VoxmlError::UnsupportedProvider { .. })
        }),
    ];
    for (name, provider, ct, body, path, matcher) in cases {
        let problems = check(provider, ct, body.as_bytes()).expect_err(name);
        let first = problems.first().expect(name);
        assert!(matcher(&first.error), "{name}: got {problems:?}");
        assert_eq!(first.path, path, "{name}: {problems:?}");
    }
}

#[test]
fn check_accepts_real_documents() {
    let cases: &[(&str, Provider, &str, &str)] = &[
        (
            "tryvox seed example",
            Provider::TryVox,
            "application/json",
            r#"{"voxml_version":"1.0","instructions":[{"verb":"Say","text":"Hello! I am your AI assistant.","engine":"google","language":"en-US"},{"verb":"Stream","url":"wss://your-app.com/ai-agent","track":"inbound_track"}]}"#,
        ),
        (
            "voxtelesys legacy example",
            Provider::Voxtelesys,
            "text/xml",
            r#"<Response><Say voice="Joanna" language="en-US">Hello!</Say></Response>"#,
        ),
        (
            "pretty-printed vobiz",
            Provider::Vobiz,
            "application/xml; charset=utf-8",
            "<?xml version=\"1.0\"?>\n<Response>\n  <Gather action=\"https://a.example/g\" inputType=\"dtmf\">\n    <Speak>Enter &amp; press #</Speak>\n  </Gather>\n  <Hangup/>\n</Response>\n",
        ),
        (
            "cdata and char refs",
            Provider::Vobiz,
            "application/xml",
            "<Response><Speak><![CDATA[a < b]]> &#233;</Speak></Response>",
        ),
        (
            "vobiz empty response",
            Provider::Vobiz,
            "application/xml",
            "<Response/>",
        ),
    ];
    for (name, provider, ct, body) in cases {
        assert_eq!(
            check(*provider, Some(ct), body.as_bytes()),
            Ok(()),
            "{name}"
        );
    }
    let big = format!(
        "<Response><Speak>{}</Speak></Response>",
        "x".repeat(110_000)
    );
    let problems = check(Provider::Vobiz, Some("application/xml"), big.as_bytes()).unwrap_err();
    assert!(matches!(problems[0].error, VoxmlError::TooLarge { .. }));
}
