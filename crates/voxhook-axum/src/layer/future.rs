use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::response::Response;

type BoxFuture<E> = Pin<Box<dyn Future<Output = Result<Response, E>> + Send>>;

/// The response future of [`Voxhook`](super::Voxhook).
///
/// It never resolves to `Err` on its own: every voxhook failure is a
/// response. It is a named type so it can become a hand-written state
/// machine later without a breaking change.
pub struct ResponseFuture<E> {
    inner: BoxFuture<E>,
}

impl<E> ResponseFuture<E> {
    pub(super) fn new(inner: impl Future<Output = Result<Response, E>> + Send + 'static) -> Self {
        ResponseFuture {
            inner: Box::pin(inner),
        }
    }
}

impl<E> Future for ResponseFuture<E> {
    type Output = Result<Response, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl<E> fmt::Debug for ResponseFuture<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
