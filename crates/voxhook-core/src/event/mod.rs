//! The unified event model: one [`Event`] enum for every provider.

mod provider;

pub use provider::{Provider, UnknownProvider};
