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
        Span::push_with(text, |text| text.push_str(value))
    }

    /// The span of what `write` appends to `text` (as [`Span::push`]).
    pub(crate) fn push_with(text: &mut String, write: impl FnOnce(&mut String)) -> Option<Span> {
        let start = text.len();
        write(text);
        match (u32::try_from(start), u32::try_from(text.len())) {
            (Ok(start), Ok(end)) => Some(Span { start, end }),
            _ => {
                text.truncate(start);
                None
            }
        }
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
        let span = Span::push_with(&mut text, |t| t.push_str("{\"a\":1}"));
        assert_eq!(span.and_then(|s| s.get(&text)), Some("{\"a\":1}"));
    }
}
