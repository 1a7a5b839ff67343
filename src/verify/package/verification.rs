//! The verification codes printed on the pages, recomputed: the signed
//! manifest gives the edition's and each document's code
//! (`crate::verification_code`); the package's published data, and its
//! issue sources read and published again as a build would, must give the
//! same. A code that differs names the document whose text changed.
//!
//! The verification URL beside each code must hold it (VIS-9): a manifest
//! whose seal vouches for a URL that checks another code sends readers
//! elsewhere.

use std::path::{Component, Path};

use super::container::Files;
use super::{MANIFEST, Outcome, PAYLOAD};
use crate::data::{self, Published};
use crate::manifest;
use crate::package::manifest::VerificationManifest;
use crate::verification_code;
use crate::verify::{CheckCode, Finding, FindingCode, Verdict};

/// Where the files sit in the payload.
const SOURCES: &str = "data/source/";

/// A code the signed manifest gives, and what it is the code of.
struct Expected<'a> {
    /// "the edition" or "document 3 (《title》)".
    what: String,
    code: &'a str,
    /// The URL the pages' QR codes hold, when the manifest gives one.
    url: Option<&'a str>,
    /// The data file it is the code of, relative to the payload.
    path: String,
}

/// Checks every code the signed manifest gives against the package's data
/// and sources. A difference is a change after sealing when the manifest is
/// `sealed`, else a broken package.
pub(super) fn check_codes(
    files: &Files,
    manifest: &VerificationManifest,
    sealed: bool,
    outcome: &mut Outcome,
) {
    let expected = expected(manifest);
    if expected.is_empty() {
        return;
    }
    let verdict = if sealed {
        Verdict::Modified
    } else {
        Verdict::Invalid
    };
    let before = outcome.findings.len();
    let mut compared = 0;
    // Whether each code is the one its data and sources give: only beside
    // such a code is its URL judged, as a changed code is already told.
    let mut holds = vec![true; expected.len()];
    for (code, holds) in expected.iter().zip(&mut holds) {
        let Some(bytes) = files
            .get(&format!("{PAYLOAD}{}", code.path))
            .and_then(|file| file.bytes.as_deref())
        else {
            continue;
        };
        compared += 1;
        let found = verification_code::of(bytes);
        if found != code.code {
            *holds = false;
            let message = format!(
                "{} changed: {MANIFEST} gives it the verification code {}, but its data {} \
                 gives {found}",
                code.what, code.code, code.path
            );
            mismatch(outcome, verdict, message);
        }
    }
    let from_sources = republished(files, &manifest.edition.id);
    if let Some(published) = &from_sources {
        let files = std::iter::once(&published.edition).chain(&published.documents);
        for ((code, file), holds) in expected.iter().zip(files).zip(&mut holds) {
            let found = verification_code::of(&file.bytes);
            if found != code.code {
                *holds = false;
                let message = format!(
                    "{} changed: {MANIFEST} gives it the verification code {}, but the \
                     package's issue sources give {found}",
                    code.what, code.code
                );
                mismatch(outcome, verdict, message);
            }
        }
    }
    let held: Vec<&Expected> = expected
        .iter()
        .zip(&holds)
        .filter_map(|(code, holds)| holds.then_some(code))
        .collect();
    check_urls(&held, outcome);
    if outcome.findings.len() == before && compared > 0 {
        let sources = if from_sources.is_some() {
            " and from the issue sources"
        } else {
            ""
        };
        outcome.pass(
            CheckCode::VerificationCodes,
            format!(
                "the {} verification codes the pages print, recomputed from the published \
                 data{sources}, are those {MANIFEST} gives",
                expected.len()
            ),
        );
    }
}

/// Each URL the manifest gives beside a code must hold that code (VIS-9:
/// whichever of its three forms the producer chose, the code is in it). A
/// manifest that breaks it is no sound one, sealed or not.
fn check_urls(expected: &[&Expected], outcome: &mut Outcome) {
    for code in expected {
        let Some(url) = code.url.filter(|url| !url.contains(code.code)) else {
            continue;
        };
        outcome.invalid(
            FindingCode::InconsistentManifest,
            format!(
                "{MANIFEST} gives {} the verification URL {url}, which does not hold its code {} \
                 (VIS-9)",
                code.what, code.code
            ),
        );
    }
}

fn mismatch(outcome: &mut Outcome, verdict: Verdict, message: String) {
    outcome.findings.push((
        verdict,
        Finding::new(FindingCode::VerificationCodeMismatch, message),
    ));
}

/// The codes the manifest gives: the edition's first, then each document's
/// in edition order. None when it gives none (a package written before
/// pages carried codes).
fn expected(manifest: &VerificationManifest) -> Vec<Expected<'_>> {
    let id = &manifest.edition.id;
    let Some(edition) = &manifest.verification_code else {
        return Vec::new();
    };
    let mut expected = vec![Expected {
        what: "the edition".to_owned(),
        code: edition,
        url: manifest.verify_url.as_deref(),
        path: data::edition_path(id),
    }];
    for (index, document) in manifest.documents.iter().enumerate() {
        let Some(code) = &document.verification_code else {
            return Vec::new();
        };
        expected.push(Expected {
            what: format!("document {} (《{}》)", index + 1, document.title),
            code,
            url: document.verify_url.as_deref(),
            path: data::document_path(id, index + 1),
        });
    }
    expected
}

/// The data a build would publish from the package's issue sources, when
/// the package holds them and they read as an issue of edition `id`. Read
/// from a copy in a temporary folder, as `gazette build` would read them.
fn republished(files: &Files, id: &str) -> Option<Published> {
    let sources: Vec<(&str, &[u8])> = files
        .iter()
        .filter_map(|(path, file)| Some((path.strip_prefix(SOURCES)?, file.bytes.as_deref()?)))
        .collect();
    if !sources.iter().any(|(path, _)| *path == "issue.toml") {
        return None;
    }
    let folder = tempfile::tempdir().ok()?;
    for (path, bytes) in sources {
        let relative = Path::new(path);
        if !relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        {
            return None;
        }
        let to = folder.path().join(relative);
        std::fs::create_dir_all(to.parent()?).ok()?;
        std::fs::write(to, bytes).ok()?;
    }
    let edition = manifest::load(folder.path()).ok()?;
    (edition.id == id).then(|| data::publish(&edition))
}
