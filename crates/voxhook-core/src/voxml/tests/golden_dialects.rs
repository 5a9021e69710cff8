//! Exact output of every verb of each dialect's own builder.

use super::golden::{case, run};
use crate::Provider;
use crate::voxml::{Input, Method, Reason, Track};

#[test]
fn tryvox_every_verb() {
    use crate::voxml::tryvox::*;
    let t = Provider::TryVox;
    run(vec![
        case(
            "say",
            Response::new().say(
                Say::new("Hello")
                    .voice("en-IN-Wavenet-B")
                    .language("en-IN")
                    .engine("google")
                    .loop_count(1),
            ),
            t,
            r#"{"verb":"Say","text":"Hello","voice":"en-IN-Wavenet-B","language":"en-IN","engine":"google","loop":1}"#,
        ),
        case(
            "play",
            Response::new().play("https://a.example/a.mp3"),
            t,
            r#"{"verb":"Play","url":"https://a.example/a.mp3"}"#,
        ),
        case(
            "gather with say and play",
            Response::new().gather(
                Gather::new("https://a.example/g")
                    .input(Input::Speech)
                    .method(Method::Post)
                    .timeout(5)
                    .num_digits(6)
                    .finish_on_key("#")
                    .say(Say::new("Say something").voice("en-IN-Wavenet-B"))
                    .play("https://a.example/b.mp3"),
            ),
            t,
            r##"{"verb":"Gather","action_url":"https://a.example/g","input":"speech","method":"POST","timeout":5,"num_digits":6,"finish_on_key":"#","say":{"text":"Say something","voice":"en-IN-Wavenet-B"},"play":{"url":"https://a.example/b.mp3"}}"##,
        ),
        case(
            "dial numbers sip client",
            Response::new().dial(
                Dial::new()
                    .action_url("https://a.example/d")
                    .timeout(30)
                    .time_limit(14400)
                    .caller_id("+911234567890")
                    .record(true)
                    .ring_tone("IN")
                    .number(Number::new("+919876543210").send_digits("ww123"))
                    .sip(
                        Sip::new("sip:alice@example.com")
                            .username("alice")
                            .password("pw"),
                    )
                    .client("agent7"),
            ),
            t,
            r#"{"verb":"Dial","action_url":"https://a.example/d","timeout":30,"time_limit":14400,"caller_id":"+911234567890","record":true,"ring_tone":"IN","numbers":[{"number":"+919876543210","send_digits":"ww123"}],"sip":[{"uri":"sip:alice@example.com","username":"alice","password":"pw"}],"client":[{"name":"agent7"}]}"#,
        ),
        case(
            "record",
            Response::new().record(
                Record::new("https://a.example/r")
                    .max_length(3600)
                    .timeout(5)
                    .finish_on_key("")
                    .trim(Trim::DoNotTrim)
                    .play_beep(true)
                    .transcribe(true)
                    .transcription_url("https://a.example/t"),
            ),
            t,
            r#"{"verb":"Record","action_url":"https://a.example/r","max_length":3600,"timeout":5,"finish_on_key":"","trim":"do-not-trim","play_beep":true,"transcribe":true,"transcription_url":"https://a.example/t"}"#,
        ),
        case(
            "stream",
            Response::new().stream(
                Stream::new("wss://a.example/ai")
                    .name("agent")
                    .track(Track::Inbound)
                    .status_callback_url("https://a.example/s")
                    .parameter("agent_id", "agent_123")
                    .parameter("lang", "hi"),
            ),
            t,
            r#"{"verb":"Stream","url":"wss://a.example/ai","name":"agent","track":"inbound_track","status_callback_url":"https://a.example/s","parameters":{"agent_id":"agent_123","lang":"hi"}}"#,
        ),
        case(
            "conference",
            Response::new().conference(
                Conference::new("room-1")
                    .muted(false)
                    .start_on_enter(true)
                    .end_on_exit(true)
                    .max_participants(10)
                    .wait_url("https://a.example/w.mp3")
                    .status_callback_url("https://a.example/c")
                    .record(true)
                    .beep(false),
            ),
            t,
            r#"{"verb":"Conference","name":"room-1","muted":false,"start_on_enter":true,"end_on_exit":true,"max_participants":10,"wait_url":"https://a.example/w.mp3","status_callback_url":"https://a.example/c","record":true,"beep":false}"#,
        ),
        case(
            "redirect",
            Response::new().redirect(Redirect::new("https://a.example/n").method(Method::Get)),
            t,
            r#"{"verb":"Redirect","url":"https://a.example/n","method":"GET"}"#,
        ),
        case(
            "pause",
            Response::new().pause(Pause::new().length(3)),
            t,
            r#"{"verb":"Pause","length":3}"#,
        ),
        case(
            "pause without length",
            Response::new().pause(Pause::new()),
            t,
            r#"{"verb":"Pause"}"#,
        ),
        case(
            "hangup",
            Response::new().hangup(),
            t,
            r#"{"verb":"Hangup"}"#,
        ),
        case(
            "reject",
            Response::new().reject(Reject::new().reason(Reason::Rejected)),
            t,
            r#"{"verb":"Reject","reason":"rejected"}"#,
        ),
    ]);
}

#[test]
fn voxtelesys_every_verb() {
    use crate::voxml::voxtelesys::*;
    let x = Provider::Voxtelesys;
    run(vec![
        case("answer", Response::new().answer(), x, "<Answer/>"),
        case(
            "connect flow",
            Response::new().connect(Connect::new().flow(Flow::new("5f0c").resume(true))),
            x,
            r#"<Connect><Flow resume="true">5f0c</Flow></Connect>"#,
        ),
        case(
            "dial",
            Response::new().dial(
                Dial::new()
                    .action("https://a.example/d")
                    .answer_on_bridge(true)
                    .caller_id("+15550001")
                    .hangup_on_star(true)
                    .method(Method::Post)
                    .output("dial")
                    .ring_tone("uk")
                    .timeout(25)
                    .time_limit(3600)
                    .record("record-from-answer-dual")
                    .recording_track(Track::Both)
                    .recording_status_callback("https://a.example/rs")
                    .recording_status_callback_method(Method::Get)
                    .recording_status_callback_event("in-progress completed")
                    .history(History::Full)
                    .number(
                        Number::new("+15550002")
                            .send_digits("ww1")
                            .url("https://a.example/whisper")
                            .method(Method::Get)
                            .status_callback("https://a.example/ns")
                            .status_callback_method(Method::Post)
                            .status_callback_event("ringing answered"),
                    ),
            ),
            x,
            r#"<Dial action="https://a.example/d" answerOnBridge="true" callerId="+15550001" hangupOnStar="true" method="POST" output="dial" ringTone="uk" timeout="25" timeLimit="3600" record="record-from-answer-dual" recordingTrack="both" recordingStatusCallback="https://a.example/rs" recordingStatusCallbackMethod="GET" recordingStatusCallbackEvent="in-progress completed" history="full"><Number sendDigits="ww1" url="https://a.example/whisper" method="GET" statusCallback="https://a.example/ns" statusCallbackMethod="POST" statusCallbackEvent="ringing answered">+15550002</Number></Dial>"#,
        ),
        case(
            "gather",
            Response::new().gather(
                Gather::new()
                    .action("https://a.example/g")
                    .action_on_empty_result(true)
                    .finish_on_key("#")
                    .input(Input::DtmfSpeech)
                    .language("en-GB")
                    .method(Method::Post)
                    .num_digits(3)
                    .output("_captcha")
                    .profanity_filter(true)
                    .speech_timeout("auto")
                    .timeout(7)
                    .history(History::Compact)
                    .say("Hi")
                    .play("https://a.example/p.mp3")
                    .pause(Pause::new().length(1)),
            ),
            x,
            r##"<Gather action="https://a.example/g" actionOnEmptyResult="true" finishOnKey="#" input="dtmf speech" language="en-GB" method="POST" numDigits="3" output="_captcha" profanityFilter="true" speechTimeout="auto" timeout="7" history="compact"><Say>Hi</Say><Play>https://a.example/p.mp3</Play><Pause length="1"/></Gather>"##,
        ),
        case(
            "hangup",
            Response::new().hangup(Hangup::new().history(History::Compact)),
            x,
            r#"<Hangup history="compact"/>"#,
        ),
        case(
            "pause",
            Response::new().pause(Pause::new().length(4)),
            x,
            r#"<Pause length="4"/>"#,
        ),
        case(
            "pay",
            Response::new().pay(
                Pay::new()
                    .action("https://a.example/pay")
                    .method(Method::Post)
                    .input(Input::Dtmf)
                    .timeout(10)
                    .max_attempts(3)
                    .security_code(true)
                    .postal_code("false")
                    .payment_connector("stripe")
                    .token_type("one-time")
                    .charge_amount("10.00")
                    .currency("usd")
                    .description("Order 7")
                    .valid_card_types("visa mastercard")
                    .language("en-US")
                    .status_callback("https://a.example/ps")
                    .status_callback_method(Method::Post)
                    .prompt(
                        Prompt::new()
                            .for_step("payment-card-number")
                            .attempt("1")
                            .card_type("visa")
                            .error_type("invalid-card-number")
                            .require_matching_inputs(false)
                            .say("Card number please")
                            .play("https://a.example/c.mp3")
                            .pause(Pause::new().length(1)),
                    )
                    .parameter(Parameter::new("order", "7")),
            ),
            x,
            r#"<Pay action="https://a.example/pay" method="POST" input="dtmf" timeout="10" maxAttempts="3" securityCode="true" postalCode="false" paymentConnector="stripe" tokenType="one-time" chargeAmount="10.00" currency="usd" description="Order 7" validCardTypes="visa mastercard" language="en-US" statusCallback="https://a.example/ps" statusCallbackMethod="POST"><Prompt for="payment-card-number" attempt="1" cardType="visa" errorType="invalid-card-number" requireMatchingInputs="false"><Say>Card number please</Say><Play>https://a.example/c.mp3</Play><Pause length="1"/></Prompt><Parameter name="order" value="7"/></Pay>"#,
        ),
        case(
            "play",
            Response::new().play(
                Play::new("https://a.example/a.mp3")
                    .loop_count(2)
                    .digits("1w2"),
            ),
            x,
            r#"<Play loop="2" digits="1w2">https://a.example/a.mp3</Play>"#,
        ),
        case(
            "record",
            Response::new().record(
                Record::new()
                    .action("https://a.example/r")
                    .method(Method::Get)
                    .timeout(0)
                    .finish_on_key("*#")
                    .max_length(14400)
                    .play_beep(false)
                    .recording_status_callback("https://a.example/rs")
                    .recording_status_callback_method(Method::Post)
                    .recording_status_callback_event("completed failed"),
            ),
            x,
            r#"<Record action="https://a.example/r" method="GET" timeout="0" finishOnKey="*#" maxLength="14400" playBeep="false" recordingStatusCallback="https://a.example/rs" recordingStatusCallbackMethod="POST" recordingStatusCallbackEvent="completed failed"/>"#,
        ),
        case(
            "redirect",
            Response::new().redirect(Redirect::new("https://a.example/n").method(Method::Get)),
            x,
            r#"<Redirect method="GET">https://a.example/n</Redirect>"#,
        ),
        case(
            "reject",
            Response::new().reject(Reject::new().reason(Reason::Busy)),
            x,
            r#"<Reject reason="busy"/>"#,
        ),
        case(
            "say",
            Response::new().say(
                Say::new("Hello!")
                    .voice("Polly.Joanna")
                    .language("en-US")
                    .loop_count(0),
            ),
            x,
            r#"<Say voice="Polly.Joanna" language="en-US" loop="0">Hello!</Say>"#,
        ),
        case(
            "set",
            Response::new().set(Set::new("lang", "en")),
            x,
            r#"<Set output="lang">en</Set>"#,
        ),
        case(
            "unset",
            Response::new().unset(Unset::new("lang")),
            x,
            r#"<Unset output="lang"/>"#,
        ),
    ]);
}

#[test]
fn vobiz_every_verb() {
    use crate::voxml::vobiz::*;
    let b = Provider::Vobiz;
    run(vec![
        case(
            "speak",
            Response::new().speak(
                Speak::new("Namaste")
                    .voice("MAN")
                    .language("en-GB")
                    .loop_count(2),
            ),
            b,
            r#"<Speak voice="MAN" language="en-GB" loop="2">Namaste</Speak>"#,
        ),
        case(
            "play",
            Response::new().play(Play::new("https://a.example/a.mp3").loop_count(0)),
            b,
            r#"<Play loop="0">https://a.example/a.mp3</Play>"#,
        ),
        case(
            "gather",
            Response::new().gather(
                Gather::new("https://a.example/g")
                    .method(Method::Post)
                    .input_type(Input::Dtmf)
                    .execution_timeout(15)
                    .digit_end_timeout("auto")
                    .speech_end_timeout("3")
                    .finish_on_key("none")
                    .num_digits(4)
                    .hints("yes,no")
                    .language("en-US")
                    .speak("Enter PIN")
                    .play("https://a.example/p.mp3"),
            ),
            b,
            r#"<Gather action="https://a.example/g" method="POST" inputType="dtmf" executionTimeout="15" digitEndTimeout="auto" speechEndTimeout="3" finishOnKey="none" numDigits="4" hints="yes,no" language="en-US"><Speak>Enter PIN</Speak><Play>https://a.example/p.mp3</Play></Gather>"#,
        ),
        case(
            "dial",
            Response::new().dial(
                Dial::new()
                    .action("https://a.example/d")
                    .method(Method::Post)
                    .hangup_on_star(true)
                    .time_limit(14400)
                    .timeout(30)
                    .caller_id("+14155550100")
                    .caller_name("Support")
                    .redirect(false)
                    .callback_url("https://a.example/cb")
                    .callback_method(Method::Get)
                    .confirm_sound("https://a.example/c.mp3")
                    .confirm_key("5")
                    .dial_music("real")
                    .record(Record::new("https://a.example/r").start_on_dial_answer(true))
                    .number(
                        Number::new("+14155550111")
                            .send_digits("wW1")
                            .send_on_preanswer(true),
                    )
                    .user(User::new("sip:bob@example.com").send_digits("2")),
            ),
            b,
            r#"<Dial action="https://a.example/d" method="POST" hangupOnStar="true" timeLimit="14400" timeout="30" callerId="+14155550100" callerName="Support" redirect="false" callbackUrl="https://a.example/cb" callbackMethod="GET" confirmSound="https://a.example/c.mp3" confirmKey="5" dialMusic="real"><Record action="https://a.example/r" startOnDialAnswer="true"/><Number sendDigits="wW1" sendOnPreanswer="true">+14155550111</Number><User sendDigits="2">sip:bob@example.com</User></Dial>"#,
        ),
        case(
            "record with stream",
            Response::new().record(
                Record::new("https://a.example/r")
                    .method(Method::Post)
                    .file_format("wav")
                    .redirect(false)
                    .timeout(60)
                    .max_length(120)
                    .play_beep(true)
                    .finish_on_key("#")
                    .record_session(true)
                    .callback_url("https://a.example/cb")
                    .callback_method(Method::Post)
                    .stream("wss://a.example/s"),
            ),
            b,
            r##"<Record action="https://a.example/r" method="POST" fileFormat="wav" redirect="false" timeout="60" maxLength="120" playBeep="true" finishOnKey="#" recordSession="true" callbackUrl="https://a.example/cb" callbackMethod="POST"><Stream>wss://a.example/s</Stream></Record>"##,
        ),
        case(
            "stream",
            Response::new().stream(
                Stream::new("wss://a.example/s")
                    .bidirectional(true)
                    .audio_track(Track::Inbound)
                    .stream_timeout(600)
                    .status_callback_url("https://a.example/st")
                    .status_callback_method(Method::Post)
                    .content_type("audio/x-mulaw;rate=8000")
                    .extra_headers("a=1,b=2")
                    .keep_call_alive(true),
            ),
            b,
            r#"<Stream bidirectional="true" audioTrack="inbound" streamTimeout="600" statusCallbackUrl="https://a.example/st" statusCallbackMethod="POST" contentType="audio/x-mulaw;rate=8000" extraHeaders="a=1,b=2" keepCallAlive="true">wss://a.example/s</Stream>"#,
        ),
        case(
            "conference",
            Response::new().conference(
                Conference::new("room")
                    .muted(true)
                    .start_conference_on_enter(true)
                    .end_conference_on_exit(false)
                    .max_members(20)
                    .wait_sound("https://a.example/w.mp3")
                    .record(false)
                    .time_limit(3600)
                    .stay_alone(false)
                    .hangup_on_star(true)
                    .action("https://a.example/a")
                    .method(Method::Get)
                    .callback_url("https://a.example/cb")
                    .callback_method(Method::Post),
            ),
            b,
            r#"<Conference muted="true" startConferenceOnEnter="true" endConferenceOnExit="false" maxMembers="20" waitSound="https://a.example/w.mp3" record="false" timeLimit="3600" stayAlone="false" hangupOnStar="true" action="https://a.example/a" method="GET" callbackUrl="https://a.example/cb" callbackMethod="POST">room</Conference>"#,
        ),
        case(
            "redirect",
            Response::new().redirect(Redirect::new("https://a.example/n").method(Method::Post)),
            b,
            r#"<Redirect method="POST">https://a.example/n</Redirect>"#,
        ),
        case(
            "wait",
            Response::new().wait(Wait::new().length(5).beep(true).silence(false)),
            b,
            r#"<Wait length="5" beep="true" silence="false"/>"#,
        ),
        case(
            "hangup with reason and schedule",
            Response::new().hangup(Hangup::new().reason(Reason::Rejected).schedule(30)),
            b,
            r#"<Hangup reason="rejected" schedule="30"/>"#,
        ),
        case(
            "pre-answer",
            Response::new().pre_answer(
                PreAnswer::new()
                    .speak("Ringing")
                    .play("https://a.example/r.mp3")
                    .wait(Wait::new().length(1)),
            ),
            b,
            r#"<PreAnswer><Speak>Ringing</Speak><Play>https://a.example/r.mp3</Play><Wait length="1"/></PreAnswer>"#,
        ),
        case(
            "dtmf",
            Response::new().dtmf(Dtmf::new("1WW2#").async_send(true)),
            b,
            r##"<DTMF async="true">1WW2#</DTMF>"##,
        ),
    ]);
}
