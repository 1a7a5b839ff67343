//! What unit tests across the crate share, in one home: the example PKI's
//! keys ([`keys`]), a small EPUB container sealed with them ([`epub`]), and
//! here the rule for a test that needs an external tool or file. It is
//! skipped with a note when that is missing, so that `cargo test` runs
//! anywhere, and fails instead under GAZETTE_REQUIRE_TOOLS=1, as CI runs it
//! with every tool installed.

pub(crate) mod epub;
pub(crate) mod keys;
pub(crate) mod responders;

use std::env;
use std::path::Path;

/// Whether `what`, which a test needs, is `present`; when it is not, says the
/// test is skipped, or fails the test under GAZETTE_REQUIRE_TOOLS=1.
pub(crate) fn available(present: bool, what: &str) -> bool {
    if !present {
        assert!(
            std::env::var("GAZETTE_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "{what} is missing and GAZETTE_REQUIRE_TOOLS=1"
        );
        eprintln!("skipped: {what} is missing (set GAZETTE_REQUIRE_TOOLS=1 to fail instead)");
    }
    present
}

/// Whether an external tool is on PATH. Missing tools skip a test, unless
/// GAZETTE_REQUIRE_TOOLS=1 makes them a failure.
pub(crate) fn tool_available(tool: &str) -> bool {
    let on_path = env::var_os("PATH")
        .is_some_and(|path| env::split_paths(&path).any(|dir| dir.join(tool).is_file()));
    available(on_path, tool)
}

/// Whether a file the test needs (such as a PKCS#11 module) exists, with the
/// same skip rule as [`tool_available`].
pub(crate) fn file_available(path: &Path) -> bool {
    available(path.is_file(), &path.display().to_string())
}
