//! `voxhook completions <shell>`.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::Outcome;

pub(crate) fn run(args: CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "voxhook", &mut std::io::stdout());
    Ok(Outcome::Passed)
}
