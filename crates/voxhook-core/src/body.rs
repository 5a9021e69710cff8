//! Collecting a request body under a size limit, for adapters that read it
//! chunk by chunk from their framework's stream.

use bytes::{Bytes, BytesMut};

/// Gathers a body's chunks up to `limit` bytes. A body that arrives in one
/// chunk is returned as that chunk, without copying.
///
/// The adapters drive their framework's body stream, under the deadline,
/// and push each chunk here; the size accounting lives in one place.
///
/// ```
/// use bytes::Bytes;
/// use voxhook_core::body::{Collector, TooLarge};
///
/// let mut body = Collector::new(4);
/// body.push(Bytes::from_static(b"ab"))?;
/// body.push(Bytes::from_static(b"cd"))?;
/// assert_eq!(&body.finish()[..], b"abcd");
///
/// let mut body = Collector::new(4);
/// assert_eq!(body.push(Bytes::from_static(b"abcde")), Err(TooLarge));
/// # Ok::<(), TooLarge>(())
/// ```
#[derive(Debug)]
pub struct Collector {
    limit: usize,
    len: usize,
    first: Option<Bytes>,
    rest: Option<BytesMut>,
}

/// The body is longer than the collector's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

impl Collector {
    /// An empty collector that accepts at most `limit` bytes in all.
    pub fn new(limit: usize) -> Self {
        Collector {
            limit,
            len: 0,
            first: None,
            rest: None,
        }
    }

    /// Adds the next chunk.
    ///
    /// # Errors
    ///
    /// [`TooLarge`] when the chunks so far add up to more than the limit;
    /// the chunk is not kept.
    pub fn push(&mut self, chunk: Bytes) -> Result<(), TooLarge> {
        self.len = self.len.saturating_add(chunk.len());
        if self.len > self.limit {
            return Err(TooLarge);
        }
        match (&self.first, &mut self.rest) {
            (None, _) => self.first = Some(chunk),
            (Some(first), None) => {
                let mut buf = BytesMut::with_capacity(self.len.max(first.len() * 2));
                buf.extend_from_slice(first);
                buf.extend_from_slice(&chunk);
                self.rest = Some(buf);
            }
            (Some(_), Some(buf)) => buf.extend_from_slice(&chunk),
        }
        Ok(())
    }

    /// The whole body.
    pub fn finish(self) -> Bytes {
        match (self.first, self.rest) {
            (_, Some(buf)) => buf.freeze(),
            (Some(first), None) => first,
            (None, None) => Bytes::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_under_the_limit_and_refuses_over_it() {
        struct Case {
            name: &'static str,
            chunks: &'static [&'static [u8]],
            limit: usize,
            want: Result<&'static [u8], TooLarge>,
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
                want: Err(TooLarge),
            },
            Case {
                name: "single too big",
                chunks: &[b"abcde"],
                limit: 4,
                want: Err(TooLarge),
            },
        ];
        for case in cases {
            let mut body = Collector::new(case.limit);
            let got = case
                .chunks
                .iter()
                .try_for_each(|c| body.push(Bytes::from_static(c)))
                .map(|()| body.finish());
            assert_eq!(got.as_deref().map_err(|e| *e), case.want, "{}", case.name);
        }
    }

    #[test]
    fn a_single_chunk_is_not_copied() {
        let chunk = Bytes::from_static(b"hello");
        let mut body = Collector::new(16);
        body.push(chunk.clone()).unwrap();
        assert_eq!(body.finish().as_ptr(), chunk.as_ptr());
    }
}
