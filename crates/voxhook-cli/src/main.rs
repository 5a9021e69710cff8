//! `voxhook`: send signed test webhooks, listen, verify, sign, parse and load-test an endpoint,
//! for TryVox, Voxtelesys, VoxPria and Vobiz. Run `voxhook --help`.
#![forbid(unsafe_code)]

#[macro_use]
mod style;

mod check;
mod cli;
mod cmd;
mod delivery;
mod exit;
mod ids;
mod retry;
mod secret;
mod templates;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::exit::Outcome;

fn main() -> ExitCode {
    let cli = Cli::parse();
    exit::to_exit(run(cli))
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Sign(a) => cmd::sign::run(a),
        Command::Completions(a) => cmd::completions::run(a),
        Command::Parse(a) => cmd::parse::run(a),
        command => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(run_async(command))
        }
    }
}

async fn run_async(command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Send(a) => cmd::send::run(a).await,
        Command::Load(a) => cmd::load::run(a).await,
        Command::Verify(a) => cmd::verify::run(a).await,
        Command::Listen(a) => cmd::listen::run(a).await,
        Command::Sign(_) | Command::Completions(_) | Command::Parse(_) => {
            Err(exit::usage("not an async command"))
        }
    }
}
