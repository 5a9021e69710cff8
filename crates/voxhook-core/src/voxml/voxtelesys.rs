//! Voxtelesys-only builder: every VoXML verb, with `history` and `output`.
//!
//! ```
//! use voxhook_core::Provider;
//! use voxhook_core::voxml::{Document, voxtelesys::{self as vx, History}};
//!
//! let doc = vx::Response::new()
//!     .gather(vx::Gather::new().output("_captcha").history(History::Compact).say("Press 1"))
//!     .set(vx::Set::new("lang", "en"));
//! let r = Document::from(doc).render(Provider::Voxtelesys)?;
//! assert!(r.body.ends_with(br#"<Gather output="_captcha" history="compact"><Say>Press 1</Say></Gather><Set output="lang">en</Set></Response>"#));
//! # Ok::<(), voxhook_core::voxml::VoxmlError>(())
//! ```

use super::node::{Attr, Dialect, Node, Value, Verb};
use super::values::{Input, Method, Reason};

response_type! {
    Some(Dialect::Voxtelesys);
    /// A Voxtelesys-only document; renders only for `Provider::Voxtelesys`.
}

adders!(Response {
    /// `<Connect>` to a flow.
    connect: Connect,
    /// `<Dial>`.
    dial: Dial,
    /// `<Gather>`.
    gather: Gather,
    /// `<Hangup>`.
    hangup: Hangup,
    /// `<Pause>`.
    pause: Pause,
    /// `<Pay>`.
    pay: Pay,
    /// `<Play>`.
    play: Play,
    /// `<Record>`.
    record: Record,
    /// `<Redirect>`.
    redirect: Redirect,
    /// `<Reject>`.
    reject: Reject,
    /// `<Say>`.
    say: Say,
    /// `<Set>` a variable.
    set: Set,
    /// `<Unset>` a variable.
    unset: Unset,
});

impl Response {
    /// `<Answer/>`: answers the call explicitly.
    #[must_use]
    pub fn answer(self) -> Self {
        self.push(Node::new(Verb::Answer))
    }
}

/// `history`: how a verb is logged in the CDR history (every verb takes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum History {
    /// `disable` (the default).
    #[default]
    Disable,
    /// `compact`.
    Compact,
    /// `full`.
    Full,
}

impl History {
    /// The wire value.
    pub const fn as_str(self) -> &'static str {
        match self {
            History::Disable => "disable",
            History::Compact => "compact",
            History::Full => "full",
        }
    }
}

/// Adds the `history` setter every Voxtelesys verb has.
macro_rules! with_history {
    ($($ty:ident),*) => {$(
        setters!($ty {
            /// `history`: logging into the CDR history.
            history: History => History,
        });
    )*};
}

with_history!(
    Connect, Dial, Gather, Hangup, Pause, Pay, Play, Record, Redirect, Reject, Say, Set, Unset
);

empty_verb!(
    /// `<Connect>`: hands the call to a flow.
    Connect => Connect
);
adders!(Connect {
    /// The `<Flow>` to run.
    flow: Flow,
});

text_verb!(
    /// `<Flow resume="...">GUID</Flow>` inside `<Connect>`.
    Flow => Flow, guid
);
setters!(Flow {
    /// `resume`.
    resume: bool => Resume,
});

empty_verb!(
    /// `<Dial>` with nested `<Number>` nouns.
    Dial => Dial
);
setters!(Dial {
    /// `action` URL.
    action: str => Action,
    /// `answerOnBridge` (default false).
    answer_on_bridge: bool => AnswerOnBridge,
    /// `callerId`.
    caller_id: str => CallerId,
    /// `hangupOnStar` (default false).
    hangup_on_star: bool => HangupOnStar,
    /// `method` (default POST).
    method: Method => Method,
    /// `output`: variable that receives the result.
    output: str => Output,
    /// `ringTone` country (`us`, `uk`, `de`...).
    ring_tone: str => RingTone,
    /// `timeout` in seconds (default 30).
    timeout: u32 => Timeout,
    /// `timeLimit` in seconds (default 4 h).
    time_limit: u32 => TimeLimit,
    /// `record` mode (`record-from-answer`...).
    record: str => Record,
    /// `recordingTrack`.
    recording_track: track => RecordingTrack,
    /// `recordingStatusCallback`.
    recording_status_callback: str => RecordingStatusCallback,
    /// `recordingStatusCallbackMethod`.
    recording_status_callback_method: Method => RecordingStatusCallbackMethod,
    /// `recordingStatusCallbackEvent` (space-separated: in-progress completed failed).
    recording_status_callback_event: str => RecordingStatusCallbackEvent,
});
adders!(Dial {
    /// A `<Number>` to ring.
    number: Number,
});

text_verb!(
    /// `<Number>` inside `<Dial>`.
    Number => Number, number
);
setters!(Number {
    /// `sendDigits`.
    send_digits: str => SendDigits,
    /// `url` run on the called party before connecting.
    url: str => Url,
    /// `method` for `url`.
    method: Method => Method,
    /// `statusCallback`.
    status_callback: str => StatusCallback,
    /// `statusCallbackMethod`.
    status_callback_method: Method => StatusCallbackMethod,
    /// `statusCallbackEvent` (space-separated: initiated ringing answered completed).
    status_callback_event: str => StatusCallbackEvent,
});

empty_verb!(
    /// `<Gather>` with nested `<Play>`, `<Say>`, `<Pause>`.
    Gather => Gather
);
setters!(Gather {
    /// `action` URL (verbs after the Gather are then unreachable).
    action: str => Action,
    /// `actionOnEmptyResult` (default false).
    action_on_empty_result: bool => ActionOnEmptyResult,
    /// `finishOnKey` (default `#`).
    finish_on_key: str => FinishOnKey,
    /// `input`.
    input: Input => Input,
    /// `language` of speech recognition (`en-US`).
    language: str => Language,
    /// `method` (default POST).
    method: Method => Method,
    /// `numDigits`.
    num_digits: u32 => NumDigits,
    /// `output`: variable that receives `{digits, speech}`.
    output: str => Output,
    /// `profanityFilter` (default false).
    profanity_filter: bool => ProfanityFilter,
    /// `speechTimeout` in seconds (or `auto`).
    speech_timeout: str => SpeechTimeout,
    /// `timeout` in seconds (default 5).
    timeout: u32 => Timeout,
});
adders!(Gather {
    /// A nested `<Say>`.
    say: Say,
    /// A nested `<Play>`.
    play: Play,
    /// A nested `<Pause>`.
    pause: Pause,
});

empty_verb!(
    /// `<Hangup/>`.
    Hangup => Hangup
);

empty_verb!(
    /// `<Pause length="...">`.
    Pause => Pause
);
setters!(Pause {
    /// `length` in seconds.
    length: u32 => Length,
});

empty_verb!(
    /// `<Pay>` with nested `<Prompt>` and `<Parameter>` (Twilio-style attributes).
    Pay => Pay
);
setters!(Pay {
    /// `action` URL.
    action: str => Action,
    /// `method`.
    method: Method => Method,
    /// `input` (only `dtmf`).
    input: Input => Input,
    /// `timeout` in seconds.
    timeout: u32 => Timeout,
    /// `maxAttempts`.
    max_attempts: u32 => MaxAttempts,
    /// `securityCode`.
    security_code: bool => SecurityCode,
    /// `postalCode` (`true`, `false` or a postal code).
    postal_code: str => PostalCode,
    /// `paymentConnector`.
    payment_connector: str => PaymentConnector,
    /// `tokenType` (`one-time`, `reusable`, `payment-method`).
    token_type: str => TokenType,
    /// `chargeAmount` (`10.00`).
    charge_amount: str => ChargeAmount,
    /// `currency`.
    currency: str => Currency,
    /// `description`.
    description: str => Description,
    /// `validCardTypes` (space-separated).
    valid_card_types: str => ValidCardTypes,
    /// `language`.
    language: str => Language,
    /// `statusCallback`.
    status_callback: str => StatusCallback,
    /// `statusCallbackMethod`.
    status_callback_method: Method => StatusCallbackMethod,
});
adders!(Pay {
    /// A nested `<Prompt>`.
    prompt: Prompt,
    /// A nested `<Parameter>`.
    parameter: Parameter,
});

empty_verb!(
    /// `<Prompt>` inside `<Pay>`, with nested `<Say>`, `<Play>`, `<Pause>`.
    Prompt => Prompt
);
setters!(Prompt {
    /// `for`: the step (`payment-card-number`, `expiration-date`...).
    for_step: str => For,
    /// `attempt` numbers (space-separated).
    attempt: str => Attempt,
    /// `cardType`.
    card_type: str => CardType,
    /// `errorType`.
    error_type: str => ErrorType,
    /// `requireMatchingInputs`.
    require_matching_inputs: bool => RequireMatchingInputs,
});
adders!(Prompt {
    /// A nested `<Say>`.
    say: Say,
    /// A nested `<Play>`.
    play: Play,
    /// A nested `<Pause>`.
    pause: Pause,
});

verb_type!(
    /// `<Parameter name="..." value="..."/>` inside `<Pay>`.
    Parameter
);

impl Parameter {
    /// A parameter `name` = `value`.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        let mut node = Node::new(Verb::Parameter);
        node.set(Attr::Name, Value::Str(name.into()));
        node.set(Attr::Value, Value::Str(value.into()));
        Parameter(node)
    }
}

text_verb!(
    /// `<Play>`: the URL as content.
    Play => Play, url
);
setters!(Play {
    /// `loop`.
    loop_count: u32 => Loop,
    /// `digits` to play as tones.
    digits: str => Digits,
});

empty_verb!(
    /// `<Record>`.
    Record => Record
);
setters!(Record {
    /// `action` URL.
    action: str => Action,
    /// `method`.
    method: Method => Method,
    /// `timeout`: seconds of silence (0 disables).
    timeout: u32 => Timeout,
    /// `finishOnKey`.
    finish_on_key: str => FinishOnKey,
    /// `maxLength` in seconds (1-14400).
    max_length: u32 => MaxLength,
    /// `playBeep`.
    play_beep: bool => PlayBeep,
    /// `recordingStatusCallback`.
    recording_status_callback: str => RecordingStatusCallback,
    /// `recordingStatusCallbackMethod`.
    recording_status_callback_method: Method => RecordingStatusCallbackMethod,
    /// `recordingStatusCallbackEvent`.
    recording_status_callback_event: str => RecordingStatusCallbackEvent,
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
    /// `<Reject>`: the call is never answered.
    Reject => Reject
);
setters!(Reject {
    /// `reason`.
    reason: Reason => Reason,
});

text_verb!(
    /// `<Say>`: the text as content.
    Say => Say, text
);
setters!(Say {
    /// `language`.
    language: str => Language,
    /// `voice` (`Polly.Joanna`, `Deepgram.Asteria`, `Google.en-US-Standard-A`).
    voice: str => Voice,
    /// `loop`.
    loop_count: u32 => Loop,
});

verb_type!(
    /// `<Set output="name">value</Set>`: stores a variable in `Vars`.
    Set
);

impl Set {
    /// Sets variable `output` to `value`.
    pub fn new(output: impl Into<String>, value: impl Into<String>) -> Self {
        let mut node = Node::with_text(Verb::Set, value.into());
        node.set(Attr::Output, Value::Str(output.into()));
        Set(node)
    }
}

attr_verb!(
    /// `<Unset output="name"/>`: removes a variable.
    Unset => Unset, output: Output
);
