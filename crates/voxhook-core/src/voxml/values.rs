//! Enumerated attribute values shared by the portable builder and the dialect builders.

/// Which input a `Gather` listens for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Input {
    /// Key presses only (the providers' default).
    #[default]
    Dtmf,
    /// Speech only.
    Speech,
    /// Whichever comes first.
    DtmfSpeech,
}

impl Input {
    /// The wire value (`dtmf`, `speech`, `dtmf speech`), the same in every dialect.
    pub const fn as_str(self) -> &'static str {
        match self {
            Input::Dtmf => "dtmf",
            Input::Speech => "speech",
            Input::DtmfSpeech => "dtmf speech",
        }
    }
}

/// The HTTP method a provider uses for a callback URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST` (every provider's default).
    #[default]
    Post,
}

impl Method {
    /// The wire value (`GET` or `POST`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// Which audio a media stream carries.
///
/// Spelled per dialect: TryVox `inbound_track` / `outbound_track` / `both_tracks`,
/// Vobiz `inbound` / `outbound` / `both`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Track {
    /// The caller's audio.
    Inbound,
    /// The audio sent to the caller.
    Outbound,
    /// Both directions.
    Both,
}

impl Track {
    pub(crate) const fn tryvox(self) -> &'static str {
        match self {
            Track::Inbound => "inbound_track",
            Track::Outbound => "outbound_track",
            Track::Both => "both_tracks",
        }
    }

    pub(crate) const fn vobiz(self) -> &'static str {
        match self {
            Track::Inbound => "inbound",
            Track::Outbound => "outbound",
            Track::Both => "both",
        }
    }
}

/// Why a call is refused without being answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Reason {
    /// The caller hears the call rejected (the default).
    #[default]
    Rejected,
    /// The caller hears a busy signal.
    Busy,
}

impl Reason {
    /// The wire value (`rejected` or `busy`), the same in every dialect.
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::Rejected => "rejected",
            Reason::Busy => "busy",
        }
    }
}
