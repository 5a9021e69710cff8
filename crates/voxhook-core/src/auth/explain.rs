//! A readable account of one verification, for the CLI and for debugging.

use std::fmt;

use super::{AuthError, Note, Verification};

/// What [`Auth::explain`](super::Auth::explain) found: the outcome and one
/// note per step (never a secret, an expected signature or the body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The outcome (as [`Auth::verify`](super::Auth::verify) would give, minus the replay check).
    pub result: Result<Verification, AuthError>,
    /// What each scheme looked at, in order.
    pub notes: Vec<Note>,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.result {
            Ok(v) => writeln!(f, "accepted by {} (secret #{})", v.scheme, v.secret_index)?,
            Err(e) => writeln!(f, "refused: {e} -> {}", e.rejection())?,
        }
        for n in &self.notes {
            writeln!(f, "  [{}] {}", n.scheme, n.text)?;
        }
        Ok(())
    }
}
