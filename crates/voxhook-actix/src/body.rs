//! Reading a request payload under a size limit and a deadline.

use std::future::ready;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header::{CONTENT_LENGTH, HeaderMap};
use bytes::Bytes;
use futures_util::{Stream, StreamExt, stream};
use tokio::time::Instant;
use voxhook_core::body::{Collector, TooLarge};
use voxhook_core::deadline::within_grace;

/// Why the body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Longer than the limit.
    TooLarge,
    /// The deadline passed while reading.
    Deadline,
    /// The client's payload stream failed (e.g. the connection dropped).
    Read,
}

/// The declared `Content-Length`, if present and a valid number.
pub(crate) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| parse_length(v.as_bytes()))
}

/// What `to_str()`, `trim()` and `parse::<u64>()` accept, on the bytes: an
/// optional `+` and decimal digits, between spaces or tabs (the only
/// whitespace a header value's `to_str` lets through).
fn parse_length(value: &[u8]) -> Option<u64> {
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let start = value.iter().position(|b| !blank(b))?;
    let end = value.iter().rposition(|b| !blank(b))?;
    let number = value.get(start..=end)?;
    let digits = number.strip_prefix(b"+").unwrap_or(number);
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, b| {
        let digit = b.checked_sub(b'0').filter(|d| *d < 10)?;
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// `body` as a payload again, for the handler's body extractors.
///
/// One small boxed stream: `Payload::from(Bytes)` builds an HTTP/1 payload
/// (a shared, growable buffer), two allocations. An empty body needs none.
pub(crate) fn replay(body: Bytes) -> Payload {
    if body.is_empty() {
        return Payload::None;
    }
    let once: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> =
        Box::pin(stream::once(ready(Ok(body))));
    Payload::from(once)
}

/// Reads the whole payload if it is at most `limit` bytes, before `deadline`.
/// A single-chunk body is returned without copying.
///
/// An over-limit body is not drained here: actix-web's HTTP/1 dispatcher
/// answers and then lingers, discarding what the client still sends (up to
/// its client-disconnect timeout), so the client can read the 413.
pub(crate) async fn read(
    payload: &mut Payload,
    limit: usize,
    deadline: Instant,
) -> Result<Bytes, BodyError> {
    let collect = async {
        let mut body = Collector::new(limit);
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| BodyError::Read)?;
            body.push(chunk).map_err(|TooLarge| BodyError::TooLarge)?;
        }
        Ok(body.finish())
    };
    // The dispatcher feeds the body just after the service's first poll:
    // one more poll, rather than a timer armed and cancelled per request.
    within_grace(deadline, collect)
        .await
        .unwrap_or(Err(BodyError::Deadline))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures_util::stream;

    use super::*;

    type Boxed = std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Bytes, PayloadError>>>>;

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(60)
    }

    fn chunks(parts: &'static [&'static [u8]]) -> Payload {
        let s = stream::iter(
            parts
                .iter()
                .map(|c| Ok::<_, PayloadError>(Bytes::from_static(c))),
        );
        Payload::from(Box::pin(s) as Boxed)
    }

    #[actix_web::test]
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
            let mut pl = chunks(case.chunks);
            let got = read(&mut pl, case.limit, far()).await;
            assert_eq!(got.as_deref().map_err(|e| *e), case.want, "{}", case.name);
        }
    }

    #[actix_web::test]
    async fn a_failing_stream_is_a_read_error() {
        let s = stream::iter([
            Ok(Bytes::from_static(b"ab")),
            Err(PayloadError::Incomplete(None)),
        ]);
        let mut pl = Payload::from(Box::pin(s) as Boxed);
        assert_eq!(read(&mut pl, 16, far()).await, Err(BodyError::Read));
    }

    #[actix_web::test]
    async fn a_payload_that_never_ends_stops_at_the_deadline() {
        tokio::time::pause();
        let mut pl =
            Payload::from(Box::pin(stream::pending::<Result<Bytes, PayloadError>>()) as Boxed);
        let deadline = Instant::now() + Duration::from_millis(500);
        assert_eq!(read(&mut pl, 16, deadline).await, Err(BodyError::Deadline));
    }

    #[actix_web::test]
    async fn a_single_chunk_is_not_copied() {
        let bytes = Bytes::from_static(b"hello");
        let mut pl = Payload::from(bytes.clone());
        let got = read(&mut pl, 16, far()).await.unwrap();
        assert_eq!(&got[..], b"hello");
    }

    #[actix_web::test]
    async fn a_replayed_body_reads_back_the_same_bytes() {
        for (name, body) in [("empty", &b""[..]), ("some bytes", &b"hello world"[..])] {
            let bytes = Bytes::copy_from_slice(body);
            let mut pl = replay(bytes.clone());
            let got = read(&mut pl, 64, far()).await;
            assert_eq!(got, Ok(bytes), "{name}");
        }
    }

    #[test]
    fn parse_length_accepts_what_the_text_parse_accepts() {
        let cases: &[(&str, &[u8])] = &[
            ("plain", b"412"),
            ("zero", b"0"),
            ("leading zeros", b"007"),
            ("spaces and tabs", b" \t12\t "),
            ("plus", b"+5"),
            ("plus alone", b"+"),
            ("two plus", b"++5"),
            ("minus", b"-1"),
            ("empty", b""),
            ("blank", b" \t "),
            ("inner space", b"1 2"),
            ("carriage return", b"12\r"),
            ("line feed", b"\n12"),
            ("form feed", b"\x0c12"),
            ("letter", b"12a"),
            ("non-ascii", b"12\xc2\xa0"),
            ("max", b"18446744073709551615"),
            ("overflow", b"18446744073709551616"),
            ("huge", b"99999999999999999999999"),
        ];
        for (name, value) in cases {
            // The definition it replaces: `to_str`, `trim`, `parse`.
            let want = actix_web::http::header::HeaderValue::from_bytes(value)
                .ok()
                .and_then(|v| v.to_str().ok().and_then(|t| t.trim().parse::<u64>().ok()));
            assert_eq!(parse_length(value), want, "{name}");
        }
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
}
