//! A package's seal over time: the evidence its manifest's CMS seal carries
//! (certificates, CRLs, OCSP responses, its signature time-stamp), the
//! certificate files, and the bag's `evidence/` tag files, judged by the
//! long-term rule ([`crate::verify::long_term`]).
//!
//! The layout, exactly (docs/package.md):
//!
//! ```text
//! evidence/revocation-N/     cert-*.der, ocsp-*.der (OCSPResponse), crl-*.crl
//! evidence/archive-N.txt     "<sha256 hex>  <path>" lines: every payload file and
//!                            every evidence file written before archive-N.tsr
//! evidence/archive-N.tsr     an RFC 3161 token over SHA-256(archive-N.txt)
//! evidence/archive-N-tsa/    evidence for archive-N's own authority
//! ```
//!
//! In the order written: the seal (place 0), revocation-N (2N − 1), then
//! archive-N.tsr and archive-N-tsa (2N); archive-N covers every place up to
//! 2N − 1. Each archive-N.txt line must match its file, and list what it must;
//! each token must hold over its list: otherwise `archive-timestamp`, naming
//! archive-N. Anything else under evidence/ is `evidence-layout`.

use std::collections::{BTreeMap, BTreeSet};

use super::bagit::decode_path;
use super::container::{Files, is_payload};
use super::{MANIFEST_SEAL, Outcome, PAYLOAD};
use crate::cms::{self, CertificateSummary, load_pem_certificates};
use crate::revocation::{Evidence, RevocationStatus};
use crate::verify::long_term::{self, Path, Policy, Pool, Sealed, Stamp, in_cms};
use crate::verify::{FindingCode, Options, SignatureReport, Timestamp, TimestampKind};

pub(super) const EVIDENCE: &str = "evidence/";

/// What one evidence/ path is.
enum Item {
    /// In revocation-N/ (`archive` false) or archive-N-tsa/ (true).
    Revocation {
        n: u32,
        archive: bool,
        kind: Kind,
    },
    List(u32),
    Token(u32),
}

#[derive(Clone, Copy)]
enum Kind {
    Certificate,
    Ocsp,
    Crl,
}

impl Item {
    /// The place where the item was written (see the module docs).
    fn place(&self) -> u64 {
        let twice = |n: u32| 2 * u64::from(n);
        match *self {
            Item::Revocation { n, archive, .. } if !archive => twice(n) - 1,
            Item::Revocation { n, .. } | Item::List(n) | Item::Token(n) => twice(n),
        }
    }
}

/// Judges the package's seal, `report` (its CMS checked), over time, and
/// checks the archive timestamps; findings go to `outcome`.
pub(super) fn judge_over_time(
    files: &Files,
    report: &mut SignatureReport,
    options: &Options,
    policy: Policy,
    outcome: &mut Outcome,
) {
    let Some(check) = &report.cms else {
        return;
    };
    let items = layout(files, outcome);
    let mut pool = pool(files, &items, options);
    if let Some(p7s) = files.get(MANIFEST_SEAL).and_then(|f| f.bytes.as_deref()) {
        pool.add(0, in_cms(p7s));
    }
    let mut stamps: Vec<Stamp> = check
        .timestamps
        .iter()
        .zip(&report.timestamps)
        .map(|(token, shown)| Stamp {
            shown: shown.clone(),
            time: token.attested,
            holds: token.valid,
            path: Path::of(&token.token),
            place: 0,
            covers: None,
        })
        .collect();
    let seal = Sealed {
        place: 0,
        path: Path::of(check),
        stamps: (0..stamps.len()).collect(),
        held_to_format: true,
    };
    stamps.extend(archives(files, &items, options, outcome));
    incomplete_evidence(&items, &pool, &stamps, outcome);
    report.timestamps.extend(
        stamps
            .iter()
            .filter(|s| s.covers.is_some())
            .map(|s| s.shown.clone()),
    );
    let (stamp_outcomes, mut seal_outcomes) = long_term::judge(&pool, policy, &stamps, &[seal]);
    if let Some(judged) = seal_outcomes.pop() {
        judged.apply(report);
    }
    for judged in stamp_outcomes {
        judged.apply(report);
    }
}

/// LTP-6 as a verifier can hold a renewal to it: `evidence/revocation-N/`
/// holds evidence about each certificate of the chain of the newest
/// time-stamp before renewal N, which the renewal must have had (LTP-4).
/// The other chains' evidence is gathered with best effort, so its absence
/// is no finding. Judged as of archive-N's time, when it was gathered.
fn incomplete_evidence(
    items: &BTreeMap<String, Item>,
    pool: &Pool,
    stamps: &[Stamp],
    outcome: &mut Outcome,
) {
    let renewals: BTreeSet<u32> = items
        .values()
        .filter_map(|item| match item {
            Item::Revocation {
                n, archive: false, ..
            } => Some(*n),
            _ => None,
        })
        .collect();
    for n in renewals {
        let place = 2 * u64::from(n);
        let archive = stamps
            .iter()
            .find(|s| s.place == place && s.covers.is_some());
        let newest = stamps
            .iter()
            .filter(|s| s.place < place - 1)
            .max_by_key(|s| s.time);
        let (Some(archive), Some(newest)) = (archive, newest) else {
            continue;
        };
        // revocation-N/ alone: the place of its files (see the module docs).
        let evidence = pool.at(place - 1);
        let chain: Vec<(&CertificateSummary, &[u8])> = newest
            .path
            .chain
            .iter()
            .map_while(|c| Some((c, pool.certificate(&c.sha256_fingerprint)?)))
            .collect();
        for pair in chain.windows(2) {
            let ((summary, certificate), (_, issuer)) = (pair[0], pair[1]);
            if evidence.status_of(certificate, issuer, archive.time) == RevocationStatus::NoEvidence
            {
                let name = summary.common_name.as_deref().unwrap_or(&summary.subject);
                outcome.invalid(
                    FindingCode::EvidenceIncomplete,
                    format!(
                        "{EVIDENCE}revocation-{n}/ holds no OCSP response or CRL about {name}, \
                         of the chain of the time-stamp authority {}, whose time-stamp is the \
                         newest before renewal {n}: that renewal had to have it",
                        newest.shown.tsa
                    ),
                );
            }
        }
    }
}

/// Every file under evidence/, by what it is; a finding for anything else.
fn layout(files: &Files, outcome: &mut Outcome) -> BTreeMap<String, Item> {
    let mut items = BTreeMap::new();
    for path in files.keys().filter(|p| p.starts_with(EVIDENCE)) {
        match item(&path[EVIDENCE.len()..]) {
            Some(item) => {
                items.insert(path.clone(), item);
            }
            None => outcome.invalid(
                FindingCode::EvidenceLayout,
                format!(
                    "{path} is not where a package keeps evidence (evidence/revocation-N/, \
                     evidence/archive-N.txt, .tsr and -tsa/)"
                ),
            ),
        }
    }
    items
}

/// Whether an archive timestamp (`evidence/archive-N.tsr`) covers the package.
pub(super) fn is_archived(files: &Files) -> bool {
    files
        .keys()
        .filter_map(|path| path.strip_prefix(EVIDENCE))
        .any(|name| matches!(item(name), Some(Item::Token(_))))
}

/// What `name` (a path under evidence/) is in the layout.
fn item(name: &str) -> Option<Item> {
    if let Some((folder, file)) = name.split_once('/') {
        let (n, archive) = match folder.strip_prefix("revocation-") {
            Some(n) => (number(n)?, false),
            None => (
                number(folder.strip_prefix("archive-")?.strip_suffix("-tsa")?)?,
                true,
            ),
        };
        let kind = if file.starts_with("cert-") && file.ends_with(".der") {
            Kind::Certificate
        } else if file.starts_with("ocsp-") && file.ends_with(".der") {
            Kind::Ocsp
        } else if file.starts_with("crl-") && file.ends_with(".crl") {
            Kind::Crl
        } else {
            return None;
        };
        return (!file.contains('/')).then_some(Item::Revocation { n, archive, kind });
    }
    let rest = name.strip_prefix("archive-")?;
    if let Some(n) = rest.strip_suffix(".txt") {
        return Some(Item::List(number(n)?));
    }
    Some(Item::Token(number(rest.strip_suffix(".tsr")?)?))
}

/// A number from 1, written without leading zeros.
fn number(text: &str) -> Option<u32> {
    let n: u32 = text.parse().ok()?;
    (n >= 1 && text == n.to_string()).then_some(n)
}

/// The evidence files at their places, the certificate files and anchors.
fn pool(files: &Files, items: &BTreeMap<String, Item>, options: &Options) -> Pool {
    let mut pool = Pool::default();
    pool.add_certificates(&options.anchors);
    for file in files
        .iter()
        .filter(|(path, _)| path.starts_with(&format!("{PAYLOAD}certificates/")))
        .filter_map(|(_, file)| file.bytes.as_deref())
    {
        pool.add_certificates(&load_pem_certificates(file).unwrap_or_default());
    }
    for (path, item) in items {
        let (Item::Revocation { kind, .. }, Some(bytes)) =
            (item, files.get(path).and_then(|f| f.bytes.clone()))
        else {
            continue;
        };
        let mut evidence = Evidence::default();
        match kind {
            Kind::Certificate => evidence.certificates.push(bytes),
            Kind::Ocsp => evidence.ocsp_responses.push(bytes),
            Kind::Crl => evidence.crls.push(bytes),
        }
        pool.add(item.place(), evidence);
    }
    pool
}

/// Each archive timestamp checked: its list against the files, what it
/// must cover, its token over the list. Returns them as stamps.
fn archives(
    files: &Files,
    items: &BTreeMap<String, Item>,
    options: &Options,
    outcome: &mut Outcome,
) -> Vec<Stamp> {
    let numbers: BTreeSet<u32> = items
        .values()
        .filter_map(|item| match item {
            Item::List(n) | Item::Token(n) => Some(*n),
            Item::Revocation { .. } => None,
        })
        .collect();
    let mut stamps = Vec::new();
    for n in numbers {
        let before = outcome.findings.len();
        let (list_path, token_path) = (
            format!("{EVIDENCE}archive-{n}.txt"),
            format!("{EVIDENCE}archive-{n}.tsr"),
        );
        let bytes = |path: &str| files.get(path).and_then(|f| f.bytes.as_deref());
        let (Some(list), Some(token)) = (bytes(&list_path), bytes(&token_path)) else {
            outcome.invalid(
                FindingCode::ArchiveTimestamp,
                format!("archive-{n} needs both {list_path} and {token_path}; one is missing"),
            );
            continue;
        };
        check_list(n, list, files, items, outcome);
        let covers = format!("{list_path}, the files it lists");
        let check = match cms::verify_timestamp(token, &[list], &covers, &options.anchors) {
            Ok(check) => check,
            Err(error) => {
                outcome.invalid(
                    FindingCode::ArchiveTimestamp,
                    format!("{token_path} is not a readable time-stamp token: {error}"),
                );
                continue;
            }
        };
        if !check.valid && !check.only_untrusted() {
            let why = check
                .problems
                .iter()
                .chain(&check.token.problems)
                .map(|p| p.message.clone())
                .next()
                .unwrap_or_else(|| "it does not hold".to_owned());
            outcome.invalid(
                FindingCode::ArchiveTimestamp,
                format!("the archive timestamp archive-{n} does not hold: {why}"),
            );
        }
        let holds = check.valid && outcome.findings.len() == before;
        let place = 2 * u64::from(n);
        stamps.push(Stamp {
            shown: Timestamp {
                kind: TimestampKind::Archive,
                covers: covers.clone(),
                time: check.time.clone(),
                tsa: check.tsa.clone(),
                valid: holds,
            },
            time: check.attested,
            holds,
            path: Path::of(&check.token),
            place,
            covers: Some(place - 1),
        });
    }
    stamps
}

/// archive-N.txt: well-formed lines, each matching its file, listing every
/// payload file and every evidence file written before archive-N.tsr.
fn check_list(
    n: u32,
    list: &[u8],
    files: &Files,
    items: &BTreeMap<String, Item>,
    outcome: &mut Outcome,
) {
    let name = format!("archive-{n}");
    let mut broken = |why: String| {
        outcome.invalid(
            FindingCode::ArchiveTimestamp,
            format!("the archive timestamp {name} no longer holds: {why}"),
        )
    };
    let Ok(text) = std::str::from_utf8(list) else {
        broken(format!("{EVIDENCE}archive-{n}.txt is not UTF-8 text"));
        return;
    };
    let mut listed = BTreeSet::new();
    for line in text.lines() {
        let Some((digest, path)) = line.split_once("  ") else {
            broken(format!("the line {line:?} is not `<sha256>  <path>`"));
            continue;
        };
        let path = decode_path(path);
        match files.get(&path) {
            None => broken(format!("{path}, which it lists, is not in the bag")),
            Some(file) if !file.sha256.eq_ignore_ascii_case(digest) => broken(format!(
                "{path} was changed after it was made (its SHA-256 is not the one listed)"
            )),
            Some(_) => {}
        }
        listed.insert(path);
    }
    let limit = 2 * u64::from(n) - 1;
    let required = files.keys().filter(|path| {
        is_payload(path) || items.get(*path).is_some_and(|item| item.place() <= limit)
    });
    for path in required {
        if !listed.contains(path) {
            broken(format!("it does not cover {path}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Tree, bag_with, sealed_payload, write_folder};
    use super::*;
    use crate::digest::sha256;
    use crate::test_support::keys::example_chain;
    use crate::test_support::responders::Responders;
    use crate::timestamp::Tsa;
    use crate::verify::{Level, Report, Verdict, verify_package};

    /// archive-1.txt over every payload file of `bag`, sorted, as the
    /// package layout writes it.
    fn archive_list(bag: &Tree) -> Vec<u8> {
        bag.iter()
            .filter(|(path, _)| is_payload(path))
            .map(|(path, bytes)| format!("{}  {path}\n", sha256(bytes)))
            .collect::<String>()
            .into_bytes()
    }

    fn verify(bag: &Tree, anchors: Vec<Vec<u8>>) -> Report {
        let (_temporary, root) = write_folder(bag);
        verify_package(&root, &Options { anchors })
    }

    fn codes(report: &Report) -> Vec<FindingCode> {
        report.findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn an_archive_timestamp_attests_the_package_until_a_file_it_lists_changes() {
        let Some(pki) = Responders::start(None) else {
            return;
        };
        let tsa = Tsa::new(pki.url("TSA_URL")).unwrap();
        let payload = sealed_payload();
        let plain = bag_with(&payload, |_| {});
        let list = archive_list(&plain);
        let token = tsa.stamp(&list).unwrap().der;
        let archived = |payload: &Tree| {
            bag_with(payload, |bag| {
                bag.insert("evidence/archive-1.txt".into(), list.clone());
                bag.insert("evidence/archive-1.tsr".into(), token.clone());
            })
        };
        let pem = std::fs::read(pki.path("certs/root.cert.pem")).unwrap();
        let mut anchors = example_chain("root.pem");
        anchors.extend(load_pem_certificates(&pem).unwrap());
        drop(pki);

        let report = verify(&archived(&payload), anchors.clone());
        assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
        assert_eq!(report.level, Some(Level::BasicT));
        let seal = &report.signatures[0];
        let attested = seal
            .attested
            .as_ref()
            .expect("attested by the archive timestamp");
        assert_eq!(attested.kind, TimestampKind::Archive);
        assert!(
            attested.tsa.contains("Gazette Test TSA"),
            "{}",
            attested.tsa
        );
        assert!(
            report.summary.contains("time attested by"),
            "{}",
            report.summary
        );

        // A source file changed, the bag's own manifests made anew: the
        // archive timestamp's list no longer matches.
        let mut changed = payload.clone();
        let source = changed
            .keys()
            .find(|p| p.starts_with("source/"))
            .unwrap()
            .clone();
        changed.get_mut(&source).unwrap().push(b'!');
        let report = verify(&archived(&changed), anchors);
        assert_ne!(report.verdict, Verdict::Valid);
        let finding = report
            .findings
            .iter()
            .find(|f| f.code == FindingCode::ArchiveTimestamp)
            .expect("an archive-timestamp finding");
        assert!(finding.message.contains("archive-1"), "{}", finding.message);
        assert!(finding.message.contains(&source), "{}", finding.message);
    }

    #[test]
    fn files_outside_the_evidence_layout_are_refused_and_the_layout_is_read() {
        let bag = bag_with(&sealed_payload(), |bag| {
            bag.insert("evidence/notes.txt".into(), b"hello".to_vec());
            bag.insert("evidence/revocation-1/crl-1.crl".into(), Vec::new());
        });
        let report = verify(&bag, example_chain("root.pem"));
        assert_eq!(codes(&report), [FindingCode::EvidenceLayout]);
        assert!(report.findings[0].message.contains("evidence/notes.txt"));
        for (name, place) in [
            ("revocation-2/ocsp-1.der", Some(3)),
            ("archive-2-tsa/cert-1.der", Some(4)),
            ("archive-10.txt", Some(20)),
            ("archive-1.tsr", Some(2)),
            ("archive-01.txt", None),
            ("revocation-1/other.der", None),
            ("revocation-0/crl-1.crl", None),
            ("revocation-1/sub/crl-1.crl", None),
        ] {
            assert_eq!(item(name).map(|i| i.place()), place, "{name}");
        }
    }
}
