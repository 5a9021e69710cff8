//! Color only on a terminal, and never with `NO_COLOR`.

use std::io::{IsTerminal, Write as _};

/// `println!` on stdout that ends the process (exit 1) instead of panicking when the
/// reader went away (`voxhook send ... | head -3`).
macro_rules! outln {
    ($($t:tt)*) => { $crate::style::write_stdout(format_args!($($t)*), true) };
}

/// `print!` with the same closed-pipe handling as [`outln!`].
macro_rules! out {
    ($($t:tt)*) => { $crate::style::write_stdout(format_args!($($t)*), false) };
}

pub(crate) fn write_stdout(args: std::fmt::Arguments<'_>, newline: bool) {
    let mut stdout = std::io::stdout().lock();
    let written = if newline {
        writeln!(stdout, "{args}")
    } else {
        write!(stdout, "{args}")
    };
    if written.is_err() {
        std::process::exit(1);
    }
}

/// ANSI styling, on or off.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    on: bool,
}

impl Style {
    /// Styling for stdout: on when stdout is a terminal and `NO_COLOR` is unset or empty.
    pub(crate) fn stdout() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            on: !no_color && std::io::stdout().is_terminal(),
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub(crate) fn good(self, text: &str) -> String {
        self.paint("32", text)
    }

    pub(crate) fn bad(self, text: &str) -> String {
        self.paint("31;1", text)
    }

    pub(crate) fn warn(self, text: &str) -> String {
        self.paint("33", text)
    }

    pub(crate) fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    pub(crate) fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_means_plain_text() {
        let s = Style { on: false };
        assert_eq!(s.bad("x"), "x");
        let s = Style { on: true };
        assert_eq!(s.good("x"), "\x1b[32mx\x1b[0m");
    }
}
