//! The command tree: every flag, its help text and an example per command.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use voxhook_core::Provider;

/// Send signed test webhooks, listen, verify, sign and load-test an endpoint.
#[derive(Debug, Parser)]
#[command(
    name = "voxhook",
    version,
    about = "Test voice-platform webhooks: send signed deliveries, listen, verify, sign, parse, load-test.",
    long_about = "Test voice-platform webhook endpoints for TryVox, Voxtelesys, VoxPria and Vobiz.\n\n\
        Secrets come from --secret, --secret-file or the environment: TRYVOX_TOKEN, VOXTELESYS_BASIC \
        (user:password), VOXPRIA_SECRET, VOBIZ_AUTH_TOKEN, then VOXHOOK_SECRET. A flag wins over the \
        environment. Secrets are never printed.\n\n\
        Exit codes: 0 success, 1 a failed check (rejected, invalid VoxML, missed deadline), 2 usage or \
        configuration error.",
    after_help = "Examples:\n  \
        voxhook send http://127.0.0.1:3000/vobiz/answer --event call.answered --secret dev-vobiz-token\n  \
        voxhook listen --addr 127.0.0.1:4000 --provider vobiz --forward-to http://127.0.0.1:3000\n  \
        voxhook verify --provider vobiz --url https://hooks.example.com/vobiz/answer < request.txt\n  \
        voxhook completions bash > /etc/bash_completion.d/voxhook"
)]
pub(crate) struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build, sign and send one realistic delivery; check the answer.
    #[command(after_help = SEND_EXAMPLES)]
    Send(SendArgs),
    /// Run a local receiver that authenticates, decodes and prints every delivery.
    #[command(after_help = LISTEN_EXAMPLES)]
    Listen(ListenArgs),
    /// Say whether a captured request verifies, and if not exactly why.
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
    /// Print the headers a provider would send, as curl -H arguments.
    #[command(after_help = SIGN_EXAMPLES)]
    Sign(SignArgs),
    /// Read a webhook body on stdin and print its normalized event JSON.
    #[command(after_help = PARSE_EXAMPLES)]
    Parse(ParseArgs),
    /// Load-test an endpoint with signed deliveries and a share of duplicates.
    #[command(after_help = LOAD_EXAMPLES)]
    Load(LoadArgs),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
}

const SEND_EXAMPLES: &str = "Examples:\n  \
    voxhook send http://127.0.0.1:3000/tryvox/answer --event call.answered --secret dev-tryvox-token\n  \
    voxhook send http://127.0.0.1:3000/voxtelesys/voice --provider voxtelesys --event call.ringing \\\n      \
    --from +14155550100 --secret voxtelesys:dev-password\n  \
    VOBIZ_AUTH_TOKEN=dev-vobiz-token voxhook send http://127.0.0.1:3000/vobiz/events \\\n      \
    --event call.completed --set HangupCause=USER_BUSY --retries\n  \
    voxhook send http://127.0.0.1:3000/voxpria/events --event campaign.completed --secret-file voxpria.secret\n  \
    voxhook send http://127.0.0.1:3000/vobiz/answer --list-events";

const LISTEN_EXAMPLES: &str = "Examples:\n  \
    voxhook listen --addr 127.0.0.1:4000 --provider vobiz --secret dev-vobiz-token\n  \
    voxhook listen --provider voxpria --forward-to http://127.0.0.1:3000\n  \
    voxhook listen --public-url https://abc123.tunnel.example --json\n\n\
    Without --provider, the provider is the first path segment (/vobiz/answer is Vobiz).\n\
    With --forward-to, each verified delivery is re-signed for the new URL and relayed; \
    the app's answer is printed and returned.";

const VERIFY_EXAMPLES: &str = "Examples:\n  \
    voxhook verify --provider vobiz --secret \"$TOKEN\" --url https://hooks.example.com/vobiz/answer \\\n      \
    --headers-file headers.txt --body-file body.txt\n  \
    voxhook verify --provider voxpria --url https://hooks.example.com/voxpria/events < request.http\n\n\
    A request dump on stdin is: the request line, the headers, a blank line, the body.";

const SIGN_EXAMPLES: &str = "Examples:\n  \
    voxhook sign --provider vobiz --secret dev-vobiz-token --url http://127.0.0.1:3000/vobiz/answer\n  \
    curl -X POST $(voxhook sign --provider voxpria --url $URL --body-file ev.json) --data-binary @ev.json $URL";

const PARSE_EXAMPLES: &str = "Examples:\n  \
    echo '{\"event\":\"call.answered\",\"call_uuid\":\"c1\"}' | voxhook parse --provider tryvox\n  \
    voxhook parse --content-type application/x-www-form-urlencoded < vobiz-hangup.txt\n  \
    voxhook parse --provider vobiz --query 'CallUUID=abc&Event=Ring'";

const LOAD_EXAMPLES: &str = "Examples:\n  \
    voxhook load http://127.0.0.1:3000/vobiz/answer --rate 200 --duration 30s --duplicates 0.2\n  \
    voxhook load http://127.0.0.1:3000/tryvox/events --event call.completed --rate 50 --duration 10s \\\n      \
    --concurrency 16\n\n\
    The report: requests/s, latency p50/p90/p99/max, status histogram, deadline misses, and whether \
    every duplicate got the same answer as its original.";

const COMPLETIONS_EXAMPLES: &str = "Examples:\n  \
    voxhook completions bash > ~/.local/share/bash-completion/completions/voxhook\n  \
    voxhook completions zsh > ~/.zfunc/_voxhook\n  \
    voxhook completions fish > ~/.config/fish/completions/voxhook.fish";

/// Where the credential comes from.
#[derive(Debug, Clone, Args, Default)]
pub(crate) struct SecretArgs {
    /// The credential in the provider's form: TryVox token, Voxtelesys user:password, VoxPria webhook
    /// secret, Vobiz auth token. Repeat to accept several (listen, verify).
    #[arg(
        long = "secret",
        visible_alias = "token",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub(crate) secret: Vec<String>,
    /// Read the credential from a file (the trailing newline is ignored).
    #[arg(long, value_name = "FILE")]
    pub(crate) secret_file: Option<PathBuf>,
}

/// The HTTP method a delivery uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum Method {
    /// A body (JSON or form).
    #[default]
    Post,
    /// The form fields in the query string (Voxtelesys and Vobiz callbacks).
    Get,
}

impl Method {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::Post => "POST",
            Method::Get => "GET",
        }
    }
}

/// What to send: the provider, the event and its overrides.
#[derive(Debug, Clone, Args)]
pub(crate) struct DeliveryArgs {
    /// The provider (default: the URL's first path segment, e.g. /vobiz/answer).
    #[arg(long, short = 'p', value_parser = parse_provider)]
    pub(crate) provider: Option<Provider>,
    /// The normalized event kind, e.g. call.answered, call.completed, message.status, campaign.completed.
    #[arg(long, short = 'e', default_value = "call.answered")]
    pub(crate) event: String,
    /// The call id to use instead of a generated one.
    #[arg(long)]
    pub(crate) call_id: Option<String>,
    /// The caller number.
    #[arg(long)]
    pub(crate) from: Option<String>,
    /// The called number.
    #[arg(long)]
    pub(crate) to: Option<String>,
    /// Set or add a wire field (`data.status=busy` reaches into JSON objects; JSON values are kept as JSON).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub(crate) set: Vec<String>,
    /// Send this file as the body instead of a built-in template.
    #[arg(long, value_name = "FILE")]
    pub(crate) body_file: Option<PathBuf>,
    /// The Content-Type of --body-file (default: the template's).
    #[arg(long)]
    pub(crate) content_type: Option<String>,
    /// POST a body, or GET with the form fields in the query.
    #[arg(long, value_enum, default_value_t = Method::Post)]
    pub(crate) method: Method,
}

/// `voxhook send`.
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// The endpoint URL, e.g. http://127.0.0.1:3000/vobiz/answer.
    pub(crate) url: String,
    #[command(flatten)]
    pub(crate) delivery: DeliveryArgs,
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// Expect a VoxML answer (default: for the kinds that usually wait for one).
    #[arg(long, conflicts_with = "no_answer")]
    pub(crate) answer: bool,
    /// Expect a plain acknowledgement, not VoxML.
    #[arg(long)]
    pub(crate) no_answer: bool,
    /// On failure, retry on the provider's schedule (TryVox 1 s/4 s/16 s, Vobiz 3 with backoff,
    /// VoxPria 5), re-signing each attempt.
    #[arg(long)]
    pub(crate) retries: bool,
    /// Multiply the retry delays (tests and impatient people).
    #[arg(long, hide = true, env = "VOXHOOK_RETRY_SCALE", default_value_t = 1.0)]
    pub(crate) retry_scale: f64,
    /// Give up waiting for a response after this long (the deadline is checked separately).
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub(crate) timeout: Duration,
    /// List the event kinds this provider has templates for, and exit.
    #[arg(long)]
    pub(crate) list_events: bool,
    /// Print the request that is sent (headers with signatures, and body).
    #[arg(long, short = 'v')]
    pub(crate) verbose: bool,
}

/// `voxhook listen`.
#[derive(Debug, Args)]
pub(crate) struct ListenArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:4000")]
    pub(crate) addr: String,
    /// The provider of every delivery (default: the first path segment, e.g. /vobiz/answer).
    #[arg(long, short = 'p', value_parser = parse_provider)]
    pub(crate) provider: Option<Provider>,
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// The public base URL the provider calls (URL-signed schemes; default http://ADDR).
    #[arg(long)]
    pub(crate) public_url: Option<String>,
    /// Relay every verified delivery here, re-signed; a URL with no path keeps the received path.
    #[arg(long, value_name = "URL")]
    pub(crate) forward_to: Option<String>,
    /// Print each event as one line of normalized JSON instead of a summary.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `voxhook verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The provider that sent the request.
    #[arg(long, short = 'p', value_parser = parse_provider)]
    pub(crate) provider: Provider,
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// The public URL the provider called (scheme, host, path; the query as configured).
    #[arg(long)]
    pub(crate) url: Option<String>,
    /// The request headers, one `Name: value` per line.
    #[arg(long, value_name = "FILE", requires = "body_file")]
    pub(crate) headers_file: Option<PathBuf>,
    /// The request body as received.
    #[arg(long, value_name = "FILE")]
    pub(crate) body_file: Option<PathBuf>,
    /// The request method, when not read from a dump.
    #[arg(long, default_value = "POST")]
    pub(crate) method: String,
    /// Check timestamps against this Unix time instead of now.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub(crate) now: Option<u64>,
}

/// `voxhook sign`.
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The provider to sign as.
    #[arg(long, short = 'p', value_parser = parse_provider)]
    pub(crate) provider: Provider,
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// The URL the request goes to.
    #[arg(long)]
    pub(crate) url: String,
    /// The body to sign (default: empty).
    #[arg(long, value_name = "FILE")]
    pub(crate) body_file: Option<PathBuf>,
    /// Sign at this Unix time instead of now.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub(crate) now: Option<u64>,
    /// Print `Name: value` lines instead of curl -H arguments.
    #[arg(long)]
    pub(crate) raw: bool,
}

/// `voxhook parse`.
#[derive(Debug, Args)]
pub(crate) struct ParseArgs {
    /// The provider (default: detected from the content type and body).
    #[arg(long, short = 'p', value_parser = parse_provider)]
    pub(crate) provider: Option<Provider>,
    /// The body's Content-Type (default: JSON if it looks like JSON, else a form).
    #[arg(long)]
    pub(crate) content_type: Option<String>,
    /// A GET callback's query string (stdin is then ignored; needs --provider).
    #[arg(long, requires = "provider")]
    pub(crate) query: Option<String>,
    /// Pretty-print the JSON.
    #[arg(long)]
    pub(crate) pretty: bool,
}

/// `voxhook load`.
#[derive(Debug, Args)]
pub(crate) struct LoadArgs {
    /// The endpoint URL.
    pub(crate) url: String,
    #[command(flatten)]
    pub(crate) delivery: DeliveryArgs,
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// Deliveries per second.
    #[arg(long, default_value_t = 50)]
    pub(crate) rate: u32,
    /// How long to send for, e.g. 10s, 2m.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub(crate) duration: Duration,
    /// Most requests in flight at once.
    #[arg(long, default_value_t = 32)]
    pub(crate) concurrency: usize,
    /// Share of deliveries that repeat an earlier one (0.0 to 1.0).
    #[arg(long, default_value_t = 0.0, value_parser = parse_share)]
    pub(crate) duplicates: f64,
    /// Give up on one request after this long.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub(crate) timeout: Duration,
}

/// `voxhook completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

fn parse_provider(s: &str) -> Result<Provider, String> {
    s.parse()
        .map_err(|e: voxhook_core::event::UnknownProvider| e.to_string())
}

pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s).map_err(|e| format!("{e} (e.g. 500ms, 10s, 2m)"))
}

fn parse_share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err("expected a share between 0.0 and 1.0".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_has_examples() {
        let cmd = Cli::command();
        for sub in cmd.get_subcommands() {
            let help = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(
                help.contains("voxhook "),
                "{} has no example",
                sub.get_name()
            );
        }
    }

    #[test]
    fn share_and_duration_parsers() {
        let cases = [
            ("zero", "0", true),
            ("fifth", "0.2", true),
            ("one", "1", true),
            ("above one", "1.5", false),
            ("negative", "-0.1", false),
            ("text", "x", false),
        ];
        for (name, input, ok) in cases {
            assert_eq!(parse_share(input).is_ok(), ok, "{name}");
        }
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("soon").is_err());
    }
}
