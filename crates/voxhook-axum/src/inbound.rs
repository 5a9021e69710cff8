//! The framework-free request view of an axum request.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, OriginalUri};
use http::request::Parts;
use voxhook_core::Inbound;

/// Borrows `parts` and `body` as an [`Inbound`]. Signed-URL schemes need the
/// path as the client sent it, so the target is taken from [`OriginalUri`]
/// (before any `Router::nest` stripped a prefix) when axum recorded it.
pub(crate) fn inbound<'a>(parts: &'a Parts, body: &'a [u8]) -> Inbound<'a> {
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |o| &o.0);
    let target = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    Inbound::new(parts.method.as_str(), target, &parts.headers, body).with_peer(peer)
}
