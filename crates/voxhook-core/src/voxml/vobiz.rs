//! Vobiz-only builder: every VobizXML element.
//!
//! ```
//! use voxhook_core::Provider;
//! use voxhook_core::voxml::{Document, vobiz};
//!
//! let doc = vobiz::Response::new()
//!     .pre_answer(vobiz::PreAnswer::new().speak("Please hold"))
//!     .dial(vobiz::Dial::new().caller_id("+14155550100").number(vobiz::Number::new("+14155550111").send_digits("ww12")));
//! let r = Document::from(doc).render(Provider::Vobiz)?;
//! assert!(r.body.ends_with(br#"<Dial callerId="+14155550100"><Number sendDigits="ww12">+14155550111</Number></Dial></Response>"#));
//! # Ok::<(), voxhook_core::voxml::VoxmlError>(())
//! ```

use super::node::Dialect;
use super::values::{Input, Method, Reason};

response_type! {
    Some(Dialect::Vobiz);
    /// A Vobiz-only document; renders only for `Provider::Vobiz`.
}

adders!(Response {
    /// `<Speak>`.
    speak: Speak,
    /// `<Play>`.
    play: Play,
    /// `<Gather>`.
    gather: Gather,
    /// `<Dial>`.
    dial: Dial,
    /// `<Record>`.
    record: Record,
    /// `<Stream>`.
    stream: Stream,
    /// `<Conference>`.
    conference: Conference,
    /// `<Redirect>`.
    redirect: Redirect,
    /// `<Wait>`.
    wait: Wait,
    /// `<Hangup>`.
    hangup: Hangup,
    /// `<PreAnswer>`.
    pre_answer: PreAnswer,
    /// `<DTMF>`.
    dtmf: Dtmf,
});

text_verb!(
    /// `<Speak>`: the text as content.
    Speak => Say, text
);
setters!(Speak {
    /// `voice`: `WOMAN` (default) or `MAN`.
    voice: str => Voice,
    /// `language` (default `en-US`).
    language: str => Language,
    /// `loop` (`0` = until the call moves on).
    loop_count: u32 => Loop,
});

text_verb!(
    /// `<Play>`: the URL as content.
    Play => Play, url
);
setters!(Play {
    /// `loop`.
    loop_count: u32 => Loop,
});

attr_verb!(
    /// `<Gather>`: `action` is required; nests `<Speak>` and `<Play>`.
    Gather => Gather, action: Action
);
setters!(Gather {
    /// `method`.
    method: Method => Method,
    /// `inputType`.
    input_type: Input => Input,
    /// `executionTimeout` in seconds, 5-60 (default 15), counted after the prompts.
    execution_timeout: u32 => Timeout,
    /// `digitEndTimeout`: 2-10 or `auto`.
    digit_end_timeout: str => DigitEndTimeout,
    /// `speechEndTimeout`: 2-10 or `auto`.
    speech_end_timeout: str => SpeechEndTimeout,
    /// `finishOnKey`: one key, `""` or `none`.
    finish_on_key: str => FinishOnKey,
    /// `numDigits`.
    num_digits: u32 => NumDigits,
    /// `hints` for speech recognition.
    hints: str => Hints,
    /// `language`.
    language: str => Language,
});
adders!(Gather {
    /// A nested `<Speak>`.
    speak: Speak,
    /// A nested `<Play>`.
    play: Play,
});

empty_verb!(
    /// `<Dial>`: needs at least one `<Number>` or `<User>`; may nest `<Record>`.
    Dial => Dial
);
setters!(Dial {
    /// `action`.
    action: str => Action,
    /// `method`.
    method: Method => Method,
    /// `hangupOnStar`.
    hangup_on_star: bool => HangupOnStar,
    /// `timeLimit` in seconds (default 14400).
    time_limit: u32 => TimeLimit,
    /// `timeout` in seconds.
    timeout: u32 => Timeout,
    /// `callerId`.
    caller_id: str => CallerId,
    /// `callerName`.
    caller_name: str => CallerName,
    /// `redirect` to the action URL.
    redirect: bool => Redirect,
    /// `callbackUrl` for dial events.
    callback_url: str => CallbackUrl,
    /// `callbackMethod`.
    callback_method: Method => CallbackMethod,
    /// `confirmSound`.
    confirm_sound: str => ConfirmSound,
    /// `confirmKey`.
    confirm_key: str => ConfirmKey,
    /// `dialMusic` (a URL or `real`).
    dial_music: str => DialMusic,
});
adders!(Dial {
    /// A `<Number>`.
    number: Number,
    /// A `<User>` (SIP endpoint).
    user: User,
    /// A `<Record startOnDialAnswer="true">`.
    record: Record,
});

text_verb!(
    /// `<Number>` inside `<Dial>`.
    Number => Number, number
);
setters!(Number {
    /// `sendDigits` (`w` waits half a second).
    send_digits: str => SendDigits,
    /// `sendOnPreanswer`.
    send_on_preanswer: bool => SendOnPreanswer,
});

text_verb!(
    /// `<User>` (a SIP URI) inside `<Dial>`.
    User => User, uri
);
setters!(User {
    /// `sendDigits`.
    send_digits: str => SendDigits,
    /// `sendOnPreanswer`.
    send_on_preanswer: bool => SendOnPreanswer,
});

attr_verb!(
    /// `<Record>`: `action` is required; may nest `<Stream>`.
    Record => Record, action: Action
);
setters!(Record {
    /// `method`.
    method: Method => Method,
    /// `fileFormat`: `mp3` (default) or `wav`.
    file_format: str => FileFormat,
    /// `redirect` to the action URL.
    redirect: bool => Redirect,
    /// `timeout`: seconds of silence (default 60).
    timeout: u32 => Timeout,
    /// `maxLength` in seconds (default 60).
    max_length: u32 => MaxLength,
    /// `playBeep`.
    play_beep: bool => PlayBeep,
    /// `finishOnKey`.
    finish_on_key: str => FinishOnKey,
    /// `recordSession`.
    record_session: bool => RecordSession,
    /// `startOnDialAnswer` (inside `<Dial>`).
    start_on_dial_answer: bool => StartOnDialAnswer,
    /// `callbackUrl`.
    callback_url: str => CallbackUrl,
    /// `callbackMethod`.
    callback_method: Method => CallbackMethod,
});
adders!(Record {
    /// A nested `<Stream>`.
    stream: Stream,
});

text_verb!(
    /// `<Stream>`: the WebSocket URL as content.
    Stream => Stream, url
);
setters!(Stream {
    /// `bidirectional`.
    bidirectional: bool => Bidirectional,
    /// `audioTrack` (default inbound).
    audio_track: track => Track,
    /// `streamTimeout` in seconds (default 86400).
    stream_timeout: u32 => StreamTimeout,
    /// `statusCallbackUrl`.
    status_callback_url: str => StatusCallback,
    /// `statusCallbackMethod`.
    status_callback_method: Method => StatusCallbackMethod,
    /// `contentType` (`audio/x-l16;rate=8000`...).
    content_type: str => ContentType,
    /// `extraHeaders` (`key=value,...`, at most 512 bytes).
    extra_headers: str => ExtraHeaders,
    /// `keepCallAlive`.
    keep_call_alive: bool => KeepCallAlive,
});

text_verb!(
    /// `<Conference>`: the room name as content (Plivo-style attributes).
    Conference => Conference, name
);
setters!(Conference {
    /// `muted`.
    muted: bool => Muted,
    /// `startConferenceOnEnter`.
    start_conference_on_enter: bool => StartOnEnter,
    /// `endConferenceOnExit`.
    end_conference_on_exit: bool => EndOnExit,
    /// `maxMembers` (1-250).
    max_members: u32 => MaxParticipants,
    /// `waitSound` URL.
    wait_sound: str => WaitUrl,
    /// `record`.
    record: bool => Record,
    /// `timeLimit` in seconds.
    time_limit: u32 => TimeLimit,
    /// `stayAlone`.
    stay_alone: bool => StayAlone,
    /// `hangupOnStar`.
    hangup_on_star: bool => HangupOnStar,
    /// `action`.
    action: str => Action,
    /// `method`.
    method: Method => Method,
    /// `callbackUrl`.
    callback_url: str => CallbackUrl,
    /// `callbackMethod`.
    callback_method: Method => CallbackMethod,
});

text_verb!(
    /// `<Redirect>`: the URL as content.
    Redirect => Redirect, url
);
setters!(Redirect {
    /// `method`.
    method: Method => Method,
});

empty_verb!(
    /// `<Wait>`.
    Wait => Pause
);
setters!(Wait {
    /// `length` in seconds.
    length: u32 => Length,
    /// `beep` (voicemail drop after machine detection).
    beep: bool => Beep,
    /// `silence`.
    silence: bool => Silence,
});

empty_verb!(
    /// `<Hangup>`; with a `reason` it refuses the call.
    Hangup => Hangup
);
setters!(Hangup {
    /// `reason`: `rejected` or `busy`.
    reason: Reason => Reason,
    /// `schedule`: hang up after this many seconds (needs a following element).
    schedule: u32 => Schedule,
});

empty_verb!(
    /// `<PreAnswer>`: media before answering; nests `<Speak>`, `<Play>`, `<Wait>`.
    PreAnswer => PreAnswer
);
adders!(PreAnswer {
    /// A nested `<Speak>`.
    speak: Speak,
    /// A nested `<Play>`.
    play: Play,
    /// A nested `<Wait>`.
    wait: Wait,
});

text_verb!(
    /// `<DTMF>`: digits to send (`W` waits).
    Dtmf => Dtmf, digits
);
setters!(Dtmf {
    /// `async`: send without waiting.
    async_send: bool => Async,
});
