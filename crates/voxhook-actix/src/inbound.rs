//! The framework-free request view of an actix request.

use actix_web::HttpRequest;
use voxhook_core::Inbound;

use crate::headers::ActixHeaders;

/// Borrows `req`'s method, target (path and query as received), peer
/// address and `headers` (an [`ActixHeaders`] over `req.headers()`), with
/// `body`, as an [`Inbound`].
pub(crate) fn inbound<'a>(
    req: &'a HttpRequest,
    headers: &'a ActixHeaders<'a>,
    body: &'a [u8],
) -> Inbound<'a> {
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path(), |pq| pq.as_str());
    Inbound::new(req.method().as_str(), target, headers, body)
        .with_peer(req.peer_addr().map(|addr| addr.ip()))
}
