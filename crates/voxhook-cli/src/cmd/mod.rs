//! One module per command.

pub(crate) mod completions;
pub(crate) mod listen;
pub(crate) mod load;
pub(crate) mod parse;
pub(crate) mod send;
pub(crate) mod sign;
pub(crate) mod verify;
