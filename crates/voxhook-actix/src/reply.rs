//! Core replies and handler responses, both ways.

use actix_web::body::{MessageBody, to_bytes};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use actix_web::{Error, HttpResponse};
use bytes::Bytes;
use voxhook_core::dedup::StoredAnswer;
use voxhook_core::pipeline::{Outcome, REPLAYED_HEADER, Reply};
use voxhook_core::{Provider, Rejection};

use crate::rejection::rejection_response;
use crate::voxml::PendingVoxml;

/// The actix response for a core [`Reply`]: the same status, headers and
/// body as `Reply::into_http_response` builds for `http` 1.x.
pub(crate) fn reply_response(reply: Reply) -> HttpResponse {
    match reply {
        Reply::Rejected(rejection) => rejection_response(&rejection),
        Reply::Answer { answer, replayed } => answer_response(answer, replayed),
    }
}

fn answer_response(answer: StoredAnswer, replayed: bool) -> HttpResponse {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponse::build(status);
    if let Some(ct) = answer
        .content_type
        .and_then(|ct| HeaderValue::from_maybe_shared(ct).ok())
    {
        builder.insert_header((CONTENT_TYPE, ct));
    }
    if replayed {
        builder.insert_header((
            HeaderName::from_static(REPLAYED_HEADER),
            HeaderValue::from_static("true"),
        ));
    }
    builder.body(answer.body)
}

/// What the handler produced, as the dedup store keeps it: a VoxML document
/// is rendered in the route's dialect; anything else is buffered (status,
/// `Content-Type`, body). A service error, a document that cannot be
/// rendered, or a body that fails to stream is a failed handler.
///
/// A rejection the handler answered with (e.g. an extractor's) is kept
/// whole, so the reply keeps its headers (`WWW-Authenticate`, `Retry-After`).
pub(crate) async fn outcome<B: MessageBody>(
    res: Result<ServiceResponse<B>, Error>,
    provider: Provider,
) -> Outcome {
    let mut res = match res {
        Ok(res) => res,
        Err(err) => {
            tracing::error!(target: "voxhook::handler", %provider, error = %err, "handler service returned an error");
            return Outcome::Failed;
        }
    };
    let pending = res.response_mut().extensions_mut().remove::<PendingVoxml>();
    if let Some(pending) = pending {
        return match pending.render(provider) {
            Ok(answer) => Outcome::Answer(answer),
            Err(()) => Outcome::Failed,
        };
    }
    let rejection = res.response_mut().extensions_mut().remove::<Rejection>();
    if let Some(rejection) = rejection
        && rejection.status() == res.status().as_u16()
    {
        return Outcome::Rejected(rejection);
    }
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| Bytes::copy_from_slice(v.as_bytes()));
    // A complete body (the usual case) is taken as it is; only a streaming
    // one is read, in a box, so this future stays small for the rest.
    let body = match res.into_body().try_into_bytes() {
        Ok(body) => Ok(body),
        Err(body) => Box::pin(to_bytes(body)).await.map_err(drop),
    };
    match body {
        Ok(body) => Outcome::Answer(StoredAnswer {
            status,
            content_type,
            body,
        }),
        Err(_) => {
            tracing::error!(target: "voxhook::handler", %provider, "the handler's response body failed");
            Outcome::Failed
        }
    }
}
