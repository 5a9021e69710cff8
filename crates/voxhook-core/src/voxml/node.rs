//! The one internal document model every builder produces and every renderer walks.
//!
//! Builders (portable or dialect-specific) create [`Node`] trees keyed by the
//! dialect-neutral [`Verb`] and [`Attr`]; each dialect's schema table gives the
//! wire names, the value rules and the nesting rules, so validation and
//! rendering are written once.

use crate::Provider;

use super::values::Track;

/// The three markup dialects (VoxPria has no call-control markup).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Dialect {
    TryVox,
    Voxtelesys,
    Vobiz,
}

impl Dialect {
    pub(crate) const fn of(provider: Provider) -> Option<Dialect> {
        match provider {
            Provider::TryVox => Some(Dialect::TryVox),
            Provider::Voxtelesys => Some(Dialect::Voxtelesys),
            Provider::Vobiz => Some(Dialect::Vobiz),
            Provider::VoxPria => None,
        }
    }

    pub(crate) const fn provider(self) -> Provider {
        match self {
            Dialect::TryVox => Provider::TryVox,
            Dialect::Voxtelesys => Provider::Voxtelesys,
            Dialect::Vobiz => Provider::Vobiz,
        }
    }
}

macro_rules! names {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($variant:ident => $text:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name { $($variant,)* }

        impl $name {
            /// How many variants there are.
            #[allow(dead_code)]
            $vis const COUNT: usize = [$(stringify!($variant)),*].len();

            /// The canonical (XML, camelCase) name, used in error messages.
            $vis const fn name(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }
        }
    };
}

names! {
    /// Every verb and noun of every dialect.
    pub(crate) enum Verb {
        Say => "Say",
        Play => "Play",
        Pause => "Pause",
        Gather => "Gather",
        Dial => "Dial",
        Number => "Number",
        Sip => "Sip",
        Client => "Client",
        User => "User",
        Record => "Record",
        Stream => "Stream",
        Conference => "Conference",
        Redirect => "Redirect",
        Hangup => "Hangup",
        Reject => "Reject",
        Answer => "Answer",
        Connect => "Connect",
        Flow => "Flow",
        Pay => "Pay",
        Prompt => "Prompt",
        Parameter => "Parameter",
        Set => "Set",
        Unset => "Unset",
        PreAnswer => "PreAnswer",
        Dtmf => "DTMF",
    }
}

names! {
    /// Every attribute of every dialect, by meaning; wire names live in the schema.
    pub(crate) enum Attr {
        Action => "action",
        ActionOnEmptyResult => "actionOnEmptyResult",
        AnswerOnBridge => "answerOnBridge",
        Async => "async",
        Attempt => "attempt",
        Beep => "beep",
        Bidirectional => "bidirectional",
        CallbackMethod => "callbackMethod",
        CallbackUrl => "callbackUrl",
        CallerId => "callerId",
        CallerName => "callerName",
        CardType => "cardType",
        ChargeAmount => "chargeAmount",
        ConfirmKey => "confirmKey",
        ConfirmSound => "confirmSound",
        ContentType => "contentType",
        Currency => "currency",
        Description => "description",
        DialMusic => "dialMusic",
        DigitEndTimeout => "digitEndTimeout",
        Digits => "digits",
        EndOnExit => "endOnExit",
        Engine => "engine",
        ErrorType => "errorType",
        ExtraHeaders => "extraHeaders",
        FileFormat => "fileFormat",
        FinishOnKey => "finishOnKey",
        For => "for",
        HangupOnStar => "hangupOnStar",
        Hints => "hints",
        History => "history",
        Input => "input",
        KeepCallAlive => "keepCallAlive",
        Language => "language",
        Length => "length",
        Loop => "loop",
        MaxAttempts => "maxAttempts",
        MaxLength => "maxLength",
        MaxParticipants => "maxParticipants",
        Method => "method",
        Muted => "muted",
        Name => "name",
        NumDigits => "numDigits",
        Output => "output",
        Parameters => "parameters",
        Password => "password",
        PaymentConnector => "paymentConnector",
        PlayBeep => "playBeep",
        PostalCode => "postalCode",
        ProfanityFilter => "profanityFilter",
        Reason => "reason",
        Record => "record",
        RecordSession => "recordSession",
        RecordingStatusCallback => "recordingStatusCallback",
        RecordingStatusCallbackEvent => "recordingStatusCallbackEvent",
        RecordingStatusCallbackMethod => "recordingStatusCallbackMethod",
        RecordingTrack => "recordingTrack",
        Redirect => "redirect",
        RequireMatchingInputs => "requireMatchingInputs",
        Resume => "resume",
        RingTone => "ringTone",
        Schedule => "schedule",
        SecurityCode => "securityCode",
        SendDigits => "sendDigits",
        SendOnPreanswer => "sendOnPreanswer",
        Silence => "silence",
        SpeechEndTimeout => "speechEndTimeout",
        SpeechTimeout => "speechTimeout",
        StartOnDialAnswer => "startOnDialAnswer",
        StartOnEnter => "startOnEnter",
        StatusCallback => "statusCallback",
        StatusCallbackEvent => "statusCallbackEvent",
        StatusCallbackMethod => "statusCallbackMethod",
        StayAlone => "stayAlone",
        StreamTimeout => "streamTimeout",
        TimeLimit => "timeLimit",
        Timeout => "timeout",
        TokenType => "tokenType",
        Track => "track",
        Transcribe => "transcribe",
        TranscriptionUrl => "transcriptionUrl",
        Trim => "trim",
        Url => "url",
        Username => "username",
        ValidCardTypes => "validCardTypes",
        Value => "value",
        Voice => "voice",
        WaitUrl => "waitUrl",
    }
}

/// An attribute value as the builder got it; rendered per dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Str(String),
    Static(&'static str),
    UInt(u64),
    Bool(bool),
    Track(Track),
    /// A string map (TryVox Stream `parameters`).
    Map(Vec<(String, String)>),
}

impl Value {
    /// The value as text in `dialect`, for everything but maps.
    pub(crate) fn as_text(&self, dialect: Dialect) -> Option<TextValue<'_>> {
        Some(match self {
            Value::Str(s) => TextValue::Str(s),
            Value::Static(s) => TextValue::Str(s),
            Value::UInt(n) => TextValue::UInt(*n),
            Value::Bool(b) => TextValue::Str(if *b { "true" } else { "false" }),
            Value::Track(t) => TextValue::Str(match dialect {
                Dialect::TryVox => t.tryvox(),
                Dialect::Voxtelesys | Dialect::Vobiz => t.vobiz(),
            }),
            Value::Map(_) => return None,
        })
    }
}

/// A scalar value as text: a string or an integer still to be formatted.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TextValue<'a> {
    Str(&'a str),
    UInt(u64),
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_owned())
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::UInt(u64::from(n))
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// One verb or noun with its text content, attributes and children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node {
    pub(crate) verb: Verb,
    pub(crate) text: Option<String>,
    pub(crate) attrs: Vec<(Attr, Value)>,
    pub(crate) children: Vec<Node>,
}

impl Node {
    pub(crate) const fn new(verb: Verb) -> Self {
        Node {
            verb,
            text: None,
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    pub(crate) fn with_text(verb: Verb, text: String) -> Self {
        Node {
            text: Some(text),
            ..Node::new(verb)
        }
    }

    /// Sets an attribute, replacing an earlier value of the same attribute.
    pub(crate) fn set(&mut self, attr: Attr, value: Value) {
        match self.attrs.iter_mut().find(|(a, _)| *a == attr) {
            Some(slot) => slot.1 = value,
            None => self.attrs.push((attr, value)),
        }
    }
}
