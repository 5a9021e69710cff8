//! Why a document cannot be rendered, or what is wrong with a received one.

use std::fmt;

use crate::Provider;

/// Why a VoxML document cannot be rendered for a provider (or, inside a
/// [`Problem`], what is wrong with a received document).
///
/// Names are the wire names of the dialect concerned (`executionTimeout`,
/// `action_url`, `Speak`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VoxmlError {
    /// The provider has no call-control markup (VoxPria).
    UnsupportedProvider {
        /// The provider asked for.
        provider: Provider,
    },
    /// A document built with one dialect's builder was rendered for another provider.
    DialectMismatch {
        /// The dialect the document was built for.
        built_for: Provider,
        /// The provider it was rendered for.
        requested: Provider,
    },
    /// The dialect has no such verb (e.g. `Stream` for Voxtelesys).
    UnsupportedVerb {
        /// The verb.
        verb: &'static str,
        /// The provider.
        provider: Provider,
    },
    /// The verb may not appear at this place (a nesting rule).
    NotAllowedHere {
        /// The verb.
        verb: &'static str,
        /// Its parent (`Response` at the top).
        parent: &'static str,
    },
    /// The parent holds more of this child than the dialect allows (TryVox Gather: one `say`).
    TooManyChildren {
        /// The child verb.
        verb: &'static str,
        /// The parent.
        parent: &'static str,
        /// How many are allowed.
        max: usize,
    },
    /// The verb needs at least one nested child (Vobiz `Dial` needs a `Number` or `User`).
    MissingChild {
        /// The parent verb.
        verb: &'static str,
    },
    /// The dialect has no such attribute on this verb.
    UnsupportedAttribute {
        /// The verb.
        verb: &'static str,
        /// The attribute (canonical name).
        attribute: &'static str,
        /// The provider.
        provider: Provider,
    },
    /// A required attribute is absent (TryVox `Gather` `action_url`).
    MissingAttribute {
        /// The verb.
        verb: &'static str,
        /// The attribute.
        attribute: &'static str,
    },
    /// An attribute (or the text content) has a value the dialect does not accept.
    InvalidValue {
        /// The verb.
        verb: &'static str,
        /// The attribute (`text` for XML text content).
        attribute: &'static str,
        /// What is accepted.
        expected: String,
    },
    /// The verb needs text content (what to say, the URL to play) and has none.
    MissingText {
        /// The verb.
        verb: &'static str,
    },
    /// The verb takes no text content but has some.
    UnexpectedText {
        /// The verb.
        verb: &'static str,
    },
    /// A character XML 1.0 cannot carry (a control character other than tab and
    /// line feed in text, any control character in an attribute, U+FFFE, U+FFFF).
    ForbiddenCharacter {
        /// The verb.
        verb: &'static str,
        /// The attribute, or `None` for the text content.
        attribute: Option<&'static str>,
    },
    /// The rendered document exceeds the provider's size limit (Vobiz: 100 KB).
    TooLarge {
        /// The document size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// A received document is not well-formed XML or valid JSON.
    Malformed {
        /// What the parser said.
        detail: String,
    },
    /// A received document's root is not `<Response>` (XML) or the VoxML envelope (JSON).
    WrongRoot {
        /// What was found instead.
        found: String,
    },
    /// A received document uses a verb the dialect does not know.
    UnknownVerb {
        /// The element or `verb` name as received.
        name: String,
    },
    /// A received document uses an attribute the verb does not know.
    UnknownAttribute {
        /// The verb.
        verb: &'static str,
        /// The attribute name as received.
        name: String,
    },
    /// A received document was served with the wrong `Content-Type`.
    WrongContentType {
        /// The expected media type.
        expected: &'static str,
        /// The received value, if any.
        found: Option<String>,
    },
}

impl fmt::Display for VoxmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VoxmlError::UnsupportedProvider { provider } => {
                write!(f, "{provider} has no call-control markup")
            }
            VoxmlError::DialectMismatch {
                built_for,
                requested,
            } => write!(
                f,
                "document built for {built_for} cannot be rendered for {requested}"
            ),
            VoxmlError::UnsupportedVerb { verb, provider } => {
                write!(f, "{provider} has no `{verb}` verb")
            }
            VoxmlError::NotAllowedHere { verb, parent } => {
                write!(f, "`{verb}` is not allowed inside `{parent}`")
            }
            VoxmlError::TooManyChildren { verb, parent, max } => {
                write!(f, "`{parent}` allows at most {max} `{verb}`")
            }
            VoxmlError::MissingChild { verb } => {
                write!(f, "`{verb}` needs at least one nested noun")
            }
            VoxmlError::UnsupportedAttribute {
                verb,
                attribute,
                provider,
            } => write!(f, "{provider} `{verb}` has no `{attribute}` attribute"),
            VoxmlError::MissingAttribute { verb, attribute } => {
                write!(f, "`{verb}` requires `{attribute}`")
            }
            VoxmlError::InvalidValue {
                verb,
                attribute,
                expected,
            } => write!(f, "`{verb}` `{attribute}` must be {expected}"),
            VoxmlError::MissingText { verb } => write!(f, "`{verb}` needs text content"),
            VoxmlError::UnexpectedText { verb } => write!(f, "`{verb}` takes no text content"),
            VoxmlError::ForbiddenCharacter { verb, attribute } => match attribute {
                Some(a) => write!(f, "`{verb}` `{a}` contains a character XML cannot carry"),
                None => write!(f, "`{verb}` text contains a character XML cannot carry"),
            },
            VoxmlError::TooLarge { size, limit } => {
                write!(f, "document is {size} bytes, above the {limit}-byte limit")
            }
            VoxmlError::Malformed { detail } => write!(f, "not a well-formed document: {detail}"),
            VoxmlError::WrongRoot { found } => write!(f, "unexpected root: {found}"),
            VoxmlError::UnknownVerb { name } => write!(f, "unknown verb `{name}`"),
            VoxmlError::UnknownAttribute { verb, name } => {
                write!(f, "`{verb}` has no attribute `{name}`")
            }
            VoxmlError::WrongContentType { expected, found } => match found {
                Some(found) => write!(f, "content type `{found}`, expected `{expected}`"),
                None => write!(f, "no content type, expected `{expected}`"),
            },
        }
    }
}

impl std::error::Error for VoxmlError {}

/// One problem found in a received document by [`check`](super::check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: `Response/Gather[2]/Say[1]` (1-based positions), or empty for the whole document.
    pub path: String,
    /// What.
    pub error: VoxmlError,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.error)
        } else {
            write!(f, "{}: {}", self.path, self.error)
        }
    }
}
