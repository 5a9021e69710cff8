//! Exit codes: 0 success, 1 a failed check, 2 usage or configuration error.

use std::fmt;
use std::process::ExitCode;

/// A usage or configuration error (exit 2).
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Wraps a message as a usage error.
pub(crate) fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(msg.into()))
}

/// The result of a command that ran to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Every check passed (exit 0).
    Passed,
    /// A check failed: rejected, invalid VoxML, missed deadline, mismatched duplicate (exit 1).
    Failed,
}

impl Outcome {
    pub(crate) fn from_ok(ok: bool) -> Self {
        if ok { Outcome::Passed } else { Outcome::Failed }
    }
}

/// The exit code for an error: 2 for usage errors, 1 for everything else
/// (an unreachable endpoint is a failed check).
pub(crate) fn exit_code(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<UsageError>().is_some() {
        2
    } else {
        1
    }
}

pub(crate) fn to_exit(result: anyhow::Result<Outcome>) -> ExitCode {
    match result {
        Ok(Outcome::Passed) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(1),
        Err(err) => {
            let code = exit_code(&err);
            let prefix = if code == 2 { "usage error" } else { "error" };
            eprintln!("voxhook: {prefix}: {err:#}");
            ExitCode::from(code)
        }
    }
}
