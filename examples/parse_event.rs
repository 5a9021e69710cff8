//! Reads one webhook body from stdin and prints the normalized JSON of the
//! event on stdout, one line.
//!
//! ```sh
//! cargo run --example parse_event -- --content-type application/json < tests/fixtures/tryvox/answered.json
//! cargo run --example parse_event -- --provider vobiz --query 'CallUUID=abc&Event=Ring'
//! ```
//!
//! Flags: `--content-type <ct>` (for a POST body), `--query <qs>` (a GET
//! callback: the query string, stdin ignored), `--provider <name>`
//! (auto-detected when absent). Bad input: the error on stderr, exit 1.

use std::io::Read;
use std::process::ExitCode;

use voxhook::{Event, Provider};

fn main() -> ExitCode {
    match run() {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("parse_event: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<String, Box<dyn std::error::Error>> {
    let (mut content_type, mut query, mut provider) = (None, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--content-type" => content_type = Some(value()?),
            "--query" => query = Some(value()?),
            "--provider" => provider = Some(value()?.parse::<Provider>()?),
            other => return Err(format!("unknown flag {other}").into()),
        }
    }

    let event = match (query, provider) {
        (Some(q), Some(p)) => Event::parse_query(p, &q)?,
        (Some(q), None) => Event::detect_query(&q)?,
        (None, provider) => {
            let mut body = Vec::new();
            std::io::stdin().read_to_end(&mut body)?;
            let ct = content_type.as_deref();
            match provider {
                Some(p) => Event::parse(p, ct, &body)?,
                None => Event::detect(ct, &body)?,
            }
        }
    };
    // The normalized form is also what a custom handler would store or forward:
    // `serde_json::from_str::<Event>(&json)` reads it back.
    Ok(serde_json::to_string(&event)?)
}
