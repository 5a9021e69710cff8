//! Validation, exact sizing and writing: one output allocation per render.

mod json;
mod xml;

use bytes::Bytes;

use super::Rendered;
use super::error::VoxmlError;
use super::node::{Dialect, Node};
use super::schema::{FirstError, Schema, validate};

/// `Content-Type` of TryVox answers.
pub(crate) const JSON: &str = "application/json";
/// `Content-Type` of Voxtelesys and Vobiz answers.
pub(crate) const XML: &str = "application/xml";

pub(crate) fn render(dialect: Dialect, nodes: &[Node]) -> Result<Rendered, VoxmlError> {
    let schema = Schema::of(dialect);
    let mut first = FirstError::default();
    if validate(schema, nodes, &mut first).is_break()
        && let Some(error) = first.0
    {
        return Err(error);
    }
    let size = match dialect {
        Dialect::TryVox => json::measure(schema, nodes),
        Dialect::Voxtelesys | Dialect::Vobiz => xml::measure(schema, nodes),
    };
    if let Some(limit) = schema.limit
        && size > limit
    {
        return Err(VoxmlError::TooLarge { size, limit });
    }
    // Sized exactly, so `Bytes::from` takes the buffer over without a second allocation.
    let mut out = Vec::with_capacity(size);
    let content_type = match dialect {
        Dialect::TryVox => {
            json::write(schema, nodes, &mut out)?;
            JSON
        }
        Dialect::Voxtelesys | Dialect::Vobiz => {
            xml::write(schema, nodes, &mut out);
            XML
        }
    };
    debug_assert_eq!(out.len(), size, "render size estimate drifted");
    Ok(Rendered {
        content_type,
        body: Bytes::from(out),
    })
}

/// Decimal digits of `n`.
pub(crate) fn digits(mut n: u64) -> usize {
    let mut len = 1;
    while n >= 10 {
        n /= 10;
        len += 1;
    }
    len
}

/// Whether any byte of `s` matches `special`; 16 bytes at a time without
/// branches inside a block, so the compiler can vectorize it (most text needs
/// no escaping, and this keeps that common case cheap).
#[inline]
pub(crate) fn any_byte(s: &[u8], special: impl Fn(u8) -> bool) -> bool {
    let (blocks, rest) = s.as_chunks::<16>();
    for block in blocks {
        let mut hit = false;
        for &b in block {
            hit |= special(b);
        }
        if hit {
            return true;
        }
    }
    rest.iter().any(|&b| special(b))
}
