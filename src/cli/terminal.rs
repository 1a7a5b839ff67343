//! How a command that failed says so: its problems, compiler-style, each
//! group closed by a line saying what did not happen. Commands return a
//! [`Failure`]; `main` prints it, once.

use std::process::ExitCode;

use gazette::diagnostic::{Diagnostic, Diagnostics};

/// A command that could not do its work: its problems, each group closed by
/// a line saying what did not happen, and the exit status.
pub struct Failure {
    groups: Vec<(Diagnostics, Option<String>)>,
    status: u8,
}

impl Failure {
    /// These problems stopped the command; exit status 1.
    pub fn new(problems: Diagnostics) -> Self {
        Failure {
            groups: vec![(problems, None)],
            status: 1,
        }
    }

    /// One problem that needs no more than a line: `error: {message}`.
    pub fn message(message: impl Into<String>) -> Self {
        Failure {
            groups: vec![(Vec::new(), Some(message.into()))],
            status: 1,
        }
    }

    /// Several things failed apart, e.g. the issues of a batch, each with
    /// its problems and closing line.
    #[cfg(feature = "typeset")]
    pub fn each(groups: impl IntoIterator<Item = (Diagnostics, String)>) -> Self {
        Failure {
            groups: groups
                .into_iter()
                .map(|(problems, closing)| (problems, Some(closing)))
                .collect(),
            status: 1,
        }
    }

    /// The problems end with `error: {closing}`.
    #[cfg(feature = "typeset")]
    pub fn closing(mut self, closing: impl Into<String>) -> Self {
        if let Some(group) = self.groups.last_mut() {
            group.1 = Some(closing.into());
        }
        self
    }

    pub fn status(mut self, status: u8) -> Self {
        self.status = status;
        self
    }

    /// Prints every problem, once, and gives the exit status.
    pub fn report(self) -> ExitCode {
        let apart = self.groups.len() > 1;
        for (problems, closing) in &self.groups {
            if apart {
                eprintln!();
            }
            print_problems(problems, closing.as_deref());
        }
        ExitCode::from(self.status)
    }
}

/// Each problem as the compiler shows it, then the closing line.
pub fn print_problems(problems: &[Diagnostic], closing: Option<&str>) {
    for problem in problems {
        eprintln!("{problem}");
    }
    if let Some(closing) = closing {
        eprintln!("error: {closing}");
    }
}

/// "1 error", "2 errors".
#[cfg(feature = "typeset")]
pub fn errors(count: usize) -> String {
    format!("{count} error{}", if count == 1 { "" } else { "s" })
}
