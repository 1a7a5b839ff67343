//! Each document's own PDF, as someone who cites or forwards one document
//! gets it: one file per document where manifest.json lists it, holding
//! exactly the document's printed pages, sealed and valid on its own, and
//! caught when a byte of it changes, alone or inside the package.

use gazette::cms;
use gazette::package::manifest::VerificationManifest;
use gazette::verify::{Options, SignatureKind, Verdict, verify_package, verify_pdf};

use crate::support::{example, gazette, sample, sealed_sample, unsealed_sample};

const ID: &str = "shanghai-gazette-2025-08";

fn options() -> Options {
    Options {
        anchors: cms::load_pem_certificates(&std::fs::read(example("root.pem")).unwrap()).unwrap(),
    }
}

fn pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf).unwrap().get_pages().len()
}

#[test]
fn every_document_has_a_sealed_pdf_of_its_own_printed_pages() {
    let editions = sealed_sample();
    let manifest: VerificationManifest = serde_json::from_slice(&editions.manifest_json).unwrap();
    assert!(manifest.documents.len() > 1);
    assert_eq!(editions.documents.len(), manifest.documents.len());
    let mut printed = 0;
    for (index, entry) in manifest.documents.iter().enumerate() {
        let position = index + 1;
        let [file, ..] = entry.files.as_slice() else {
            panic!("document {position} lists no files");
        };
        assert_eq!(file.path, format!("documents/{ID}-{position:02}.pdf"));
        assert_eq!(file.media_type, "application/pdf");
        let uri = entry.uri.as_deref().unwrap();
        assert!(uri.ends_with(&format!(":{position}")), "{uri}");
        let (path, bytes) = &editions.documents[index];
        assert_eq!((path, bytes.len() as u64), (&file.path, file.size));

        let report = verify_pdf(path, bytes, &options());
        assert_eq!(report.verdict, Verdict::Valid, "{path}: {}", report.summary);
        let kinds: Vec<SignatureKind> = report.signatures.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, [SignatureKind::Certification], "{path}");
        assert!(report.signatures[0].covers_whole_file, "{path}");
        let range = entry.pdf_pages;
        assert_eq!(
            pages(bytes),
            (range.last - range.first + 1) as usize,
            "{path}"
        );
        printed += pages(bytes);
    }
    let last = manifest.documents.last().unwrap().pdf_pages.last as usize;
    assert_eq!(
        printed, last,
        "the documents' PDFs hold every printed page once"
    );
}

#[test]
fn an_unsealed_edition_has_unsealed_document_pdfs() {
    let editions = unsealed_sample();
    assert!(!editions.documents.is_empty());
    for (path, bytes) in &editions.documents {
        let report = verify_pdf(path, bytes, &options());
        assert_ne!(report.verdict, Verdict::Valid, "{path}");
        assert!(report.signatures.is_empty(), "{path}");
    }
}

#[test]
fn a_changed_byte_in_a_document_pdf_breaks_its_seal() {
    let (path, bytes) = &sealed_sample().documents[1];
    let mut changed = bytes.clone();
    let at = changed.len() / 3;
    changed[at] ^= 1;
    let report = verify_pdf(path, &changed, &options());
    assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
}

#[test]
fn the_package_verifies_with_its_document_pdfs_and_catches_one_changed() {
    let out = tempfile::tempdir().unwrap();
    let run = gazette()
        .arg("build")
        .arg("--document-pdfs")
        .arg(sample())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let bag = out.path().join(ID).join(format!("{ID}.bag"));
    let report = verify_package(&bag, &options());
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);

    let document = bag.join(format!("data/documents/{ID}-02.pdf"));
    let mut bytes = std::fs::read(&document).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&document, bytes).unwrap();
    let report = verify_package(&bag, &options());
    assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
    assert!(
        report
            .summary
            .contains(&format!("data/documents/{ID}-02.pdf")),
        "{}",
        report.summary
    );
}

#[test]
fn without_document_pdfs_asked_for_a_build_makes_none() {
    let out = tempfile::tempdir().unwrap();
    let run = gazette()
        .args(["build", "--no-seal"])
        .arg(sample())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let documents = out.path().join(ID).join("documents");
    let names: Vec<String> = std::fs::read_dir(&documents)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.is_empty());
    assert!(
        !names.iter().any(|name| name.ends_with(".pdf")),
        "{names:?}"
    );
    let manifest: VerificationManifest =
        serde_json::from_slice(&std::fs::read(out.path().join(ID).join("manifest.json")).unwrap())
            .unwrap();
    let pdfs = manifest.documents.iter().flat_map(|d| &d.files);
    assert!(
        !pdfs
            .into_iter()
            .any(|file| file.media_type == "application/pdf")
    );
}
