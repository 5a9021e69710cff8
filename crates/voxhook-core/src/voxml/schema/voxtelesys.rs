//! Voxtelesys VoXML (XML, `<Response>`), after the official Node SDK's verb list.
//!
//! `Pay`, `Prompt` and `Parameter` attributes follow the Twilio heritage the
//! Voxtelesys docs point to; `history` is accepted on every verb.

use super::super::node::{Attr as A, Dialect, Verb as V};
use super::rule::{DIGITS, INPUT, LOOP, METHOD, REASON, SEND_DIGITS};
use super::{Rule as R, Schema, VerbSpec, child, leaf, opt, req, text, text_opt};

const RECORDING_EVENTS: R = R::Words(&["in-progress", "completed", "failed"]);
const TIMEOUT: R = R::UInt { min: 0, max: 600 };
const STT_LANGUAGES: R = R::OneOf(&[
    "zh-CN", "zh-TW", "da", "nl", "en-US", "en-AU", "en-IN", "en-NZ", "en-GB", "fr", "fr-CA", "de",
    "hi", "hi-Latn", "id", "it", "ja", "ko", "no", "pl", "pt", "pt-BR", "pt-PT", "ru", "es",
    "es-419", "sv", "ta", "tr", "uk",
]);

pub(crate) static SCHEMA: Schema = Schema {
    dialect: Dialect::Voxtelesys,
    common: &[opt(
        A::History,
        "history",
        R::OneOf(&["disable", "compact", "full"]),
    )],
    limit: None,
    verbs: VERBS,
    index: Schema::index(VERBS),
};

const VERBS: &[VerbSpec] = &[
    leaf(V::Answer, "Answer", true, None, &[]),
    VerbSpec {
        verb: V::Connect,
        name: "Connect",
        top: true,
        text: None,
        attrs: &[],
        children: &[child(V::Flow)],
        needs_child: true,
    },
    leaf(
        V::Flow,
        "Flow",
        false,
        text("", R::NonEmpty),
        &[opt(A::Resume, "resume", R::Bool)],
    ),
    VerbSpec {
        verb: V::Dial,
        name: "Dial",
        top: true,
        text: text_opt("", R::NonEmpty),
        attrs: &[
            opt(A::Action, "action", R::Url),
            opt(A::AnswerOnBridge, "answerOnBridge", R::Bool),
            opt(A::CallerId, "callerId", R::NonEmpty),
            opt(A::HangupOnStar, "hangupOnStar", R::Bool),
            opt(A::Method, "method", METHOD),
            opt(A::Output, "output", R::Ident),
            opt(
                A::RingTone,
                "ringTone",
                R::OneOf(&[
                    "au", "be", "cn", "cz", "de", "dk", "es", "fi", "fr", "hu", "il", "in", "jp",
                    "pl", "uk", "us",
                ]),
            ),
            opt(A::Timeout, "timeout", R::UInt { min: 1, max: 600 }),
            opt(
                A::TimeLimit,
                "timeLimit",
                R::UInt {
                    min: 1,
                    max: 14_400,
                },
            ),
            opt(
                A::Record,
                "record",
                R::OneOf(&[
                    "do-not-record",
                    "record-from-ringing",
                    "record-from-answer",
                    "record-from-ringing-dual",
                    "record-from-answer-dual",
                ]),
            ),
            opt(
                A::RecordingTrack,
                "recordingTrack",
                R::OneOf(&["inbound", "outbound", "both"]),
            ),
            opt(
                A::RecordingStatusCallback,
                "recordingStatusCallback",
                R::Url,
            ),
            opt(
                A::RecordingStatusCallbackMethod,
                "recordingStatusCallbackMethod",
                METHOD,
            ),
            opt(
                A::RecordingStatusCallbackEvent,
                "recordingStatusCallbackEvent",
                RECORDING_EVENTS,
            ),
        ],
        children: &[child(V::Number)],
        needs_child: false,
    },
    leaf(
        V::Number,
        "Number",
        false,
        text("", R::NonEmpty),
        &[
            opt(A::SendDigits, "sendDigits", SEND_DIGITS),
            opt(A::Url, "url", R::Url),
            opt(A::Method, "method", METHOD),
            opt(A::StatusCallback, "statusCallback", R::Url),
            opt(A::StatusCallbackMethod, "statusCallbackMethod", METHOD),
            opt(
                A::StatusCallbackEvent,
                "statusCallbackEvent",
                R::Words(&["initiated", "ringing", "answered", "completed"]),
            ),
        ],
    ),
    VerbSpec {
        verb: V::Gather,
        name: "Gather",
        top: true,
        text: None,
        attrs: &[
            opt(A::Action, "action", R::Url),
            opt(A::ActionOnEmptyResult, "actionOnEmptyResult", R::Bool),
            opt(A::FinishOnKey, "finishOnKey", R::Key(DIGITS)),
            opt(A::Input, "input", INPUT),
            opt(A::Language, "language", STT_LANGUAGES),
            opt(A::Method, "method", METHOD),
            opt(A::NumDigits, "numDigits", R::UInt { min: 1, max: 100 }),
            opt(A::Output, "output", R::Ident),
            opt(A::ProfanityFilter, "profanityFilter", R::Bool),
            opt(
                A::SpeechTimeout,
                "speechTimeout",
                R::UIntOrAuto { min: 1, max: 600 },
            ),
            opt(A::Timeout, "timeout", TIMEOUT),
        ],
        children: &[child(V::Play), child(V::Say), child(V::Pause)],
        needs_child: false,
    },
    leaf(V::Hangup, "Hangup", true, None, &[]),
    leaf(
        V::Pause,
        "Pause",
        true,
        None,
        &[opt(A::Length, "length", R::UInt { min: 1, max: 600 })],
    ),
    VerbSpec {
        verb: V::Pay,
        name: "Pay",
        top: true,
        text: None,
        attrs: &[
            opt(A::Action, "action", R::Url),
            opt(A::Method, "method", METHOD),
            opt(A::Input, "input", R::OneOf(&["dtmf"])),
            opt(A::Timeout, "timeout", TIMEOUT),
            opt(A::MaxAttempts, "maxAttempts", R::UInt { min: 1, max: 10 }),
            opt(A::SecurityCode, "securityCode", R::Bool),
            opt(A::PostalCode, "postalCode", R::NonEmpty),
            opt(A::PaymentConnector, "paymentConnector", R::NonEmpty),
            opt(
                A::TokenType,
                "tokenType",
                R::OneOf(&["one-time", "reusable", "payment-method"]),
            ),
            opt(A::ChargeAmount, "chargeAmount", R::Decimal),
            opt(A::Currency, "currency", R::NonEmpty),
            opt(A::Description, "description", R::Any),
            opt(
                A::ValidCardTypes,
                "validCardTypes",
                R::Words(&[
                    "visa",
                    "mastercard",
                    "amex",
                    "maestro",
                    "discover",
                    "optima",
                    "jcb",
                    "diners-club",
                    "enroute",
                ]),
            ),
            opt(A::Language, "language", R::NonEmpty),
            opt(A::StatusCallback, "statusCallback", R::Url),
            opt(A::StatusCallbackMethod, "statusCallbackMethod", METHOD),
        ],
        children: &[child(V::Prompt), child(V::Parameter)],
        needs_child: false,
    },
    VerbSpec {
        verb: V::Prompt,
        name: "Prompt",
        top: false,
        text: None,
        attrs: &[
            opt(
                A::For,
                "for",
                R::OneOf(&[
                    "payment-card-number",
                    "expiration-date",
                    "security-code",
                    "postal-code",
                    "bank-routing-number",
                    "bank-account-number",
                    "payment-processing",
                ]),
            ),
            opt(A::Attempt, "attempt", R::NonEmpty),
            opt(A::CardType, "cardType", R::NonEmpty),
            opt(A::ErrorType, "errorType", R::NonEmpty),
            opt(A::RequireMatchingInputs, "requireMatchingInputs", R::Bool),
        ],
        children: &[child(V::Say), child(V::Play), child(V::Pause)],
        needs_child: false,
    },
    leaf(
        V::Parameter,
        "Parameter",
        false,
        None,
        &[
            req(A::Name, "name", R::NonEmpty),
            opt(A::Value, "value", R::Any),
        ],
    ),
    leaf(
        V::Play,
        "Play",
        true,
        text_opt("", R::Url),
        &[
            opt(A::Loop, "loop", LOOP),
            opt(A::Digits, "digits", SEND_DIGITS),
        ],
    ),
    leaf(
        V::Record,
        "Record",
        true,
        None,
        &[
            opt(A::Action, "action", R::Url),
            opt(A::Method, "method", METHOD),
            opt(A::Timeout, "timeout", R::UInt { min: 0, max: 3600 }),
            opt(A::FinishOnKey, "finishOnKey", R::Keys(DIGITS)),
            opt(
                A::MaxLength,
                "maxLength",
                R::UInt {
                    min: 1,
                    max: 14_400,
                },
            ),
            opt(A::PlayBeep, "playBeep", R::Bool),
            opt(
                A::RecordingStatusCallback,
                "recordingStatusCallback",
                R::Url,
            ),
            opt(
                A::RecordingStatusCallbackMethod,
                "recordingStatusCallbackMethod",
                METHOD,
            ),
            opt(
                A::RecordingStatusCallbackEvent,
                "recordingStatusCallbackEvent",
                RECORDING_EVENTS,
            ),
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
        V::Reject,
        "Reject",
        true,
        None,
        &[opt(A::Reason, "reason", REASON)],
    ),
    leaf(
        V::Say,
        "Say",
        true,
        text("", R::NonEmpty),
        &[
            opt(A::Language, "language", R::NonEmpty),
            opt(A::Voice, "voice", R::NonEmpty),
            opt(A::Loop, "loop", LOOP),
        ],
    ),
    leaf(
        V::Set,
        "Set",
        true,
        text_opt("", R::Any),
        &[req(A::Output, "output", R::Ident)],
    ),
    leaf(
        V::Unset,
        "Unset",
        true,
        None,
        &[req(A::Output, "output", R::Ident)],
    ),
];
