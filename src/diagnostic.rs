//! Compiler-style diagnostics: every problem names a file, a line and a column,
//! shows the offending line and says what to do about it.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A file's text kept so that a byte span can be turned into a line, a column
/// and the text of that line when a diagnostic is made.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the editor should read it (relative to where they ran us).
    pub path: PathBuf,
    pub text: String,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        Self {
            path: path.into(),
            text,
        }
    }

    /// A diagnostic pointing at `span`, a byte range into this file's text.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::in_file(&self.path, message).at(self.locate(span))
    }

    fn locate(&self, span: Range<usize>) -> Location {
        let start = floor_char_boundary(&self.text, span.start.min(self.text.len()));
        let end = floor_char_boundary(&self.text, span.end.clamp(start, self.text.len()));
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let line_text = self.text[line_start..line_end].trim_end_matches('\r');
        let before = &self.text[line_start..start];
        let marked_end = end.min(line_start + line_text.len()).max(start);
        let marked = &self.text[start..marked_end];
        Location {
            line: self.text[..start].matches('\n').count() + 1,
            column: before.chars().count() + 1,
            line_text: line_text.to_string(),
            indent: display_width(before),
            width: display_width(marked).max(1),
        }
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Terminal columns a string takes: wide (CJK) characters take two.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// A wide (East Asian full-width) character: two terminal columns, and one
/// em where a title's lines are measured (`typeset::title_lines`).
pub(crate) fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Location {
    line: usize,
    column: usize,
    line_text: String,
    indent: usize,
    width: usize,
}

/// What gazette says of a problem that is its own fault, never the user's.
pub const BUG: &str = "this is a bug in gazette, not in your issue: please report it";

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    file: Option<PathBuf>,
    location: Option<Location>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem with no file to point at (a command-line option, say).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            file: None,
            location: None,
            message: message.into(),
            help: None,
        }
    }

    /// A problem with a whole file (missing, unreadable), with no position in it.
    pub fn in_file(path: &Path, message: impl Into<String>) -> Self {
        Self {
            file: Some(path.to_path_buf()),
            ..Self::new(message)
        }
    }

    fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The problem is gazette's, not the user's: says so, and asks for a report.
    pub fn bug(self) -> Self {
        self.help(BUG)
    }

    /// The 1-based line and column, if the problem has a position.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        self.location.as_ref().map(|l| (l.line, l.column))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        let gutter = self
            .location
            .as_ref()
            .map_or(1, |l| l.line.to_string().len());
        let pad = " ".repeat(gutter);
        match (&self.file, &self.location) {
            (Some(file), Some(loc)) => {
                writeln!(f, "{pad}--> {}:{}:{}", file.display(), loc.line, loc.column)?;
                writeln!(f, "{pad} |")?;
                writeln!(f, "{} | {}", loc.line, loc.line_text)?;
                writeln!(
                    f,
                    "{pad} | {}{}",
                    " ".repeat(loc.indent),
                    "^".repeat(loc.width)
                )?;
            }
            (Some(file), None) => writeln!(f, "{pad}--> {}", file.display())?,
            _ => {}
        }
        if let Some(help) = &self.help {
            writeln!(f, "{pad} = help: {help}")?;
        }
        Ok(())
    }
}

/// All the problems of one run, reported together.
pub type Diagnostics = Vec<Diagnostic>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_line_and_column_in_characters() {
        let file = SourceFile::new("a.md", "title = 1\n标题 = 2\n".to_string());
        let rendered = file
            .error(17..20, "bad value")
            .help("write a string")
            .to_string();
        assert_eq!(
            rendered,
            "error: bad value\n --> a.md:2:4\n  |\n2 | 标题 = 2\n  |      ^^^\n  = help: write a string\n"
        );
    }

    #[test]
    fn spans_past_the_end_do_not_panic() {
        let file = SourceFile::new("a.md", "短".to_string());
        assert_eq!(file.error(1..99, "x").line_column(), Some((1, 1)));
    }
}
