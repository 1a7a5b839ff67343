//! The archive's vectors (tests/vectors/archive/): packages handed to an
//! archive to renew, as `gazette extend <id>.bag.zip --tsa URL --trust ROOT`
//! renews them, while the test PKI answers or after it has stopped. Each
//! sidecar names the rule of clause 8.2 the renewal puts to the test and
//! the outcome the rule demands: refused, the error naming the rule and the
//! package left as it was with nothing written beside it (LTP-13); or
//! renewed, every earlier entry of the zip byte for byte in its place
//! (LTP-10), no file of the bag changed but the tag manifests, which list
//! every new file (LTP-9), and the renewed package VALID at B-LTA.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gazette::verify::{Level, Policy, Report, SignatureKind, Verdict, verify_path_under};
use serde::Deserialize;

use super::{
    AsFolder, Base, Mutation, Named, materialise, options, sidecars, unzip, unzipped_into,
};
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
    /// Handed over as the bag folder the package's zip holds, unzipped.
    #[serde(default)]
    folder: bool,
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

/// The files of a package as path → bytes: a bag folder's, or a zip's
/// entries, named as the zip names them.
type Files = BTreeMap<String, Vec<u8>>;

/// What a renewal is handed, as the vector's sidecar says: a PDF, a bag's
/// zip, or the bag folder that zip holds.
enum Handed {
    Pdf(PathBuf),
    Zip(PathBuf),
    Folder(PathBuf),
}

impl Handed {
    fn path(&self) -> &Path {
        match self {
            Handed::Pdf(path) | Handed::Zip(path) | Handed::Folder(path) => path,
        }
    }

    /// What it holds now: a file's bytes under its own name, or a folder's
    /// files under the paths a zip would give them.
    fn files(&self) -> Files {
        match self {
            Handed::Pdf(path) | Handed::Zip(path) => {
                Files::from([(String::new(), std::fs::read(path).unwrap())])
            }
            Handed::Folder(path) => walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .map(Result::unwrap)
                .filter(|entry| entry.file_type().is_file())
                .map(|entry| {
                    let relative = entry.path().strip_prefix(path.parent().unwrap()).unwrap();
                    let name = relative.to_str().unwrap().replace('\\', "/");
                    (name, std::fs::read(entry.path()).unwrap())
                })
                .collect(),
        }
    }
}

/// The vector written into `folder` in the form its sidecar hands it over.
fn hand_over(sidecar: &ArchiveSidecar, bytes: &[u8], folder: &Path) -> Handed {
    if sidecar.base.extension() == "pdf" {
        let file = folder.join(format!("{}.pdf", sidecar.id));
        std::fs::write(&file, bytes).unwrap();
        return Handed::Pdf(file);
    }
    if sidecar.folder {
        return Handed::Folder(unzipped_into(folder, bytes, &AsFolder::default()));
    }
    let bag = unzip(bytes)[0].name.split('/').next().unwrap().to_owned();
    let file = folder.join(format!("{bag}.zip"));
    std::fs::write(&file, bytes).unwrap();
    Handed::Zip(file)
}

/// What renewing the vector did against what its sidecar says, or nothing
/// when they agree.
fn disagreement(sidecar: &ArchiveSidecar, tsa: &str, root: &Path) -> Option<String> {
    let bytes = materialise(sidecar.base, sidecar.mutation.as_ref());
    let folder = tempfile::tempdir().unwrap();
    let handed = hand_over(sidecar, &bytes, folder.path());
    let before = handed.files();
    let run = gazette()
        .arg("extend")
        .arg(handed.path())
        .args(["--tsa", tsa, "--trust"])
        .arg(root)
        .output()
        .unwrap();
    let after = handed.files();
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
        Outcome::Renewed => match &handed {
            Handed::Pdf(_) => pdf_renewal_breaks(sidecar, &before[""], &after[""]),
            Handed::Zip(zip) => zip_entries_moved(&before[""], &after[""]).or_else(|| {
                let files = |bytes: &[u8]| -> Files {
                    unzip(bytes)
                        .into_iter()
                        .map(|e| (e.name, e.content))
                        .collect()
                };
                package_renewal_breaks(sidecar, &files(&before[""]), &files(&after[""]), zip)
            }),
            Handed::Folder(bag) => package_renewal_breaks(sidecar, &before, &after, bag),
        },
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

/// Whether the renewed zip `after` of `before` moved or changed an earlier
/// entry but the tag manifests (LTP-10).
fn zip_entries_moved(before: &[u8], after: &[u8]) -> Option<String> {
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
    (after.get(..kept) != Some(&before[..kept]))
        .then(|| "LTP-10: an earlier entry moved or changed".into())
}

/// Which rule of a renewal the renewed package's files `after` of `before`
/// break (LTP-9), or, when none, why the package at `path` is not VALID at
/// B-LTA.
fn package_renewal_breaks(
    sidecar: &ArchiveSidecar,
    before: &Files,
    after: &Files,
    path: &Path,
) -> Option<String> {
    let is_tag_manifest = |name: &str| name.contains("/tagmanifest-");
    for (name, bytes) in before.iter().filter(|(name, _)| !is_tag_manifest(name)) {
        if after.get(name) != Some(bytes) {
            return Some(format!("LTP-9: {name} changed"));
        }
    }
    let tag_manifests: Vec<&Vec<u8>> = after
        .iter()
        .filter(|(name, _)| is_tag_manifest(name))
        .map(|(_, bytes)| bytes)
        .collect();
    for name in after.keys().filter(|name| !before.contains_key(*name)) {
        let path = name.split_once('/').unwrap().1;
        let listed = |manifest: &&Vec<u8>| {
            String::from_utf8_lossy(manifest)
                .lines()
                .any(|line| line.split_once(' ').is_some_and(|(_, p)| p.trim() == path))
        };
        if tag_manifests.len() != 2 || !tag_manifests.iter().all(listed) {
            return Some(format!("LTP-9: {path} is not listed in both tag manifests"));
        }
    }
    lasting(&verify_path_under(path, &options(sidecar.base), Policy::default()).unwrap())
}
