//! [`Span`]: where a text field's value lies in its event's text buffer.
//!
//! An event keeps all its text fields in one `String` (one allocation per
//! event instead of one per field); each field is the span of its value.

/// A range of an event's text buffer (`u32` offsets keep the field small).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// Appends `value` to `text` and returns its span; `None` (the field
    /// stays absent from the normalized view, never from the raw view) once
    /// the buffer would pass 4 GiB.
    pub(crate) fn push(text: &mut String, value: &str) -> Option<Span> {
        let start = u32::try_from(text.len()).ok()?;
        let end = u32::try_from(text.len() + value.len()).ok()?;
        text.push_str(value);
        Some(Span { start, end })
    }

    /// The value in `text`, the buffer it was pushed to.
    pub(crate) fn get(self, text: &str) -> Option<&str> {
        text.get(self.start as usize..self.end as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushed_values_read_back() {
        let mut text = String::new();
        let values = ["call_1", "", "é+ü", "https://x.example/r.mp3"];
        let spans: Vec<Option<Span>> = values.iter().map(|v| Span::push(&mut text, v)).collect();
        for (value, span) in values.iter().zip(spans) {
            assert_eq!(span.and_then(|s| s.get(&text)), Some(*value), "{value}");
        }
        assert_eq!(text, "call_1é+ühttps://x.example/r.mp3");
    }
}
