//! Exact output for the reference receiver's answers.

use crate::Provider;
use crate::voxml::{Document, Response};

fn hello(from: &str) -> Document {
    Response::new()
        .say(format!("Hello {from}, this is voxhook."))
        .into()
}

#[test]
fn reference_receiver_answers() {
    let doc = hello("+14155550100");
    let tryvox = doc.render(Provider::TryVox).unwrap();
    assert_eq!(tryvox.content_type, "application/json");
    let json: serde_json::Value = serde_json::from_slice(&tryvox.body).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"voxml_version":"1.0","instructions":[{"verb":"Say","text":"Hello +14155550100, this is voxhook."}]})
    );
    let vx = doc.render(Provider::Voxtelesys).unwrap();
    assert_eq!(vx.content_type, "application/xml");
    assert_eq!(
        &vx.body[..],
        br#"<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello +14155550100, this is voxhook.</Say></Response>"#
    );
    let vb = doc.render(Provider::Vobiz).unwrap();
    assert_eq!(vb.content_type, "application/xml");
    assert_eq!(
        &vb.body[..],
        br#"<?xml version="1.0" encoding="UTF-8"?><Response><Speak>Hello +14155550100, this is voxhook.</Speak></Response>"#
    );
}

#[test]
fn caller_text_is_escaped() {
    let doc = hello("<there> & \"co\"");
    let vb = doc.render(Provider::Vobiz).unwrap();
    assert_eq!(
        &vb.body[..],
        br#"<?xml version="1.0" encoding="UTF-8"?><Response><Speak>Hello &lt;there&gt; &amp; &quot;co&quot;, this is voxhook.</Speak></Response>"#
    );
}

#[test]
fn document_is_send_sync_static() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Document>();
    assert_send_sync::<crate::voxml::Rendered>();
}

/// One golden case: a document, the provider, the exact body.
pub(super) struct Case {
    name: &'static str,
    doc: Document,
    provider: Provider,
    body: &'static str,
}

pub(super) fn run(cases: Vec<Case>) {
    for case in cases {
        let rendered = case
            .doc
            .render(case.provider)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let body = std::str::from_utf8(&rendered.body).unwrap();
        let expected = match case.provider {
            Provider::TryVox => format!(
                r#"{{"voxml_version":"1.0","instructions":[{}]}}"#,
                case.body
            ),
            _ => format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Response>{}</Response>"#,
                case.body
            ),
        };
        assert_eq!(body, expected, "{}", case.name);
        assert!(
            crate::voxml::check(case.provider, Some(rendered.content_type), &rendered.body).is_ok(),
            "{}: check of our own output",
            case.name
        );
    }
}

pub(super) fn case(
    name: &'static str,
    doc: impl Into<Document>,
    provider: Provider,
    body: &'static str,
) -> Case {
    Case {
        name,
        doc: doc.into(),
        provider,
        body,
    }
}

#[test]
fn portable_verbs_in_every_dialect() {
    use crate::voxml::{
        Dial, Gather, Input, Method, Play, Reason, Record, Redirect, Say, Stream, Track,
    };
    use Provider::{TryVox as T, Vobiz as B, Voxtelesys as X};
    let say = || Response::new().say(Say::new("Hi").voice("v1").language("en-US").loop_count(2));
    let play = || Response::new().play(Play::new("https://a.example/x.mp3").loop_count(3));
    let pause = || Response::new().pause(2);
    let gather = || {
        Response::new().gather(
            Gather::new("https://a.example/g")
                .method(Method::Get)
                .input(Input::DtmfSpeech)
                .timeout(10)
                .num_digits(4)
                .finish_on_key("*")
                .say("Enter")
                .play("https://a.example/p.mp3"),
        )
    };
    let dial = || {
        Response::new().dial(
            Dial::new()
                .number("+1555")
                .number("+1666")
                .caller_id("+1777")
                .timeout(20)
                .time_limit(600)
                .action("https://a.example/d"),
        )
    };
    let record = || {
        Response::new().record(
            Record::new("https://a.example/r")
                .max_length(30)
                .timeout(5)
                .finish_on_key("#")
                .play_beep(false),
        )
    };
    let redirect =
        || Response::new().redirect(Redirect::new("https://a.example/n").method(Method::Get));
    let hangup = || Response::new().hangup();
    let reject = || Response::new().reject(Reason::Busy);
    let stream = || {
        Response::new().stream(
            Stream::new("wss://a.example/s")
                .track(Track::Both)
                .status_callback("https://a.example/st"),
        )
    };
    run(vec![
        case(
            "say tryvox",
            say(),
            T,
            r#"{"verb":"Say","text":"Hi","voice":"v1","language":"en-US","loop":2}"#,
        ),
        case(
            "say voxtelesys",
            say(),
            X,
            r#"<Say voice="v1" language="en-US" loop="2">Hi</Say>"#,
        ),
        case(
            "say vobiz",
            say(),
            B,
            r#"<Speak voice="v1" language="en-US" loop="2">Hi</Speak>"#,
        ),
        case(
            "play tryvox",
            play(),
            T,
            r#"{"verb":"Play","url":"https://a.example/x.mp3","loop":3}"#,
        ),
        case(
            "play voxtelesys",
            play(),
            X,
            r#"<Play loop="3">https://a.example/x.mp3</Play>"#,
        ),
        case(
            "play vobiz",
            play(),
            B,
            r#"<Play loop="3">https://a.example/x.mp3</Play>"#,
        ),
        case("pause tryvox", pause(), T, r#"{"verb":"Pause","length":2}"#),
        case("pause voxtelesys", pause(), X, r#"<Pause length="2"/>"#),
        case("pause vobiz", pause(), B, r#"<Wait length="2"/>"#),
        case(
            "gather tryvox",
            gather(),
            T,
            r#"{"verb":"Gather","action_url":"https://a.example/g","method":"GET","input":"dtmf speech","timeout":10,"num_digits":4,"finish_on_key":"*","say":{"text":"Enter"},"play":{"url":"https://a.example/p.mp3"}}"#,
        ),
        case(
            "gather voxtelesys",
            gather(),
            X,
            r#"<Gather action="https://a.example/g" method="GET" input="dtmf speech" timeout="10" numDigits="4" finishOnKey="*"><Say>Enter</Say><Play>https://a.example/p.mp3</Play></Gather>"#,
        ),
        case(
            "gather vobiz",
            gather(),
            B,
            r#"<Gather action="https://a.example/g" method="GET" inputType="dtmf speech" executionTimeout="10" numDigits="4" finishOnKey="*"><Speak>Enter</Speak><Play>https://a.example/p.mp3</Play></Gather>"#,
        ),
        case(
            "dial tryvox",
            dial(),
            T,
            r#"{"verb":"Dial","caller_id":"+1777","timeout":20,"time_limit":600,"action_url":"https://a.example/d","numbers":[{"number":"+1555"},{"number":"+1666"}]}"#,
        ),
        case(
            "dial voxtelesys",
            dial(),
            X,
            r#"<Dial callerId="+1777" timeout="20" timeLimit="600" action="https://a.example/d"><Number>+1555</Number><Number>+1666</Number></Dial>"#,
        ),
        case(
            "dial vobiz",
            dial(),
            B,
            r#"<Dial callerId="+1777" timeout="20" timeLimit="600" action="https://a.example/d"><Number>+1555</Number><Number>+1666</Number></Dial>"#,
        ),
        case(
            "record tryvox",
            record(),
            T,
            r##"{"verb":"Record","action_url":"https://a.example/r","max_length":30,"timeout":5,"finish_on_key":"#","play_beep":false}"##,
        ),
        case(
            "record voxtelesys",
            record(),
            X,
            r##"<Record action="https://a.example/r" maxLength="30" timeout="5" finishOnKey="#" playBeep="false"/>"##,
        ),
        case(
            "record vobiz",
            record(),
            B,
            r##"<Record action="https://a.example/r" maxLength="30" timeout="5" finishOnKey="#" playBeep="false"/>"##,
        ),
        case(
            "redirect tryvox",
            redirect(),
            T,
            r#"{"verb":"Redirect","url":"https://a.example/n","method":"GET"}"#,
        ),
        case(
            "redirect voxtelesys",
            redirect(),
            X,
            r#"<Redirect method="GET">https://a.example/n</Redirect>"#,
        ),
        case(
            "redirect vobiz",
            redirect(),
            B,
            r#"<Redirect method="GET">https://a.example/n</Redirect>"#,
        ),
        case("hangup tryvox", hangup(), T, r#"{"verb":"Hangup"}"#),
        case("hangup voxtelesys", hangup(), X, r#"<Hangup/>"#),
        case("hangup vobiz", hangup(), B, r#"<Hangup/>"#),
        case(
            "reject tryvox",
            reject(),
            T,
            r#"{"verb":"Reject","reason":"busy"}"#,
        ),
        case(
            "reject voxtelesys",
            reject(),
            X,
            r#"<Reject reason="busy"/>"#,
        ),
        case("reject vobiz", reject(), B, r#"<Hangup reason="busy"/>"#),
        case(
            "stream tryvox",
            stream(),
            T,
            r#"{"verb":"Stream","url":"wss://a.example/s","track":"both_tracks","status_callback_url":"https://a.example/st"}"#,
        ),
        case(
            "stream vobiz",
            stream(),
            B,
            r#"<Stream audioTrack="both" statusCallbackUrl="https://a.example/st">wss://a.example/s</Stream>"#,
        ),
        case("empty tryvox", Response::new(), T, ""),
        case("empty voxtelesys", Response::new(), X, ""),
    ]);
}
