//! Cross-cutting tests of the voxml module (goldens, hostile text, rules, properties).

mod golden;
mod golden_dialects;
mod hostile;
mod props;
mod rules;
