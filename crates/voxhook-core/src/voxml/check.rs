//! Validation of a received document (what an endpoint answered), for the CLI.
//!
//! The document is parsed into the same node model the builders produce and
//! validated by the same schema; parse-level problems (not well-formed, wrong
//! root, unknown verbs or attributes) are added on the way.

use std::ops::ControlFlow;

use super::error::{Problem, VoxmlError};
use super::node::Dialect;
use super::render::{JSON, XML};
use super::schema::{Path, Schema, Sink, validate};
use crate::Provider;

pub(crate) mod json;
pub(crate) mod xml;

/// Checks a document an endpoint answered for `provider`: content type, size
/// limit, well-formedness, root, known verbs and attributes for the dialect,
/// nesting rules, required attributes and value rules.
///
/// ```
/// use voxhook_core::{Provider, voxml};
///
/// let body = br#"<Response><Speak>Hi</Speak><Gather action="/pin" executionTimeout="90"/></Response>"#;
/// let problems = voxml::check(Provider::Vobiz, Some("application/xml"), body).unwrap_err();
/// assert_eq!(problems.len(), 2); // relative action URL, executionTimeout above 60
/// assert_eq!(problems[0].path, "Response/Gather[2]");
/// ```
///
/// # Errors
///
/// Every problem found, in document order, each with its path.
pub fn check(
    provider: Provider,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(), Vec<Problem>> {
    let mut problems = Problems(Vec::new());
    let Some(dialect) = Dialect::of(provider) else {
        problems.add("", VoxmlError::UnsupportedProvider { provider });
        return Err(problems.0);
    };
    let schema = Schema::of(dialect);
    check_content_type(dialect, content_type, &mut problems);
    if let Some(limit) = schema.limit
        && body.len() > limit
    {
        problems.add(
            "",
            VoxmlError::TooLarge {
                size: body.len(),
                limit,
            },
        );
    }
    let nodes = match dialect {
        Dialect::TryVox => json::parse(schema, body, &mut problems),
        Dialect::Voxtelesys | Dialect::Vobiz => xml::parse(schema, body, &mut problems),
    };
    if let Some(nodes) = nodes {
        // The sink never breaks, so validation always runs to the end.
        let _ = validate(schema, &nodes, &mut problems);
    }
    if problems.0.is_empty() {
        Ok(())
    } else {
        Err(problems.0)
    }
}

fn check_content_type(dialect: Dialect, found: Option<&str>, problems: &mut Problems) {
    let (expected, accepted): (&'static str, &[&str]) = match dialect {
        Dialect::TryVox => (JSON, &[JSON]),
        Dialect::Voxtelesys | Dialect::Vobiz => (XML, &[XML, "text/xml"]),
    };
    let media = found.map(|v| v.split(';').next().unwrap_or("").trim());
    if !media.is_some_and(|m| accepted.iter().any(|a| a.eq_ignore_ascii_case(m))) {
        problems.add(
            "",
            VoxmlError::WrongContentType {
                expected,
                found: found.map(str::to_owned),
            },
        );
    }
}

/// Collects every problem.
#[derive(Debug)]
pub(crate) struct Problems(pub(crate) Vec<Problem>);

impl Problems {
    pub(crate) fn add(&mut self, path: impl Into<String>, error: VoxmlError) {
        self.0.push(Problem {
            path: path.into(),
            error,
        });
    }
}

impl Sink for Problems {
    fn report(&mut self, path: &Path<'_>, error: VoxmlError) -> ControlFlow<()> {
        self.add(path.render(), error);
        ControlFlow::Continue(())
    }
}

/// Renders a parse-time path from the open elements (name, 1-based position).
pub(crate) fn path_of(stack: &[(String, usize)]) -> String {
    let mut out = String::new();
    for (i, (name, index)) in stack.iter().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(name);
        if *index > 0 {
            out.push_str(&format!("[{index}]"));
        }
    }
    out
}
