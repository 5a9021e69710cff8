//! VoxML answer documents: typed builders and the JSON (TryVox) and XML
//! (Voxtelesys, Vobiz) renderers.
//!
//! A handler answering a call returns a [`Document`]: usually the portable
//! [`Response`], which the route renders in the dialect of its provider
//! (`Say` becomes `Speak` for Vobiz, `Pause` becomes `Wait`, TryVox gets
//! snake_case JSON). Dialect-only verbs and attributes live in
//! [`tryvox`], [`voxtelesys`] and [`vobiz`]; a document built there renders only
//! for its own provider.
//!
//! ```
//! use voxhook_core::Provider;
//! use voxhook_core::voxml::{Document, Response};
//!
//! let doc: Document = Response::new().say("Hello +14155550100, this is voxhook.").into();
//! let r = doc.render(Provider::Voxtelesys)?;
//! assert_eq!(r.content_type, "application/xml");
//! assert_eq!(
//!     &r.body[..],
//!     br#"<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello +14155550100, this is voxhook.</Say></Response>"#
//! );
//! # Ok::<(), voxhook_core::voxml::VoxmlError>(())
//! ```
//!
//! # Correctness
//!
//! Every render validates the document against the dialect's schema first
//! (verbs the dialect has, nesting, required attributes, value rules, the Vobiz
//! 100 KB limit) and fails with a named [`VoxmlError`], never a panic. Text and
//! attribute values are escaped with `quick-xml` (`&`, `<`, `>`, `"`, `'`) or
//! written by `serde_json`. XML 1.0 cannot carry most control characters at all,
//! so those are an error ([`VoxmlError::ForbiddenCharacter`]) instead of being
//! silently dropped.
//!
//! # Choices where the providers' documentation is silent
//!
//! - TryVox `Pause` takes its duration as `length` (seconds); `Say` and `Play`
//!   take `loop`. TryVox documents neither name.
//! - TryVox nested objects (`say`/`play` in `Gather`, `numbers`/`sip`/`client`
//!   in `Dial`) carry no `verb` key; top-level instructions put `verb` first,
//!   then the text key, then parameters in the order they were set. A Gather's
//!   `say` and `play` are keys of one object, so their relative order is not
//!   something TryVox can see: we always write `say` first.
//! - XML is written without whitespace, with `<?xml version="1.0" encoding="UTF-8"?>`,
//!   and an element without content is self-closed (`<Hangup/>`).
//! - A portable [`Response::reject`] is `<Hangup reason="...">` for Vobiz, which
//!   has no `Reject`.
//! - Vobiz "100 KB" is read as 102 400 bytes.
//! - A carriage return in text, and tab / line feed / carriage return in an
//!   attribute, are rejected: XML parsers normalize them, so they would not
//!   arrive as sent.
//! - `check` accepts pretty-printed XML (whitespace between elements),
//!   `text/xml`, comments and CDATA; it reports unknown attributes, which
//!   providers may silently ignore, because they are usually typos.
//! - Numeric ranges not given by a provider (TryVox `timeout`, `num_digits`,
//!   `loop`) are bounded generously (see each dialect module) so typos are caught.

#[macro_use]
mod macros;

mod check;
mod error;
mod fallback;
mod node;
mod portable;
mod render;
mod schema;
mod values;

pub mod tryvox;
pub mod vobiz;
pub mod voxtelesys;

#[cfg(test)]
mod tests;

use bytes::Bytes;

use crate::Provider;
use node::{Dialect, Node};

pub use check::check;
pub use error::{Problem, VoxmlError};
pub use fallback::{FALLBACK_TEXT, fallback};
pub use portable::{Dial, Gather, Play, Record, Redirect, Response, Say, Stream};
pub use values::{Input, Method, Reason, Track};

/// A rendered answer: the body and its `Content-Type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// `application/json` (TryVox) or `application/xml` (Voxtelesys, Vobiz).
    pub content_type: &'static str,
    /// The document bytes.
    pub body: Bytes,
}

/// Anything a handler can answer a call with: a portable [`Response`] or a
/// dialect-specific one ([`tryvox::Response`], [`voxtelesys::Response`],
/// [`vobiz::Response`]).
///
/// Cheap to move (a tag and a `Vec`), `Send + Sync + 'static`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub(crate) dialect: Option<Dialect>,
    pub(crate) nodes: Vec<Node>,
}

impl Document {
    /// Renders the document for `provider`, after validating it against that
    /// provider's dialect.
    ///
    /// # Errors
    ///
    /// [`VoxmlError::UnsupportedProvider`] for VoxPria; [`VoxmlError::DialectMismatch`]
    /// when a dialect-specific document is rendered for another provider; any
    /// validation error of the dialect (unsupported verb or attribute, nesting,
    /// missing or invalid value, forbidden character, size limit).
    pub fn render(&self, provider: Provider) -> Result<Rendered, VoxmlError> {
        Document::render_nodes(self.dialect, &self.nodes, provider)
    }

    /// The provider a dialect-specific document was built for; `None` when portable.
    pub fn provider(&self) -> Option<Provider> {
        self.dialect.map(Dialect::provider)
    }

    pub(crate) fn render_nodes(
        built_for: Option<Dialect>,
        nodes: &[Node],
        provider: Provider,
    ) -> Result<Rendered, VoxmlError> {
        let dialect = Dialect::of(provider).ok_or(VoxmlError::UnsupportedProvider { provider })?;
        if let Some(built) = built_for
            && built != dialect
        {
            return Err(VoxmlError::DialectMismatch {
                built_for: built.provider(),
                requested: provider,
            });
        }
        render::render(dialect, nodes)
    }
}
