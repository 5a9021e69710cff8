//! Hostile text in every text and attribute position of every dialect: the
//! output parses back (quick-xml / serde_json) to exactly the input, or the
//! render fails with `ForbiddenCharacter` where XML 1.0 cannot carry it.

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::voxml::node::{Dialect, Node, Value};
use crate::voxml::schema::rule::xml_chars_ok;
use crate::voxml::schema::{Rule, Schema, VerbSpec};
use crate::voxml::{Document, VoxmlError};

const HOSTILE: &[&str] = &[
    "&",
    "<",
    ">",
    "\"",
    "'",
    "]]>",
    "a&amp;b",
    "<Say>x</Say>",
    "--><!--",
    "tab\there",
    "line\nfeed",
    "cr\rhere",
    "nul\u{0}",
    "esc\u{1b}",
    "del\u{7f}",
    "é ü ß",
    "日本語",
    "😀👍🏽",
    "\u{FFFE}",
    "  padded  ",
    "back\\slash",
    r#"{"json":1}"#,
];

pub(super) fn sample(rule: Rule) -> Value {
    match rule {
        Rule::Any | Rule::NonEmpty => Value::from("x"),
        Rule::Url => Value::from("https://a.example/x"),
        Rule::Wss | Rule::WsUrl => Value::from("wss://a.example/x"),
        Rule::UInt { min, .. } | Rule::UIntOrAuto { min, .. } => Value::UInt(min),
        Rule::Bool => Value::Bool(true),
        Rule::OneOf(list) | Rule::Words(list) => Value::Static(list.first().copied().unwrap_or("")),
        Rule::Keys(_) | Rule::Key(_) => Value::from("1"),
        Rule::Ident => Value::from("v"),
        Rule::Decimal => Value::from("1.00"),
        Rule::Headers { .. } => Value::from("a=1"),
        Rule::Map => Value::Map(Vec::new()),
    }
}

/// A hostile value for a position with this rule, or `None` when the rule admits no free text.
fn hostile(rule: Rule, h: &str) -> Option<String> {
    match rule {
        Rule::Any | Rule::NonEmpty => Some(h.to_owned()),
        Rule::Url => Some(format!("https://a.example/?q={h}")),
        Rule::Wss | Rule::WsUrl => Some(format!("wss://a.example/?q={h}")),
        _ => None,
    }
}

/// The smallest valid node of `spec`.
pub(super) fn minimal(schema: &Schema, spec: &VerbSpec) -> Node {
    let mut node = Node::new(spec.verb);
    if let Some(t) = spec.text.as_ref().filter(|t| t.required)
        && let Value::Str(s) = sample(t.rule)
    {
        node.text = Some(s);
    }
    for a in spec.attrs.iter().filter(|a| a.required) {
        node.set(a.attr, sample(a.rule));
    }
    if spec.needs_child
        && let Some(child) = spec.children.first().and_then(|c| schema.verb(c.verb))
    {
        node.children.push(minimal(schema, child));
    }
    node
}

/// `node` placed where its dialect allows it: at the top, or inside a minimal parent.
pub(super) fn placed(schema: &Schema, spec: &VerbSpec, node: Node) -> Node {
    if spec.top {
        return node;
    }
    let parent = schema
        .verbs
        .iter()
        .find(|p| p.top && p.children.iter().any(|c| c.verb == spec.verb))
        .expect("every noun has a parent");
    let mut p = minimal(schema, parent);
    p.children = vec![node];
    p
}

/// Every (element, attribute, value) and (element, "", text) of an XML document.
fn xml_values(body: &[u8]) -> Vec<(String, String, String)> {
    let mut reader = Reader::from_reader(body);
    let mut out = Vec::new();
    let mut stack: Vec<(String, String)> = Vec::new();
    loop {
        match reader.read_event().expect("well-formed") {
            Event::Eof => break,
            Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                for a in e.attributes() {
                    let a = a.expect("attribute");
                    out.push((
                        name.clone(),
                        String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                        a.unescape_value().expect("unescape").into_owned(),
                    ));
                }
            }
            Event::Start(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                for a in e.attributes() {
                    let a = a.expect("attribute");
                    out.push((
                        name.clone(),
                        String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                        a.unescape_value().expect("unescape").into_owned(),
                    ));
                }
                stack.push((name, String::new()));
            }
            Event::End(_) => {
                let (name, text) = stack.pop().unwrap();
                out.push((name, String::new(), text));
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.1.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                let c = if r.is_char_ref() {
                    r.resolve_char_ref().unwrap().unwrap()
                } else {
                    match r.decode().unwrap().as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("unknown entity {other}"),
                    }
                };
                if let Some(top) = stack.last_mut() {
                    top.1.push(c);
                }
            }
            _ => {}
        }
    }
    out
}

/// Every (object key, string value) of a JSON document, at any depth.
fn json_values(v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if let serde_json::Value::String(s) = v {
                    out.push((k.clone(), s.clone()));
                }
                json_values(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| json_values(i, out)),
        _ => {}
    }
}

#[test]
fn hostile_text_round_trips_in_every_position() {
    let mut positions = 0;
    for dialect in [Dialect::TryVox, Dialect::Voxtelesys, Dialect::Vobiz] {
        let schema = Schema::of(dialect);
        for spec in schema.verbs {
            // (wire name of the position, is it an attribute, rule, setter)
            let mut slots: Vec<(&str, bool, Rule)> = Vec::new();
            if let Some(t) = &spec.text {
                slots.push((t.key, false, t.rule));
            }
            for a in spec.attrs {
                slots.push((a.name, true, a.rule));
            }
            for (slot, (wire, is_attr, rule)) in slots.iter().enumerate() {
                for h in HOSTILE {
                    let Some(value) = hostile(*rule, h) else {
                        continue;
                    };
                    positions += 1;
                    let mut node = minimal(schema, spec);
                    if *is_attr {
                        let attr = spec.attrs[slot - usize::from(spec.text.is_some())].attr;
                        node.set(attr, Value::Str(value.clone()));
                    } else {
                        node.text = Some(value.clone());
                    }
                    let doc = Document {
                        dialect: Some(dialect),
                        nodes: vec![placed(schema, spec, node)],
                    };
                    let what = format!("{dialect:?} {} {wire} {h:?}", spec.name);
                    let result = doc.render(dialect.provider());
                    if dialect != Dialect::TryVox && !xml_chars_ok(&value, *is_attr) {
                        assert!(
                            matches!(result, Err(VoxmlError::ForbiddenCharacter { .. })),
                            "{what}: {result:?}"
                        );
                        continue;
                    }
                    let rendered = result.unwrap_or_else(|e| panic!("{what}: {e}"));
                    if dialect == Dialect::TryVox {
                        let parsed: serde_json::Value = serde_json::from_slice(&rendered.body)
                            .unwrap_or_else(|e| panic!("{what}: {e}"));
                        let mut found = Vec::new();
                        json_values(&parsed, &mut found);
                        assert!(
                            found.contains(&((*wire).to_owned(), value.clone())),
                            "{what}: {found:?}"
                        );
                    } else {
                        let found = xml_values(&rendered.body);
                        let attr_name = if *is_attr {
                            (*wire).to_owned()
                        } else {
                            String::new()
                        };
                        assert!(
                            found.contains(&(spec.name.to_owned(), attr_name, value.clone())),
                            "{what}: {found:?}"
                        );
                    }
                    assert_eq!(
                        crate::voxml::check(
                            dialect.provider(),
                            Some(rendered.content_type),
                            &rendered.body
                        ),
                        Ok(()),
                        "{what}"
                    );
                }
            }
        }
    }
    assert!(positions > 1000, "{positions} positions tried");
}
