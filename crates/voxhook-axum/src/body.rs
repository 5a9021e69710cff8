//! Reading a request body under a size limit and a deadline.

use std::pin::{Pin, pin};

use bytes::{Buf, Bytes};
use http::HeaderMap;
use http::header::{CONTENT_LENGTH, EXPECT};
use http_body::Body;
use http_body_util::BodyExt;
use tokio::time::Instant;
use voxhook_core::body::{Collector, TooLarge};
use voxhook_core::deadline::within;

/// After a 413, at most this many more bytes are read and discarded so the
/// client that already sent its body can read the answer: closing a socket
/// with unread data makes the kernel send a reset, which can destroy the
/// response before the client reads it.
const DRAIN_LIMIT: u64 = 8 * 1024 * 1024;

/// Why the body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Longer than the limit (already drained as far as reasonable).
    TooLarge,
    /// The deadline passed while reading.
    Deadline,
    /// The client's body stream failed (e.g. the connection dropped).
    Read,
}

/// The declared `Content-Length`, if present and a valid number.
pub(crate) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// `bytes` as an axum body. An empty one is `Body::empty()`, which axum does
/// not allocate for (`Body::from` boxes even an empty buffer).
pub(crate) fn to_axum(bytes: Bytes) -> axum::body::Body {
    if bytes.is_empty() {
        axum::body::Body::empty()
    } else {
        axum::body::Body::from(bytes)
    }
}

fn expects_continue(headers: &HeaderMap) -> bool {
    headers
        .get(EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"))
}

/// Reads and discards what is left of an over-limit body (bounded in size and
/// by `deadline`), unless the client asked `Expect: 100-continue`, in which
/// case it has not sent the body and reading would invite it to.
pub(crate) async fn drain<B>(body: B, headers: &HeaderMap, deadline: Instant)
where
    B: Body,
{
    if expects_continue(headers) || content_length(headers).is_some_and(|n| n > DRAIN_LIMIT) {
        return;
    }
    let body = pin!(body);
    let _ = within(deadline, discard(body)).await;
}

/// Reads and drops frames until the body ends, fails, or passes [`DRAIN_LIMIT`].
async fn discard<B: Body>(mut body: Pin<&mut B>) {
    let mut seen: u64 = 0;
    while let Some(Ok(frame)) = body.frame().await {
        if let Some(data) = frame.data_ref() {
            seen += data.remaining() as u64;
            if seen > DRAIN_LIMIT {
                return;
            }
        }
    }
}

/// Reads the whole body if it is at most `limit` bytes, before `deadline`.
/// A single-chunk body is returned without copying.
pub(crate) async fn read<B>(body: B, limit: usize, deadline: Instant) -> Result<Bytes, BodyError>
where
    B: Body,
{
    let mut body = pin!(body);
    let collect = async {
        let mut collected = Collector::new(limit);
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else {
                return Err(BodyError::Read);
            };
            let Ok(mut data) = frame.into_data() else {
                continue; // trailers carry nothing voxhook reads
            };
            let chunk = data.copy_to_bytes(data.remaining());
            collected
                .push(chunk)
                .map_err(|TooLarge| BodyError::TooLarge)?;
        }
        Ok(collected.finish())
    };
    let result = within(deadline, collect)
        .await
        .unwrap_or(Err(BodyError::Deadline));
    if result == Err(BodyError::TooLarge) {
        // Keep reading (and discarding) what the client is still sending,
        // so it can read the 413.
        let _ = within(deadline, discard(body.as_mut())).await;
    }
    result
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::time::Duration;

    use http_body_util::Full;

    use super::*;

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(60)
    }

    #[tokio::test]
    async fn reads_under_the_limit_and_refuses_over_it() {
        struct Case {
            name: &'static str,
            chunks: &'static [&'static [u8]],
            limit: usize,
            want: Result<&'static [u8], BodyError>,
        }
        let cases = [
            Case {
                name: "empty",
                chunks: &[],
                limit: 4,
                want: Ok(b""),
            },
            Case {
                name: "one chunk",
                chunks: &[b"abcd"],
                limit: 4,
                want: Ok(b"abcd"),
            },
            Case {
                name: "three chunks",
                chunks: &[b"ab", b"c", b"d"],
                limit: 4,
                want: Ok(b"abcd"),
            },
            Case {
                name: "one over",
                chunks: &[b"ab", b"cde"],
                limit: 4,
                want: Err(BodyError::TooLarge),
            },
            Case {
                name: "single too big",
                chunks: &[b"abcde"],
                limit: 4,
                want: Err(BodyError::TooLarge),
            },
        ];
        for case in cases {
            let body = ChunksBody(case.chunks.iter().map(|c| Bytes::from_static(c)).collect());
            let got = read(body, case.limit, far()).await;
            assert_eq!(got.as_deref().map_err(|e| *e), case.want, "{}", case.name);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_never_ends_stops_at_the_deadline() {
        let (tx, body) = channel_body();
        let deadline = Instant::now() + Duration::from_millis(500);
        let got = read(body, 1024, deadline).await;
        assert_eq!(got, Err(BodyError::Deadline));
        drop(tx);
    }

    #[tokio::test]
    async fn a_full_body_is_not_copied() {
        let bytes = Bytes::from_static(b"hello");
        let got = read(Full::new(bytes.clone()), 16, far()).await.unwrap();
        assert_eq!(got.as_ptr(), bytes.as_ptr());
    }

    #[test]
    fn content_length_parses_only_numbers() {
        let mut h = HeaderMap::new();
        assert_eq!(content_length(&h), None);
        h.insert(CONTENT_LENGTH, "12".parse().unwrap());
        assert_eq!(content_length(&h), Some(12));
        h.insert(CONTENT_LENGTH, "x".parse().unwrap());
        assert_eq!(content_length(&h), None);
    }

    /// A body made of the given chunks, one frame each.
    struct ChunksBody(std::collections::VecDeque<Bytes>);

    impl Body for ChunksBody {
        type Data = Bytes;
        type Error = Infallible;
        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
            std::task::Poll::Ready(self.0.pop_front().map(|b| Ok(http_body::Frame::data(b))))
        }
    }

    /// A body fed by a channel: it stays pending until the sender sends or drops.
    fn channel_body() -> (
        tokio::sync::mpsc::Sender<Bytes>,
        impl Body<Data = Bytes, Error = Infallible>,
    ) {
        let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(1);
        (tx, ChannelBody(rx))
    }

    struct ChannelBody(tokio::sync::mpsc::Receiver<Bytes>);

    impl Body for ChannelBody {
        type Data = Bytes;
        type Error = Infallible;
        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
            self.0
                .poll_recv(cx)
                .map(|o| o.map(|b| Ok(http_body::Frame::data(b))))
        }
    }
}
