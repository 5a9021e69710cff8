//! [`VoxMl`]: a handler's VoxML answer.

use actix_web::http::header::{CONTENT_TYPE, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, Responder};
use bytes::Bytes;
use voxhook_core::dedup::StoredAnswer;
use voxhook_core::voxml::Document;
use voxhook_core::{Provider, Rejection};

use crate::rejection::rejection_response;

/// A VoxML answer, rendered in the dialect of the route's provider.
///
/// Return it from a handler behind a [`VoxhookMiddleware`](crate::VoxhookMiddleware):
/// the middleware knows the route's provider and renders the portable
/// document as TryVox JSON, Voxtelesys XML or VobizXML. Without the
/// middleware nobody knows the dialect: the response is then a 500
/// `misconfigured` (never a silently empty 200); use [`VoxMl::for_provider`] there.
///
/// ```
/// use voxhook_actix::VoxMl;
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
    /// Renders `doc` for `provider` now, without the middleware (e.g. in a
    /// handler that uses [`Verified`](crate::Verified) without it).
    ///
    /// ```
    /// use voxhook_actix::VoxMl;
    /// use voxhook_core::{Provider, voxml};
    ///
    /// let response = VoxMl::for_provider(Provider::Vobiz, voxml::Response::new().say("Hi"));
    /// assert_eq!(response.status(), 200);
    /// assert_eq!(response.headers().get("content-type").unwrap(), "application/xml");
    /// ```
    pub fn for_provider(provider: Provider, doc: impl Into<Document>) -> HttpResponse {
        match render(&doc.into(), provider) {
            Ok(answer) => answer_response(answer),
            Err(()) => rejection_response(&Rejection::Misconfigured),
        }
    }
}

impl<T: Into<Document>> Responder for VoxMl<T> {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, _req: &HttpRequest) -> HttpResponse {
        // The middleware replaces this with the rendering; without the
        // middleware the 500 tells the developer something is missing.
        let mut response = rejection_response(&Rejection::Misconfigured);
        let mut ext = response.extensions_mut();
        ext.remove::<Rejection>();
        ext.insert(PendingVoxml(self.0.into()));
        drop(ext);
        response
    }
}

/// A document waiting for the middleware to render it (response extension).
pub(crate) struct PendingVoxml(Document);

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

fn answer_response(answer: StoredAnswer) -> HttpResponse {
    let mut builder = HttpResponse::Ok();
    if let Some(ct) = answer
        .content_type
        .and_then(|ct| HeaderValue::from_maybe_shared(ct).ok())
    {
        builder.insert_header((CONTENT_TYPE, ct));
    }
    builder.body(answer.body)
}
