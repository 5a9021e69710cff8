use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// A voice platform that sends webhooks.
///
/// ```
/// use voxhook_core::Provider;
///
/// let p: Provider = "vobiz".parse().unwrap();
/// assert_eq!(p, Provider::Vobiz);
/// assert_eq!(p.as_str(), "vobiz");
/// assert_eq!(p.deadline().as_millis(), 3000);
/// assert_eq!(p.default_budget().as_millis(), 2500);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Provider {
    /// TryVox: JSON webhooks, JSON VoxML answers, 5 s deadline.
    TryVox,
    /// Voxtelesys: Twilio-like form/query voice webhooks, JSON messaging, XML VoXML, 5 s.
    Voxtelesys,
    /// VoxPria: JSON events with a nested `data` object, 5 s.
    VoxPria,
    /// Vobiz: Plivo-like form callbacks, VobizXML answers, 3 s deadline.
    Vobiz,
}

impl Provider {
    /// Every provider voxhook knows.
    pub const ALL: [Provider; 4] = [
        Provider::TryVox,
        Provider::Voxtelesys,
        Provider::VoxPria,
        Provider::Vobiz,
    ];

    /// The lower-case name used in the normalized JSON form (`tryvox`, `voxtelesys`, `voxpria`, `vobiz`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Provider::TryVox => "tryvox",
            Provider::Voxtelesys => "voxtelesys",
            Provider::VoxPria => "voxpria",
            Provider::Vobiz => "vobiz",
        }
    }

    /// How long the provider waits for an answer before it gives up.
    pub const fn deadline(self) -> Duration {
        match self {
            Provider::Vobiz => Duration::from_secs(3),
            _ => Duration::from_secs(5),
        }
    }

    /// voxhook's default budget for a route of this provider: safely below [`Provider::deadline`].
    pub const fn default_budget(self) -> Duration {
        match self {
            Provider::Vobiz => Duration::from_millis(2500),
            _ => Duration::from_millis(4500),
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a [`Provider`] from a name it does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProvider;

impl fmt::Display for UnknownProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown provider (expected tryvox, voxtelesys, voxpria or vobiz)")
    }
}

impl std::error::Error for UnknownProvider {}

impl FromStr for Provider {
    type Err = UnknownProvider;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Provider::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
            .ok_or(UnknownProvider)
    }
}

impl serde::Serialize for Provider {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Provider {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
