//! The one rule for a path inside an EPUB container, a bag or an edition
//! folder: relative, `/`-separated, and the same file wherever it is
//! unpacked.
//!
//! The builders check the paths they write with it and the verifiers the
//! paths they read, so that gazette never writes what it would refuse to
//! read. The rule is the strictest any of them needs: OCF forbids the
//! characters Windows forbids in file names, and no real EPUB or bag path
//! holds `:` or a control character.

use std::collections::HashSet;
use std::fmt;

/// The characters OCF (and Windows) forbid in file names. `:` refuses drive
/// letters too, `\` a second separator.
const FORBIDDEN: &[char] = &['"', '*', ':', '<', '>', '?', '\\', '|'];

/// Why a path is not a safe relative path. Its message completes a sentence
/// such as "the file X ...", so that each caller can say which file it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnsafePath {
    Empty,
    /// Starts with `/`.
    Absolute,
    /// A control character or one of the characters OCF forbids.
    Character(char),
    /// An empty, `.` or `..` segment: the path could leave its folder, or
    /// name one file in several ways.
    Segment,
}

impl fmt::Display for UnsafePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnsafePath::Empty => f.write_str("is empty"),
            UnsafePath::Absolute => f.write_str("is absolute (starts with `/`)"),
            UnsafePath::Character(c) => write!(
                f,
                "holds the character {c:?}, which OCF forbids and file names cannot hold on \
                 every system"
            ),
            UnsafePath::Segment => f.write_str("has an empty, `.` or `..` segment"),
        }
    }
}

impl std::error::Error for UnsafePath {}

/// Checks a path to a file or folder (without a trailing `/`): non-empty,
/// relative, made of segments other than ``, `.` and `..`, free of control
/// characters and of the characters OCF forbids.
pub(crate) fn check(path: &str) -> Result<(), UnsafePath> {
    if path.is_empty() {
        return Err(UnsafePath::Empty);
    }
    if path.starts_with('/') {
        return Err(UnsafePath::Absolute);
    }
    if let Some(c) = path
        .chars()
        .find(|c| c.is_control() || FORBIDDEN.contains(c))
    {
        return Err(UnsafePath::Character(c));
    }
    if path
        .split('/')
        .any(|segment| matches!(segment, "" | "." | ".."))
    {
        return Err(UnsafePath::Segment);
    }
    Ok(())
}

/// A path that names, but for case, a path met before. Its message completes
/// a sentence such as "the archive lists X ...".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DuplicatePath;

impl fmt::Display for DuplicatePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "twice (names differing only in case count as one: they collide on \
             case-insensitive file systems)",
        )
    }
}

impl std::error::Error for DuplicatePath {}

/// The paths met so far, folded to lower case (Unicode's, not only ASCII's:
/// case-insensitive file systems fold `Ä` too).
#[derive(Debug, Default)]
pub(crate) struct DistinctPaths {
    folded: HashSet<String>,
}

impl DistinctPaths {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Records `path`, or refuses it if it names a path met before.
    pub(crate) fn insert(&mut self, path: &str) -> Result<(), DuplicatePath> {
        if self.folded.insert(path.to_lowercase()) {
            Ok(())
        } else {
            Err(DuplicatePath)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_relative_paths_pass() {
        for path in [
            "mimetype",
            "META-INF/container.xml",
            "OEBPS/text/第一章.xhtml",
            "OEBPS/style sheet.css",
            "OEBPS/a b+c&d.css",
            "a~b_c-d.e",
            "e.bag/data/source/a.md",
            "..a/b..",
        ] {
            assert_eq!(check(path), Ok(()), "{path}");
        }
    }

    #[test]
    fn paths_that_leave_their_folder_or_confuse_readers_are_refused() {
        let cases = [
            ("", UnsafePath::Empty),
            ("/etc/passwd", UnsafePath::Absolute),
            ("/a.xhtml", UnsafePath::Absolute),
            ("../evil.xhtml", UnsafePath::Segment),
            ("OEBPS/../../evil.xhtml", UnsafePath::Segment),
            ("OEBPS/./a.xhtml", UnsafePath::Segment),
            ("OEBPS//a.xhtml", UnsafePath::Segment),
            ("EPUB/", UnsafePath::Segment),
            ("a/.", UnsafePath::Segment),
            ("OEBPS\\a.xhtml", UnsafePath::Character('\\')),
            ("a\\..\\b", UnsafePath::Character('\\')),
            ("C:/a.xhtml", UnsafePath::Character(':')),
            ("OEBPS/a\0.xhtml", UnsafePath::Character('\0')),
            ("a\nb", UnsafePath::Character('\n')),
            ("a\u{7f}b", UnsafePath::Character('\u{7f}')),
            ("a\u{85}b", UnsafePath::Character('\u{85}')),
        ];
        for (path, why) in cases {
            assert_eq!(check(path), Err(why), "{path:?}");
        }
        for c in ['"', '*', '<', '>', '?', '|'] {
            let path = format!("OEBPS/a{c}.xhtml");
            assert_eq!(check(&path), Err(UnsafePath::Character(c)), "{path}");
        }
    }

    #[test]
    fn messages_name_what_is_wrong() {
        assert_eq!(
            UnsafePath::Absolute.to_string(),
            "is absolute (starts with `/`)"
        );
        assert!(UnsafePath::Segment.to_string().contains("`..`"));
        assert!(UnsafePath::Segment.to_string().contains("empty"));
        assert!(
            UnsafePath::Character('\\')
                .to_string()
                .contains("'\\\\', which OCF forbids")
        );
        assert!(UnsafePath::Character('\0').to_string().contains("'\\0'"));
        assert!(DuplicatePath.to_string().starts_with("twice"));
    }

    #[test]
    fn names_differing_only_in_case_are_one() {
        let mut paths = DistinctPaths::new();
        for path in ["OEBPS/a.xhtml", "OEBPS/b.xhtml", "OEBPS/Ä.xhtml"] {
            assert_eq!(paths.insert(path), Ok(()), "{path}");
        }
        for path in [
            "OEBPS/a.xhtml",
            "OEBPS/A.xhtml",
            "oebps/B.XHTML",
            "OEBPS/ä.xhtml",
        ] {
            assert_eq!(paths.insert(path), Err(DuplicatePath), "{path}");
        }
    }
}
