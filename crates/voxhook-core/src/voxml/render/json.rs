//! TryVox JSON VoxML: `{"voxml_version":"1.0","instructions":[...]}`, written by serde_json.
//!
//! An instruction is `{"verb":"Say","text":...,<params>...,<nested>...}`; a
//! nested prompt or dial target is the same object without `verb`, under the
//! key the schema names (`say`, `play`, `numbers`, `sip`, `client`).

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use super::super::error::VoxmlError;
use super::super::node::{Node, TextValue, Value};
use super::super::schema::{Schema, VerbSpec};
use super::digits;

const VERSION: &str = "1.0";

pub(crate) fn write(schema: &Schema, nodes: &[Node], out: &mut Vec<u8>) -> Result<(), VoxmlError> {
    serde_json::to_writer(out, &Doc { schema, nodes }).map_err(|e| VoxmlError::Malformed {
        detail: e.to_string(),
    })
}

struct Doc<'a> {
    schema: &'a Schema,
    nodes: &'a [Node],
}

impl Serialize for Doc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("voxml_version", VERSION)?;
        map.serialize_entry(
            "instructions",
            &Seq {
                schema: self.schema,
                nodes: self.nodes,
                verb: None,
            },
        )?;
        map.end()
    }
}

/// The nodes (all, or only those of one verb) as a JSON array.
struct Seq<'a> {
    schema: &'a Schema,
    nodes: &'a [Node],
    verb: Option<super::super::node::Verb>,
}

impl Seq<'_> {
    fn items(&self) -> impl Iterator<Item = (&'static VerbSpec, &Node)> {
        self.nodes
            .iter()
            .filter(|n| self.verb.is_none_or(|v| v == n.verb))
            .filter_map(|n| self.schema.verb(n.verb).map(|spec| (spec, n)))
    }
}

impl Serialize for Seq<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for (spec, node) in self.items() {
            seq.serialize_element(&Obj {
                schema: self.schema,
                spec,
                node,
                top: self.verb.is_none(),
            })?;
        }
        seq.end()
    }
}

/// One instruction (with `verb`) or nested object (without).
struct Obj<'a> {
    schema: &'a Schema,
    spec: &'static VerbSpec,
    node: &'a Node,
    top: bool,
}

impl Serialize for Obj<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (schema, spec, node) = (self.schema, self.spec, self.node);
        let mut map = s.serialize_map(None)?;
        if self.top {
            map.serialize_entry("verb", spec.name)?;
        }
        if let (Some(t), Some(text)) = (&spec.text, &node.text) {
            map.serialize_entry(t.key, text)?;
        }
        for (attr, value) in &node.attrs {
            if let Some(a) = schema.attr(spec, *attr) {
                map.serialize_entry(a.name, &Json(value, schema))?;
            }
        }
        for c in spec.children {
            let mut of_verb = node.children.iter().filter(|n| n.verb == c.verb);
            if c.many {
                if of_verb.next().is_some() {
                    let seq = Seq {
                        schema,
                        nodes: &node.children,
                        verb: Some(c.verb),
                    };
                    map.serialize_entry(c.key, &seq)?;
                }
            } else if let (Some(first), Some(child_spec)) = (of_verb.next(), schema.verb(c.verb)) {
                let obj = Obj {
                    schema,
                    spec: child_spec,
                    node: first,
                    top: false,
                };
                map.serialize_entry(c.key, &obj)?;
            }
        }
        map.end()
    }
}

struct Json<'a>(&'a Value, &'a Schema);

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::UInt(n) => s.serialize_u64(*n),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Map(entries) => s.collect_map(entries.iter().map(|(k, v)| (k, v))),
            other => match other.as_text(self.1.dialect) {
                Some(TextValue::Str(v)) => s.serialize_str(v),
                Some(TextValue::UInt(n)) => s.serialize_u64(n),
                None => s.serialize_unit(),
            },
        }
    }
}

/// Exact length of what [`write`] produces (serde_json's compact format).
pub(crate) fn measure(schema: &Schema, nodes: &[Node]) -> usize {
    // {"voxml_version":"1.0","instructions":[ ... ]}
    r#"{"voxml_version":"1.0","instructions":[]}"#.len() + measure_seq(schema, nodes, None)
}

fn measure_seq(schema: &Schema, nodes: &[Node], verb: Option<super::super::node::Verb>) -> usize {
    let seq = Seq {
        schema,
        nodes,
        verb,
    };
    let mut len = 0;
    let mut count = 0;
    for (spec, node) in seq.items() {
        len += measure_obj(schema, spec, node, verb.is_none());
        count += 1;
    }
    len + count.max(1) - 1
}

fn measure_obj(schema: &Schema, spec: &'static VerbSpec, node: &Node, top: bool) -> usize {
    let mut entries = 0;
    let mut len = 2;
    let mut entry = |key: &str, value: usize| {
        entries += 1;
        len += str_len(key) + 1 + value;
    };
    if top {
        entry("verb", str_len(spec.name));
    }
    if let (Some(t), Some(text)) = (&spec.text, &node.text) {
        entry(t.key, str_len(text));
    }
    for (attr, value) in &node.attrs {
        if let Some(a) = schema.attr(spec, *attr) {
            entry(a.name, value_len(value, schema));
        }
    }
    for c in spec.children {
        let mut of_verb = node.children.iter().filter(|n| n.verb == c.verb);
        if c.many {
            if of_verb.next().is_some() {
                entry(c.key, 2 + measure_seq(schema, &node.children, Some(c.verb)));
            }
        } else if let (Some(first), Some(child_spec)) = (of_verb.next(), schema.verb(c.verb)) {
            entry(c.key, measure_obj(schema, child_spec, first, false));
        }
    }
    len + entries.max(1) - 1
}

fn value_len(value: &Value, schema: &Schema) -> usize {
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
    2 + s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | 0x08 | 0x0C | b'\n' | b'\r' | b'\t' => 2,
            0x00..=0x1F => 6,
            _ => 1,
        })
        .sum::<usize>()
}
