//! manifest.json: every digest matches the file it names, documents sit where
//! the page map puts them, and the JSON is the same bytes every time.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::support::{Fixture, TOOL_VERSION, file, sha256_hex, sha512_hex};
use crate::model::{BlockRef, Disclosure, PageStart, Part};
use crate::package::manifest::{SCHEMA, VerificationManifest};
use crate::package::{PackageError, PackageInputs, build, manifest_json, verification_manifest};

fn read_manifest(bytes: &[u8]) -> VerificationManifest {
    serde_json::from_slice(bytes).expect("manifest.json reads back into the schema")
}

#[test]
fn every_digest_in_manifest_json_matches_its_file() {
    let fixture = Fixture::sample();
    let package = fixture.build(None);
    let manifest = read_manifest(file(&package, "data/manifest.json"));

    assert_eq!(manifest.schema, SCHEMA);
    let id = &fixture.edition.id;
    let akn = crate::akn::Akn::of(&fixture.edition);
    let editions = [
        (format!("edition/{id}.pdf"), "application/pdf", &fixture.pdf),
        (
            format!("edition/{id}.epub"),
            "application/epub+zip",
            &fixture.epub,
        ),
        (
            format!("edition/{id}.akn.xml"),
            "application/akn+xml",
            &akn.edition,
        ),
    ];
    assert_eq!(manifest.artifacts.len(), editions.len());
    for (artifact, (path, media_type, bytes)) in manifest.artifacts.iter().zip(&editions) {
        assert_eq!(&artifact.path, path);
        assert_eq!(artifact.media_type, *media_type);
        assert_eq!(artifact.size, bytes.len() as u64);
        assert_eq!(artifact.sha256, sha256_hex(bytes));
        assert_eq!(artifact.sha512, sha512_hex(bytes));
        assert_eq!(file(&package, &format!("data/{path}")), bytes.as_slice());
    }

    let on_disk = |path: &str| std::fs::read(fixture.root.join(path)).expect("issue file");
    let build = &manifest.build;
    assert_eq!(build.manifest.path, "issue.toml");
    assert_eq!(build.manifest.sha256, sha256_hex(&on_disk("issue.toml")));
    let all_sources = manifest
        .documents
        .iter()
        .flat_map(|d| &d.sources)
        .chain(&build.sources);
    for source in all_sources {
        assert_eq!(
            source.sha256,
            sha256_hex(&on_disk(&source.path)),
            "{}",
            source.path
        );
    }
    let named = |inputs: Vec<(String, &[u8])>| {
        let mut expected: Vec<(String, String)> = inputs
            .into_iter()
            .map(|(name, bytes)| (name, sha256_hex(bytes)))
            .collect();
        expected.sort();
        expected
    };
    let listed = |files: &[crate::package::manifest::SourceFile]| {
        files
            .iter()
            .map(|f| (f.path.clone(), f.sha256.clone()))
            .collect::<Vec<_>>()
    };
    let templates = fixture
        .templates
        .iter()
        .map(|(n, b)| (n.to_string(), *b))
        .collect();
    let mut fonts = fixture.fonts.clone();
    fonts.sort();
    assert_eq!(listed(&build.templates), named(templates));
    assert_eq!(listed(&build.fonts), fonts);
    assert_eq!(build.tool, "gazette");
    assert_eq!(build.tool_version, TOOL_VERSION);
    assert_eq!(manifest.seal, None);
}

#[test]
fn build_sources_list_every_issue_file_once_in_reading_order() {
    let fixture = Fixture::sample();
    let manifest = verification_manifest(&fixture.inputs()).unwrap();
    let mut expected: Vec<String> = Vec::new();
    for document in fixture.edition.sections.iter().flat_map(|s| &s.documents) {
        let attachments = document.attachments.iter().map(|a| a.source.clone());
        let interpretation = document.interpretation.iter().map(|i| i.source.clone());
        for path in std::iter::once(document.source.clone())
            .chain(attachments)
            .chain(interpretation)
        {
            if !expected.contains(&path) {
                expected.push(path);
            }
        }
    }
    let listed: Vec<&str> = manifest
        .build
        .sources
        .iter()
        .map(|s| s.path.as_str())
        .collect();
    assert_eq!(listed, expected);
    // The sample uses every file in its documents folder.
    let mut on_disk: Vec<String> = walkdir::WalkDir::new(fixture.root.join("documents"))
        .into_iter()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(&fixture.root).unwrap();
            relative.to_str().unwrap().to_owned()
        })
        .collect();
    on_disk.sort();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(sorted, on_disk);
}

#[test]
fn documents_sit_where_the_page_map_and_the_epub_put_them() {
    let fixture = Fixture::sample();
    let manifest = verification_manifest(&fixture.inputs()).unwrap();
    let mut expected = Vec::new();
    for (s, section) in fixture.edition.sections.iter().enumerate() {
        for (d, document) in section.documents.iter().enumerate() {
            expected.push((s, d, document));
        }
    }
    assert_eq!(manifest.documents.len(), expected.len());
    for ((entry, (s, d, document)), pages) in manifest
        .documents
        .iter()
        .zip(&expected)
        .zip(&fixture.expected_pages)
    {
        assert_eq!(entry.title, document.title);
        assert_eq!(entry.number, document.number);
        assert_eq!(entry.issuer, document.issuer);
        assert_eq!(entry.date, document.date.iso());
        assert_eq!(entry.language, document.language.tag);
        assert_eq!(&entry.pdf_pages, pages);
        assert_eq!(
            entry.epub_file,
            format!("EPUB/text/s{}-d{}.xhtml", s + 1, d + 1)
        );
        let mut sources = vec![document.source.as_str()];
        sources.extend(document.attachments.iter().map(|a| a.source.as_str()));
        sources.extend(document.interpretation.iter().map(|i| i.source.as_str()));
        let listed: Vec<&str> = entry.sources.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(listed, sources);
    }
    let zh_hant = manifest
        .documents
        .iter()
        .filter(|d| d.language == "zh-Hant")
        .count();
    assert_eq!(
        zh_hant, 1,
        "the sample's one traditional-script document keeps its language"
    );
}

#[test]
fn disclosure_is_spelled_as_the_model_serialises_it() {
    let fixture = Fixture::sample();
    let manifest = verification_manifest(&fixture.inputs()).unwrap();
    for (entry, document) in manifest
        .documents
        .iter()
        .zip(fixture.edition.sections.iter().flat_map(|s| &s.documents))
    {
        assert_eq!(
            serde_json::Value::String(entry.disclosure.clone()),
            serde_json::to_value(document.disclosure).unwrap()
        );
    }
    for disclosure in [Disclosure::OnRequest, Disclosure::Withheld] {
        let mut fixture = Fixture::sample();
        fixture.edition.sections[0].documents[0].disclosure = disclosure;
        let manifest = verification_manifest(&fixture.inputs()).unwrap();
        assert_eq!(
            serde_json::Value::String(manifest.documents[0].disclosure.clone()),
            serde_json::to_value(disclosure).unwrap()
        );
    }
}

#[test]
fn the_seal_entry_carries_the_chain_and_names_its_files() {
    let fixture = Fixture::sealed("seal-chain.pem");
    let chain = fixture.chain.clone().unwrap();
    let seal = verification_manifest(&fixture.inputs())
        .unwrap()
        .seal
        .unwrap();
    assert_eq!(seal.certificate_sha256, sha256_hex(&chain[0]));
    let decoded: Vec<Vec<u8>> = seal
        .chain
        .iter()
        .map(|b| STANDARD.decode(b).unwrap())
        .collect();
    assert_eq!(decoded, chain);
    assert_eq!(
        seal.chain_files,
        [
            "certificates/seal.pem",
            "certificates/issuer-1.pem",
            "certificates/issuer-2.pem"
        ]
    );
    assert!(
        seal.subject.contains("Example Gazette Seal"),
        "{}",
        seal.subject
    );
}

#[test]
fn manifest_json_is_pretty_ends_with_a_newline_and_never_changes() {
    let fixture = Fixture::sealed("seal-chain.pem");
    let first = manifest_json(&verification_manifest(&fixture.inputs()).unwrap());
    let second = manifest_json(&verification_manifest(&fixture.inputs()).unwrap());
    assert_eq!(first, second);
    assert!(first.ends_with(b"}\n"));
    let text = std::str::from_utf8(&first).unwrap();
    assert!(text.starts_with(
        "{\n  \"schema\": \"urn:gazette:schema:verification-manifest:1\",\n  \"edition\": {\n"
    ));
    assert!(
        text.contains("上海市人民政府公报"),
        "non-ASCII text is written as is"
    );
    assert_eq!(
        read_manifest(&first),
        verification_manifest(&fixture.inputs()).unwrap()
    );
}

#[test]
fn a_document_that_begins_no_page_is_a_fault() {
    let mut fixture = Fixture::sample();
    let body_start = BlockRef {
        section: 1,
        document: 0,
        part: Part::Body,
        block: 0,
    };
    // Its first page now begins inside block 0: that is not where the document begins.
    for start in &mut fixture.page_map.starts {
        if start.block == body_start {
            start.inside = true;
        }
    }
    let error = verification_manifest(&fixture.inputs()).unwrap_err();
    assert!(matches!(error, PackageError::PageMap(_)), "{error}");
    let title = &fixture.edition.sections[1].documents[0].title;
    assert!(error.to_string().contains(title.as_str()), "{error}");
}

#[test]
fn documents_out_of_order_in_the_page_map_are_a_fault() {
    let mut fixture = Fixture::sample();
    let first = |document| PageStart {
        page: 99,
        block: BlockRef {
            section: 0,
            document,
            part: Part::Body,
            block: 0,
        },
        inside: false,
    };
    fixture
        .page_map
        .starts
        .retain(|s| s.block.section != 0 || s.block.document > 1);
    fixture.page_map.starts.splice(0..0, [first(1), first(0)]);
    let error = verification_manifest(&fixture.inputs()).unwrap_err();
    assert!(matches!(error, PackageError::PageMap(_)), "{error}");
}

#[test]
fn the_last_document_ends_on_the_last_page_of_the_map() {
    let fixture = Fixture::sample();
    let manifest = verification_manifest(&fixture.inputs()).unwrap();
    let last_page = fixture.page_map.starts.last().unwrap().page;
    assert_eq!(manifest.documents.last().unwrap().pdf_pages.last, last_page);
}

#[test]
fn a_source_path_that_leaves_the_issue_folder_is_refused() {
    for path in [
        "../outside.md",
        "/etc/passwd",
        "documents//a.md",
        "documents\\a.md",
    ] {
        let mut fixture = Fixture::sample();
        fixture.edition.sections[0].documents[0].source = path.to_owned();
        let error = verification_manifest(&fixture.inputs()).unwrap_err();
        assert!(matches!(error, PackageError::Path(_)), "{path}: {error}");
    }
}

#[test]
fn a_missing_source_file_says_which() {
    let mut fixture = Fixture::sample();
    fixture.edition.sections[0].documents[0].attachments[0].source = "documents/gone.md".into();
    let error = verification_manifest(&fixture.inputs()).unwrap_err();
    assert!(matches!(error, PackageError::Source { .. }), "{error}");
    assert!(error.to_string().contains("documents/gone.md"), "{error}");
}

#[test]
fn a_key_that_does_not_match_the_chain_is_refused() {
    let fixture = Fixture::sealed("seal-chain.pem");
    let signer = super::support::example_signer("seal-rsa.key.pem");
    let inputs = PackageInputs {
        sealer: fixture.sealed_by(signer.as_ref()),
        ..fixture.inputs()
    };
    let error = build(&inputs).unwrap_err();
    assert!(matches!(error, PackageError::Signature(_)), "{error}");
}

#[test]
fn a_chain_that_is_not_certificates_is_refused() {
    let mut fixture = Fixture::sample();
    fixture.chain = Some(vec![b"not a certificate".to_vec()]);
    let error = verification_manifest(&fixture.inputs()).unwrap_err();
    assert!(matches!(error, PackageError::Seal(_)), "{error}");
    fixture.chain = Some(Vec::new());
    let error = verification_manifest(&fixture.inputs()).unwrap_err();
    assert!(matches!(error, PackageError::Seal(_)), "{error}");
}

#[test]
fn the_issue_manifest_is_kept_as_issue_toml_whatever_its_file_is_called() {
    let mut fixture = Fixture::sample();
    let copy = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(&fixture.root) {
        let entry = entry.unwrap();
        let to = copy
            .path()
            .join(entry.path().strip_prefix(&fixture.root).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    let spring = copy.path().join("spring.toml");
    std::fs::rename(copy.path().join("issue.toml"), &spring).unwrap();
    fixture.root = copy.path().to_owned();
    let inputs = PackageInputs {
        manifest_name: "spring.toml",
        ..fixture.inputs()
    };
    let package = build(&inputs).expect("the package builds");
    let manifest = read_manifest(file(&package, "data/manifest.json"));
    assert_eq!(manifest.build.manifest.path, "issue.toml");
    assert_eq!(
        file(&package, "data/source/issue.toml"),
        std::fs::read(&spring).unwrap()
    );
}
