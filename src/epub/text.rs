//! Characters XML cannot carry. The PDF prints what it can of a stray control
//! character, but a single one makes an XHTML file unreadable, so the EPUB
//! edition refuses it and names the file to fix.

use serde::Serialize;

use super::EpubError;
use crate::model::Edition;

/// Checks every piece of user text in the edition, file by file.
pub(super) fn check(edition: &Edition) -> Result<(), EpubError> {
    check_value(&edition.gazette, "the issue manifest")?;
    check_value(&edition.issue, "the issue manifest")?;
    for section in &edition.sections {
        check_value(&section.title, "the issue manifest")?;
        for document in &section.documents {
            for attachment in &document.attachments {
                check_value(&attachment.body, &attachment.source)?;
            }
            if let Some(interpretation) = &document.interpretation {
                check_value(&interpretation.body, &interpretation.source)?;
            }
            check_value(document, &document.source)?;
        }
    }
    Ok(())
}

fn check_value(value: &impl Serialize, source: &str) -> Result<(), EpubError> {
    let json = serde_json::to_value(value)
        .map_err(|e| EpubError::Template(format!("cannot read the edition model: {e}")))?;
    match first_forbidden(&json) {
        None => Ok(()),
        Some(c) => Err(EpubError::Text(format!(
            "{source} contains the control character U+{:04X}, which an EPUB (XML) cannot \
             carry: remove it from the file",
            u32::from(c)
        ))),
    }
}

fn first_forbidden(json: &serde_json::Value) -> Option<char> {
    match json {
        serde_json::Value::String(s) => s.chars().find(|&c| !is_xml_char(c)),
        serde_json::Value::Array(items) => items.iter().find_map(first_forbidden),
        serde_json::Value::Object(fields) => fields.values().find_map(first_forbidden),
        _ => None,
    }
}

/// XML 1.0's `Char` production; Rust's `char` already excludes surrogates.
pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{FFFD}' | '\u{10000}'..)
}
