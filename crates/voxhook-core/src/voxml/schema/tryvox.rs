//! TryVox JSON VoxML 1.0: 11 verbs, snake_case parameters, nested objects.
//!
//! Where TryVox does not document a name we chose one (see the `voxml` module docs):
//! `Pause` `length` (seconds), `Say` / `Play` `loop`.

use super::super::node::{Attr as A, Dialect, Verb as V};
use super::rule::{DIGITS, INPUT, LOOP, METHOD, REASON, SEND_DIGITS};
use super::{ChildSpec, Rule as R, Schema, VerbSpec, opt, req, text};

const SAY: VerbSpec = VerbSpec {
    verb: V::Say,
    name: "Say",
    top: true,
    text: text("text", R::NonEmpty),
    attrs: &[
        opt(A::Voice, "voice", R::NonEmpty),
        opt(A::Language, "language", R::NonEmpty),
        opt(A::Engine, "engine", R::NonEmpty),
        opt(A::Loop, "loop", LOOP),
    ],
    children: &[],
    needs_child: false,
};

const PLAY: VerbSpec = VerbSpec {
    verb: V::Play,
    name: "Play",
    top: true,
    text: text("url", R::Url),
    attrs: &[opt(A::Loop, "loop", LOOP)],
    children: &[],
    needs_child: false,
};

const fn nested(verb: V, key: &'static str) -> ChildSpec {
    ChildSpec {
        verb,
        key,
        many: false,
        max: Some(1),
    }
}

const fn list(verb: V, key: &'static str) -> ChildSpec {
    ChildSpec {
        verb,
        key,
        many: true,
        max: None,
    }
}

pub(crate) static SCHEMA: Schema = Schema {
    dialect: Dialect::TryVox,
    common: &[],
    limit: None,
    verbs: VERBS,
    index: Schema::index(VERBS),
};

const VERBS: &[VerbSpec] = &[
    SAY,
    PLAY,
    VerbSpec {
        verb: V::Gather,
        name: "Gather",
        top: true,
        text: None,
        attrs: &[
            req(A::Action, "action_url", R::Url),
            opt(A::Method, "method", METHOD),
            opt(A::Input, "input", INPUT),
            opt(A::Timeout, "timeout", R::UInt { min: 1, max: 600 }),
            opt(A::NumDigits, "num_digits", R::UInt { min: 1, max: 100 }),
            opt(A::FinishOnKey, "finish_on_key", R::Key(DIGITS)),
        ],
        children: &[nested(V::Say, "say"), nested(V::Play, "play")],
        needs_child: false,
    },
    VerbSpec {
        verb: V::Dial,
        name: "Dial",
        top: true,
        text: None,
        attrs: &[
            opt(A::Action, "action_url", R::Url),
            opt(A::Timeout, "timeout", R::UInt { min: 1, max: 600 }),
            opt(
                A::TimeLimit,
                "time_limit",
                R::UInt {
                    min: 1,
                    max: 86_400,
                },
            ),
            opt(A::CallerId, "caller_id", R::NonEmpty),
            opt(A::Record, "record", R::Bool),
            opt(A::RingTone, "ring_tone", R::NonEmpty),
        ],
        children: &[
            list(V::Number, "numbers"),
            list(V::Sip, "sip"),
            list(V::Client, "client"),
        ],
        needs_child: true,
    },
    VerbSpec {
        verb: V::Number,
        name: "Number",
        top: false,
        text: text("number", R::NonEmpty),
        attrs: &[opt(A::SendDigits, "send_digits", SEND_DIGITS)],
        children: &[],
        needs_child: false,
    },
    VerbSpec {
        verb: V::Sip,
        name: "Sip",
        top: false,
        text: text("uri", R::NonEmpty),
        attrs: &[
            opt(A::Username, "username", R::Any),
            opt(A::Password, "password", R::Any),
        ],
        children: &[],
        needs_child: false,
    },
    VerbSpec {
        verb: V::Client,
        name: "Client",
        top: false,
        text: text("name", R::NonEmpty),
        attrs: &[],
        children: &[],
        needs_child: false,
    },
    VerbSpec {
        verb: V::Record,
        name: "Record",
        top: true,
        text: None,
        attrs: &[
            req(A::Action, "action_url", R::Url),
            opt(
                A::MaxLength,
                "max_length",
                R::UInt {
                    min: 1,
                    max: 14_400,
                },
            ),
            opt(A::Timeout, "timeout", R::UInt { min: 0, max: 3600 }),
            opt(A::FinishOnKey, "finish_on_key", R::Keys(DIGITS)),
            opt(A::Trim, "trim", R::OneOf(&["trim-silence", "do-not-trim"])),
            opt(A::PlayBeep, "play_beep", R::Bool),
            opt(A::Transcribe, "transcribe", R::Bool),
            opt(A::TranscriptionUrl, "transcription_url", R::Url),
        ],
        children: &[],
        needs_child: false,
    },
    VerbSpec {
        verb: V::Stream,
        name: "Stream",
        top: true,
        text: text("url", R::Wss),
        attrs: &[
            opt(A::Name, "name", R::NonEmpty),
            opt(
                A::Track,
                "track",
                R::OneOf(&["inbound_track", "outbound_track", "both_tracks"]),
            ),
            opt(A::StatusCallback, "status_callback_url", R::Url),
            opt(A::Parameters, "parameters", R::Map),
        ],
        children: &[],
        needs_child: false,
    },
    VerbSpec {
        verb: V::Conference,
        name: "Conference",
        top: true,
        text: text("name", R::NonEmpty),
        attrs: &[
            opt(A::Muted, "muted", R::Bool),
            opt(A::StartOnEnter, "start_on_enter", R::Bool),
            opt(A::EndOnExit, "end_on_exit", R::Bool),
            opt(
                A::MaxParticipants,
                "max_participants",
                R::UInt { min: 1, max: 250 },
            ),
            opt(A::WaitUrl, "wait_url", R::Url),
            opt(A::StatusCallback, "status_callback_url", R::Url),
            opt(A::Record, "record", R::Bool),
            opt(A::Beep, "beep", R::Bool),
        ],
        children: &[],
        needs_child: false,
    },
    VerbSpec {
        verb: V::Redirect,
        name: "Redirect",
        top: true,
        text: text("url", R::Url),
        attrs: &[opt(A::Method, "method", METHOD)],
        children: &[],
        needs_child: false,
    },
    VerbSpec {
        verb: V::Pause,
        name: "Pause",
        top: true,
        text: None,
        attrs: &[opt(A::Length, "length", R::UInt { min: 1, max: 3600 })],
        children: &[],
        needs_child: false,
    },
    VerbSpec {
        verb: V::Hangup,
        name: "Hangup",
        top: true,
        text: None,
        attrs: &[],
        children: &[],
        needs_child: false,
    },
    VerbSpec {
        verb: V::Reject,
        name: "Reject",
        top: true,
        text: None,
        attrs: &[opt(A::Reason, "reason", REASON)],
        children: &[],
        needs_child: false,
    },
];
