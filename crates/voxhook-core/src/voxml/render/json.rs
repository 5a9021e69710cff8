//! TryVox JSON VoxML: `{"voxml_version":"1.0","instructions":[...]}`.
//!
//! An instruction is `{"verb":"Say","text":...,<params>...,<nested>...}`; a
//! nested prompt or dial target is the same object without `verb`, under the
//! key the schema names (`say`, `play`, `numbers`, `sip`, `client`). The
//! punctuation is written directly; every string goes through serde_json's
//! serializer, which does the escaping.

use super::super::error::VoxmlError;
use super::super::node::{Node, TextValue, Value, Verb};
use super::super::schema::{Schema, VerbSpec};
use super::xml::write_uint;
use super::{any_byte, digits};

const HEAD: &str = r#"{"voxml_version":"1.0","instructions":["#;
const TAIL: &str = "]}";

pub(crate) fn write(schema: &Schema, nodes: &[Node], out: &mut Vec<u8>) -> Result<(), VoxmlError> {
    out.extend_from_slice(HEAD.as_bytes());
    write_seq(schema, nodes, None, out)?;
    out.extend_from_slice(TAIL.as_bytes());
    Ok(())
}

/// The nodes (all, or only those of one verb) with their specs.
fn items<'n>(
    schema: &Schema,
    nodes: &'n [Node],
    verb: Option<Verb>,
) -> impl Iterator<Item = (&'static VerbSpec, &'n Node)> {
    nodes
        .iter()
        .filter(move |n| verb.is_none_or(|v| v == n.verb))
        .filter_map(|n| schema.verb(n.verb).map(|spec| (spec, n)))
}

fn write_seq(
    schema: &Schema,
    nodes: &[Node],
    verb: Option<Verb>,
    out: &mut Vec<u8>,
) -> Result<(), VoxmlError> {
    for (i, (spec, node)) in items(schema, nodes, verb).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_obj(schema, spec, node, verb.is_none(), out)?;
    }
    Ok(())
}

/// Calls `entry(key, value)` for each member of a node's object, in output order.
fn members<'n, E>(
    schema: &Schema,
    spec: &'static VerbSpec,
    node: &'n Node,
    top: bool,
    mut entry: impl FnMut(&'static str, Member<'n>) -> Result<(), E>,
) -> Result<(), E> {
    if top {
        entry("verb", Member::Str(spec.name))?;
    }
    if let (Some(t), Some(text)) = (&spec.text, &node.text) {
        entry(t.key, Member::Str(text))?;
    }
    for (attr, value) in &node.attrs {
        if let Some(a) = schema.attr(spec, *attr) {
            entry(a.name, Member::Value(value))?;
        }
    }
    for c in spec.children {
        let mut of_verb = node.children.iter().filter(|n| n.verb == c.verb);
        let Some(first) = of_verb.next() else {
            continue;
        };
        if c.many {
            entry(c.key, Member::List(&node.children, c.verb))?;
        } else if let Some(child_spec) = schema.verb(c.verb) {
            entry(c.key, Member::Object(child_spec, first))?;
        }
    }
    Ok(())
}

/// One member value of an instruction object.
enum Member<'n> {
    Str(&'n str),
    Value(&'n Value),
    List(&'n [Node], Verb),
    Object(&'static VerbSpec, &'n Node),
}

fn write_obj(
    schema: &Schema,
    spec: &'static VerbSpec,
    node: &Node,
    top: bool,
    out: &mut Vec<u8>,
) -> Result<(), VoxmlError> {
    out.push(b'{');
    let mut first = true;
    members(schema, spec, node, top, |key, member| {
        if !first {
            out.push(b',');
        }
        first = false;
        // Keys come from the schema tables: plain ASCII, nothing to escape.
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":");
        match member {
            Member::Str(s) => write_str(s, out),
            Member::Value(v) => write_value(schema, v, out),
            Member::List(nodes, verb) => {
                out.push(b'[');
                write_seq(schema, nodes, Some(verb), out)?;
                out.push(b']');
                Ok(())
            }
            Member::Object(spec, node) => write_obj(schema, spec, node, false, out),
        }
    })?;
    out.push(b'}');
    Ok(())
}

fn write_value(schema: &Schema, value: &Value, out: &mut Vec<u8>) -> Result<(), VoxmlError> {
    match value {
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::UInt(n) => write_uint(*n, out),
        Value::Map(entries) => {
            out.push(b'{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(k, out)?;
                out.push(b':');
                write_str(v, out)?;
            }
            out.push(b'}');
        }
        other => match other.as_text(schema.dialect) {
            Some(TextValue::Str(s)) => write_str(s, out)?,
            Some(TextValue::UInt(n)) => write_uint(n, out),
            None => out.extend_from_slice(b"null"),
        },
    }
    Ok(())
}

fn json_special(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\')
}

/// A JSON string literal, escaped by serde_json when it holds anything to escape.
fn write_str(s: &str, out: &mut Vec<u8>) -> Result<(), VoxmlError> {
    if !any_byte(s.as_bytes(), json_special) {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        return Ok(());
    }
    serde_json::to_writer(out, s).map_err(|e| VoxmlError::Malformed {
        detail: e.to_string(),
    })
}

/// Exact length of what [`write`] produces.
pub(crate) fn measure(schema: &Schema, nodes: &[Node]) -> usize {
    HEAD.len() + TAIL.len() + measure_seq(schema, nodes, None)
}

fn measure_seq(schema: &Schema, nodes: &[Node], verb: Option<Verb>) -> usize {
    let mut len = 0;
    for (i, (spec, node)) in items(schema, nodes, verb).enumerate() {
        len += usize::from(i > 0) + measure_obj(schema, spec, node, verb.is_none());
    }
    len
}

fn measure_obj(schema: &Schema, spec: &'static VerbSpec, node: &Node, top: bool) -> usize {
    let mut len = 2;
    let mut count = 0;
    let _ = members::<()>(schema, spec, node, top, |key, member| {
        count += 1;
        len += key.len()
            + 3
            + match member {
                Member::Str(s) => str_len(s),
                Member::Value(v) => value_len(schema, v),
                Member::List(nodes, verb) => 2 + measure_seq(schema, nodes, Some(verb)),
                Member::Object(spec, node) => measure_obj(schema, spec, node, false),
            };
        Ok(())
    });
    len + count.max(1) - 1
}

fn value_len(schema: &Schema, value: &Value) -> usize {
    match value {
        Value::UInt(n) => digits(*n),
        Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::Map(entries) => {
            2 + entries
                .iter()
                .map(|(k, v)| str_len(k) + 1 + str_len(v))
                .sum::<usize>()
                + entries.len().max(1)
                - 1
        }
        other => match other.as_text(schema.dialect) {
            Some(TextValue::Str(v)) => str_len(v),
            Some(TextValue::UInt(n)) => digits(n),
            None => 4,
        },
    }
}

/// Length of a JSON string literal as serde_json writes it.
pub(crate) fn str_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    if !any_byte(bytes, json_special) {
        return 2 + bytes.len();
    }
    2 + bytes
        .iter()
        .map(|&b| match b {
            b'"' | b'\\' | 0x08 | 0x0C | b'\n' | b'\r' | b'\t' => 2,
            0x00..=0x1F => 6,
            _ => 1,
        })
        .sum::<usize>()
}
