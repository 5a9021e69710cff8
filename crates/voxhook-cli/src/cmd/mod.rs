//! One module per command.

pub(crate) mod completions;
pub(crate) mod load;
pub(crate) mod send;
pub(crate) mod sign;
