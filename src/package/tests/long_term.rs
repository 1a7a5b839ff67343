//! manifest.json's seal and the bag's archive timestamps at each long-term
//! level, against the test PKI's real time-stamp authority, OCSP responder
//! and CRL server (tests/pki), asked through the client a build uses; the
//! bag renewed twice, then once with the authority down. Second opinions
//! from openssl (`cms -verify`, `ts -verify`), bagit-python and asn1crypto
//! (pyHanko's ASN.1 library) where they are installed.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::{Decode, Encode};
use zip::ZipArchive;

use super::support::{Fixture, sha256_hex};
use super::tools::{assert_valid_bag, bagit_available, run};
use crate::cms::{UnixTime, load_pem_certificates, verify_detached};
use crate::package::bag::{self, BagFile};
use crate::package::extend::{self, Extended};
use crate::package::{Package, PackageError, PackageInputs, archive, build, zip_name};
use crate::revocation::{Evidence, RevocationError, RevocationStatus};
use crate::seal::{AsOf, Authorities, Level, LongTerm, Network};
use crate::signer::{self, FixedSecrets, KeySource, RsaPadding};
use crate::test_support::responders::{Responders, unavailable_in};
use crate::test_support::tool_available;
use crate::timestamp::read_token;
use crate::verify::{FindingCode, Options, Report, verify_package_zip};

/// The running test PKI, and the sample sealed with its seal key.
struct Pki {
    responders: Responders,
    network: Network,
    fixture: Fixture,
}

impl Pki {
    fn start() -> Option<Pki> {
        Pki::start_as_of(None, "seal")
    }

    /// The responders answering as of `fake_time` (ISO 8601) if given, and
    /// the sample sealed with the key of `seal` ("seal" or "seal-revoked").
    fn start_as_of(fake_time: Option<&str>, seal: &str) -> Option<Pki> {
        let responders = Responders::start(fake_time)?;
        let certificate = |name: &str| {
            let pem = std::fs::read(responders.path(&format!("certs/{name}.cert.pem"))).unwrap();
            load_pem_certificates(&pem).unwrap().remove(0)
        };
        let chain = [seal, "interm", "root"].map(certificate).to_vec();
        let source = KeySource::File(responders.path(&format!("keys/{seal}.key.pem")));
        let signer = signer::open(&source, RsaPadding::Pkcs1, &FixedSecrets::default())
            .unwrap()
            .signer;
        let network = Network::new(responders.url("TSA_URL")).unwrap();
        Some(Pki {
            fixture: Fixture {
                chain: Some(chain),
                signer,
                ..Fixture::sample()
            },
            network,
            responders,
        })
    }

    fn build(&self, level: Level) -> Package {
        self.build_by(level, &self.network)
    }

    fn build_by(&self, level: Level, authorities: &dyn Authorities) -> Package {
        let inputs = PackageInputs {
            long_term: Some(LongTerm { authorities, level }),
            ..self.fixture.inputs()
        };
        build(&inputs).expect("the package builds")
    }

    fn root(&self) -> PathBuf {
        self.responders.path("certs/root.cert.pem")
    }

    fn root_der(&self) -> Vec<u8> {
        self.fixture.chain.as_ref().unwrap()[2].clone()
    }

    /// The package written as an edition folder `<dir>/<id>/` holding the
    /// bag folder and its zip.
    fn edition_folder(&self, package: &Package, dir: &Path) -> PathBuf {
        let id = &self.fixture.edition.id;
        let edition = dir.join(id);
        write_bag(&edition.join(format!("{id}.bag")), &package.files);
        std::fs::write(edition.join(zip_name(id)), &package.zip).unwrap();
        edition
    }
}

fn write_bag(folder: &Path, files: &[BagFile]) {
    for (path, bytes) in files {
        let target = folder.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}

/// Every file under `folder`, by `/`-separated relative path.
fn read_bag(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(folder)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let path = entry.path().strip_prefix(folder).unwrap();
            let name = path.to_str().unwrap().replace('\\', "/");
            (name, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}

fn paths_under<'a>(files: &'a [BagFile], folder: &str) -> Vec<&'a str> {
    files
        .iter()
        .map(|(path, _)| path.as_str())
        .filter(|path| path.starts_with(folder))
        .collect()
}

/// What asn1crypto, pyHanko's ASN.1 library, reads in a p7s: the version,
/// the kinds of revocation values, and the certificates' subjects' common
/// names. `None` when it is not installed.
fn asn1crypto_reads(p7s: &[u8]) -> Option<String> {
    let importable = tool_available("python3")
        && Command::new("python3")
            .args(["-c", "import asn1crypto"])
            .output()
            .is_ok_and(|o| o.status.success());
    if !crate::test_support::available(importable, "Python's asn1crypto") {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("manifest.json.p7s");
    std::fs::write(&path, p7s).unwrap();
    let script = "import sys\nfrom asn1crypto import cms\n\
        sd = cms.ContentInfo.load(open(sys.argv[1], 'rb').read())['content']\n\
        kinds = []\n\
        for choice in sd['crls']:\n    \
            kinds.append(choice.name if choice.name == 'crl' else choice.chosen['other_rev_info_format'].native)\n\
        print(sd['version'].native, sorted(kinds), sorted(c.chosen.subject.native['common_name'] for c in sd['certificates']))";
    let output = run(Command::new("python3").args(["-c", script]).arg(&path));
    assert!(output.status.success(), "asn1crypto reads the p7s");
    Some(String::from_utf8(output.stdout).unwrap())
}

/// `openssl cms -verify` of the bag's signature against `root`, now.
fn openssl_cms_verifies(files: &[BagFile], root: &Path) -> bool {
    let dir = tempfile::tempdir().unwrap();
    write_bag(dir.path(), files);
    let output = run(Command::new("openssl")
        .args([
            "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
        ])
        .arg("-in")
        .arg(dir.path().join("data/manifest.json.p7s"))
        .arg("-content")
        .arg(dir.path().join("data/manifest.json"))
        .arg("-CAfile")
        .arg(root)
        .args(["-out", "/dev/null"]));
    output.status.success()
        && String::from_utf8_lossy(&output.stderr).contains("Verification successful")
}

/// `openssl ts -verify` of `evidence/archive-N.tsr` over archive-N.txt.
fn openssl_ts_verifies(files: &[BagFile], number: usize, root: &Path) -> bool {
    let dir = tempfile::tempdir().unwrap();
    write_bag(dir.path(), files);
    let output = run(Command::new("openssl")
        .args(["ts", "-verify", "-token_in"])
        .arg("-data")
        .arg(dir.path().join(format!("evidence/archive-{number}.txt")))
        .arg("-in")
        .arg(dir.path().join(format!("evidence/archive-{number}.tsr")))
        .arg("-CAfile")
        .arg(root));
    output.status.success() && String::from_utf8_lossy(&output.stdout).contains("Verification: OK")
}

fn file<'a>(files: &'a [BagFile], path: &str) -> &'a [u8] {
    files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, bytes)| bytes.as_slice())
        .unwrap_or_else(|| panic!("the bag has no {path}"))
}

/// archive-N.txt's lines as (path, digest), in its order.
fn listed(list: &[u8]) -> Vec<(String, String)> {
    std::str::from_utf8(list)
        .unwrap()
        .lines()
        .map(|line| {
            let (digest, path) = line.split_once("  ").unwrap();
            (path.to_owned(), digest.to_owned())
        })
        .collect()
}

/// archive-N.txt names exactly `expected`, sorted, each with its SHA-256,
/// and archive-N.tsr stamps it.
fn assert_archive(files: &[BagFile], number: usize, expected: &[&str]) {
    let list = file(files, &format!("evidence/archive-{number}.txt"));
    let lines = listed(list);
    let paths: Vec<&str> = lines.iter().map(|(path, _)| path.as_str()).collect();
    let mut sorted = expected.to_vec();
    sorted.sort();
    assert_eq!(
        paths, sorted,
        "archive-{number}.txt lists the payload and the evidence"
    );
    for (path, digest) in &lines {
        assert_eq!(*digest, sha256_hex(file(files, path)), "{path}");
    }
    let token = read_token(file(files, &format!("evidence/archive-{number}.tsr"))).unwrap();
    assert_eq!(token.stamps(list), Some(true), "archive-{number}.tsr");
}

#[test]
fn each_level_seals_manifest_json_and_b_lta_adds_the_first_archive_timestamp() {
    let Some(pki) = Pki::start() else { return };
    let b_t = pki.build(Level::T);
    let b_lt = pki.build(Level::Lt);
    let b_lta = pki.build(Level::Lta);
    let plain = build(&pki.fixture.inputs()).unwrap();
    assert_differs_only_in_seal_and_evidence(&pki, &plain, &b_lta);
    let tools = tool_available("openssl");

    for package in [&b_t, &b_lt] {
        assert!(paths_under(&package.files, "evidence/").is_empty());
    }
    if let Some(read) = asn1crypto_reads(b_t.signature.as_ref().unwrap()) {
        assert!(read.starts_with("v1 [] "), "{read}");
    }
    for package in [&b_lt, &b_lta] {
        if let Some(read) = asn1crypto_reads(package.signature.as_ref().unwrap()) {
            assert!(read.starts_with("v5 ['crl', 'ocsp_response'] "), "{read}");
            for holder in ["Gazette Test TSA", "Gazette Test OCSP Responder"] {
                assert!(read.contains(holder), "{read}");
            }
        }
    }
    for (package, carries) in [(&b_t, false), (&b_lt, true), (&b_lta, true)] {
        let read = crate::cms::read_signed_data(package.signature.as_ref().unwrap()).unwrap();
        let evidence = &read.revocation;
        assert_eq!(
            (
                !evidence.ocsp_responses.is_empty(),
                !evidence.crls.is_empty()
            ),
            (carries, carries),
            "the verifier reads back the OCSP responses and CRLs in crls"
        );
    }
    for package in [&b_t, &b_lt, &b_lta] {
        let p7s = package.signature.as_ref().unwrap();
        let check = verify_detached(
            p7s,
            &[&package.manifest_json],
            UnixTime::now(),
            &[pki.root_der()],
        )
        .expect("gazette reads its own CAdES-T and CAdES-LT");
        assert!(check.valid, "{:?}", check.problems);
        assert!(check.timestamps.iter().all(|t| t.valid));
        assert_eq!(check.timestamps.len(), 1);
        if tools {
            assert!(openssl_cms_verifies(&package.files, &pki.root()));
        }
    }

    let evidence = paths_under(&b_lta.files, "evidence/");
    let revocation: Vec<&str> = paths_under(&b_lta.files, "evidence/revocation-1/");
    assert!(
        revocation.iter().any(|p| p.contains("/ocsp-")),
        "{revocation:?}"
    );
    assert!(
        revocation.iter().any(|p| p.ends_with(".crl")),
        "{revocation:?}"
    );
    for certificate in ["seal", "interm", "root", "tsa"] {
        let pem = std::fs::read(
            pki.responders
                .path(&format!("certs/{certificate}.cert.pem")),
        );
        let der = load_pem_certificates(&pem.unwrap()).unwrap().remove(0);
        let name = format!("evidence/revocation-1/cert-{}.der", &sha256_hex(&der)[..16]);
        assert_eq!(file(&b_lta.files, &name), der, "{certificate}");
    }
    assert!(
        evidence
            .iter()
            .any(|p| p.starts_with("evidence/archive-1-tsa/cert-"))
    );
    let mut expected: Vec<&str> = paths_under(&b_lta.files, "data/");
    expected.extend(&revocation);
    assert_archive(&b_lta.files, 1, &expected);
    if tools {
        assert!(openssl_ts_verifies(&b_lta.files, 1, &pki.root()));
    }
    let tagged = text_of(&b_lta.files, "tagmanifest-sha256.txt");
    for path in &evidence {
        assert!(
            tagged.contains(&format!("  {path}\n")),
            "{path} in the tag manifest"
        );
    }
    assert_eq!(
        b_lta.zip,
        archive::zip(&zip_top(&pki), &b_lta.files, date(&pki), &[]).unwrap()
    );
    if bagit_available() {
        let dir = tempfile::tempdir().unwrap();
        write_bag(dir.path(), &b_lta.files);
        assert_valid_bag(dir.path());
    }

    // A B-T package gets its first archive timestamp from extend.
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join(zip_name(&pki.fixture.edition.id));
    std::fs::write(&zip, &b_t.zip).unwrap();
    let extended = extend::extend_zip(&zip, &pki.network, &[pki.root_der()]).unwrap();
    assert_eq!(extended.renewed.number, 1);
    let files = archive::unzip(&std::fs::read(&zip).unwrap()).unwrap().files;
    let mut expected: Vec<&str> = paths_under(&files, "data/");
    expected.extend(paths_under(&files, "evidence/revocation-1/"));
    assert_archive(&files, 1, &expected);
}

fn text_of(files: &[BagFile], path: &str) -> String {
    String::from_utf8(file(files, path).to_vec()).unwrap()
}

fn zip_top(pki: &Pki) -> String {
    crate::package::bag_folder_name(&pki.fixture.edition.id)
}

fn date(pki: &Pki) -> crate::model::Date {
    pki.fixture.edition.issue.date
}

/// The byte range each entry takes in a zip, its local header and data.
fn entries(zip: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = ZipArchive::new(Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|index| {
            let entry = archive.by_index_raw(index).unwrap();
            let start = usize::try_from(entry.header_start()).unwrap();
            let end =
                usize::try_from(entry.data_start().unwrap() + entry.compressed_size()).unwrap();
            (entry.name().unwrap().into_owned(), zip[start..end].to_vec())
        })
        .collect()
}

/// Point 7 of the issue: a time-stamped package differs from the plain one
/// made of the same editions only where the tokens and the evidence are.
fn assert_differs_only_in_seal_and_evidence(pki: &Pki, plain: &Package, lasting: &Package) {
    let changed = [
        "data/manifest.json.p7s",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha512.txt",
    ];
    for (path, bytes) in &plain.files {
        if !changed.contains(&path.as_str()) {
            assert_eq!(file(&lasting.files, path), bytes.as_slice(), "{path}");
        }
    }
    assert_eq!(
        lasting.files.len(),
        plain.files.len() + paths_under(&lasting.files, "evidence/").len()
    );
    assert_eq!(lasting.manifest_json, plain.manifest_json);
    let differing = |path: &str| -> Vec<String> {
        let (a, b) = (text_of(&plain.files, path), text_of(&lasting.files, path));
        a.lines()
            .zip(b.lines())
            .filter(|(x, y)| x != y)
            .map(|(x, _)| x.to_owned())
            .collect()
    };
    assert_eq!(differing("bag-info.txt").len(), 1);
    assert!(differing("bag-info.txt")[0].starts_with("Payload-Oxum: "));
    for manifest in ["manifest-sha256.txt", "manifest-sha512.txt"] {
        let lines = differing(manifest);
        assert_eq!(lines.len(), 1, "{manifest}");
        assert!(lines[0].ends_with("  data/manifest.json.p7s"), "{manifest}");
    }

    // The signed attributes and the signature value are the plain seal's:
    // the token and the revocation values are unsigned additions.
    let signature = |p7s: &[u8]| {
        let info = ContentInfo::from_der(p7s).unwrap();
        let data: SignedData = info.content.decode_as().unwrap();
        let signer = data.signer_infos.0.as_slice()[0].clone();
        (
            signer.signed_attrs.unwrap().to_der().unwrap(),
            signer.signature.as_bytes().to_vec(),
        )
    };
    let (attributes, value) = signature(plain.signature.as_ref().unwrap());
    let lasting_p7s = lasting.signature.as_ref().unwrap();
    for part in [&attributes[1..], &value[..]] {
        assert!(
            lasting_p7s.windows(part.len()).any(|w| w == part),
            "the B-LTA p7s holds the plain one's signed part"
        );
    }

    let (plain_zip, lasting_zip) = (entries(&plain.zip), entries(&lasting.zip));
    let top = zip_top(pki);
    for (name, bytes) in &plain_zip {
        let path = name.strip_prefix(&format!("{top}/")).unwrap();
        if !changed.contains(&path) {
            assert_eq!(&lasting_zip[name], bytes, "the zip entry {name}");
        }
    }
}

#[test]
fn renewing_twice_keeps_every_file_and_a_failing_authority_changes_nothing() {
    let Some(pki) = Pki::start() else { return };
    let package = pki.build(Level::Lta);
    let dir = tempfile::tempdir().unwrap();
    let edition = pki.edition_folder(&package, dir.path());
    let id = &pki.fixture.edition.id;
    let (folder, zip) = (
        edition.join(format!("{id}.bag")),
        edition.join(zip_name(id)),
    );
    let anchors = [pki.root_der()];

    let earlier = std::fs::read(&zip).unwrap();
    for number in [2, 3] {
        let extended = extend::extend_folder(&edition, &pki.network, &anchors).unwrap();
        let paths: Vec<&Path> = extended.iter().map(|e| e.path.as_path()).collect();
        assert_eq!(paths, [zip.as_path(), folder.as_path()]);
        let [Extended { renewed: a, .. }, Extended { renewed: b, .. }] = &extended[..] else {
            panic!("two packages extended");
        };
        assert_eq!((a, a.number), (b, number), "one renewal for both");
    }
    let renewed: Vec<BagFile> = read_bag(&folder).into_iter().collect();
    let unzipped = archive::unzip(&std::fs::read(&zip).unwrap()).unwrap();
    assert_eq!(
        unzipped.files.iter().cloned().collect::<BTreeMap<_, _>>(),
        renewed.iter().cloned().collect::<BTreeMap<_, _>>(),
        "the zip holds the folder's files"
    );
    assert_eq!(unzipped.date, date(&pki));
    let now = std::fs::read(&zip).unwrap();
    let kept = archive::before_tag_manifests(&earlier).unwrap();
    assert_eq!(
        now[..kept],
        earlier[..kept],
        "the entries built stay byte for byte in place through both renewals (LTP-10)"
    );

    for (path, bytes) in &package.files {
        if !path.starts_with("tagmanifest-") {
            assert_eq!(file(&renewed, path), bytes.as_slice(), "{path} kept");
        }
    }
    let added: Vec<&str> = renewed
        .iter()
        .map(|(path, _)| path.as_str())
        .filter(|path| !package.files.iter().any(|(old, _)| old == path))
        .collect();
    for path in &added {
        assert!(
            [
                "revocation-2/",
                "archive-2.",
                "archive-2-tsa/",
                "revocation-3/",
                "archive-3.",
                "archive-3-tsa/"
            ]
            .iter()
            .any(|prefix| path.starts_with(&format!("evidence/{prefix}"))),
            "{path}"
        );
    }
    let mut expected: Vec<&str> = renewed
        .iter()
        .map(|(path, _)| path.as_str())
        .filter(|path| path.starts_with("data/") || path.starts_with("evidence/"))
        .filter(|path| !path.starts_with("evidence/archive-3"))
        .collect();
    assert_archive(&renewed, 3, &expected);
    expected.retain(|path| {
        !path.starts_with("evidence/archive-2") && !path.starts_with("evidence/revocation-3/")
    });
    assert_archive(&renewed, 2, &expected);
    let tsa =
        load_pem_certificates(&std::fs::read(pki.responders.path("certs/tsa.cert.pem")).unwrap())
            .unwrap()
            .remove(0);
    let tsa_file = format!("evidence/revocation-3/cert-{}.der", &sha256_hex(&tsa)[..16]);
    assert!(
        added.contains(&tsa_file.as_str()),
        "revocation-3 covers the TSA chain"
    );
    if tool_available("openssl") {
        for number in [1, 2, 3] {
            assert!(openssl_ts_verifies(&renewed, number, &pki.root()));
        }
        assert!(openssl_cms_verifies(&renewed, &pki.root()));
    }
    if bagit_available() {
        assert_valid_bag(&folder);
    }

    // The authority is down: the renewal fails and the edition folder is as it was.
    let before: BTreeMap<String, Vec<u8>> = read_bag(&edition);
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = Network::new(&format!("http://{}/tsa", closed.local_addr().unwrap())).unwrap();
    drop(closed);
    let error = extend::extend_folder(&edition, &down, &anchors).unwrap_err();
    assert!(matches!(error, PackageError::Extend(_)), "{error}");
    assert!(error.to_string().contains("(LTP-13)"), "{error}");
    assert_eq!(read_bag(&edition), before, "nothing changed");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "nothing was left beside the edition folder");
}

/// Renewals refused before any authority is asked.
mod refused {
    use super::*;

    /// Never asked: these renewals fail first.
    fn nobody() -> Network {
        Network::new("http://127.0.0.1:9/never-asked").unwrap()
    }

    fn sealed() -> Vec<BagFile> {
        Fixture::sealed("seal-rsa-chain.pem")
            .build(Some("seal-rsa.key.pem"))
            .files
    }

    #[test]
    fn a_bag_whose_files_do_not_match_its_manifests() {
        let mut files = sealed();
        let source = files
            .iter_mut()
            .find(|(path, _)| path.starts_with("data/source/"))
            .unwrap();
        source.1.push(b'\n');
        let error = extend::renew(files, &nobody(), &[]).unwrap_err();
        assert!(error.to_string().contains("not intact"), "{error}");
    }

    #[test]
    fn an_unsealed_bag() {
        let files = Fixture::sample().build(None).files;
        let error = extend::renew(files, &nobody(), &[]).unwrap_err();
        assert!(error.to_string().contains("not sealed"), "{error}");
    }

    #[test]
    fn archive_timestamps_with_a_gap() {
        let mut files = sealed();
        files.push(("evidence/archive-2.tsr".to_owned(), b"a token".to_vec()));
        let error = extend::renew(bag::tagged(files), &nobody(), &[]).unwrap_err();
        assert!(error.to_string().contains("without a gap"), "{error}");
    }

    #[test]
    fn a_chain_that_leads_to_no_trusted_root() {
        let other_root = crate::test_support::keys::P384Key::new().certificate;
        let error = extend::renew(sealed(), &nobody(), &[other_root]).unwrap_err();
        assert!(error.to_string().contains("trusted root"), "{error}");
    }

    #[test]
    fn a_zip_with_entries_outside_its_folder() {
        for names in [
            ["e.bag/bagit.txt", "other/bagit.txt"],
            ["e.bag/bagit.txt", "e.bag/../x"],
            ["e.bag/bagit.txt", "bagit.txt"],
            ["e.bag/data/A", "e.bag/data/a"],
        ] {
            let entries = names.iter().map(|name| crate::zipped::Entry {
                name,
                bytes: b"x",
                stored: false,
            });
            let zip = crate::zipped::write(entries, Fixture::sample().edition.issue.date).unwrap();
            assert!(archive::unzip(&zip).is_err(), "{names:?}");
        }
    }
}

/// What gazette verify says of the bag `files` zipped as `pki` builds it.
fn package_report(pki: &Pki, files: &[BagFile], root: &[u8]) -> Report {
    let zip = archive::zip(&zip_top(pki), files, date(pki), &[]).unwrap();
    let options = Options {
        anchors: vec![root.to_vec()],
    };
    verify_package_zip("test.bag.zip", &zip, &options)
}

#[test]
fn renewing_after_the_seal_is_revoked_keeps_the_revocation_in_the_bag() {
    let Some(pki) = Pki::start_as_of(Some("2026-03-01T00:00:00+00:00"), "seal-revoked") else {
        return;
    };
    let then = AsOf {
        network: &pki.network,
        now: UnixTime(1_772_323_200),
    };
    let package = pki.build_by(Level::Lta, &then);
    pki.responders.answer_as_of(None);
    let (files, renewed) = extend::renew(package.files, &pki.network, &[pki.root_der()]).unwrap();
    assert_eq!(renewed.number, 2);
    let [note] = renewed.notes.as_slice() else {
        panic!("one note, for the seal: {:?}", renewed.notes);
    };
    assert!(
        matches!(&note.0, RevocationError::Revoked { certificate, since, .. }
            if certificate == "Gazette Test Seal (revoked)"
                && since.to_string().starts_with("2026-06-01")),
        "{note}"
    );
    let chain = pki.fixture.chain.as_ref().unwrap();
    let renewal = Evidence {
        certificates: Vec::new(),
        ocsp_responses: files
            .iter()
            .filter(|(path, _)| path.starts_with("evidence/revocation-2/ocsp-"))
            .map(|(_, der)| der.clone())
            .collect(),
        crls: Vec::new(),
    };
    assert!(
        matches!(
            renewal.status_of(&chain[0], &chain[1], UnixTime::now()),
            RevocationStatus::Revoked { .. }
        ),
        "the answer saying revoked is kept in evidence/revocation-2"
    );
    // The fixture's editions are not real PDF and EPUB files: the seal of
    // manifest.json is what is judged here.
    let report = package_report(&pki, &files, &pki.root_der());
    let seal = &report.signatures[0];
    assert!(seal.findings.is_empty(), "{}", report.summary);
    let notes: Vec<FindingCode> = seal.notes.iter().map(|n| n.code).collect();
    assert_eq!(notes, [FindingCode::RevokedLater], "{}", report.summary);
}

#[test]
fn renewing_after_the_seal_ca_is_gone_needs_only_the_newest_token_authority() {
    let Some(first) = Pki::start() else {
        return;
    };
    let package = first.build(Level::Lta);
    let anchors = [first.root_der()];
    let Some(second) = Responders::start(None) else {
        return;
    };
    let archive = Network::new(second.url("TSA_URL")).unwrap();
    let (files, renewed) = extend::renew(package.files, &archive, &anchors).unwrap();
    assert!(renewed.notes.is_empty(), "{:?}", renewed.notes);
    let gone = first.responders.url("PKI_URL").to_owned();
    drop(first);

    let (files, renewed) = extend::renew(files, &archive, &anchors).unwrap();
    assert_eq!(renewed.number, 3);
    let named = unavailable_in(&renewed.notes, &gone);
    assert_eq!(
        named,
        [
            "Gazette Test Intermediate CA",
            "Gazette Test Seal",
            "Gazette Test TSA"
        ]
    );

    // Started before the second stops, so that it cannot take its port.
    let Some(third) = Responders::start(None) else {
        return;
    };
    let newest = second.url("PKI_URL").to_owned();
    drop(second);
    let error = extend::renew(
        files,
        &Network::new(third.url("TSA_URL")).unwrap(),
        &anchors,
    )
    .expect_err("the newest token's authority has no evidence");
    assert!(matches!(error, PackageError::Extend(_)), "{error}");
    let error = error.to_string();
    assert!(error.contains("(LTP-4)"), "{error}");
    assert!(error.contains("Gazette Test TSA"), "{error}");
    assert!(error.contains(&newest), "{error}");
}
