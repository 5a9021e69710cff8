//! Property: any document built through the portable API renders to
//! well-formed XML or valid JSON that parses back to the same structure, or
//! fails with a named error (never a panic).

use proptest::prelude::*;

use crate::Provider;
use crate::voxml::check::{Problems, json, xml};
use crate::voxml::node::{Dialect, Node};
use crate::voxml::schema::Schema;
use crate::voxml::{
    Dial, Document, Gather, Play, Reason, Record, Redirect, Response, Say, Stream, VoxmlError,
};

/// A verb name, its text, its attributes as text, its children: what a parser sees.
type Shape = (
    String,
    Option<String>,
    Vec<(String, String)>,
    Vec<ShapeNode>,
);
#[derive(Debug, PartialEq)]
struct ShapeNode(Shape);

fn shape(schema: &Schema, nodes: &[Node]) -> Vec<ShapeNode> {
    nodes
        .iter()
        .filter_map(|n| {
            let spec = schema.verb(n.verb)?;
            let mut attrs: Vec<(String, String)> = n
                .attrs
                .iter()
                .filter_map(|(a, v)| {
                    let name = schema.attr(spec, *a)?.name.to_owned();
                    let text = match v.as_text(schema.dialect)? {
                        crate::voxml::node::TextValue::Str(s) => s.to_owned(),
                        crate::voxml::node::TextValue::UInt(n) => n.to_string(),
                    };
                    Some((name, text))
                })
                .collect();
            attrs.sort();
            let mut children = shape(schema, &n.children);
            if schema.dialect == Dialect::TryVox {
                // Nested `say` / `play` are keys of one JSON object: their order is not kept.
                children.sort_by(|a, b| a.0.0.cmp(&b.0.0));
            }
            Some(ShapeNode((
                spec.name.to_owned(),
                n.text.clone(),
                attrs,
                children,
            )))
        })
        .collect()
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{1,12}",
        "[&<>\"'\\]\\\\é😀\t\n]{1,8}",
        any::<String>(),
    ]
    .prop_filter("not blank", |s| !s.trim().is_empty())
}

fn url() -> impl Strategy<Value = String> {
    "[a-z0-9/?&=%]{0,12}".prop_map(|p| format!("https://a.example/{p}"))
}

fn verb() -> impl Strategy<Value = Response> {
    let r = Response::new;
    prop_oneof![
        (
            text(),
            proptest::option::of("[a-zA-Z.-]{1,10}"),
            proptest::option::of(0u32..5)
        )
            .prop_map(move |(t, v, l)| {
                let mut s = Say::new(t);
                if let Some(v) = v {
                    s = s.voice(v);
                }
                if let Some(l) = l {
                    s = s.loop_count(l);
                }
                r().say(s)
            }),
        url().prop_map(move |u| r().play(Play::new(u))),
        (1u32..60).prop_map(move |n| r().pause(n)),
        (
            url(),
            proptest::option::of(1u32..20),
            5u32..60,
            proptest::option::of(text()),
            proptest::option::of(url())
        )
            .prop_map(move |(a, d, t, s, p)| {
                let mut g = Gather::new(a).timeout(t);
                if let Some(d) = d {
                    g = g.num_digits(d);
                }
                if let Some(s) = s {
                    g = g.say(s);
                }
                if let Some(p) = p {
                    g = g.play(p);
                }
                r().gather(g)
            }),
        proptest::collection::vec("\\+[0-9]{4,12}", 1..3)
            .prop_map(move |ns| r().dial(ns.into_iter().fold(Dial::new(), Dial::number))),
        (url(), 1u32..600).prop_map(move |(a, m)| r().record(Record::new(a).max_length(m))),
        url().prop_map(move |u| r().redirect(Redirect::new(u))),
        Just(()).prop_map(move |()| r().hangup()),
        any::<bool>().prop_map(move |b| r().reject(if b {
            Reason::Busy
        } else {
            Reason::Rejected
        })),
        "[a-z0-9/]{0,10}"
            .prop_map(move |p| r().stream(Stream::new(format!("wss://a.example/{p}")))),
    ]
}

fn document() -> impl Strategy<Value = Document> {
    proptest::collection::vec(verb(), 0..6).prop_map(|parts| Document {
        dialect: None,
        nodes: parts.into_iter().flat_map(|r| r.nodes).collect(),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn renders_parse_back_to_the_same_structure(doc in document()) {
        for provider in [Provider::TryVox, Provider::Voxtelesys, Provider::Vobiz] {
            let dialect = Dialect::of(provider).unwrap();
            let schema = Schema::of(dialect);
            let rendered = match doc.render(provider) {
                Ok(r) => r,
                // Named refusals: characters XML cannot carry, verbs a dialect lacks.
                Err(VoxmlError::ForbiddenCharacter { .. } | VoxmlError::UnsupportedVerb { .. }) => continue,
                Err(e) => return Err(TestCaseError::fail(format!("{provider}: {e}"))),
            };
            let mut problems = Problems(Vec::new());
            let parsed = match dialect {
                Dialect::TryVox => json::parse(schema, &rendered.body, &mut problems),
                _ => xml::parse(schema, &rendered.body, &mut problems),
            };
            prop_assert!(problems.0.is_empty(), "{}: {:?}", provider, problems.0);
            let parsed = parsed.unwrap();
            prop_assert_eq!(shape(schema, &parsed), shape(schema, &doc.nodes), "{}", provider);
            prop_assert_eq!(
                crate::voxml::check(provider, Some(rendered.content_type), &rendered.body),
                Ok(())
            );
        }
    }
}
