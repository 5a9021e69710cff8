//! Received TryVox JSON into nodes.

use serde_json::{Map, Value as Json};

use super::super::error::VoxmlError;
use super::super::node::{Node, Value};
use super::super::schema::{Schema, VerbSpec};
use super::Problems;

pub(crate) fn parse(schema: &Schema, body: &[u8], problems: &mut Problems) -> Option<Vec<Node>> {
    let root: Json = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            problems.add(
                "",
                VoxmlError::Malformed {
                    detail: e.to_string(),
                },
            );
            return None;
        }
    };
    let Json::Object(root) = root else {
        problems.add("", wrong_root("not a JSON object"));
        return None;
    };
    match root.get("voxml_version") {
        Some(Json::String(v)) if v == "1.0" => {}
        Some(other) => problems.add("", wrong_root(&format!("voxml_version {other}"))),
        None => problems.add("", wrong_root("no voxml_version")),
    }
    for key in root
        .keys()
        .filter(|k| *k != "voxml_version" && *k != "instructions")
    {
        problems.add(
            "",
            VoxmlError::UnknownAttribute {
                verb: "Response",
                name: key.clone(),
            },
        );
    }
    let Some(Json::Array(instructions)) = root.get("instructions") else {
        problems.add("", wrong_root("no instructions array"));
        return None;
    };
    let mut nodes = Vec::with_capacity(instructions.len());
    for (i, item) in instructions.iter().enumerate() {
        let path = format!("Response/instructions[{}]", i + 1);
        let Json::Object(obj) = item else {
            problems.add(path, malformed("instruction is not an object"));
            continue;
        };
        let Some(Json::String(verb)) = obj.get("verb") else {
            problems.add(path, malformed("instruction without a `verb` string"));
            continue;
        };
        let Some(spec) = schema.verb_named(verb) else {
            problems.add(path, VoxmlError::UnknownVerb { name: verb.clone() });
            continue;
        };
        nodes.push(object(schema, spec, obj, &path, true, problems));
    }
    Some(nodes)
}

fn object(
    schema: &Schema,
    spec: &'static VerbSpec,
    obj: &Map<String, Json>,
    path: &str,
    top: bool,
    problems: &mut Problems,
) -> Node {
    let mut node = Node::new(spec.verb);
    for (key, value) in obj {
        if top && key == "verb" {
            continue;
        }
        if let Some(t) = spec.text.as_ref().filter(|t| t.key == key) {
            match value {
                Json::String(s) => node.text = Some(s.clone()),
                _ => problems.add(path, invalid(spec, t.key, "a string")),
            }
            continue;
        }
        if let Some(c) = spec.children.iter().find(|c| c.key == key) {
            let Some(child_spec) = schema.verb(c.verb) else {
                continue;
            };
            let child_path = format!("{path}/{key}");
            match (c.many, value) {
                (true, Json::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        let item_path = format!("{child_path}[{}]", i + 1);
                        match item {
                            Json::Object(o) => node
                                .children
                                .push(object(schema, child_spec, o, &item_path, false, problems)),
                            _ => problems.add(item_path, invalid(spec, c.key, "an object")),
                        }
                    }
                }
                (false, Json::Object(o)) => {
                    node.children
                        .push(object(schema, child_spec, o, &child_path, false, problems))
                }
                (true, _) => problems.add(path, invalid(spec, c.key, "an array of objects")),
                (false, _) => problems.add(path, invalid(spec, c.key, "an object")),
            }
            continue;
        }
        match schema.attr_named(spec, key) {
            Some(a) => node.attrs.push((a.attr, value_of(value))),
            None => problems.add(
                path,
                VoxmlError::UnknownAttribute {
                    verb: spec.name,
                    name: key.clone(),
                },
            ),
        }
    }
    node
}

fn value_of(value: &Json) -> Value {
    match value {
        Json::String(s) => Value::Str(s.clone()),
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_u64() {
            Some(n) => Value::UInt(n),
            // Negative or fractional: kept as text so the rule reports it.
            None => Value::Static("-"),
        },
        Json::Object(map) => {
            let entries: Option<Vec<(String, String)>> = map
                .iter()
                .map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect();
            entries.map_or(Value::Static("-"), Value::Map)
        }
        Json::Null | Json::Array(_) => Value::Static("-"),
    }
}

fn invalid(spec: &VerbSpec, attribute: &'static str, expected: &str) -> VoxmlError {
    VoxmlError::InvalidValue {
        verb: spec.name,
        attribute,
        expected: expected.to_owned(),
    }
}

fn wrong_root(found: &str) -> VoxmlError {
    VoxmlError::WrongRoot {
        found: found.to_owned(),
    }
}

fn malformed(detail: &str) -> VoxmlError {
    VoxmlError::Malformed {
        detail: detail.to_owned(),
    }
}
