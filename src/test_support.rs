//! What unit tests across the crate share: the rule for a test that needs an
//! external tool or file. It is skipped with a note when that is missing, so
//! that `cargo test` runs anywhere, and fails instead under
//! GAZETTE_REQUIRE_TOOLS=1, as CI runs it with every tool installed.

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
