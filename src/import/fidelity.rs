//! Whether the Markdown the importer wrote holds the Word file's text: read
//! back as a build reads it, every character of the source body, attachments
//! included, must come out in order, layout (spaces, line breaks) aside.

use std::path::Path;

use super::docx::Notice;
use super::recognise::{Recognised, layout_free};
use crate::manifest;
use crate::model::{Block, plain_text};

/// The differences between what `recognised` read from the Word file and
/// what a build will read from the Markdown written for it; none if they
/// agree.
pub fn check(source: &Path, recognised: &Recognised) -> Vec<Notice> {
    let mut text = String::new();
    let bodies = std::iter::once(recognised.body.as_str())
        .chain(recognised.attachments.iter().map(|a| a.body.as_str()));
    for body in bodies {
        match manifest::body_blocks(source, body) {
            Ok(blocks) => text.push_str(&printed(&blocks)),
            Err(problems) => {
                return vec![Notice {
                    paragraph: 0,
                    message: format!(
                        "the Markdown written for it does not read back ({}): this is a bug in gazette import; please report it with the file",
                        problems
                            .first()
                            .map(ToString::to_string)
                            .unwrap_or_default()
                    ),
                }];
            }
        }
    }
    difference(&recognised.source_text, &layout_free(&text))
        .map(|message| Notice {
            paragraph: 0,
            message,
        })
        .into_iter()
        .collect()
}

/// The text a build prints of `blocks`, as it is in the model.
fn printed(blocks: &[Block]) -> String {
    let mut text = String::new();
    for block in blocks {
        match block {
            Block::Paragraph { lead, inlines } => {
                if let Some(lead) = lead {
                    text.push_str(&lead.text);
                }
                text.push_str(&plain_text(inlines));
            }
            Block::Heading { text: heading, .. } => text.push_str(heading),
            Block::List { items, .. } => {
                for item in items {
                    text.push_str(&printed(item));
                }
            }
            Block::Table(table) => {
                for cell in table.header.iter().chain(table.rows.iter().flatten()) {
                    text.push_str(&plain_text(cell));
                }
            }
        }
    }
    text
}

/// Where `imported` first departs from `source`, in words, if it does.
fn difference(source: &str, imported: &str) -> Option<String> {
    if source == imported {
        return None;
    }
    let at = source
        .chars()
        .zip(imported.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let around =
        |text: &str| -> String { text.chars().skip(at.saturating_sub(8)).take(24).collect() };
    Some(format!(
        "the imported text departs from the Word file's at character {}: the Word file has «{}», the import «{}»; check the document there",
        at + 1,
        around(source),
        around(imported)
    ))
}
