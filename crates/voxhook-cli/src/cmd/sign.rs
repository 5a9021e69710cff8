//! `voxhook sign`: the headers a provider would send, ready for curl.

use crate::cli::SignArgs;
use crate::delivery;
use crate::exit::{Outcome, usage};
use crate::secret;

pub(crate) fn run(args: SignArgs) -> anyhow::Result<Outcome> {
    delivery::provider_for(&args.url, Some(args.provider))?;
    let secrets = secret::from_process(&args.secret, args.provider)?;
    let body = match &args.body_file {
        Some(p) => std::fs::read(p)
            .map_err(|e| usage(format!("cannot read --body-file {}: {e}", p.display())))?,
        None => Vec::new(),
    };
    let at = args.now.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
    let headers = delivery::sign_headers(args.provider, &secrets[0], &args.url, &body, at)?;
    outln!("{}", render(&headers, args.raw));
    Ok(Outcome::Passed)
}

/// `-H 'Name: value'` arguments on one line, or `Name: value` lines.
pub(crate) fn render(headers: &[(String, String)], raw: bool) -> String {
    let lines: Vec<String> = headers
        .iter()
        .map(|(k, v)| {
            if raw {
                format!("{k}: {v}")
            } else {
                format!("-H {}", shell_quote(&format!("{k}: {v}")))
            }
        })
        .collect();
    lines.join(if raw { "\n" } else { " " })
}

/// Single-quotes `s` for POSIX shells.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_arguments_are_quoted() {
        let h = vec![
            ("X-A".to_string(), "t=1,v1=ab".to_string()),
            ("X-B".to_string(), "it's".to_string()),
        ];
        assert_eq!(render(&h, false), r"-H 'X-A: t=1,v1=ab' -H 'X-B: it'\''s'");
        assert_eq!(render(&h, true), "X-A: t=1,v1=ab\nX-B: it's");
    }
}
