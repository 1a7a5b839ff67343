//! The published data as a reader of it meets it: the edition typeset again
//! from its documents' JSON files gives the same PDF bytes, and a changed
//! byte in a data file of a sealed package is caught, naming the file.

use std::path::Path;

use gazette::akn::Akn;
use gazette::data::{self, EditionData};
use gazette::typeset::{self, FontSet};
use serde_json::Value;

use crate::support::{example, gazette, sample, stdout};

const ID: &str = "shanghai-gazette-2025-08";

fn build(out: &Path, extra: &[&str]) -> std::path::PathBuf {
    let run = gazette()
        .arg("build")
        .arg(sample())
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    out.join(ID)
}

/// The edition file's gazette, issue and sections, with each document taken
/// from its own file in documents/, placed by its section and position.
pub fn edition_from_files(edition: &[u8], documents: &[Vec<u8>]) -> EditionData {
    let mut whole = data::read_edition(edition).unwrap();
    let mut read: Vec<_> = documents
        .iter()
        .map(|json| data::read_document(json).unwrap())
        .collect();
    read.sort_by_key(|document| document.position);
    let mut read = read.into_iter();
    for section in &mut whole.sections {
        for slot in &mut section.documents {
            let document = read.next().expect("a file for every document");
            assert_eq!(document.section, section.title);
            assert_eq!(document.position, slot.position);
            *slot = document;
        }
    }
    assert!(read.next().is_none(), "a document file the edition lacks");
    whole
}

/// The unsealed PDF edition of `data`, made as `gazette build` makes it.
pub fn typeset_again(data: EditionData, fonts: &FontSet) -> Vec<u8> {
    let edition = data.into_edition();
    let published = data::publish(&edition);
    let akn = Akn::of(&edition);
    let (world, _) = typeset::world(&edition, fonts, &published.edition.bytes, &akn.edition);
    let codes = gazette::edition::page_codes(&edition, &published).unwrap();
    let world = world.with_verification(codes);
    let layout = typeset::lay_out(&world).unwrap_or_else(|e| panic!("{e:?}"));
    layout
        .export(&world, &edition)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .into_bytes()
}

#[test]
fn the_edition_typeset_again_from_its_documents_data_gives_the_same_pdf() {
    let out = tempfile::tempdir().unwrap();
    let folder = build(out.path(), &["--no-seal"]);
    let built = std::fs::read(folder.join(format!("{ID}.pdf"))).unwrap();
    let edition = std::fs::read(folder.join(format!("{ID}.json"))).unwrap();
    let mut documents: Vec<Vec<u8>> = std::fs::read_dir(folder.join("documents"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| std::fs::read(path).unwrap())
        .collect();
    assert!(documents.len() >= 8);
    // The folder's files are the package's, byte for byte.
    let bag = folder.join(format!("{ID}.bag/data"));
    assert_eq!(
        std::fs::read(bag.join(data::edition_path(ID))).unwrap(),
        edition
    );
    let fonts = FontSet::load(&[] as &[&str]).unwrap();

    let again = typeset_again(edition_from_files(&edition, &documents), &fonts);
    assert!(again == built, "the PDF typeset from the data differs");

    // A field the data dropped would show: without a document's 主送机关 the
    // edition is another one.
    let index = documents
        .iter()
        .position(|json| {
            let value: Value = serde_json::from_slice(json).unwrap();
            value["metadata"]["addressees"].is_string()
        })
        .expect("a document with addressees");
    let mut value: Value = serde_json::from_slice(&documents[index]).unwrap();
    value["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("addressees");
    documents[index] = serde_json::to_vec(&value).unwrap();
    let without = typeset_again(edition_from_files(&edition, &documents), &fonts);
    assert!(without != built, "dropping addressees changed nothing");
}

#[test]
fn a_changed_byte_in_a_document_s_data_breaks_the_package_s_fixity() {
    let out = tempfile::tempdir().unwrap();
    let folder = build(out.path(), &[]);
    let bag = folder.join(format!("{ID}.bag"));
    let verify = |bag: &Path| -> Value {
        let run = gazette()
            .args(["verify", "--json", "--trust"])
            .arg(example("root.pem"))
            .arg(bag)
            .output()
            .unwrap();
        serde_json::from_str(&stdout(&run)).unwrap()
    };
    assert_eq!(verify(&bag)["verdict"], "valid");

    let manifest: Value =
        serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
    let name = format!("documents/{ID}-03.json");
    let third = manifest["documents"][2]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|file| file["path"] == name.as_str())
        .unwrap();
    assert_eq!(third["path"], name.as_str());
    assert_eq!(third["media_type"], data::MEDIA_TYPE);
    let edition_path = data::edition_path(ID);
    assert!(
        manifest["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["path"] == edition_path.as_str())
    );

    let path = bag.join("data").join(&name);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[20] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let report = verify(&bag);
    assert_eq!(report["verdict"], "invalid");
    let named = format!("data/{name} does not match its SHA-256");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "fixity" && f["message"].as_str().unwrap().contains(&named)),
        "{report}"
    );
}
