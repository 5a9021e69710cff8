//! The payload types of the [`Event`](super::Event) variants.
//!
//! Every payload dereferences to the shared [`EventData`] (call id, from,
//! to, status, raw, ...) and adds the getters of its own kind.

use std::ops::Deref;

use super::{EventData, Status, parse_json};

macro_rules! payload {
    ($($(#[$m:meta])* $name:ident;)*) => {$(
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name(pub(crate) Box<EventData>);

        impl Deref for $name {
            type Target = EventData;
            fn deref(&self) -> &EventData {
                &self.0
            }
        }

        impl $name {
            /// The normalized data (also reachable through `Deref`).
            pub fn data(&self) -> &EventData {
                &self.0
            }
        }
    )*};
}

payload! {
    /// A call lifecycle event: initiated, ringing, answered, completed, failed or another status change.
    Call;
    /// A recording is ready or changed status.
    Recording;
    /// The result of a Gather: DTMF digits and/or speech.
    Gather;
    /// The result of a Dial (or a Dial progress callback).
    Dial;
    /// The result of answering-machine detection.
    MachineDetection;
    /// A message delivery receipt or an inbound message.
    Message;
    /// A campaign event (VoxPria `campaign.*`).
    Campaign;
    /// A contact event (VoxPria `contact.*`).
    Contact;
    /// An event voxhook has no kind for; [`EventData::kind`] is the provider's own name.
    Other;
}

impl Recording {
    /// The recording id (`RecordingSid`, `RecordingID`, `recording_id`).
    pub fn recording_id(&self) -> Option<&str> {
        self.0.text_of(self.0.recording_id)
    }

    /// The recording URL.
    pub fn url(&self) -> Option<&str> {
        self.0.text_of(self.0.recording_url)
    }

    /// The recording status (`RecordingStatus`), when sent.
    pub fn recording_status(&self) -> Option<&Status> {
        self.0.recording_status.as_ref()
    }

    /// The recording length in seconds.
    pub fn recording_duration(&self) -> Option<u64> {
        self.0.recording_duration
    }
}

impl Gather {
    /// The digits pressed (`Digits`); `Some("")` when the Gather timed out with no input.
    pub fn digits(&self) -> Option<&str> {
        self.0.text_of(self.0.digits)
    }

    /// The recognised speech (`SpeechResult`, `Speech`).
    pub fn speech(&self) -> Option<&str> {
        self.0.text_of(self.0.speech)
    }

    /// The speech confidence, 0.0 to 1.0.
    pub fn confidence(&self) -> Option<f64> {
        self.0.confidence
    }

    /// The input type (`dtmf` or `speech`), when sent.
    pub fn input_type(&self) -> Option<&str> {
        self.0.text_of(self.0.input_type)
    }
}

impl Dial {
    /// The dialled leg's status (`DialCallStatus`, `DialStatus`).
    pub fn dial_status(&self) -> Option<&Status> {
        self.0.dial_status.as_ref()
    }

    /// The dialled leg's call id (`DialCallSid`, `DialBLegUUID`).
    pub fn dial_call_id(&self) -> Option<&str> {
        self.0.text_of(self.0.dial_call_id)
    }

    /// The dialled leg's duration in seconds.
    pub fn dial_duration(&self) -> Option<u64> {
        self.0.dial_duration
    }

    /// The Dial progress action (Vobiz `DialAction`: answer, connected, hangup, digits).
    pub fn dial_action(&self) -> Option<&str> {
        self.0.text_of(self.0.dial_action)
    }
}

impl MachineDetection {
    /// Whether a machine answered (Vobiz `Machine`), when sent.
    pub fn machine(&self) -> Option<bool> {
        self.0.machine
    }
}

impl Message {
    /// The message id (`message_id`); inbound messages may have none.
    pub fn message_id(&self) -> Option<&str> {
        self.0.text_of(self.0.message_id)
    }

    /// The batch id of a delivery receipt.
    pub fn batch_id(&self) -> Option<&str> {
        self.0.text_of(self.0.batch_id)
    }

    /// The message text of an inbound message.
    pub fn text(&self) -> Option<&str> {
        self.0.text_of(self.0.body)
    }

    /// Media URLs of an inbound MMS.
    pub fn media(&self) -> &[String] {
        self.0.media.as_deref().unwrap_or_default()
    }

    /// The custom tag sent with the message.
    pub fn tag(&self) -> Option<&str> {
        self.0.text_of(self.0.tag)
    }

    /// The delivery error code (`error.code`); RCS receipts send `"0"` when nothing went wrong.
    pub fn error_code(&self) -> Option<&str> {
        self.0.text_of(self.0.error_code)
    }

    /// The delivery error description (`error.description`).
    pub fn error_description(&self) -> Option<&str> {
        self.0.text_of(self.0.error_description)
    }
}

impl Campaign {
    /// The campaign name.
    pub fn name(&self) -> Option<&str> {
        self.0.text_of(self.0.name)
    }

    /// The campaign statistics object, parsed (VoxPria `stats`).
    pub fn stats(&self) -> Option<serde_json::Value> {
        self.0.text_of(self.0.stats).and_then(parse_json)
    }
}

impl Contact {
    /// The contact's name, when sent.
    pub fn name(&self) -> Option<&str> {
        self.0.text_of(self.0.name)
    }
}

impl Call {
    /// A summary of the call (VoxPria `summary`).
    pub fn summary(&self) -> Option<&str> {
        self.0.text_of(self.0.summary)
    }
}
