//! The library's default fallback answer per dialect.

use bytes::Bytes;

use super::Rendered;
use super::render::{JSON, XML};
use crate::Provider;

/// What the fallback says before hanging up.
pub const FALLBACK_TEXT: &str =
    "Sorry, we cannot take your call right now. Please try again later. Goodbye.";

// Constants rather than a render at start-up: returning one is a pointer copy.
// A test pins each to the renderer's output of the same portable document.
const TRYVOX: &str = r#"{"voxml_version":"1.0","instructions":[{"verb":"Say","text":"Sorry, we cannot take your call right now. Please try again later. Goodbye."},{"verb":"Hangup"}]}"#;
const VOXTELESYS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Response><Say>Sorry, we cannot take your call right now. Please try again later. Goodbye.</Say><Hangup/></Response>"#;
const VOBIZ: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Response><Speak>Sorry, we cannot take your call right now. Please try again later. Goodbye.</Speak><Hangup/></Response>"#;

/// The default fallback answer for `provider`: a short apology, then hangup.
///
/// Well-formed, the same bytes every time, no caller data; returning it costs
/// no allocation. VoxPria has no call-control markup: its fallback is an empty
/// `text/plain` body (an acknowledgement).
///
/// ```
/// use voxhook_core::{Provider, voxml};
///
/// let f = voxml::fallback(Provider::Vobiz);
/// assert_eq!(f.content_type, "application/xml");
/// assert!(f.body.ends_with(b"<Hangup/></Response>"));
/// assert!(voxml::check(Provider::Vobiz, Some(f.content_type), &f.body).is_ok());
/// ```
pub fn fallback(provider: Provider) -> Rendered {
    let (content_type, body) = match provider {
        Provider::TryVox => (JSON, TRYVOX),
        Provider::Voxtelesys => (XML, VOXTELESYS),
        Provider::Vobiz => (XML, VOBIZ),
        Provider::VoxPria => ("text/plain", ""),
    };
    Rendered {
        content_type,
        body: Bytes::from_static(body.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voxml::Response;

    #[test]
    fn fallback_is_what_the_renderer_produces() {
        let doc = Response::new().say(FALLBACK_TEXT).hangup();
        for provider in [Provider::TryVox, Provider::Voxtelesys, Provider::Vobiz] {
            assert_eq!(
                doc.render(provider).unwrap(),
                fallback(provider),
                "{provider}"
            );
        }
    }

    #[test]
    fn voxpria_fallback_is_an_empty_acknowledgement() {
        let f = fallback(Provider::VoxPria);
        assert!(f.body.is_empty());
        assert_eq!(f.content_type, "text/plain");
    }
}
