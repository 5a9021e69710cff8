//! VobizXML (XML, `<Response>`), Plivo-derived; documents must stay under 100 KB.
//!
//! The portable `Say` is `Speak`, `Pause` is `Wait`, a portable `Reject` is
//! `<Hangup reason="...">`, and Gather's timeout is `executionTimeout` (5-60).

use super::super::node::{Attr as A, Dialect, Verb as V};
use super::rule::{DIGITS, INPUT, LOOP, METHOD, REASON, SEND_DIGITS};
use super::{Rule as R, Schema, VerbSpec, child, leaf, opt, req, text};

/// "The maximum allowed size of the XML document is 100 KB"; we read KB as 1024 bytes.
pub(crate) const LIMIT: usize = 100 * 1024;

const RECORD: VerbSpec = VerbSpec {
    verb: V::Record,
    name: "Record",
    top: true,
    text: None,
    attrs: &[
        req(A::Action, "action", R::Url),
        opt(A::Method, "method", METHOD),
        opt(A::FileFormat, "fileFormat", R::OneOf(&["mp3", "wav"])),
        opt(A::Redirect, "redirect", R::Bool),
        opt(A::Timeout, "timeout", R::UInt { min: 0, max: 3600 }),
        opt(
            A::MaxLength,
            "maxLength",
            R::UInt {
                min: 1,
                max: 86_400,
            },
        ),
        opt(A::PlayBeep, "playBeep", R::Bool),
        opt(A::FinishOnKey, "finishOnKey", R::Keys(DIGITS)),
        opt(A::RecordSession, "recordSession", R::Bool),
        opt(A::StartOnDialAnswer, "startOnDialAnswer", R::Bool),
        opt(A::CallbackUrl, "callbackUrl", R::Url),
        opt(A::CallbackMethod, "callbackMethod", METHOD),
    ],
    children: &[child(V::Stream)],
    needs_child: false,
};

const DIAL_NOUN: &[super::AttrSpec] = &[
    opt(A::SendDigits, "sendDigits", SEND_DIGITS),
    opt(A::SendOnPreanswer, "sendOnPreanswer", R::Bool),
];

pub(crate) static SCHEMA: Schema = Schema {
    dialect: Dialect::Vobiz,
    common: &[],
    limit: Some(LIMIT),
    verbs: VERBS,
    index: Schema::index(VERBS),
};

const VERBS: &[VerbSpec] = &[
    leaf(
        V::Say,
        "Speak",
        true,
        text("", R::NonEmpty),
        &[
            opt(A::Voice, "voice", R::NonEmpty),
            opt(A::Language, "language", R::NonEmpty),
            opt(A::Loop, "loop", LOOP),
        ],
    ),
    leaf(
        V::Play,
        "Play",
        true,
        text("", R::Url),
        &[opt(A::Loop, "loop", LOOP)],
    ),
    VerbSpec {
        verb: V::Gather,
        name: "Gather",
        top: true,
        text: None,
        attrs: &[
            req(A::Action, "action", R::Url),
            opt(A::Method, "method", METHOD),
            opt(A::Input, "inputType", INPUT),
            opt(A::Timeout, "executionTimeout", R::UInt { min: 5, max: 60 }),
            opt(
                A::DigitEndTimeout,
                "digitEndTimeout",
                R::UIntOrAuto { min: 2, max: 10 },
            ),
            opt(
                A::SpeechEndTimeout,
                "speechEndTimeout",
                R::UIntOrAuto { min: 2, max: 10 },
            ),
            opt(
                A::FinishOnKey,
                "finishOnKey",
                R::OneOf(&[
                    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "", "none",
                ]),
            ),
            opt(A::NumDigits, "numDigits", R::UInt { min: 1, max: 32 }),
            opt(A::Hints, "hints", R::Any),
            opt(A::Language, "language", R::NonEmpty),
        ],
        children: &[child(V::Say), child(V::Play)],
        needs_child: false,
    },
    VerbSpec {
        verb: V::Dial,
        name: "Dial",
        top: true,
        text: None,
        attrs: &[
            opt(A::Action, "action", R::Url),
            opt(A::Method, "method", METHOD),
            opt(A::HangupOnStar, "hangupOnStar", R::Bool),
            opt(
                A::TimeLimit,
                "timeLimit",
                R::UInt {
                    min: 1,
                    max: u32::MAX as u64,
                },
            ),
            opt(A::Timeout, "timeout", R::UInt { min: 1, max: 3600 }),
            opt(A::CallerId, "callerId", R::NonEmpty),
            opt(A::CallerName, "callerName", R::NonEmpty),
            opt(A::Redirect, "redirect", R::Bool),
            opt(A::CallbackUrl, "callbackUrl", R::Url),
            opt(A::CallbackMethod, "callbackMethod", METHOD),
            opt(A::ConfirmSound, "confirmSound", R::Url),
            opt(A::ConfirmKey, "confirmKey", R::Key(DIGITS)),
            opt(A::DialMusic, "dialMusic", R::NonEmpty),
        ],
        children: &[child(V::Number), child(V::User), child(V::Record)],
        needs_child: true,
    },
    leaf(V::Number, "Number", false, text("", R::NonEmpty), DIAL_NOUN),
    leaf(V::User, "User", false, text("", R::NonEmpty), DIAL_NOUN),
    RECORD,
    leaf(
        V::Stream,
        "Stream",
        true,
        text("", R::WsUrl),
        &[
            opt(A::Bidirectional, "bidirectional", R::Bool),
            opt(
                A::Track,
                "audioTrack",
                R::OneOf(&["inbound", "outbound", "both"]),
            ),
            opt(
                A::StreamTimeout,
                "streamTimeout",
                R::UInt {
                    min: 1,
                    max: 86_400,
                },
            ),
            opt(A::StatusCallback, "statusCallbackUrl", R::Url),
            opt(A::StatusCallbackMethod, "statusCallbackMethod", METHOD),
            opt(
                A::ContentType,
                "contentType",
                R::OneOf(&[
                    "audio/x-l16;rate=8000",
                    "audio/x-l16;rate=16000",
                    "audio/x-mulaw;rate=8000",
                ]),
            ),
            opt(A::ExtraHeaders, "extraHeaders", R::Headers { max: 512 }),
            opt(A::KeepCallAlive, "keepCallAlive", R::Bool),
        ],
    ),
    leaf(
        V::Conference,
        "Conference",
        true,
        text("", R::NonEmpty),
        &[
            opt(A::Muted, "muted", R::Bool),
            opt(A::StartOnEnter, "startConferenceOnEnter", R::Bool),
            opt(A::EndOnExit, "endConferenceOnExit", R::Bool),
            opt(
                A::MaxParticipants,
                "maxMembers",
                R::UInt { min: 1, max: 250 },
            ),
            opt(A::WaitUrl, "waitSound", R::Url),
            opt(A::Record, "record", R::Bool),
            opt(
                A::TimeLimit,
                "timeLimit",
                R::UInt {
                    min: 1,
                    max: 86_400,
                },
            ),
            opt(A::StayAlone, "stayAlone", R::Bool),
            opt(A::HangupOnStar, "hangupOnStar", R::Bool),
            opt(A::Action, "action", R::Url),
            opt(A::Method, "method", METHOD),
            opt(A::CallbackUrl, "callbackUrl", R::Url),
            opt(A::CallbackMethod, "callbackMethod", METHOD),
        ],
    ),
    leaf(
        V::Redirect,
        "Redirect",
        true,
        text("", R::Url),
        &[opt(A::Method, "method", METHOD)],
    ),
    leaf(
        V::Pause,
        "Wait",
        true,
        None,
        &[
            opt(
                A::Length,
                "length",
                R::UInt {
                    min: 1,
                    max: 86_400,
                },
            ),
            opt(A::Beep, "beep", R::Bool),
            opt(A::Silence, "silence", R::Bool),
        ],
    ),
    leaf(
        V::Hangup,
        "Hangup",
        true,
        None,
        &[
            opt(A::Reason, "reason", REASON),
            opt(
                A::Schedule,
                "schedule",
                R::UInt {
                    min: 1,
                    max: 86_400,
                },
            ),
        ],
    ),
    // A portable Reject: Vobiz refuses a call with `<Hangup reason="...">`.
    leaf(
        V::Reject,
        "Hangup",
        true,
        None,
        &[req(A::Reason, "reason", REASON)],
    ),
    VerbSpec {
        verb: V::PreAnswer,
        name: "PreAnswer",
        top: true,
        text: None,
        attrs: &[],
        children: &[child(V::Say), child(V::Play), child(V::Pause)],
        needs_child: false,
    },
    leaf(
        V::Dtmf,
        "DTMF",
        true,
        text("", R::Keys("0123456789*#wWABCD")),
        &[opt(A::Async, "async", R::Bool)],
    ),
];
