//! TryVox-only builder: the 11 verbs of TryVox JSON VoxML 1.0 with every documented parameter.
//!
//! ```
//! use voxhook_core::Provider;
//! use voxhook_core::voxml::{Document, Track, tryvox};
//!
//! let doc = tryvox::Response::new()
//!     .say(tryvox::Say::new("Connecting you").engine("google").language("en-US"))
//!     .stream(tryvox::Stream::new("wss://example.com/agent").track(Track::Inbound).parameter("agent_id", "a1"));
//! let r = Document::from(doc).render(Provider::TryVox)?;
//! assert!(r.body.starts_with(br#"{"voxml_version":"1.0","instructions":[{"verb":"Say","text":"Connecting you","engine":"google""#));
//! # Ok::<(), voxhook_core::voxml::VoxmlError>(())
//! ```

use super::node::{Attr, Dialect, Node, Value, Verb};
use super::values::{Input, Method, Reason};

response_type! {
    Some(Dialect::TryVox);
    /// A TryVox-only document; renders only for `Provider::TryVox`.
}

adders!(Response {
    /// Speaks text.
    say: Say,
    /// Plays audio.
    play: Play,
    /// Collects input.
    gather: Gather,
    /// Connects the caller.
    dial: Dial,
    /// Records the caller.
    record: Record,
    /// Streams audio over a WebSocket.
    stream: Stream,
    /// Joins a conference.
    conference: Conference,
    /// Fetches the next document.
    redirect: Redirect,
    /// Waits.
    pause: Pause,
    /// Refuses the call unanswered (no billing).
    reject: Reject,
});

impl Response {
    /// Ends the call.
    #[must_use]
    pub fn hangup(self) -> Self {
        self.push(Node::new(Verb::Hangup))
    }
}

text_verb!(
    /// `Say`: `text`, `voice`, `language`, `engine`, `loop`.
    Say => Say, text
);
setters!(Say {
    /// `voice`, e.g. `en-IN-Wavenet-B`.
    voice: str => Voice,
    /// `language`, e.g. `en-US`.
    language: str => Language,
    /// `engine`, e.g. `google`.
    engine: str => Engine,
    /// `loop` (our name; TryVox does not document one).
    loop_count: u32 => Loop,
});

text_verb!(
    /// `Play`: `url`, `loop`.
    Play => Play, url
);
setters!(Play {
    /// `loop` (our name; TryVox does not document one).
    loop_count: u32 => Loop,
});

attr_verb!(
    /// `Gather`: `action_url` (required), `input`, `method`, `timeout`,
    /// `num_digits`, `finish_on_key`, and one nested `say` and one `play`.
    Gather => Gather, action_url: Action
);
setters!(Gather {
    /// `method` of the action request.
    method: Method => Method,
    /// `input`: dtmf, speech or both.
    input: Input => Input,
    /// `timeout` in seconds (default 5).
    timeout: u32 => Timeout,
    /// `num_digits`: submit after exactly this many digits.
    num_digits: u32 => NumDigits,
    /// `finish_on_key` (default `#`).
    finish_on_key: str => FinishOnKey,
});
adders!(Gather {
    /// The nested `say` prompt (one at most).
    say: Say,
    /// The nested `play` prompt (one at most).
    play: Play,
});

empty_verb!(
    /// `Dial`: `numbers`, `sip` and `client` targets ring at once; first to answer wins.
    Dial => Dial
);
setters!(Dial {
    /// `action_url`: where the dial status is posted.
    action_url: str => Action,
    /// `timeout` in seconds (default 30).
    timeout: u32 => Timeout,
    /// `time_limit` in seconds (default 14400).
    time_limit: u32 => TimeLimit,
    /// `caller_id`.
    caller_id: str => CallerId,
    /// `record` the call.
    record: bool => Record,
    /// `ring_tone` country code (`IN`, `US`).
    ring_tone: str => RingTone,
});
adders!(Dial {
    /// Adds an entry to `numbers`.
    number: Number,
    /// Adds an entry to `sip`.
    sip: Sip,
    /// Adds an entry to `client`.
    client: Client,
});

text_verb!(
    /// An entry of Dial `numbers`: `number`, `send_digits`.
    Number => Number, number
);
setters!(Number {
    /// `send_digits` after the call connects (`w` waits half a second).
    send_digits: str => SendDigits,
});

text_verb!(
    /// An entry of Dial `sip`: `uri`, `username`, `password`.
    Sip => Sip, uri
);
setters!(Sip {
    /// `username`.
    username: str => Username,
    /// `password`.
    password: str => Password,
});

text_verb!(
    /// An entry of Dial `client`: `name`.
    Client => Client, name
);

attr_verb!(
    /// `Record`: `action_url` (required), `max_length`, `timeout`, `finish_on_key`,
    /// `trim`, `play_beep`, `transcribe`, `transcription_url`.
    Record => Record, action_url: Action
);
setters!(Record {
    /// `max_length` in seconds (default 3600).
    max_length: u32 => MaxLength,
    /// `timeout`: seconds of silence (default 5).
    timeout: u32 => Timeout,
    /// `finish_on_key` (`""` disables).
    finish_on_key: str => FinishOnKey,
    /// `trim`.
    trim: Trim => Trim,
    /// `play_beep` (default true).
    play_beep: bool => PlayBeep,
    /// `transcribe` (default false).
    transcribe: bool => Transcribe,
    /// `transcription_url`.
    transcription_url: str => TranscriptionUrl,
});

/// Record `trim`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Trim {
    /// `trim-silence` (the default).
    TrimSilence,
    /// `do-not-trim`.
    DoNotTrim,
}

impl Trim {
    /// The wire value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Trim::TrimSilence => "trim-silence",
            Trim::DoNotTrim => "do-not-trim",
        }
    }
}

text_verb!(
    /// `Stream`: `url` (must be `wss://`), `name`, `track`, `status_callback_url`, `parameters`.
    Stream => Stream, url
);
setters!(Stream {
    /// `name`.
    name: str => Name,
    /// `track` (default both).
    track: track => Track,
    /// `status_callback_url`.
    status_callback_url: str => StatusCallback,
});

impl Stream {
    /// Adds an entry to `parameters` (sent as `custom_parameters` in the start message).
    #[must_use]
    pub fn parameter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let entry = (key.into(), value.into());
        match self
            .0
            .attrs
            .iter_mut()
            .find(|(a, _)| *a == Attr::Parameters)
        {
            Some((_, Value::Map(map))) => map.push(entry),
            _ => self.0.set(Attr::Parameters, Value::Map(vec![entry])),
        }
        self
    }
}

text_verb!(
    /// `Conference`: `name` and the room settings.
    Conference => Conference, name
);
setters!(Conference {
    /// `muted` (default false).
    muted: bool => Muted,
    /// `start_on_enter` (default true).
    start_on_enter: bool => StartOnEnter,
    /// `end_on_exit` (default false).
    end_on_exit: bool => EndOnExit,
    /// `max_participants` (default 250).
    max_participants: u32 => MaxParticipants,
    /// `wait_url`: what waiting participants hear.
    wait_url: str => WaitUrl,
    /// `status_callback_url`.
    status_callback_url: str => StatusCallback,
    /// `record` (default false).
    record: bool => Record,
    /// `beep` on enter and exit (default true).
    beep: bool => Beep,
});

text_verb!(
    /// `Redirect`: `url`, `method`.
    Redirect => Redirect, url
);
setters!(Redirect {
    /// `method` (default POST).
    method: Method => Method,
});

empty_verb!(
    /// `Pause`: `length` in seconds (our name; TryVox does not document one).
    Pause => Pause
);
setters!(Pause {
    /// `length` in seconds.
    length: u32 => Length,
});

empty_verb!(
    /// `Reject`: `reason`.
    Reject => Reject
);
setters!(Reject {
    /// `reason` (default rejected).
    reason: Reason => Reason,
});
