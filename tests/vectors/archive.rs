//! The archive's vectors (tests/vectors/archive/): packages handed to an
//! archive to renew, as `gazette extend <id>.bag.zip --tsa URL --trust ROOT`
//! renews them, while the test PKI answers or after it has stopped. Each
//! sidecar names the rule of clause 8.2 the renewal puts to the test and
//! the outcome the rule demands: refused, the error naming the rule and the
//! package left as it was with nothing written beside it (LTP-13); or
//! renewed, every earlier entry of the zip byte for byte in its place
//! (LTP-10), no file of the bag changed but the tag manifests, which list
//! every new file (LTP-9), and the renewed package VALID at B-LTA.

use std::path::Path;

use gazette::verify::{Level, Policy, Report, SignatureKind, Verdict, verify_path_under};
use serde::Deserialize;

use super::{Base, Mutation, Named, materialise, options, sidecars, unzip};
use crate::support::{TestPki, gazette, stderr};

/// One archive vector's sidecar, tests/vectors/archive/<id>.json.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArchiveSidecar {
    id: String,
    /// A package base of the vectors: `package-b-lta`, `unsealed-package`…
    base: Base,
    mutation: Option<Mutation>,
    rule: String,
    outcome: Outcome,
    /// What answers the renewal's requests.
    #[serde(default)]
    authorities: Answering,
    description: String,
}

impl Named for ArchiveSidecar {
    fn id(&self) -> &str {
        &self.id
    }
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
enum Outcome {
    Refused,
    Renewed,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
enum Answering {
    /// The test PKI's time-stamp authority, OCSP responder and CRLs.
    #[default]
    All,
    /// Its OCSP responder and CRLs, and a time-stamp authority URL that
    /// answers every query with an error.
    AllButTheTsa,
    /// Nothing: the test PKI has stopped.
    Nothing,
}

/// Renews every archive vector and checks its outcome; the vectors that
/// need the test PKI stopped come last, once `pki` is dropped.
pub fn check(pki: TestPki) {
    let all: Vec<(ArchiveSidecar, String)> = sidecars("archive");
    assert!(all.len() >= 4, "{} archive vectors", all.len());
    let ids = super::rule_ids();
    for (sidecar, _) in &all {
        assert!(
            ids.contains(&sidecar.rule) && sidecar.rule.starts_with("LTP-"),
            "{}: an archive vector names a rule of clause 8",
            sidecar.id
        );
        assert!(!sidecar.description.is_empty(), "{}", sidecar.id);
    }
    let work = tempfile::tempdir().unwrap();
    let root = work.path().join("root.pem");
    std::fs::write(&root, &super::sample_of_2026().root_pem).unwrap();
    let tsa = pki.url("TSA_URL");
    let failing_tsa = format!("{}/gazette/tsa/no-such-authority", pki.url("PKI_URL"));
    let (answered, unanswered): (Vec<_>, Vec<_>) = all
        .iter()
        .partition(|(sidecar, _)| sidecar.authorities != Answering::Nothing);
    let mut failures: Vec<String> = answered
        .iter()
        .filter_map(|(sidecar, _)| {
            let url = match sidecar.authorities {
                Answering::AllButTheTsa => &failing_tsa,
                _ => &tsa,
            };
            disagreement(sidecar, url, &root).map(|why| format!("{}: {why}", sidecar.id))
        })
        .collect();
    drop(pki);
    failures.extend(unanswered.iter().filter_map(|(sidecar, _)| {
        disagreement(sidecar, &tsa, &root).map(|why| format!("{}: {why}", sidecar.id))
    }));
    assert!(failures.is_empty(), "{failures:#?}");
}

/// What renewing the vector did against what its sidecar says, or nothing
/// when they agree.
fn disagreement(sidecar: &ArchiveSidecar, tsa: &str, root: &Path) -> Option<String> {
    let before = materialise(sidecar.base, sidecar.mutation.as_ref());
    let is_pdf = sidecar.base.extension() == "pdf";
    let name = match is_pdf {
        true => format!("{}.pdf", sidecar.id),
        false => format!("{}.zip", unzip(&before)[0].name.split('/').next().unwrap()),
    };
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join(name);
    std::fs::write(&file, &before).unwrap();
    let run = gazette()
        .arg("extend")
        .arg(&file)
        .args(["--tsa", tsa, "--trust"])
        .arg(root)
        .output()
        .unwrap();
    let after = std::fs::read(&file).unwrap();
    let beside = std::fs::read_dir(folder.path()).unwrap().count() - 1;
    match sidecar.outcome {
        Outcome::Refused if run.status.success() => Some("renewed, not refused".into()),
        Outcome::Refused if !stderr(&run).contains(&sidecar.rule) => Some(format!(
            "the error does not name {}: {}",
            sidecar.rule,
            stderr(&run)
        )),
        Outcome::Refused if after != before || beside > 0 => Some(format!(
            "refused, but the package changed or {beside} files were written beside it"
        )),
        Outcome::Refused => None,
        Outcome::Renewed if !run.status.success() => Some(format!("refused: {}", stderr(&run))),
        Outcome::Renewed if is_pdf => pdf_renewal_breaks(sidecar, &before, &after),
        Outcome::Renewed => zip_renewal_breaks(sidecar, &before, &after, &file),
    }
}

/// The report on `bytes`, a file of `sidecar`'s base, judged now.
fn judged(sidecar: &ArchiveSidecar, bytes: &[u8]) -> Report {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join(format!("{}.pdf", sidecar.id));
    std::fs::write(&file, bytes).unwrap();
    verify_path_under(&file, &options(sidecar.base), Policy::default()).unwrap()
}

/// Which rule of a renewal the renewed PDF `after` of `before` breaks.
fn pdf_renewal_breaks(sidecar: &ArchiveSidecar, before: &[u8], after: &[u8]) -> Option<String> {
    if !after.starts_with(before) {
        return Some("LTP-2: the earlier bytes changed".into());
    }
    let revisions = after[before.len()..]
        .windows(5)
        .filter(|w| w == b"%%EOF")
        .count();
    let stamps = |report: &Report| {
        report
            .signatures
            .iter()
            .filter(|s| s.kind == SignatureKind::DocumentTimestamp)
            .count()
    };
    let (old, new) = (judged(sidecar, before), judged(sidecar, after));
    if revisions != 3 || stamps(&new) != stamps(&old) + 1 {
        return Some(format!(
            "LTP-3: {revisions} revisions added, {} document timestamps where there were {}",
            stamps(&new),
            stamps(&old)
        ));
    }
    lasting(&new)
}

/// Why a renewed file's report is not VALID at B-LTA, if it is not.
fn lasting(report: &Report) -> Option<String> {
    (report.verdict != Verdict::Valid || report.level != Some(Level::BasicLta)).then(|| {
        format!(
            "renewed, then {:?} at {:?}: {}",
            report.verdict, report.level, report.summary
        )
    })
}

/// Which rule of a renewal the renewed zip `after` of `before` breaks.
fn zip_renewal_breaks(
    sidecar: &ArchiveSidecar,
    before: &[u8],
    after: &[u8],
    zip: &Path,
) -> Option<String> {
    // The tag manifests come last, after every other entry's local header
    // and data: those stay byte for byte in place when the bytes before the
    // first tag manifest do.
    let mut earlier = zip::ZipArchive::new(std::io::Cursor::new(before)).unwrap();
    let starts: Vec<(bool, u64)> = (0..earlier.len())
        .map(|index| {
            let entry = earlier.by_index_raw(index).unwrap();
            (
                entry.name().unwrap().contains("/tagmanifest-"),
                entry.header_start(),
            )
        })
        .collect();
    let kept = starts
        .iter()
        .filter(|(tag, _)| *tag)
        .map(|(_, at)| *at)
        .min()
        .unwrap();
    assert!(
        starts.iter().all(|(tag, at)| *tag || *at < kept),
        "the tag manifests come last"
    );
    let kept = usize::try_from(kept).unwrap();
    if after.get(..kept) != Some(&before[..kept]) {
        return Some("LTP-10: an earlier entry moved or changed".into());
    }
    let (old, new) = (unzip(before), unzip(after));
    let is_tag_manifest = |name: &str| name.contains("/tagmanifest-");
    for entry in old.iter().filter(|e| !is_tag_manifest(&e.name)) {
        if !new
            .iter()
            .any(|n| n.name == entry.name && n.content == entry.content)
        {
            return Some(format!("LTP-9: {} changed", entry.name));
        }
    }
    let tag_manifests: Vec<&super::Entry> =
        new.iter().filter(|e| is_tag_manifest(&e.name)).collect();
    for added in new.iter().filter(|n| !old.iter().any(|e| e.name == n.name)) {
        let path = added.name.split_once('/').unwrap().1;
        let listed = |manifest: &&super::Entry| {
            String::from_utf8_lossy(&manifest.content)
                .lines()
                .any(|line| line.split_once(' ').is_some_and(|(_, p)| p.trim() == path))
        };
        if tag_manifests.is_empty() || !tag_manifests.iter().all(listed) {
            return Some(format!("LTP-9: {path} is not listed in every tag manifest"));
        }
    }
    lasting(&verify_path_under(zip, &options(sidecar.base), Policy::default()).unwrap())
}
