//! The XML dialects: `<?xml ...?><Response>...</Response>`, no whitespace.
//!
//! Tags are written directly; every text and attribute value goes through
//! `quick_xml::escape::escape` (`& < > " '`), so no caller string reaches the
//! output unescaped.

use quick_xml::escape::escape;

use super::super::node::{Node, TextValue};
use super::super::schema::{Schema, VerbSpec};
use super::{any_byte, digits};

const DECL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;
const OPEN: &str = "<Response>";
const CLOSE: &str = "</Response>";

pub(crate) fn measure(schema: &Schema, nodes: &[Node]) -> usize {
    DECL.len() + OPEN.len() + CLOSE.len() + measure_all(schema, nodes)
}

fn measure_all(schema: &Schema, nodes: &[Node]) -> usize {
    nodes
        .iter()
        .filter_map(|n| {
            schema
                .verb(n.verb)
                .map(|spec| measure_node(schema, spec, n))
        })
        .sum()
}

fn measure_node(schema: &Schema, spec: &'static VerbSpec, node: &Node) -> usize {
    let mut len = 1 + spec.name.len();
    for (attr, value) in &node.attrs {
        let (Some(a), Some(v)) = (schema.attr(spec, *attr), value.as_text(schema.dialect)) else {
            continue;
        };
        // ` name="value"`
        len += a.name.len() + 4 + text_len(v);
    }
    if node.text.is_none() && node.children.is_empty() {
        return len + 2;
    }
    len += 1;
    if let Some(text) = &node.text {
        len += escaped_len(text);
    }
    len + measure_all(schema, &node.children) + 3 + spec.name.len()
}

pub(crate) fn write(schema: &Schema, nodes: &[Node], out: &mut Vec<u8>) {
    out.extend_from_slice(DECL.as_bytes());
    out.extend_from_slice(OPEN.as_bytes());
    write_all(schema, nodes, out);
    out.extend_from_slice(CLOSE.as_bytes());
}

fn write_all(schema: &Schema, nodes: &[Node], out: &mut Vec<u8>) {
    for node in nodes {
        if let Some(spec) = schema.verb(node.verb) {
            write_node(schema, spec, node, out);
        }
    }
}

fn write_node(schema: &Schema, spec: &'static VerbSpec, node: &Node, out: &mut Vec<u8>) {
    out.push(b'<');
    out.extend_from_slice(spec.name.as_bytes());
    for (attr, value) in &node.attrs {
        let (Some(a), Some(v)) = (schema.attr(spec, *attr), value.as_text(schema.dialect)) else {
            continue;
        };
        out.push(b' ');
        out.extend_from_slice(a.name.as_bytes());
        out.extend_from_slice(b"=\"");
        write_text(v, out);
        out.push(b'"');
    }
    if node.text.is_none() && node.children.is_empty() {
        out.extend_from_slice(b"/>");
        return;
    }
    out.push(b'>');
    if let Some(text) = &node.text {
        write_escaped(text, out);
    }
    write_all(schema, &node.children, out);
    out.extend_from_slice(b"</");
    out.extend_from_slice(spec.name.as_bytes());
    out.push(b'>');
}

fn write_text(v: TextValue<'_>, out: &mut Vec<u8>) {
    match v {
        TextValue::Str(s) => write_escaped(s, out),
        TextValue::UInt(n) => write_uint(n, out),
    }
}

pub(crate) fn write_uint(n: u64, out: &mut Vec<u8>) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        // `n % 10` is below 10, so the cast cannot truncate.
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

fn text_len(v: TextValue<'_>) -> usize {
    match v {
        TextValue::Str(s) => escaped_len(s),
        TextValue::UInt(n) => digits(n),
    }
}

fn xml_special(b: u8) -> bool {
    (b == b'&') | (b == b'<') | (b == b'>') | (b == b'"') | (b == b'\'')
}

/// Text or an attribute value, escaped by quick-xml when it holds anything to escape.
fn write_escaped(s: &str, out: &mut Vec<u8>) {
    if any_byte(s.as_bytes(), xml_special) {
        out.extend_from_slice(escape(s).as_bytes());
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

/// Length after `quick_xml::escape::escape` (`&` -> `&amp;`, `<` -> `&lt;`, `>` -> `&gt;`,
/// `"` -> `&quot;`, `'` -> `&apos;`).
pub(crate) fn escaped_len(s: &str) -> usize {
    if !any_byte(s.as_bytes(), xml_special) {
        return s.len();
    }
    s.len()
        + s.bytes()
            .map(|b| match b {
                b'&' => 4,
                b'<' | b'>' => 3,
                b'"' | b'\'' => 5,
                _ => 0,
            })
            .sum::<usize>()
}
