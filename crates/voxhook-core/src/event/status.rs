//! Normalized call, message and recording statuses, and call directions.

use std::fmt;

/// A status, normalized to one lower-case spelling per value.
///
/// Provider spellings are folded (`cancel` and `cancelled` become
/// [`Status::Canceled`], `DELIVERED` becomes [`Status::Delivered`]); a value
/// voxhook does not know is kept, lower-cased, in [`Status::Other`].
///
/// ```
/// use voxhook_core::event::Status;
///
/// assert_eq!(Status::parse("cancel"), Status::Canceled);
/// assert_eq!(Status::parse("DELIVERED").as_str(), "delivered");
/// assert_eq!(Status::parse("Parked"), Status::Other("parked".into()));
/// assert!(Status::parse("no_answer").is_failure());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// `queued`.
    Queued,
    /// `initiated`.
    Initiated,
    /// `ringing`.
    Ringing,
    /// `in-progress`.
    InProgress,
    /// `answered`.
    Answered,
    /// `completed`.
    Completed,
    /// `busy`.
    Busy,
    /// `no-answer`.
    NoAnswer,
    /// `canceled` (also sent as `cancel` or `cancelled`).
    Canceled,
    /// `failed`.
    Failed,
    /// `timeout`.
    Timeout,
    /// `delivering` (messages).
    Delivering,
    /// `delivered` (messages).
    Delivered,
    /// `expired` (messages).
    Expired,
    /// `received` (inbound messages).
    Received,
    /// `unknown`: a final message status whose real delivery state is not
    /// known. Distinct from [`Status::Failed`].
    Unknown,
    /// Any other value, lower-cased, as sent.
    Other(String),
}

impl Status {
    /// Normalizes a status as sent by a provider (case-insensitive).
    pub fn parse(s: &str) -> Status {
        if let Some(status) = Status::exact(s) {
            return status;
        }
        let s = s.trim();
        let known = |name: &str| s.eq_ignore_ascii_case(name);
        match () {
            _ if known("queued") => Status::Queued,
            _ if known("initiated") => Status::Initiated,
            _ if known("ringing") => Status::Ringing,
            _ if known("in-progress") || known("in_progress") || known("inprogress") => {
                Status::InProgress
            }
            _ if known("answered") => Status::Answered,
            _ if known("completed") => Status::Completed,
            _ if known("busy") => Status::Busy,
            _ if known("no-answer") || known("no_answer") || known("noanswer") => Status::NoAnswer,
            _ if known("canceled") || known("cancelled") || known("cancel") => Status::Canceled,
            _ if known("failed") => Status::Failed,
            _ if known("timeout") => Status::Timeout,
            _ if known("delivering") => Status::Delivering,
            _ if known("delivered") => Status::Delivered,
            _ if known("expired") => Status::Expired,
            _ if known("received") => Status::Received,
            _ if known("unknown") => Status::Unknown,
            _ => Status::Other(s.to_ascii_lowercase()),
        }
    }

    /// The usual call statuses in their normalized spelling: one match, no
    /// trimming or case folding ([`Status::parse`] does the rest).
    pub(crate) fn exact(s: &str) -> Option<Status> {
        Some(match s {
            "queued" => Status::Queued,
            "initiated" => Status::Initiated,
            "ringing" => Status::Ringing,
            "in-progress" => Status::InProgress,
            "answered" => Status::Answered,
            "completed" => Status::Completed,
            "busy" => Status::Busy,
            "no-answer" => Status::NoAnswer,
            "canceled" => Status::Canceled,
            "failed" => Status::Failed,
            _ => return None,
        })
    }

    /// The normalized lower-case spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Queued => "queued",
            Status::Initiated => "initiated",
            Status::Ringing => "ringing",
            Status::InProgress => "in-progress",
            Status::Answered => "answered",
            Status::Completed => "completed",
            Status::Busy => "busy",
            Status::NoAnswer => "no-answer",
            Status::Canceled => "canceled",
            Status::Failed => "failed",
            Status::Timeout => "timeout",
            Status::Delivering => "delivering",
            Status::Delivered => "delivered",
            Status::Expired => "expired",
            Status::Received => "received",
            Status::Unknown => "unknown",
            Status::Other(s) => s,
        }
    }

    /// Whether this status ends a call without a conversation
    /// (busy, no-answer, canceled, failed or timeout).
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            Status::Busy | Status::NoAnswer | Status::Canceled | Status::Failed | Status::Timeout
        )
    }

    /// Whether this status is final for a call (completed or a failure).
    pub fn is_final(&self) -> bool {
        *self == Status::Completed || self.is_failure()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The direction of a call.
///
/// ```
/// use voxhook_core::event::Direction;
///
/// assert_eq!(Direction::parse("outbound-api"), Direction::OutboundApi);
/// assert_eq!(Direction::parse("sideways").as_str(), "sideways");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Direction {
    /// `inbound`.
    Inbound,
    /// `outbound`.
    Outbound,
    /// `outbound-api` (a call placed through the REST API).
    OutboundApi,
    /// `outbound-dial` (a leg created by a Dial verb).
    OutboundDial,
    /// Any other value, lower-cased, as sent.
    Other(String),
}

impl Direction {
    /// Normalizes a direction as sent by a provider (case-insensitive).
    pub fn parse(s: &str) -> Direction {
        let s = s.trim();
        match () {
            _ if s.eq_ignore_ascii_case("inbound") => Direction::Inbound,
            _ if s.eq_ignore_ascii_case("outbound") => Direction::Outbound,
            _ if s.eq_ignore_ascii_case("outbound-api") => Direction::OutboundApi,
            _ if s.eq_ignore_ascii_case("outbound-dial") => Direction::OutboundDial,
            _ => Direction::Other(s.to_ascii_lowercase()),
        }
    }

    /// The normalized lower-case spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::OutboundApi => "outbound-api",
            Direction::OutboundDial => "outbound-dial",
            Direction::Other(s) => s,
        }
    }

    /// Whether the call came in to the user's number.
    pub fn is_inbound(&self) -> bool {
        *self == Direction::Inbound
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! string_serde {
    ($t:ty) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok(<$t>::parse(&s))
            }
        }
    };
}

string_serde!(Status);
string_serde!(Direction);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_normalize_to_one_spelling() {
        let cases = [
            ("cancel", "canceled"),
            ("Cancelled", "canceled"),
            ("NO-ANSWER", "no-answer"),
            ("in_progress", "in-progress"),
            ("DELIVERED", "delivered"),
            ("unknown", "unknown"),
            ("Weird", "weird"),
        ];
        for (wire, want) in cases {
            let s = Status::parse(wire);
            assert_eq!(s.as_str(), want, "{wire}");
            assert_eq!(Status::parse(s.as_str()), s, "round trip {wire}");
        }
        assert!(!Status::Unknown.is_failure());
        assert!(Status::Timeout.is_final());
    }

    #[test]
    fn exact_spellings_agree_with_the_folded_ones() {
        let exact = [
            "queued",
            "initiated",
            "ringing",
            "in-progress",
            "answered",
            "completed",
            "busy",
            "no-answer",
            "canceled",
            "failed",
        ];
        for name in exact {
            let want = Status::parse(&format!(" {} ", name.to_ascii_uppercase()));
            assert_ne!(want, Status::Other(name.into()), "{name} is known");
            assert_eq!(Status::parse(name), want, "{name}");
            assert_eq!(Status::exact(name), Some(want.clone()), "{name}");
            assert_eq!(want.as_str(), name, "{name}");
        }
    }
}
