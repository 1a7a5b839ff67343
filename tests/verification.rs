//! The verification code and QR code on every page, as a reader checks
//! them: each page of the edition, rendered at 150 dpi as a phone's camera
//! would see it, holds one QR code, the URL with the code of the page's
//! document (the edition's on the cover and contents) recomputed from its
//! data file; and `gazette verify` names the document whose text changed in
//! a package, from its data and from its sources.

use std::io::{Read, Write};

use gazette::akn::Akn;
use gazette::data;
use gazette::edition;
use gazette::model::Edition;
use gazette::package::manifest::VerificationManifest;
use gazette::typeset::{self, FontSet};
use gazette::verification_code;
use gazette::verify::{
    CheckCode, FindingCode, Options, Report, verify_package, verify_package_zip,
};
use typst_layout::PagedDocument;

use crate::support::{built_sample, example, sample};

const ID: &str = "shanghai-gazette-2025-08";

/// The QR codes on `page`, rendered at 150 dpi.
fn qr_codes(page: &typst_layout::Page) -> Vec<String> {
    let options = typst_render::RenderOptions {
        pixel_per_pt: (150.0 / 72.0).into(),
        render_bleed: false,
    };
    let pixmap = typst_render::render(page, &options);
    let (width, height) = (pixmap.width() as usize, pixmap.height() as usize);
    // Premultiplied RGBA over white paper, to grey.
    let grey: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .map(|p| {
            let luma =
                (u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000;
            (luma + 255 - u32::from(p[3])).min(255) as u8
        })
        .collect();
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| grey[y * width + x]);
    image
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, content)| content))
        .collect()
}

/// The sample laid out as `gazette build` lays it out, with its data.
fn laid_out(edition: &Edition, fonts: &FontSet) -> (PagedDocument, gazette::model::PageMap) {
    let published = data::publish(edition);
    let akn = Akn::of(edition);
    let codes = edition::page_codes(edition, &published).unwrap();
    let (world, _) = typeset::world(edition, fonts, &published.edition.bytes, &akn.edition);
    let world = world.with_verification(codes);
    let layout = typeset::lay_out(&world).unwrap_or_else(|e| panic!("{e:?}"));
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .unwrap_or_else(|e| panic!("{e:?}"));
    (document, layout.page_map())
}

#[test]
fn every_page_holds_the_qr_code_of_its_documents_verification_url() {
    let edition = gazette::manifest::load(&sample()).unwrap();
    let fonts = FontSet::load(&[] as &[&str]).unwrap();
    let published = data::publish(&edition);
    let url = |uri: &str, json: &[u8]| {
        verification_code::url(&edition.gazette, uri, &verification_code::of(json))
    };
    let documents: Vec<_> = edition.sections.iter().flat_map(|s| &s.documents).collect();
    let (document, page_map) = laid_out(&edition, &fonts);
    let pages = document.pages();
    let last = page_map.starts.last().unwrap().page as usize;
    let front = pages.len() - last;
    assert!(front >= 2, "a cover and contents before printed page 1");

    let cover = qr_codes(&pages[0]);
    assert_eq!(cover, [url(&edition.uri, &published.edition.bytes)]);
    assert!(cover[0].starts_with("urn:gazette:shanghai-gazette:2025:8?=code="));

    let mut checked = 0;
    for start in &page_map.starts {
        let position = edition.sections[..start.block.section]
            .iter()
            .map(|s| s.documents.len())
            .sum::<usize>()
            + start.block.document;
        let file = &published.documents[position];
        let expected = url(&documents[position].uri, &file.bytes);
        let index = front + start.page as usize - 1;
        assert_eq!(
            qr_codes(&pages[index]),
            std::slice::from_ref(&expected),
            "printed page {} of document {}",
            start.page,
            position + 1
        );
        assert!(expected.ends_with(&verification_code::of(&file.bytes)));
        checked += 1;
    }
    assert_eq!(checked, last, "every printed page was checked");
}

#[test]
fn the_qr_code_holds_the_configured_verification_url() {
    let mut edition = gazette::manifest::load(&sample()).unwrap();
    edition.gazette.verify_url = Some("https://gazette.example.gov.cn/verify?code={code}".into());
    let fonts = FontSet::load(&[] as &[&str]).unwrap();
    let (document, _) = laid_out(&edition, &fonts);
    let published = data::publish(&edition);
    let code = verification_code::of(&published.edition.bytes);
    assert_eq!(
        qr_codes(&document.pages()[0]),
        [format!("https://gazette.example.gov.cn/verify?code={code}")]
    );
}

fn options() -> Options {
    Options {
        anchors: gazette::cms::load_pem_certificates(&std::fs::read(example("root.pem")).unwrap())
            .unwrap(),
    }
}

/// Changes the first 通知 of `bytes` to 通告: one character.
fn one_character_changed(bytes: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(bytes).unwrap();
    assert!(text.contains("通知"));
    text.replacen("通知", "通告", 1).into_bytes()
}

/// The mismatches `report` finds.
fn mismatches(report: &Report) -> Vec<&str> {
    report
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::VerificationCodeMismatch)
        .map(|f| f.message.as_str())
        .collect()
}

/// Document 2's data and source in the package, changed by one character.
fn change_document_2(read: impl Fn(&str) -> Vec<u8>, mut write: impl FnMut(&str, Vec<u8>)) {
    let data_path = format!("data/documents/{ID}-02.json");
    let json = read(&data_path);
    let source = data::read_document(&json).unwrap().source;
    let source_path = format!("data/source/{source}");
    let source_bytes = read(&source_path);
    write(&data_path, one_character_changed(&json));
    write(&source_path, one_character_changed(&source_bytes));
}

fn assert_names_document_2(report: &Report, manifest: &VerificationManifest) {
    let entry = &manifest.documents[1];
    let code = entry.verification_code.as_deref().unwrap();
    let all = mismatches(report);
    // The edition's data holds every document in full: published again from
    // the changed sources, its code differs too.
    assert!(
        all.iter()
            .all(|m| m.starts_with("document 2 ") || m.starts_with("the edition ")),
        "{all:?}"
    );
    let found: Vec<&str> = all
        .into_iter()
        .filter(|m| m.starts_with("document 2 "))
        .collect();
    assert_eq!(found.len(), 2, "from the data and the sources: {found:?}");
    for message in &found {
        assert!(message.contains("document 2"), "{message}");
        assert!(message.contains(&entry.title), "{message}");
        assert!(message.contains(code), "{message}");
    }
    assert!(
        found[0].contains(&format!("documents/{ID}-02.json")),
        "{}",
        found[0]
    );
    assert!(found[1].contains("sources"), "{}", found[1]);
    assert!(
        report
            .summary
            .contains(&format!("data/documents/{ID}-02.json")),
        "the changed file is named too: {}",
        report.summary
    );
    assert!(report.verdict.exit_code() == 1, "{}", report.summary);
}

#[test]
fn a_package_with_one_character_of_a_document_changed_names_it() {
    let out = built_sample(&[]);
    let folder = out.path().join(ID);
    let manifest: VerificationManifest =
        serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest.verification_code.is_some());
    assert!(
        manifest
            .documents
            .iter()
            .all(|d| d.verification_code.is_some())
    );

    let bag = folder.join(format!("{ID}.bag"));
    let report = verify_package(&bag, &options());
    assert!(mismatches(&report).is_empty(), "{:?}", report.findings);
    assert!(
        report
            .checks
            .iter()
            .any(|check| check.code == CheckCode::VerificationCodes),
        "{:?}",
        report.checks
    );

    change_document_2(
        |path| std::fs::read(bag.join(path)).unwrap(),
        |path, bytes| std::fs::write(bag.join(path), bytes).unwrap(),
    );
    assert_names_document_2(&verify_package(&bag, &options()), &manifest);

    let zip = std::fs::read(folder.join(format!("{ID}.bag.zip"))).unwrap();
    let changed = rezipped(&zip, |read, write| change_document_2(read, write));
    assert_names_document_2(
        &verify_package_zip("changed.bag.zip", &changed, &options()),
        &manifest,
    );
}

/// The zip `bytes` with its entries (by their path inside the bag folder)
/// changed by `change`.
fn rezipped(
    bytes: &[u8],
    change: impl Fn(&dyn Fn(&str) -> Vec<u8>, &mut dyn FnMut(&str, Vec<u8>)),
) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).unwrap();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        entries.push((file.name().unwrap().into_owned(), content));
    }
    let top = format!("{ID}.bag/");
    let mut updates = Vec::new();
    change(
        &|path| {
            let name = format!("{top}{path}");
            entries.iter().find(|(n, _)| *n == name).unwrap().1.clone()
        },
        &mut |path, content| updates.push((format!("{top}{path}"), content)),
    );
    for (name, content) in updates {
        entries.iter_mut().find(|(n, _)| *n == name).unwrap().1 = content;
    }
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in entries {
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}
