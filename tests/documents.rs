//! Each document's own PDF, as someone who cites or forwards one document
//! gets it: one file per document where manifest.json lists it, holding
//! exactly the document's printed pages, sealed and valid on its own, and
//! caught when a byte of it changes, alone or inside the package.

use gazette::cms;
use gazette::package::manifest::VerificationManifest;
use gazette::verify::{Options, SignatureKind, Verdict, verify_package, verify_pdf};

use crate::support::{built_sample, example, sealed_sample, unsealed_sample};

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
    let out = built_sample(&[]);
    let bag = out.path().join(ID).join(format!("{ID}.bag"));
    let report = verify_package(&bag, &options());
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
    let documents: Vec<&str> = report.parts[2..].iter().map(|p| p.file.as_str()).collect();
    assert_eq!(documents.len(), 14, "{documents:?}");
    assert_eq!(documents[1], format!("data/documents/{ID}-02.pdf"));
    for part in &report.parts {
        assert_eq!(
            part.verdict,
            Verdict::Valid,
            "{}: {}",
            part.file,
            part.summary
        );
        assert_eq!(part.signatures.len(), 1, "{}", part.file);
    }
    assert!(
        report
            .summary
            .ends_with("PDF, EPUB and 14 document PDF seals valid"),
        "{}",
        report.summary
    );
    let signer = report
        .checks
        .iter()
        .find(|c| c.message.contains("documents' PDFs"));
    assert!(
        signer.is_some(),
        "no check of the documents' signer: {:?}",
        report.checks
    );

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
    let part = &report.parts[3];
    assert_eq!(part.file, format!("data/documents/{ID}-02.pdf"));
    assert_eq!(part.verdict, Verdict::Invalid, "{}", part.summary);
}

#[test]
fn with_no_document_pdfs_a_build_makes_none() {
    let out = built_sample(&["--no-seal", "--no-document-pdfs"]);
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

/// A text entry of a PDF's document information dictionary.
fn info_text(pdf: &lopdf::Document, key: &[u8]) -> String {
    let info = pdf.trailer.get(b"Info").unwrap();
    let info = pdf.dereference(info).unwrap().1.as_dict().unwrap();
    lopdf::decode_text_string(info.get(key).unwrap()).unwrap()
}

/// The edition's identifier is in its PDF's XMP, as each document's is in its
/// own: typst cannot write it, so the build adds it after the export, sealed
/// and unsealed alike.
#[test]
fn the_edition_pdf_names_its_identifier_in_its_metadata() {
    for editions in [unsealed_sample(), sealed_sample()] {
        let manifest: VerificationManifest =
            serde_json::from_slice(&editions.manifest_json).unwrap();
        let pdf = lopdf::Document::load_mem(&editions.pdf).unwrap();
        let catalog = pdf.catalog().unwrap();
        let metadata = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
        let xmp = pdf.get_object(metadata).unwrap().as_stream().unwrap();
        let xmp = String::from_utf8(xmp.content.clone()).unwrap();
        let uri = &manifest.edition.uri;
        assert!(
            xmp.contains(&format!("<dc:identifier>{uri}</dc:identifier>")),
            "{xmp}"
        );
        assert!(xmp.contains("<pdfaid:part>3</pdfaid:part>"));
    }
}

#[test]
fn each_document_pdf_is_pdf_a_3b_naming_its_document_and_its_edition() {
    let editions = unsealed_sample();
    let manifest: VerificationManifest = serde_json::from_slice(&editions.manifest_json).unwrap();
    let edition_uri = manifest.edition.uri.as_str();
    for (entry, (path, bytes)) in manifest.documents.iter().zip(&editions.documents) {
        let pdf = lopdf::Document::load_mem(bytes).unwrap();
        let catalog = pdf.catalog().unwrap();
        let metadata = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
        let xmp = pdf.get_object(metadata).unwrap().as_stream().unwrap();
        let xmp = String::from_utf8(xmp.content.clone()).unwrap();
        assert!(
            xmp.contains("<pdfaid:part>3</pdfaid:part>"),
            "{path}: {xmp}"
        );
        assert!(
            xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
            "{path}"
        );
        let uri = entry.uri.as_deref().unwrap();
        assert!(
            xmp.contains(&format!("<dc:identifier>{uri}</dc:identifier>")),
            "{path}: {xmp}"
        );
        assert!(
            xmp.contains(&format!("<rdf:li>{edition_uri}</rdf:li>")),
            "{path}: {xmp}"
        );
        // PDF/A: the information dictionary says what the XMP says.
        let title = info_text(&pdf, b"Title");
        assert_eq!(title, entry.title, "{path}");
        assert!(xmp.contains(&format!(">{title}</rdf:li>")), "{path}: {xmp}");
        assert!(info_text(&pdf, b"Keywords").contains(edition_uri), "{path}");
        assert!(catalog.get(b"OutputIntents").is_ok(), "{path}");
        assert!(catalog.get(b"StructTreeRoot").is_err(), "{path}");
        assert!(
            catalog.get(b"Names").is_err(),
            "{path}: the edition's attached data stays in the edition"
        );
    }
}

#[test]
fn each_document_pdf_is_labelled_with_its_printed_pages_and_links_only_inside() {
    let editions = unsealed_sample();
    let manifest: VerificationManifest = serde_json::from_slice(&editions.manifest_json).unwrap();
    let mut linked = 0;
    for (entry, (path, bytes)) in manifest.documents.iter().zip(&editions.documents) {
        let pdf = lopdf::Document::load_mem(bytes).unwrap();
        let labels = pdf.catalog().unwrap().get(b"PageLabels").unwrap();
        let labels = pdf.dereference(labels).unwrap().1.as_dict().unwrap();
        let starts: Vec<i64> = labels
            .get(b"Nums")
            .unwrap()
            .as_array()
            .unwrap()
            .chunks(2)
            .map(|pair| {
                pair[1]
                    .as_dict()
                    .unwrap()
                    .get(b"St")
                    .unwrap()
                    .as_i64()
                    .unwrap()
            })
            .collect();
        let printed: Vec<i64> = (entry.pdf_pages.first..=entry.pdf_pages.last)
            .map(i64::from)
            .collect();
        assert_eq!(starts, printed, "{path}");

        let pages: Vec<lopdf::ObjectId> = pdf.get_pages().into_values().collect();
        // Each an object of its own, as pyHanko's check of later revisions
        // wants once a seal adds its widget beside them.
        for &page in &pages {
            let page = pdf.get_dictionary(page).unwrap();
            if let Ok(annotations) = page.get(b"Annots") {
                let annotations = annotations.as_array().unwrap();
                linked += annotations.len();
                assert!(
                    annotations.iter().all(|a| a.as_reference().is_ok()),
                    "{path}: an annotation written in its page's /Annots: {annotations:?}"
                );
            }
        }
        for object in pdf.objects.values() {
            let Ok(annotation) = object.as_dict() else {
                continue;
            };
            let action = annotation
                .get(b"A")
                .ok()
                .and_then(|a| pdf.dereference(a).ok())
                .and_then(|(_, a)| a.as_dict().ok());
            let destination = annotation
                .get(b"Dest")
                .ok()
                .or_else(|| action.and_then(|a| a.get(b"D").ok()));
            if let Some(destination) = destination {
                let target = destination.as_array().unwrap()[0].as_reference().unwrap();
                assert!(
                    pages.contains(&target),
                    "{path}: a link leads out of the document"
                );
            }
        }
    }
    assert!(linked >= 6, "the interpretations' links: {linked}")
}

#[test]
fn every_page_of_a_document_pdf_prints_the_documents_verification_code() {
    let editions = sealed_sample();
    let manifest: VerificationManifest = serde_json::from_slice(&editions.manifest_json).unwrap();
    for (entry, (path, bytes)) in manifest.documents.iter().zip(&editions.documents) {
        let code = entry.verification_code.as_deref().unwrap();
        let pdf = lopdf::Document::load_mem(bytes).unwrap();
        for (number, _) in pdf.get_pages() {
            let text = pdf.extract_text(&[number]).unwrap();
            assert!(text.contains(code), "{path} page {number}: {text}");
        }
    }
}

/// Each page of `pdf` drawn by hayro (a PDF renderer nobody here wrote) at
/// 36 dpi, as its pixels.
fn drawn(pdf: &[u8]) -> Vec<Vec<u8>> {
    let pdf = hayro::hayro_syntax::Pdf::new(pdf.to_vec()).unwrap();
    let cache = hayro::RenderCache::new();
    let settings = hayro::RenderSettings {
        x_scale: 0.5,
        y_scale: 0.5,
        ..Default::default()
    };
    pdf.pages()
        .iter()
        .map(|page| {
            let interpreter = hayro::hayro_interpret::InterpreterSettings::default();
            hayro::render(page, &cache, &interpreter, &settings)
                .data_as_u8_slice()
                .to_vec()
        })
        .collect()
}

/// The font programs embedded in `pdf` and the sum of their sizes.
fn font_bytes(pdf: &lopdf::Document) -> usize {
    pdf.objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter(|dict| dict.has_type(b"FontDescriptor"))
        .flat_map(|descriptor| {
            [&b"FontFile2"[..], b"FontFile3"]
                .into_iter()
                .filter_map(|key| descriptor.get(key).ok()?.as_reference().ok())
        })
        .filter_map(|id| pdf.get_object(id).ok()?.as_stream().ok())
        .map(|program| program.content.len())
        .sum()
}

#[test]
fn each_document_pdf_carries_its_own_glyphs_and_draws_its_pages_as_the_edition() {
    let editions = unsealed_sample();
    let manifest: VerificationManifest = serde_json::from_slice(&editions.manifest_json).unwrap();
    let edition = drawn(&editions.pdf);
    let edition_fonts = font_bytes(&lopdf::Document::load_mem(&editions.pdf).unwrap());
    // The cover and contents come before printed page 1.
    let last = manifest.documents.last().unwrap().pdf_pages.last as usize;
    let front = edition.len() - last;
    let mut fonts = 0;
    for (entry, (path, bytes)) in manifest.documents.iter().zip(&editions.documents) {
        let first = front + entry.pdf_pages.first as usize - 1;
        for (number, page) in drawn(bytes).iter().enumerate() {
            assert!(
                page == &edition[first + number],
                "{path} page {}: not drawn as the edition's page {}",
                number + 1,
                first + number + 1
            );
        }
        let pdf = lopdf::Document::load_mem(bytes).unwrap();
        let own = font_bytes(&pdf);
        fonts += own;
        // The edition's programs are deflated and the documents' are not:
        // a document carrying them whole would hold more than the edition.
        assert!(
            own < edition_fonts,
            "{path}: {own} bytes of fonts, the edition has {edition_fonts}"
        );
    }
    // Without the reduction every document holds all of the edition's glyphs.
    let documents = manifest.documents.len();
    assert!(
        fonts < edition_fonts * documents / 3,
        "{fonts} bytes of fonts in {documents} documents, {edition_fonts} in the edition"
    );
}
