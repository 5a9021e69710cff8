//! [`VoxMl`]: a handler's VoxML answer.

use std::sync::Arc;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::HeaderValue;
use http::header::CONTENT_TYPE;
use voxhook_core::dedup::StoredAnswer;
use voxhook_core::voxml::Document;
use voxhook_core::{Provider, Rejection};

use crate::WebhookRejection;

/// A VoxML answer, rendered in the dialect of the route's provider.
///
/// Return it from a handler behind a [`VoxhookLayer`](crate::VoxhookLayer):
/// the layer knows the route's provider and renders the portable document
/// as TryVox JSON, Voxtelesys XML or VobizXML. Without the layer nobody
/// knows the dialect: the response is then a 500 `misconfigured` (never a
/// silently empty 200); use [`VoxMl::for_provider`] there.
///
/// ```
/// use voxhook_axum::VoxMl;
/// use voxhook_core::voxml;
///
/// async fn answer() -> VoxMl {
///     VoxMl::from(voxml::Response::new().say("Hello"))
/// }
/// ```
#[derive(Debug, Clone)]
pub struct VoxMl<T = Document>(pub T);

impl<T: Into<Document>> From<T> for VoxMl {
    fn from(doc: T) -> Self {
        VoxMl(doc.into())
    }
}

impl VoxMl {
    /// Renders `doc` for `provider` now, without a layer (e.g. in a handler
    /// that uses [`Verified`](crate::Verified) without the layer).
    ///
    /// ```
    /// use voxhook_axum::VoxMl;
    /// use voxhook_core::{Provider, voxml};
    ///
    /// let response = VoxMl::for_provider(Provider::Vobiz, voxml::Response::new().say("Hi"));
    /// assert_eq!(response.status(), 200);
    /// assert_eq!(response.headers()["content-type"], "application/xml");
    /// ```
    pub fn for_provider(provider: Provider, doc: impl Into<Document>) -> Response {
        let doc: Document = doc.into();
        match render(&doc, provider) {
            Ok(answer) => answer_response(answer),
            Err(()) => WebhookRejection(Rejection::Misconfigured).into_response(),
        }
    }
}

impl<T: Into<Document>> IntoResponse for VoxMl<T> {
    fn into_response(self) -> Response {
        // The layer replaces this with the rendering; without the layer the
        // 500 tells the developer something is missing.
        let mut response = WebhookRejection(Rejection::Misconfigured).into_response();
        response.extensions_mut().remove::<Rejection>();
        response
            .extensions_mut()
            .insert(PendingVoxml(Arc::new(self.0.into())));
        response
    }
}

/// A document waiting for the layer to render it (response extension).
#[derive(Clone)]
pub(crate) struct PendingVoxml(Arc<Document>);

impl PendingVoxml {
    pub(crate) fn render(&self, provider: Provider) -> Result<StoredAnswer, ()> {
        render(&self.0, provider)
    }
}

fn render(doc: &Document, provider: Provider) -> Result<StoredAnswer, ()> {
    match doc.render(provider) {
        Ok(rendered) => Ok(StoredAnswer {
            status: 200,
            content_type: Some(Bytes::from_static(rendered.content_type.as_bytes())),
            body: rendered.body,
        }),
        Err(e) => {
            tracing::error!(target: "voxhook::voxml", %provider, error = %e, "the handler's VoxML document cannot be rendered for this provider");
            Err(())
        }
    }
}

fn answer_response(answer: StoredAnswer) -> Response {
    let mut response = Response::new(Body::from(answer.body));
    if let Some(ct) = answer
        .content_type
        .and_then(|ct| HeaderValue::from_maybe_shared(ct).ok())
    {
        response.headers_mut().insert(CONTENT_TYPE, ct);
    }
    response
}
