//! Value rules for attributes and text content.

use super::super::node::{Dialect, TextValue, Value};

/// What values an attribute (or text content) accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rule {
    /// Any string.
    Any,
    /// Any non-empty string.
    NonEmpty,
    /// An absolute `http://` or `https://` URL.
    Url,
    /// A `wss://` URL.
    Wss,
    /// A `ws://` or `wss://` URL.
    WsUrl,
    /// An integer in `min..=max`.
    UInt { min: u64, max: u64 },
    /// An integer in `min..=max`, or `auto`.
    UIntOrAuto { min: u64, max: u64 },
    /// `true` or `false`.
    Bool,
    /// One of a fixed list.
    OneOf(&'static [&'static str]),
    /// Any number of keys from the set (empty allowed).
    Keys(&'static str),
    /// One key from the set, or empty.
    Key(&'static str),
    /// Letters, digits and `_` (Voxtelesys `output` names).
    Ident,
    /// A decimal amount such as `10.00`.
    Decimal,
    /// A JSON object of strings (TryVox Stream `parameters`).
    Map,
    /// Space-separated words, each one of a fixed list.
    Words(&'static [&'static str]),
    /// `key=value,key=value` of ASCII letters and digits, at most `max` bytes (Vobiz `extraHeaders`).
    Headers { max: usize },
}

pub(crate) const METHOD: Rule = Rule::OneOf(&["GET", "POST"]);
pub(crate) const INPUT: Rule = Rule::OneOf(&["dtmf", "speech", "dtmf speech"]);
pub(crate) const REASON: Rule = Rule::OneOf(&["rejected", "busy"]);
pub(crate) const LOOP: Rule = Rule::UInt { min: 0, max: 1000 };
pub(crate) const SEND_DIGITS: Rule = Rule::Keys("0123456789*#wW");

pub(crate) const DIGITS: &str = "0123456789*#";

impl Rule {
    /// Checks a value; `Err` says what is expected.
    pub(crate) fn check(self, value: &Value, dialect: Dialect) -> Result<(), String> {
        match (self, value) {
            (Rule::Map, Value::Map(_)) => Ok(()),
            (_, Value::Map(_)) | (Rule::Map, _) => Err(self.expected()),
            // JSON is typed: integers and booleans must not arrive as strings.
            (Rule::UInt { .. } | Rule::Bool, Value::Str(_) | Value::Static(_))
                if dialect == Dialect::TryVox =>
            {
                Err(self.expected())
            }
            (Rule::Bool, Value::Bool(_)) => Ok(()),
            (_, Value::Bool(_)) => Err(self.expected()),
            (Rule::UInt { min, max } | Rule::UIntOrAuto { min, max }, Value::UInt(n)) => {
                if (min..=max).contains(n) {
                    Ok(())
                } else {
                    Err(self.expected())
                }
            }
            (_, Value::UInt(_)) => Err(self.expected()),
            _ => match value.as_text(dialect) {
                Some(TextValue::Str(s)) => self.check_str(s),
                _ => Err(self.expected()),
            },
        }
    }

    /// Checks a string value (XML attributes, text content).
    pub(crate) fn check_str(self, s: &str) -> Result<(), String> {
        let ok = match self {
            Rule::Any => true,
            Rule::NonEmpty => !s.trim().is_empty(),
            Rule::Url => has_scheme(s, &["http://", "https://"]),
            Rule::Wss => has_scheme(s, &["wss://"]),
            Rule::WsUrl => has_scheme(s, &["ws://", "wss://"]),
            Rule::UInt { min, max } => s.parse::<u64>().is_ok_and(|n| (min..=max).contains(&n)),
            Rule::UIntOrAuto { min, max } => {
                s == "auto" || s.parse::<u64>().is_ok_and(|n| (min..=max).contains(&n))
            }
            Rule::Bool => s == "true" || s == "false",
            Rule::OneOf(list) => list.contains(&s),
            Rule::Keys(set) => s.chars().all(|c| set.contains(c)),
            Rule::Key(set) => s.is_empty() || (s.chars().count() == 1 && set.contains(s)),
            Rule::Ident => {
                !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            }
            Rule::Decimal => is_decimal(s),
            Rule::Map => false,
            Rule::Words(list) => s.split_whitespace().all(|w| list.contains(&w)),
            Rule::Headers { max } => {
                s.len() <= max
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'=' || b == b',')
            }
        };
        if ok { Ok(()) } else { Err(self.expected()) }
    }

    pub(crate) fn expected(self) -> String {
        match self {
            Rule::Any => "text".to_owned(),
            Rule::NonEmpty => "non-empty".to_owned(),
            Rule::Url => "an absolute http(s) URL".to_owned(),
            Rule::Wss => "a wss:// URL".to_owned(),
            Rule::WsUrl => "a ws:// or wss:// URL".to_owned(),
            Rule::UInt { min, max } => format!("an integer from {min} to {max}"),
            Rule::UIntOrAuto { min, max } => format!("an integer from {min} to {max}, or `auto`"),
            Rule::Bool => "`true` or `false`".to_owned(),
            Rule::OneOf(list) => {
                let quoted: Vec<String> = list.iter().map(|v| format!("`{v}`")).collect();
                format!("one of {}", quoted.join(", "))
            }
            Rule::Keys(set) => format!("keys from `{set}`"),
            Rule::Key(set) => format!("one key from `{set}`, or empty"),
            Rule::Ident => "letters, digits and `_`".to_owned(),
            Rule::Decimal => "a decimal amount".to_owned(),
            Rule::Map => "an object of strings".to_owned(),
            Rule::Words(list) => format!("space-separated words from {}", list.join(", ")),
            Rule::Headers { max } => {
                format!("at most {max} bytes of `key=value` pairs of letters and digits")
            }
        }
    }
}

fn has_scheme(s: &str, schemes: &[&str]) -> bool {
    schemes.iter().any(|scheme| {
        s.len() > scheme.len()
            && s.get(..scheme.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(scheme))
    })
}

fn is_decimal(s: &str) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Whether XML 1.0 can carry `s`: no control characters other than tab and
/// line feed in text (a carriage return would come back as a line feed), none
/// at all in attributes (parsers normalize them to spaces), no U+FFFE / U+FFFF.
pub(crate) fn xml_chars_ok(s: &str, attribute: bool) -> bool {
    let bytes = s.as_bytes();
    if !crate::voxml::render::any_byte(bytes, |b| (b < 0x20) | (b == 0xEF)) {
        return true;
    }
    for (i, &b) in bytes.iter().enumerate() {
        if b < 0x20 && (attribute || (b != b'\t' && b != b'\n')) {
            return false;
        }
        // U+FFFE and U+FFFF are EF BF BE / EF BF BF in UTF-8.
        if b == 0xEF
            && bytes.get(i + 1) == Some(&0xBF)
            && matches!(bytes.get(i + 2), Some(0xBE | 0xBF))
        {
            return false;
        }
    }
    true
}
