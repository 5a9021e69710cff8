//! The portable builder: the verbs all dialects share, rendered for the
//! provider of the event being answered.

use super::node::{Node, Value, Verb};
use super::values::{Input, Method, Reason};

response_type! {
    None;
    /// A portable VoxML document: rendered as TryVox JSON, Voxtelesys VoXML or
    /// VobizXML depending on the provider it answers.
    ///
    /// ```
    /// use voxhook_core::Provider;
    /// use voxhook_core::voxml::{Gather, Response};
    ///
    /// let doc = Response::new()
    ///     .say("Hello & welcome")
    ///     .gather(Gather::new("https://example.com/pin").num_digits(4).say("Enter your PIN"))
    ///     .redirect("https://example.com/again");
    /// let xml = doc.render(Provider::Vobiz)?;
    /// assert_eq!(xml.content_type, "application/xml");
    /// assert!(xml.body.starts_with(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Speak>Hello &amp; welcome</Speak>"));
    /// let json = doc.render(Provider::TryVox)?;
    /// assert_eq!(json.content_type, "application/json");
    /// # Ok::<(), voxhook_core::voxml::VoxmlError>(())
    /// ```
}

impl Response {
    /// Speaks text (Vobiz: `Speak`).
    #[must_use]
    pub fn say(self, say: impl Into<Say>) -> Self {
        self.push(say.into().0)
    }

    /// Plays an audio file.
    #[must_use]
    pub fn play(self, play: impl Into<Play>) -> Self {
        self.push(play.into().0)
    }

    /// Waits in silence (Vobiz: `Wait`; TryVox: `Pause` with `length`).
    #[must_use]
    pub fn pause(self, seconds: u32) -> Self {
        let mut node = Node::new(Verb::Pause);
        node.set(super::node::Attr::Length, Value::from(seconds));
        self.push(node)
    }

    /// Collects digits or speech, with nested prompts.
    #[must_use]
    pub fn gather(self, gather: Gather) -> Self {
        self.push(gather.0)
    }

    /// Connects the caller to a number (or several, ringing at once).
    #[must_use]
    pub fn dial(self, dial: impl Into<Dial>) -> Self {
        self.push(dial.into().0)
    }

    /// Records the caller.
    #[must_use]
    pub fn record(self, record: Record) -> Self {
        self.push(record.0)
    }

    /// Fetches the next document from another URL.
    #[must_use]
    pub fn redirect(self, redirect: impl Into<Redirect>) -> Self {
        self.push(redirect.into().0)
    }

    /// Ends the call.
    #[must_use]
    pub fn hangup(self) -> Self {
        self.push(Node::new(Verb::Hangup))
    }

    /// Refuses the call without answering it (Vobiz: `<Hangup reason="...">`).
    #[must_use]
    pub fn reject(self, reason: Reason) -> Self {
        let mut node = Node::new(Verb::Reject);
        node.set(super::node::Attr::Reason, Value::Static(reason.as_str()));
        self.push(node)
    }

    /// Streams the call audio over a WebSocket (not available on Voxtelesys).
    #[must_use]
    pub fn stream(self, stream: impl Into<Stream>) -> Self {
        self.push(stream.into().0)
    }
}

verb_type! {
    /// Text to speak.
    ///
    /// ```
    /// use voxhook_core::voxml::Say;
    /// let say = Say::new("Bonjour").language("fr-FR").loop_count(2);
    /// # let _ = say;
    /// ```
    Say
}

impl Say {
    /// Speaks `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Say(Node::with_text(Verb::Say, text.into()))
    }
}
from_text!(Say);
setters!(Say {
    /// The voice (provider-specific name: `WOMAN`, `Polly.Joanna`, `en-IN-Wavenet-B`).
    voice: str => Voice,
    /// The language (`en-US`).
    language: str => Language,
    /// How many times to repeat (`0` = until the call moves on, where supported).
    loop_count: u32 => Loop,
});

verb_type! {
    /// An audio file to play.
    Play
}

impl Play {
    /// Plays the audio at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Play(Node::with_text(Verb::Play, url.into()))
    }
}
from_text!(Play);
setters!(Play {
    /// How many times to repeat.
    loop_count: u32 => Loop,
});

verb_type! {
    /// Collects digits or speech and posts them to an action URL.
    Gather
}

impl Gather {
    /// Gathers input and posts it to `action` (required by TryVox and Vobiz).
    pub fn new(action: impl Into<String>) -> Self {
        let mut node = Node::new(Verb::Gather);
        node.set(super::node::Attr::Action, Value::Str(action.into()));
        Gather(node)
    }

    /// Adds a prompt spoken while waiting (TryVox allows one `say`).
    #[must_use]
    pub fn say(mut self, say: impl Into<Say>) -> Self {
        self.0.children.push(say.into().0);
        self
    }

    /// Adds a prompt played while waiting (TryVox allows one `play`).
    #[must_use]
    pub fn play(mut self, play: impl Into<Play>) -> Self {
        self.0.children.push(play.into().0);
        self
    }
}
setters!(Gather {
    /// The method of the action request.
    method: Method => Method,
    /// What to listen for.
    input: Input => Input,
    /// Seconds to wait for input (Vobiz `executionTimeout`: 5-60).
    timeout: u32 => Timeout,
    /// Submit after this many digits.
    num_digits: u32 => NumDigits,
    /// The key that ends input (`#`).
    finish_on_key: str => FinishOnKey,
});

verb_type! {
    /// Connects the caller to one or more numbers (the first to answer wins).
    ///
    /// ```
    /// use voxhook_core::voxml::Dial;
    /// let dial = Dial::new().number("+14155550100").number("+14155550101").timeout(20);
    /// # let _ = dial;
    /// ```
    Dial
}

impl Dial {
    /// A dial with no number yet.
    pub fn new() -> Self {
        Dial(Node::new(Verb::Dial))
    }

    /// Adds a number to ring.
    #[must_use]
    pub fn number(mut self, number: impl Into<String>) -> Self {
        self.0
            .children
            .push(Node::with_text(Verb::Number, number.into()));
        self
    }
}

impl Default for Dial {
    fn default() -> Self {
        Dial::new()
    }
}

impl From<&str> for Dial {
    fn from(number: &str) -> Self {
        Dial::new().number(number)
    }
}

impl From<String> for Dial {
    fn from(number: String) -> Self {
        Dial::new().number(number)
    }
}

setters!(Dial {
    /// Where to post the dial result.
    action: str => Action,
    /// The caller id shown to the called party.
    caller_id: str => CallerId,
    /// Seconds to ring before giving up.
    timeout: u32 => Timeout,
    /// Longest call, in seconds.
    time_limit: u32 => TimeLimit,
});

verb_type! {
    /// Records the caller and posts the recording to an action URL.
    Record
}

impl Record {
    /// Records and posts the result to `action` (required by TryVox and Vobiz).
    pub fn new(action: impl Into<String>) -> Self {
        let mut node = Node::new(Verb::Record);
        node.set(super::node::Attr::Action, Value::Str(action.into()));
        Record(node)
    }
}
setters!(Record {
    /// Longest recording, in seconds.
    max_length: u32 => MaxLength,
    /// Seconds of silence that end the recording.
    timeout: u32 => Timeout,
    /// Keys that end the recording.
    finish_on_key: str => FinishOnKey,
    /// Whether to beep first.
    play_beep: bool => PlayBeep,
});

verb_type! {
    /// Fetches the next document from a URL.
    Redirect
}

impl Redirect {
    /// Redirects to `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Redirect(Node::with_text(Verb::Redirect, url.into()))
    }
}
from_text!(Redirect);
setters!(Redirect {
    /// The method of the request.
    method: Method => Method,
});

verb_type! {
    /// Streams the call audio to a WebSocket (TryVox: `wss://` only).
    Stream
}

impl Stream {
    /// Streams to `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Stream(Node::with_text(Verb::Stream, url.into()))
    }
}
from_text!(Stream);
setters!(Stream {
    /// Which audio to send (TryVox `track`, Vobiz `audioTrack`).
    track: track => Track,
    /// Where stream status is posted.
    status_callback: str => StatusCallback,
});
