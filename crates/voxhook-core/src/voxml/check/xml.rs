//! Received XML (Voxtelesys, Vobiz) into nodes.

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::super::error::VoxmlError;
use super::super::node::{Node, Value};
use super::super::schema::Schema;
use super::{Problems, path_of};

/// An element being read: its node (`None` when unknown and skipped), its text, its child count.
struct Open {
    node: Option<Node>,
    text: String,
    children: usize,
}

struct Parser<'s> {
    schema: &'s Schema,
    top: Vec<Node>,
    stack: Vec<Open>,
    /// Open element names with their 1-based position (the root has 0).
    names: Vec<(String, usize)>,
    root_children: usize,
    root_done: bool,
}

pub(crate) fn parse(schema: &Schema, body: &[u8], problems: &mut Problems) -> Option<Vec<Node>> {
    let Ok(text) = std::str::from_utf8(body) else {
        problems.add("", malformed("not UTF-8"));
        return None;
    };
    let mut reader = Reader::from_str(text);
    let mut p = Parser {
        schema,
        top: Vec::new(),
        stack: Vec::new(),
        names: Vec::new(),
        root_children: 0,
        root_done: false,
    };
    loop {
        let step = match reader.read_event() {
            Err(e) => Err(malformed(&e.to_string())),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => p.open(&e, problems),
            Ok(Event::Empty(e)) => p.open(&e, problems).and_then(|()| p.close()),
            Ok(Event::End(_)) => p.close(),
            Ok(Event::Text(t)) => t
                .decode()
                .map_err(|e| malformed(&e.to_string()))
                .and_then(|s| p.text(&s)),
            Ok(Event::CData(c)) => c
                .decode()
                .map_err(|e| malformed(&e.to_string()))
                .and_then(|s| p.text(&s)),
            Ok(Event::GeneralRef(r)) => entity(&r).and_then(|c| p.text(c.encode_utf8(&mut [0; 4]))),
            Ok(_) => Ok(()),
        };
        if let Err(error) = step {
            problems.add(path_of(&p.names), error);
            return None;
        }
    }
    if !p.names.is_empty() {
        problems.add(path_of(&p.names), malformed("unclosed element"));
        return None;
    }
    if !p.root_done {
        problems.add("", malformed("no root element"));
        return None;
    }
    Some(p.top)
}

impl Parser<'_> {
    fn open(&mut self, e: &BytesStart<'_>, problems: &mut Problems) -> Result<(), VoxmlError> {
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        if self.names.is_empty() {
            if self.root_done {
                return Err(malformed("content after the root element"));
            }
            if name != "Response" {
                return Err(VoxmlError::WrongRoot {
                    found: format!("<{name}>"),
                });
            }
            self.names.push((name, 0));
            return Ok(());
        }
        let (index, parent_known) = match self.stack.last_mut() {
            Some(parent) => {
                parent.children += 1;
                (parent.children, parent.node.is_some())
            }
            None => {
                self.root_children += 1;
                (self.root_children, true)
            }
        };
        self.names.push((name, index));
        let name = self.names.last().map(|(n, _)| n.as_str()).unwrap_or("");
        let spec = if parent_known {
            let spec = self.schema.verb_named(name);
            if spec.is_none() {
                problems.add(
                    path_of(&self.names),
                    VoxmlError::UnknownVerb {
                        name: name.to_owned(),
                    },
                );
            }
            spec
        } else {
            None
        };
        let node = match spec {
            Some(spec) => {
                let mut node = Node::new(spec.verb);
                for attr in e.attributes() {
                    let attr = attr.map_err(|e| malformed(&e.to_string()))?;
                    let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
                    let value = attr
                        .unescape_value()
                        .map_err(|e| malformed(&e.to_string()))?;
                    match self.schema.attr_named(spec, &key) {
                        Some(a) => node.attrs.push((a.attr, Value::Str(value.into_owned()))),
                        None => problems.add(
                            path_of(&self.names),
                            VoxmlError::UnknownAttribute {
                                verb: spec.name,
                                name: key,
                            },
                        ),
                    }
                }
                Some(node)
            }
            None => None,
        };
        self.stack.push(Open {
            node,
            text: String::new(),
            children: 0,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), VoxmlError> {
        if self.names.len() == 1 {
            self.names.clear();
            self.root_done = true;
            return Ok(());
        }
        let Some(open) = self.stack.pop() else {
            return Err(malformed("unbalanced end tag"));
        };
        self.names.pop();
        let Some(mut node) = open.node else {
            return Ok(());
        };
        let takes_text = self
            .schema
            .verb(node.verb)
            .is_some_and(|s| s.text.is_some());
        // Indentation between child elements is not content.
        if !open.text.trim().is_empty() || (takes_text && !open.text.is_empty()) {
            node.text = Some(open.text);
        }
        match self.stack.last_mut() {
            Some(parent) => {
                if let Some(p) = parent.node.as_mut() {
                    p.children.push(node);
                }
            }
            None => self.top.push(node),
        }
        Ok(())
    }

    fn text(&mut self, s: &str) -> Result<(), VoxmlError> {
        match self.stack.last_mut() {
            Some(open) => open.text.push_str(s),
            None if self.names.is_empty() || s.trim().is_empty() => {}
            None => return Err(VoxmlError::UnexpectedText { verb: "Response" }),
        }
        Ok(())
    }
}

fn entity(r: &BytesRef<'_>) -> Result<char, VoxmlError> {
    if r.is_char_ref() {
        return match r.resolve_char_ref() {
            Ok(Some(c)) => Ok(c),
            _ => Err(malformed("invalid character reference")),
        };
    }
    let name = r.decode().map_err(|e| malformed(&e.to_string()))?;
    match name.as_ref() {
        "amp" => Ok('&'),
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        other => Err(malformed(&format!("unknown entity `&{other};`"))),
    }
}

fn malformed(detail: &str) -> VoxmlError {
    VoxmlError::Malformed {
        detail: detail.to_owned(),
    }
}
