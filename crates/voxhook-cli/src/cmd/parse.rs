//! `voxhook parse`: a webhook body on stdin to normalized event JSON on stdout.

use std::io::Read as _;

use voxhook_core::Event;

use crate::cli::ParseArgs;
use crate::exit::{Outcome, usage};

pub(crate) fn run(args: ParseArgs) -> anyhow::Result<Outcome> {
    let result = match (&args.query, args.provider) {
        (Some(q), Some(p)) => Event::parse_query(p, q.trim_start_matches('?')),
        _ => {
            let mut body = Vec::new();
            std::io::stdin()
                .read_to_end(&mut body)
                .map_err(|e| usage(format!("cannot read stdin: {e}")))?;
            let ct = args.content_type.as_deref();
            match args.provider {
                Some(p) => Event::parse(p, ct, &body),
                None => Event::detect(ct, &body),
            }
        }
    };
    match result {
        Ok(event) => {
            outln!("{}", render(&event, args.pretty));
            Ok(Outcome::Passed)
        }
        Err(e) => {
            eprintln!("voxhook: cannot parse: {e} ({})", e.rejection().kind());
            Ok(Outcome::Failed)
        }
    }
}

/// The normalized JSON form, compact or pretty.
pub(crate) fn render(event: &Event, pretty: bool) -> String {
    if pretty {
        serde_json::to_string_pretty(event).unwrap_or_else(|_| event.to_json())
    } else {
        event.to_json()
    }
}
