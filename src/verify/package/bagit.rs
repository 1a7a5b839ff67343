//! The bag as RFC 8493 (BagIt 1.0) defines it: bagit.txt, bag-info.txt,
//! the payload manifests and the tag manifests, against the files read.

use std::collections::HashSet;

use super::Outcome;
use super::container::{BagFile, Files, is_payload};
use super::evidence::EVIDENCE;
use crate::verify::archive::{Refusal, cannot_check, invalid};
use crate::verify::{CheckCode, Finding, FindingCode, Verdict};

const BAGIT_TXT: &str = "bagit.txt";
const BAG_INFO: &str = "bag-info.txt";

/// A tag file's text, if the bag has it.
fn tag_text<'a>(files: &'a Files, name: &str) -> Result<Option<&'a str>, Finding> {
    let Some(bytes) = files.get(name).and_then(|f| f.bytes.as_deref()) else {
        return Ok(None);
    };
    std::str::from_utf8(bytes).map(Some).map_err(|_| {
        Finding::new(
            FindingCode::BadTagFile,
            format!("{name} is not UTF-8 text, which bagit.txt declares for tag files"),
        )
    })
}

/// The lines of a tag file: RFC 8493 ends them with LF, CR or CRLF.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\r', '\n']).filter(|line| !line.is_empty())
}

/// bagit.txt: exactly BagIt 1.0 with UTF-8 tag files.
pub(super) fn check_declaration(files: &Files) -> Result<(), Refusal> {
    let text = tag_text(files, BAGIT_TXT)
        .map_err(|finding| invalid(FindingCode::BagitTxt, finding.message))?
        .ok_or_else(|| {
            cannot_check(
                FindingCode::NotABag,
                "this is not a BagIt bag: it has no bagit.txt (give the <id>.bag folder or the \
                 <id>.bag.zip)"
                    .to_owned(),
            )
        })?;
    let declared: Vec<&str> = lines(text).collect();
    let [version, encoding] = declared.as_slice() else {
        return Err(bad_declaration());
    };
    let (Some(version), Some(encoding)) = (
        version.strip_prefix("BagIt-Version: "),
        encoding.strip_prefix("Tag-File-Character-Encoding: "),
    ) else {
        return Err(bad_declaration());
    };
    if version != "1.0" || encoding != "UTF-8" {
        return Err(cannot_check(
            FindingCode::UnsupportedBagit,
            format!(
                "the bag is BagIt {version} with {encoding} tag files; this verifier reads \
                 BagIt 1.0 with UTF-8, as gazette writes"
            ),
        ));
    }
    Ok(())
}

fn bad_declaration() -> Refusal {
    invalid(
        FindingCode::BagitTxt,
        "bagit.txt must hold exactly two lines, `BagIt-Version: 1.0` and \
         `Tag-File-Character-Encoding: UTF-8`"
            .to_owned(),
    )
}

/// Size and count of the payload, as Payload-Oxum gives them.
pub(super) fn payload_totals(files: &Files) -> (u64, u64) {
    files
        .iter()
        .filter(|(path, _)| is_payload(path))
        .fold((0, 0), |(bytes, count), (_, f)| (bytes + f.size, count + 1))
}

/// The bag's tag files and manifests; returns bag-info.txt when readable.
pub(super) fn check_bag(files: &Files, outcome: &mut Outcome) -> Option<BagInfo> {
    let before = outcome.findings.len();
    let info = read_bag_info(files, outcome);
    if let Some(info) = &info {
        check_oxum(files, info, outcome);
    }
    for algorithm in ALGORITHMS {
        check_manifest(files, algorithm, ManifestKind::Payload, outcome);
        check_manifest(files, algorithm, ManifestKind::Tag, outcome);
    }
    if outcome.findings.len() == before {
        let (bytes, count) = payload_totals(files);
        outcome.pass(
            CheckCode::Bag,
            format!(
                "BagIt 1.0 bag complete and valid: {count} payload files ({bytes} bytes), each \
                 listed once in manifest-sha256.txt and manifest-sha512.txt with matching \
                 digests; Payload-Oxum and the tag manifests match"
            ),
        );
    }
    info
}

/// bag-info.txt's labels and values, in order.
pub(super) struct BagInfo {
    labels: Vec<(String, String)>,
}

impl BagInfo {
    /// The value of a label gazette needs once; labels compare without case.
    pub(super) fn single(&self, label: &str, outcome: &mut Outcome) -> Option<&str> {
        let values: Vec<&str> = self
            .labels
            .iter()
            .filter(|(l, _)| l.eq_ignore_ascii_case(label))
            .map(|(_, v)| v.as_str())
            .collect();
        match values.as_slice() {
            [value] => Some(value),
            _ => {
                outcome.invalid(
                    FindingCode::BagInfo,
                    format!(
                        "bag-info.txt must give {label} once; it gives it {} times",
                        values.len()
                    ),
                );
                None
            }
        }
    }
}

fn read_bag_info(files: &Files, outcome: &mut Outcome) -> Option<BagInfo> {
    let text = match tag_text(files, BAG_INFO) {
        Ok(Some(text)) => text,
        Ok(None) => {
            outcome.invalid(
                FindingCode::BagInfo,
                "the bag has no bag-info.txt, which names the edition (External-Identifier, \
                 Gazette-Id) and the payload's size (Payload-Oxum)",
            );
            return None;
        }
        Err(finding) => {
            outcome.findings.push((Verdict::Invalid, finding));
            return None;
        }
    };
    match parse_bag_info(text) {
        Ok(labels) => Some(BagInfo { labels }),
        Err(why) => {
            outcome.invalid(
                FindingCode::BagInfo,
                format!("bag-info.txt is malformed: {why}"),
            );
            None
        }
    }
}

/// `Label: value` lines; a line starting with a space or tab continues the
/// value before (RFC 8493 §2.2.2).
fn parse_bag_info(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut labels: Vec<(String, String)> = Vec::new();
    for line in lines(text) {
        if line.starts_with([' ', '\t']) {
            let Some((_, value)) = labels.last_mut() else {
                return Err("it starts with an indented line".to_owned());
            };
            let more = line.trim();
            if !more.is_empty() {
                value.push(' ');
                value.push_str(more);
            }
            continue;
        }
        let Some((label, value)) = line.split_once(':') else {
            return Err(format!("the line {line:?} is not `Label: value`"));
        };
        if label.trim_end() != label {
            return Err(format!("the label {label:?} ends with white space"));
        }
        labels.push((label.to_owned(), value.trim().to_owned()));
    }
    Ok(labels)
}

fn check_oxum(files: &Files, info: &BagInfo, outcome: &mut Outcome) {
    let Some(oxum) = info.single("Payload-Oxum", outcome) else {
        return;
    };
    let number = |s: &str| -> Option<u64> {
        if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let declared = oxum
        .split_once('.')
        .and_then(|(bytes, count)| Some((number(bytes)?, number(count)?)));
    let (bytes, count) = payload_totals(files);
    match declared {
        None => outcome.invalid(
            FindingCode::BagInfo,
            format!("bag-info.txt's Payload-Oxum {oxum:?} is not `<bytes>.<files>`"),
        ),
        Some((b, c)) if (b, c) != (bytes, count) => outcome.invalid(
            FindingCode::PayloadOxum,
            format!(
                "bag-info.txt's Payload-Oxum says {b} bytes in {c} files, but the payload holds \
                 {bytes} bytes in {count} files"
            ),
        ),
        Some(_) => {}
    }
}

#[derive(Clone, Copy)]
enum Algorithm {
    Sha256,
    Sha512,
}

/// Both, each with a payload manifest and a tag manifest.
const ALGORITHMS: [Algorithm; 2] = [Algorithm::Sha256, Algorithm::Sha512];

impl Algorithm {
    fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha512 => "SHA-512",
        }
    }

    fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha512 => 128,
        }
    }

    fn of(self, file: &BagFile) -> &str {
        match self {
            Algorithm::Sha256 => &file.sha256,
            Algorithm::Sha512 => &file.sha512,
        }
    }
}

/// A payload manifest lists every payload file; a tag manifest, tag files.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ManifestKind {
    Payload,
    Tag,
}

/// Checks one manifest: well-formed lines, each file once and present with
/// its digest, and for the payload every file listed. Tag manifests are
/// optional (RFC 8493 §2.2.1); payload manifests are both required here.
fn check_manifest(files: &Files, algorithm: Algorithm, kind: ManifestKind, outcome: &mut Outcome) {
    let manifest = Manifest {
        name: kind.file_name(algorithm),
        files,
        algorithm,
        kind,
    };
    let Some(text) = manifest.text(outcome) else {
        return;
    };
    let mut listed = HashSet::new();
    for line in lines(text) {
        manifest.check_line(line, &mut listed, outcome);
    }
    match kind {
        ManifestKind::Payload => manifest.check_all_listed(&listed, outcome),
        ManifestKind::Tag => manifest.check_tags_listed(&listed, outcome),
    }
}

impl ManifestKind {
    fn file_name(self, algorithm: Algorithm) -> String {
        let prefix = match self {
            ManifestKind::Payload => "manifest",
            ManifestKind::Tag => "tagmanifest",
        };
        format!("{prefix}-{}.txt", algorithm.name())
    }
}

/// Whether a tag manifest must list the tag file `path` when the bag has
/// it (PKG-8): without it, a changed bag-info.txt, payload manifest or
/// evidence file would go unnoticed by the tag manifest's fixity.
fn must_be_listed(path: &str) -> bool {
    path == BAGIT_TXT
        || path == BAG_INFO
        || path.starts_with(EVIDENCE)
        || ALGORITHMS
            .iter()
            .any(|&algorithm| path == ManifestKind::Payload.file_name(algorithm))
}

/// One manifest file of the bag, named `name`, and the files it describes.
struct Manifest<'a> {
    name: String,
    files: &'a Files,
    algorithm: Algorithm,
    kind: ManifestKind,
}

impl<'a> Manifest<'a> {
    /// The manifest's text; `None`, with the reason reported unless the
    /// manifest may be absent, when there is nothing to check.
    fn text(&self, outcome: &mut Outcome) -> Option<&'a str> {
        let name = &self.name;
        match tag_text(self.files, name) {
            Ok(Some(text)) => Some(text),
            Ok(None) if self.kind == ManifestKind::Tag => None,
            Ok(None) => {
                outcome.invalid(
                    FindingCode::MissingBagManifest,
                    format!("the bag has no {name}, so its payload's fixity cannot be checked"),
                );
                None
            }
            Err(finding) => {
                outcome.findings.push((Verdict::Invalid, finding));
                None
            }
        }
    }

    /// One line: well-formed, on the right side of data/, not listed before
    /// (the paths so far are in `listed`), then its file checked.
    fn check_line(&self, line: &str, listed: &mut HashSet<String>, outcome: &mut Outcome) {
        let name = &self.name;
        let (expected, path) = match parse_manifest_line(line, self.algorithm) {
            Ok(entry) => entry,
            Err(why) => {
                outcome.invalid(
                    FindingCode::BadManifestLine,
                    format!("{name}: the line {line:?} {why}"),
                );
                return;
            }
        };
        if is_payload(&path) != (self.kind == ManifestKind::Payload) {
            let side = match self.kind {
                ManifestKind::Payload => "outside",
                ManifestKind::Tag => "inside",
            };
            outcome.invalid(
                FindingCode::BadManifestLine,
                format!("{name} lists {path:?}, {side} the payload folder data/"),
            );
            return;
        }
        if !listed.insert(path.clone()) {
            outcome.invalid(
                FindingCode::DuplicateManifestEntry,
                format!("{name} lists {path} more than once"),
            );
            return;
        }
        self.check_file(&path, &expected, outcome);
    }

    /// The file a line lists is in the bag and has the `expected` digest.
    fn check_file(&self, path: &str, expected: &str, outcome: &mut Outcome) {
        let name = &self.name;
        match self.files.get(path) {
            None if self.kind == ManifestKind::Tag => outcome.invalid(
                FindingCode::MissingTagFile,
                format!("{name} lists {path}, which is not in the bag"),
            ),
            None => outcome.invalid(
                FindingCode::MissingPayload,
                format!("{name} lists {path}, which is missing from the payload"),
            ),
            Some(file) if self.algorithm.of(file) != expected => outcome.invalid(
                FindingCode::Fixity,
                format!(
                    "{path} does not match its {} in {name}: it was changed or damaged",
                    self.algorithm.label()
                ),
            ),
            Some(_) => {}
        }
    }

    /// Every tag file the format names, and every file under evidence/, is
    /// `listed`.
    fn check_tags_listed(&self, listed: &HashSet<String>, outcome: &mut Outcome) {
        for path in self
            .files
            .keys()
            .filter(|p| must_be_listed(p) && !listed.contains(*p))
        {
            outcome.invalid(
                FindingCode::UnlistedTagFile,
                format!("{} does not list the tag file {path}", self.name),
            );
        }
    }

    /// Every payload file is `listed`: a file the manifest does not name has
    /// no fixity, so it could have been slipped in.
    fn check_all_listed(&self, listed: &HashSet<String>, outcome: &mut Outcome) {
        for path in self
            .files
            .keys()
            .filter(|p| is_payload(p) && !listed.contains(*p))
        {
            outcome.invalid(
                FindingCode::ExtraPayload,
                format!("{path} is in the payload but not listed in {}", self.name),
            );
        }
    }
}

/// `<hex digest> <path>`, one or more spaces or tabs between; returns the
/// digest in lowercase and the decoded path.
fn parse_manifest_line(line: &str, algorithm: Algorithm) -> Result<(String, String), String> {
    let Some((digest, rest)) = line.split_once([' ', '\t']) else {
        return Err("has no path after the digest".to_owned());
    };
    let path = rest.trim_start_matches([' ', '\t']);
    if path.is_empty() {
        return Err("has no path after the digest".to_owned());
    }
    if digest.len() != algorithm.hex_len() || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "does not start with a {} digest in hex",
            algorithm.label()
        ));
    }
    Ok((digest.to_ascii_lowercase(), decode_path(path)))
}

/// RFC 8493 §2.1.3: a path in a manifest percent-encodes LF, CR and `%`, and
/// nothing else.
pub(super) fn decode_path(path: &str) -> String {
    let mut decoded = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(at) = rest.find('%') {
        decoded.push_str(&rest[..at]);
        let code = rest.get(at + 1..at + 3).map(str::to_ascii_uppercase);
        let (character, used) = match code.as_deref() {
            Some("0A") => ('\n', 3),
            Some("0D") => ('\r', 3),
            Some("25") => ('%', 3),
            _ => ('%', 1),
        };
        decoded.push(character);
        rest = &rest[at + used..];
    }
    decoded.push_str(rest);
    decoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_paths_decode_only_lf_cr_and_percent() {
        assert_eq!(decode_path("a%0Ab%0dc%25d%41%2"), "a\nb\rc%d%41%2");
        assert_eq!(decode_path("%250A"), "%0A");
        assert_eq!(decode_path("data/纸 1.md"), "data/纸 1.md");
    }

    #[test]
    fn manifest_lines_need_a_digest_of_the_right_length_and_a_path() {
        let sha256 = "ab".repeat(32);
        let line = format!("{}\t  data/a b.md", sha256.to_uppercase());
        assert_eq!(
            parse_manifest_line(&line, Algorithm::Sha256),
            Ok((sha256.clone(), "data/a b.md".to_owned()))
        );
        assert!(parse_manifest_line(&line, Algorithm::Sha512).is_err());
        assert!(parse_manifest_line(&sha256, Algorithm::Sha256).is_err());
        assert!(parse_manifest_line(&format!("{sha256}  "), Algorithm::Sha256).is_err());
        let not_hex = format!("{}g data/a", "a".repeat(63));
        assert!(parse_manifest_line(&not_hex, Algorithm::Sha256).is_err());
    }

    #[test]
    fn bag_info_values_may_continue_on_indented_lines() {
        let labels = parse_bag_info("A: one\r\n  two\nB:three \n").expect("parsed");
        let expected = [("A", "one two"), ("B", "three")];
        let labels: Vec<(&str, &str)> = labels
            .iter()
            .map(|(l, v)| (l.as_str(), v.as_str()))
            .collect();
        assert_eq!(labels, expected);
        assert!(parse_bag_info("  indented first\n").is_err());
        assert!(parse_bag_info("no colon\n").is_err());
        assert!(parse_bag_info("Label : value\n").is_err());
    }
}
