//! Per-dialect schema tables (wire names, value rules, nesting) and the one
//! validator that checks built and received documents against them.

pub(crate) mod rule;
mod tryvox;
mod vobiz;
mod voxtelesys;

use std::ops::ControlFlow;

use super::error::VoxmlError;
use super::node::{Attr, Dialect, Node, Value, Verb};

pub(crate) use rule::Rule;

/// One dialect: its verbs, the attributes every verb takes, its size limit.
#[derive(Debug)]
pub(crate) struct Schema {
    pub(crate) dialect: Dialect,
    pub(crate) verbs: &'static [VerbSpec],
    /// Position in `verbs` of each [`Verb`] (by discriminant), `u8::MAX` when absent.
    pub(crate) index: [u8; Verb::COUNT],
    /// Attributes every top-level verb accepts (Voxtelesys `history`).
    pub(crate) common: &'static [AttrSpec],
    /// Largest accepted document in bytes.
    pub(crate) limit: Option<usize>,
}

/// One verb or noun of a dialect.
#[derive(Debug)]
pub(crate) struct VerbSpec {
    pub(crate) verb: Verb,
    /// Element name (XML) or `verb` value (JSON).
    pub(crate) name: &'static str,
    /// Allowed directly under `<Response>` / in `instructions`.
    pub(crate) top: bool,
    pub(crate) text: Option<TextSpec>,
    pub(crate) attrs: &'static [AttrSpec],
    pub(crate) children: &'static [ChildSpec],
    /// At least one child is required (Vobiz `Dial`).
    pub(crate) needs_child: bool,
}

/// The text content: its JSON key, its rule, whether it is required.
#[derive(Debug)]
pub(crate) struct TextSpec {
    pub(crate) key: &'static str,
    pub(crate) rule: Rule,
    pub(crate) required: bool,
}

/// One attribute: wire name, rule, required.
#[derive(Debug)]
pub(crate) struct AttrSpec {
    pub(crate) attr: Attr,
    pub(crate) name: &'static str,
    pub(crate) rule: Rule,
    pub(crate) required: bool,
}

/// One allowed child: JSON key, JSON array or single object, most allowed.
#[derive(Debug)]
pub(crate) struct ChildSpec {
    pub(crate) verb: Verb,
    pub(crate) key: &'static str,
    pub(crate) many: bool,
    pub(crate) max: Option<usize>,
}

pub(crate) const fn opt(attr: Attr, name: &'static str, rule: Rule) -> AttrSpec {
    AttrSpec {
        attr,
        name,
        rule,
        required: false,
    }
}

pub(crate) const fn req(attr: Attr, name: &'static str, rule: Rule) -> AttrSpec {
    AttrSpec {
        attr,
        name,
        rule,
        required: true,
    }
}

pub(crate) const fn text(key: &'static str, rule: Rule) -> Option<TextSpec> {
    Some(TextSpec {
        key,
        rule,
        required: true,
    })
}

pub(crate) const fn text_opt(key: &'static str, rule: Rule) -> Option<TextSpec> {
    Some(TextSpec {
        key,
        rule,
        required: false,
    })
}

/// An XML child (any number; JSON shape unused).
pub(crate) const fn child(verb: Verb) -> ChildSpec {
    ChildSpec {
        verb,
        key: "",
        many: true,
        max: None,
    }
}

impl Schema {
    pub(crate) const fn of(dialect: Dialect) -> &'static Schema {
        match dialect {
            Dialect::TryVox => &tryvox::SCHEMA,
            Dialect::Voxtelesys => &voxtelesys::SCHEMA,
            Dialect::Vobiz => &vobiz::SCHEMA,
        }
    }

    pub(crate) fn verb(&self, verb: Verb) -> Option<&'static VerbSpec> {
        let at = *self.index.get(verb as usize)?;
        self.verbs.get(usize::from(at))
    }

    pub(crate) fn verb_named(&self, name: &str) -> Option<&'static VerbSpec> {
        self.verbs.iter().find(|v| v.name == name)
    }

    pub(crate) fn attr(&self, spec: &'static VerbSpec, attr: Attr) -> Option<&'static AttrSpec> {
        if let Some(a) = spec.attrs.iter().find(|a| a.attr == attr) {
            return Some(a);
        }
        if spec.top {
            self.common.iter().find(|a| a.attr == attr)
        } else {
            None
        }
    }

    pub(crate) fn attr_named(
        &self,
        spec: &'static VerbSpec,
        name: &str,
    ) -> Option<&'static AttrSpec> {
        self.attrs_of(spec).find(|a| a.name == name)
    }

    fn attrs_of(&self, spec: &'static VerbSpec) -> impl Iterator<Item = &'static AttrSpec> {
        let common: &'static [AttrSpec] = if spec.top { self.common } else { &[] };
        spec.attrs.iter().chain(common)
    }

    /// The lookup table for [`Schema::verb`]; the first spec of a verb wins.
    pub(crate) const fn index(verbs: &[VerbSpec]) -> [u8; Verb::COUNT] {
        let mut index = [u8::MAX; Verb::COUNT];
        let mut i = 0;
        while i < verbs.len() {
            let v = verbs[i].verb as usize;
            if index[v] == u8::MAX {
                // Tables hold far fewer than 255 verbs.
                index[v] = i as u8;
            }
            i += 1;
        }
        index
    }

    pub(crate) fn is_xml(&self) -> bool {
        self.dialect != Dialect::TryVox
    }
}

/// Where a node sits, for problem paths; a linked list on the stack.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Path<'a> {
    pub(crate) name: &'a str,
    pub(crate) index: usize,
    pub(crate) parent: Option<&'a Path<'a>>,
}

impl Path<'_> {
    pub(crate) fn render(&self) -> String {
        let mut parts = Vec::new();
        let mut at = Some(self);
        while let Some(p) = at {
            parts.push(if p.index == 0 {
                p.name.to_owned()
            } else {
                format!("{}[{}]", p.name, p.index)
            });
            at = p.parent;
        }
        parts.reverse();
        parts.join("/")
    }
}

/// Receives validation errors; `Break` stops validation.
pub(crate) trait Sink {
    fn report(&mut self, path: &Path<'_>, error: VoxmlError) -> ControlFlow<()>;
}

/// Stops at the first error (rendering).
#[derive(Debug, Default)]
pub(crate) struct FirstError(pub(crate) Option<VoxmlError>);

impl Sink for FirstError {
    fn report(&mut self, _: &Path<'_>, error: VoxmlError) -> ControlFlow<()> {
        self.0 = Some(error);
        ControlFlow::Break(())
    }
}

/// Validates top-level nodes against the schema.
pub(crate) fn validate(schema: &Schema, nodes: &[Node], sink: &mut impl Sink) -> ControlFlow<()> {
    let root = Path {
        name: "Response",
        index: 0,
        parent: None,
    };
    for (i, node) in nodes.iter().enumerate() {
        let path = Path {
            name: node.verb.name(),
            index: i + 1,
            parent: Some(&root),
        };
        let Some(spec) = schema.verb(node.verb) else {
            sink.report(
                &path,
                VoxmlError::UnsupportedVerb {
                    verb: node.verb.name(),
                    provider: schema.dialect.provider(),
                },
            )?;
            continue;
        };
        if !spec.top {
            sink.report(
                &path,
                VoxmlError::NotAllowedHere {
                    verb: spec.name,
                    parent: "Response",
                },
            )?;
        }
        validate_node(schema, spec, node, &path, sink)?;
    }
    ControlFlow::Continue(())
}

fn validate_node(
    schema: &Schema,
    spec: &'static VerbSpec,
    node: &Node,
    path: &Path<'_>,
    sink: &mut impl Sink,
) -> ControlFlow<()> {
    let path = Path {
        name: spec.name,
        ..*path
    };
    let verb = spec.name;
    match (&spec.text, &node.text) {
        (None, Some(_)) => sink.report(&path, VoxmlError::UnexpectedText { verb })?,
        (Some(t), None) if t.required => sink.report(&path, VoxmlError::MissingText { verb })?,
        (Some(t), Some(s)) => {
            if schema.is_xml() && !rule::xml_chars_ok(s, false) {
                sink.report(
                    &path,
                    VoxmlError::ForbiddenCharacter {
                        verb,
                        attribute: None,
                    },
                )?;
            } else if let Err(expected) = t.rule.check_str(s) {
                let attribute = if schema.is_xml() { "text" } else { t.key };
                sink.report(
                    &path,
                    VoxmlError::InvalidValue {
                        verb,
                        attribute,
                        expected,
                    },
                )?;
            }
        }
        _ => {}
    }
    for (attr, value) in &node.attrs {
        let Some(a) = schema.attr(spec, *attr) else {
            sink.report(
                &path,
                VoxmlError::UnsupportedAttribute {
                    verb,
                    attribute: attr.name(),
                    provider: schema.dialect.provider(),
                },
            )?;
            continue;
        };
        check_value(schema, spec, a, value, &path, sink)?;
    }
    for a in spec.attrs.iter().filter(|a| a.required) {
        if !node.attrs.iter().any(|(attr, _)| *attr == a.attr) {
            sink.report(
                &path,
                VoxmlError::MissingAttribute {
                    verb,
                    attribute: a.name,
                },
            )?;
        }
    }
    if spec.needs_child && node.children.is_empty() {
        sink.report(&path, VoxmlError::MissingChild { verb })?;
    }
    for (i, child) in node.children.iter().enumerate() {
        let child_path = Path {
            name: child.verb.name(),
            index: i + 1,
            parent: Some(&path),
        };
        let Some(allowed) = spec.children.iter().find(|c| c.verb == child.verb) else {
            let error = match schema.verb(child.verb) {
                Some(c) => VoxmlError::NotAllowedHere {
                    verb: c.name,
                    parent: verb,
                },
                None => VoxmlError::UnsupportedVerb {
                    verb: child.verb.name(),
                    provider: schema.dialect.provider(),
                },
            };
            sink.report(&child_path, error)?;
            continue;
        };
        let Some(child_spec) = schema.verb(child.verb) else {
            continue;
        };
        if let Some(max) = allowed.max {
            let seen = node.children[..=i]
                .iter()
                .filter(|c| c.verb == child.verb)
                .count();
            if seen == max + 1 {
                sink.report(
                    &child_path,
                    VoxmlError::TooManyChildren {
                        verb: child_spec.name,
                        parent: verb,
                        max,
                    },
                )?;
            }
        }
        validate_node(schema, child_spec, child, &child_path, sink)?;
    }
    ControlFlow::Continue(())
}

fn check_value(
    schema: &Schema,
    spec: &'static VerbSpec,
    a: &AttrSpec,
    value: &Value,
    path: &Path<'_>,
    sink: &mut impl Sink,
) -> ControlFlow<()> {
    let verb = spec.name;
    if schema.is_xml() {
        let bad = match value {
            Value::Str(s) => !rule::xml_chars_ok(s, true),
            Value::Map(m) => m
                .iter()
                .any(|(k, v)| !rule::xml_chars_ok(k, true) || !rule::xml_chars_ok(v, true)),
            _ => false,
        };
        if bad {
            return sink.report(
                path,
                VoxmlError::ForbiddenCharacter {
                    verb,
                    attribute: Some(a.name),
                },
            );
        }
    }
    match a.rule.check(value, schema.dialect) {
        Ok(()) => ControlFlow::Continue(()),
        Err(expected) => sink.report(
            path,
            VoxmlError::InvalidValue {
                verb,
                attribute: a.name,
                expected,
            },
        ),
    }
}

/// A verb with no children.
pub(crate) const fn leaf(
    verb: Verb,
    name: &'static str,
    top: bool,
    text: Option<TextSpec>,
    attrs: &'static [AttrSpec],
) -> VerbSpec {
    VerbSpec {
        verb,
        name,
        top,
        text,
        attrs,
        children: &[],
        needs_child: false,
    }
}
