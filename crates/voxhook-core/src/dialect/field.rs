//! [`Field`]: the normalized slots a dialect maps wire names onto.

/// Where a wire field goes in the normalized event.
///
/// A dialect's field function maps each wire name (and, inside a nested JSON
/// object, its parent's name) to a `Field`. Several wire names may map to
/// the same field (aliases); the first value received wins. Every wire field
/// stays in the raw view whatever its mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
#[non_exhaustive]
#[allow(missing_docs)] // each variant is the normalized field of the same name (see the event module docs)
pub enum Field {
    /// Not normalized (still in the raw view).
    Ignore,
    /// A nested JSON object whose fields are mapped too (with this key as their parent).
    Flatten,
    /// The provider's event name; input to the dialect's classifier, kept in raw.
    Event,
    /// A generic id whose meaning depends on the event (VoxPria `data.id`); the classifier places it.
    Id,
    /// A field whose presence matters to the classifier but that is not normalized (Vobiz `EndTime`).
    Marker,
    CallId,
    ParentCallId,
    AccountId,
    TrunkId,
    From,
    To,
    CallerName,
    ForwardedFrom,
    Direction,
    Status,
    /// An RFC 3339 date-time with a zone, or Unix seconds (or milliseconds) as a number.
    Timestamp,
    Duration,
    BillDuration,
    EndReason,
    AnsweredBy,
    Machine,
    FromCity,
    FromState,
    FromZip,
    FromCountry,
    ToCity,
    ToState,
    ToZip,
    ToCountry,
    /// Custom variables: a JSON object, or a form field holding JSON text.
    Vars,
    CampaignId,
    ContactId,
    Name,
    RecordingId,
    RecordingUrl,
    RecordingStatus,
    RecordingDuration,
    Transcript,
    Summary,
    Digits,
    Speech,
    Confidence,
    InputType,
    DialStatus,
    DialCallId,
    DialDuration,
    DialAction,
    MessageId,
    BatchId,
    Body,
    Media,
    Tag,
    ErrorCode,
    ErrorDescription,
    DeliveryId,
    // The last variant: a new one goes before it, and must keep every
    // variant below 64 (asserted below: a field set is a `u64`).
    Stats,
}

// Every field has its own bit in `Field::bit` (`Stats` is the last variant).
const _: () = assert!((Field::Stats as u8) < 64);

impl Field {
    /// Whether a JSON value for this field is kept as JSON (objects, arrays)
    /// rather than read as a scalar.
    pub(crate) fn takes_json(self) -> bool {
        matches!(
            self,
            Field::Vars | Field::Stats | Field::Media | Field::Transcript
        )
    }

    /// The field's bit in a set of fields (a `u64`: one instruction to set,
    /// where a `u128` takes ten).
    pub(crate) fn bit(self) -> u64 {
        1u64 << (self as u8 as u32 % 64)
    }
}
