//! The conformance vectors of the written format (tests/vectors/): each
//! sidecar names a base (the sealed sample's PDF, EPUB, first document's PDF
//! or package zip), one mutation described in data, the rule it breaks, the
//! verdict and the report code. Every vector is materialised here from the
//! sample built once, verified as `gazette verify --json --trust
//! certs-example/root.pem` would, and its report must give the verdict and a
//! finding with the code that names the rule. With `GAZETTE_VECTORS_OUT=DIR`
//! each materialised file is also written to DIR/<id>.<ext> beside its
//! sidecar, for other tools to read.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use gazette::cms;
use gazette::example_pki;
use gazette::seal::Spot;
use gazette::signer::{self, FixedSecrets, KeySource, RsaPadding, Signer};
use gazette::verify::{Options, Policy, Report, parse_time, verify_path_under};
use lopdf::{Document, Object};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, date_time_ymd,
};
use ring::digest::{SHA256, SHA512, digest};
use serde::Deserialize;
use serde_json::Value;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use document_timestamp::DocumentTimestamp;
use long_term::{LongTermSeal, at_b_lt, at_b_t, sample_of_2026};
use resign::{Resign, resign, resign_epub, resign_pdf};
use short_rsa::ShortRsa;

use crate::support::{
    TestPki, append_update, byte_range, example, find, repo, seal_pdf_by, sealed_sample,
    signature_object, unsealed_sample, written,
};

mod archive;
mod document_timestamp;
mod long_term;
mod resign;
mod short_rsa;

/// One vector's sidecar, tests/vectors/cases/<id>.json.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Sidecar {
    id: String,
    base: Base,
    mutation: Option<Mutation>,
    rule: String,
    verdict: String,
    code: Option<String>,
    /// The level the report must give (B-B … B-LTA), where the vector says.
    #[serde(default)]
    level: Option<String>,
    /// The validation time, as `gazette verify --at` takes it; now without.
    #[serde(default)]
    at: Option<String>,
    /// Verified as `gazette verify --online` does, the test PKI's
    /// responders answering.
    #[serde(default)]
    online: bool,
    /// A package judged as the bag folder its zip holds, unzipped, as
    /// `gazette verify <id>.bag` judges a folder.
    #[serde(default)]
    folder: Option<AsFolder>,
    /// Rules of what a verifier does (clause 7) that judging this vector
    /// puts to the test, besides the rule it names: each is checked as
    /// [`unexercised`] says.
    #[serde(default)]
    exercises: Vec<String>,
    description: String,
}

/// What the bag folder of a vector judged as a folder holds besides the
/// zip's files.
#[derive(Debug, Default, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct AsFolder {
    /// A symbolic link: its path in the bag, and what it points at.
    #[serde(default)]
    symlink: Option<[String; 2]>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
enum Base {
    /// The sealed PDF edition.
    Pdf,
    /// The sealed EPUB edition.
    Epub,
    /// The first document's own sealed PDF.
    Document,
    /// The sealed package, `<id>.bag.zip`.
    Package,
    /// The package of the sample built with `--no-seal`.
    UnsealedPackage,
    /// The PDF edition of the sample built with `--no-seal`.
    UnsealedPdf,
    /// The long-term sample's PDF edition at B-T (tests/vectors/long-term).
    PdfBT,
    /// The long-term sample's PDF edition at B-LT.
    PdfBLt,
    /// The long-term sample's PDF edition at B-LTA.
    PdfBLta,
    /// The long-term sample's first document's own PDF at B-LTA.
    DocumentBLta,
    /// The long-term sample's package at B-LTA.
    PackageBLta,
    /// The long-term sample's issue built into a package at B-T.
    PackageBT,
    /// The long-term sample's issue built into a package at B-LT.
    PackageBLt,
}

impl Base {
    fn extension(self) -> &'static str {
        match self {
            Base::Pdf
            | Base::Document
            | Base::UnsealedPdf
            | Base::PdfBT
            | Base::PdfBLt
            | Base::PdfBLta
            | Base::DocumentBLta => "pdf",
            Base::Epub => "epub",
            Base::Package
            | Base::UnsealedPackage
            | Base::PackageBT
            | Base::PackageBLt
            | Base::PackageBLta => "zip",
        }
    }

    /// Made with the test PKI (tests/vectors/long-term), not the example one.
    fn is_long_term(self) -> bool {
        matches!(
            self,
            Base::PdfBT
                | Base::PdfBLt
                | Base::PdfBLta
                | Base::DocumentBLta
                | Base::PackageBT
                | Base::PackageBLt
                | Base::PackageBLta
        )
    }
}

/// What a package mutation brings up to date after changing the bag.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
enum Rebag {
    /// Nothing: the bag's manifests keep the old digests.
    #[default]
    None,
    /// The tag manifests only (after a tag file changed).
    Tags,
    /// The payload manifests, Payload-Oxum and the tag manifests.
    All,
    /// data/manifest.json made to record the changed payload files and
    /// sealed anew with the example seal key (the key the sample is sealed
    /// with), then as `All`: a change the seal signs.
    Reseal,
}

/// One change to a base file. PDF mutations work on bytes; zip mutations
/// name entries by their full name in the zip.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
enum Mutation {
    /// The first occurrence of `find` replaced by `with` (same length); with
    /// `after_seal`, the first after the seal's signed revision, where only
    /// later signatures (document timestamps) cover the bytes.
    Replace {
        find: String,
        with: String,
        #[serde(default)]
        after_seal: bool,
    },
    /// The seal made anew in its place after `changes` (see [`Resign`]).
    Resign { changes: Resign },
    /// The last `bytes` bytes cut off.
    Truncate { bytes: usize },
    /// The last bytes of the signature's unsigned gap, just before its `>`,
    /// overwritten with `with`: nothing signed changes.
    GapStuff { with: String },
    /// The seal's /ByteRange numbers, each plus the matching one of `add`,
    /// written back in place at the same width (the signed bytes change).
    ByteRangeAdd { add: [i64; 4] },
    /// An incremental update whose signature dictionary replaces the seal's;
    /// `{range}` stands for the seal's four /ByteRange numbers and
    /// `{contents}` for its /Contents hex string as stored.
    UpdateSignatureDictionary { dictionary: String },
    /// An incremental update adding the field `field` to the interactive
    /// form's /Fields.
    UpdateAddField { field: String },
    /// An incremental update adding `object`, which nothing refers to, its
    /// `startxref` plus `startxref_add`.
    UpdateAddObject {
        object: String,
        #[serde(default)]
        startxref_add: i64,
    },
    /// An incremental update of the catalog: the keys `remove` taken out, the
    /// entries `add` (PDF syntax) put in.
    UpdateCatalog {
        #[serde(default)]
        remove: Vec<String>,
        #[serde(default)]
        add: String,
    },
    /// An incremental update replacing the catalog's /DSS by a copy without
    /// the keys `remove` (names without `/`).
    UpdateDss { remove: Vec<String> },
    /// An incremental update giving page `page`'s first content stream `content`.
    UpdatePageContent { page: u32, content: String },
    /// An incremental update adding `annotation` to page `page`.
    UpdateAddAnnotation { page: u32, annotation: String },
    /// The sealed PDF written again as one revision, its seal made anew
    /// over the new bytes (see [`in_one_revision`]).
    OneRevision,
    /// The unsealed sample's PDF (the edition, or the first document's)
    /// sealed as gazette seals it, with a certificate issued for the vector.
    Reseal { certificate: SealCertificate },
    /// A long-term base's typeset PDF sealed anew with the test PKI, its
    /// key, time-stamp and level as `seal` says (see [`LongTermSeal`]).
    ResealLongTerm { seal: LongTermSeal },
    /// A document timestamp of the test PKI's authority appended in the form
    /// `timestamp` describes (see [`DocumentTimestamp`]).
    AppendDocumentTimestamp { timestamp: DocumentTimestamp },
    /// A zip entry's content with the first `find` replaced by `with`.
    EntryReplace {
        entry: String,
        find: String,
        with: String,
        #[serde(default)]
        rebag: Rebag,
    },
    /// A zip entry's content replaced whole.
    EntrySet {
        entry: String,
        text: String,
        #[serde(default)]
        rebag: Rebag,
    },
    EntryRemove {
        entry: String,
        #[serde(default)]
        rebag: Rebag,
    },
    /// A new zip entry, last.
    EntryAdd {
        entry: String,
        text: String,
        /// How many times `text` is written in a row: a sidecar can then
        /// describe an entry of megabytes, such as one a ZIP bomb holds.
        #[serde(default = "once")]
        repeat: usize,
        #[serde(default)]
        rebag: Rebag,
    },
    /// The value at the JSON pointer `pointer` (RFC 6901) of a zip entry
    /// holding JSON set to `value`, the entry written again as
    /// serde_json's pretty printer writes it (keys in order).
    EntryJsonSet {
        entry: String,
        pointer: String,
        value: Value,
        #[serde(default)]
        rebag: Rebag,
    },
    /// The member at the JSON pointer `pointer` of a zip entry holding JSON
    /// removed, the entry written again as `EntryJsonSet` writes it.
    EntryJsonRemove {
        entry: String,
        pointer: String,
        #[serde(default)]
        rebag: Rebag,
    },
    /// A line removed from a zip entry (a text file).
    EntryRemoveLine {
        entry: String,
        containing: String,
        #[serde(default)]
        rebag: Rebag,
    },
    /// A zip entry renamed `to` (a full name in the zip), its content kept.
    EntryRename {
        entry: String,
        to: String,
        #[serde(default)]
        rebag: Rebag,
    },
    /// A zip entry moved to position `to` (0-based).
    EntryMove { entry: String, to: usize },
    /// A zip entry deflated.
    EntryCompress { entry: String },
    /// A second entry of the same name and content, right after it.
    EntryDuplicate { entry: String },
    /// The one line of a zip entry's text that holds `containing` written twice.
    EntryDuplicateLine {
        entry: String,
        containing: String,
        #[serde(default)]
        rebag: Rebag,
    },
    /// The span of a zip entry's text from the first `start` to the first
    /// `end` after it (both included) written twice in a row.
    EntryDuplicateSpan {
        entry: String,
        start: String,
        end: String,
        #[serde(default)]
        rebag: Rebag,
    },
    /// Byte `at` of a zip entry's content set to `byte`.
    EntrySetByte {
        entry: String,
        at: usize,
        byte: u8,
        #[serde(default)]
        rebag: Rebag,
    },
    /// A `.p7s` entry's SignedData without its `crls` (the revocation
    /// values, unsigned: the signature holds).
    EntryDropRevocationValues {
        entry: String,
        #[serde(default)]
        rebag: Rebag,
    },
    /// A `.p7s` entry's SignerInfo without its unsigned attributes, among
    /// them its signature time-stamp (the signature holds).
    EntryDropSignatureTimestamp {
        entry: String,
        #[serde(default)]
        rebag: Rebag,
    },
    /// Every entry whose name starts with `prefix` (under one
    /// `evidence/revocation-N/`) taken out of a long-term package, its lines
    /// taken out of `evidence/archive-N.txt`, and `archive-N.tsr` made anew
    /// over the new list by the test PKI's time-stamp authority; then
    /// `rebag: tags`.
    EvidenceDropRestamp { prefix: String },
    /// A zip entry's content replaced by the entry of the same name in the
    /// package `from` (another base).
    EntryCopyFrom {
        entry: String,
        from: Base,
        #[serde(default)]
        rebag: Rebag,
    },
    /// The compression method in a zip entry's local and central headers
    /// set to `method` (the content stays as it was).
    EntryMethod { entry: String, method: u16 },
    /// The encrypted flag (bit 0) set in a zip entry's local and central headers.
    EntryEncrypt { entry: String },
    /// A zip entry's Unix mode (`mode`, octal) in its central header, the
    /// entry made by Unix.
    EntryMode { entry: String, mode: String },
    /// Byte `at` of a zip entry's name set to `byte` in both its headers.
    EntryNameByte { entry: String, at: usize, byte: u8 },
    /// A zip entry's name in the central directory only replaced by `name`,
    /// of the same length; the local header keeps the old one.
    EntryCentralName { entry: String, name: String },
    /// A sealed entry's seal made anew after `changes`: a PDF's in its
    /// place, an EPUB's signatures.xml over its files, a `.p7s` file's over
    /// the entry it is named for.
    EntryResign {
        entry: String,
        changes: Resign,
        #[serde(default)]
        rebag: Rebag,
    },
    /// A long-term package's PDF entry sealed anew as `reseal-long-term`
    /// seals the PDF bases.
    EntryResealLongTerm {
        entry: String,
        seal: LongTermSeal,
        #[serde(default)]
        rebag: Rebag,
    },
    /// A PDF entry replaced by the sample's unsealed PDF of the same name
    /// sealed with the certificate `certificate` describes, as `reseal` does.
    EntryReseal {
        entry: String,
        certificate: SealCertificate,
        #[serde(default)]
        rebag: Rebag,
    },
}

fn once() -> usize {
    1
}

/// A text file's lines, the one holding `containing` written `times` times
/// (0 removes it), each ended by LF.
fn relined(content: &[u8], containing: &str, times: usize) -> Vec<u8> {
    let text = std::str::from_utf8(content).unwrap();
    let held = text.lines().filter(|l| l.contains(containing)).count();
    assert_eq!(held, 1, "one line holds {containing}");
    text.lines()
        .flat_map(|l| std::iter::repeat_n(l, if l.contains(containing) { times } else { 1 }))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .into_bytes()
}

/// What `gazette verify` is told to trust for a base: the example PKI's
/// root, or the test PKI's for the long-term bases.
fn options(base: Base) -> Options {
    let root = if base.is_long_term() {
        sample_of_2026().root_pem.clone()
    } else {
        std::fs::read(example("root.pem")).unwrap()
    };
    Options {
        anchors: cms::load_pem_certificates(&root).unwrap(),
    }
}

fn folder(name: &str) -> PathBuf {
    repo().join("tests/vectors").join(name)
}

/// A sidecar's id, which names its file.
trait Named {
    fn id(&self) -> &str;
}

impl Named for Sidecar {
    fn id(&self) -> &str {
        &self.id
    }
}

/// The sidecars of a folder, sorted by file name, each with its text.
fn sidecars<T: serde::de::DeserializeOwned + Named>(name: &str) -> Vec<(T, String)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder(name))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let sidecar: T =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(
                path.file_stem().unwrap().to_str().unwrap(),
                sidecar.id(),
                "a sidecar is named by its id"
            );
            (sidecar, text)
        })
        .collect()
}

fn base(base: Base) -> std::borrow::Cow<'static, [u8]> {
    use std::borrow::Cow::{Borrowed, Owned};
    let sample = sealed_sample();
    match base {
        Base::Pdf => Borrowed(&sample.pdf),
        Base::Epub => Borrowed(&sample.epub),
        Base::Document => Borrowed(&sample.documents[0].1),
        Base::Package => Borrowed(&sample.package_zip),
        Base::UnsealedPackage => Borrowed(&unsealed_sample().package_zip),
        Base::UnsealedPdf => Borrowed(&unsealed_sample().pdf),
        Base::PdfBT => Owned(at_b_t(&sample_of_2026().pdf)),
        Base::PdfBLt => Owned(at_b_lt(&sample_of_2026().pdf)),
        Base::PdfBLta => Borrowed(&sample_of_2026().pdf),
        Base::DocumentBLta => Borrowed(&sample_of_2026().document),
        Base::PackageBLta => Borrowed(&sample_of_2026().package_zip),
        Base::PackageBT => Borrowed(&sample_of_2026().package_b_t),
        Base::PackageBLt => Borrowed(&sample_of_2026().package_b_lt),
    }
}

// ---------------------------------------------------------------------------
// Mutations of a PDF's bytes.
// ---------------------------------------------------------------------------

/// `pdf` written again as one revision: every object as the newest
/// revision has it, under one cross-reference table, and the seal's
/// /ByteRange set to where its /Contents now lies. The seal's value no
/// longer matches until it is made anew: a seal not added as an incremental
/// update, so that no unsealed file is a prefix of this one.
fn in_one_revision(pdf: &[u8]) -> Vec<u8> {
    let mut document = Document::load_mem(pdf).unwrap();
    let seal = document
        .objects
        .iter()
        .find_map(|(id, object)| {
            let dict = object.as_dict().ok()?;
            dict.has(b"ByteRange").then_some(*id)
        })
        .unwrap();
    let mut range = [0i64; 4];
    // Each /ByteRange written may move the /Contents after it: written again
    // until the numbers say where the /Contents is.
    for _ in 0..4 {
        let array = range.iter().map(|&n| Object::Integer(n)).collect();
        let dict = document
            .get_object_mut(seal)
            .unwrap()
            .as_dict_mut()
            .unwrap();
        dict.set("ByteRange", Object::Array(array));
        let mut out = Vec::new();
        document.save_to(&mut out).unwrap();
        let object = find(&out, format!("\n{} {} obj", seal.0, seal.1).as_bytes()).unwrap();
        let mut key = object + find(&out[object..], b"/Contents").unwrap() + b"/Contents".len();
        while out[key].is_ascii_whitespace() {
            key += 1;
        }
        assert_eq!(out[key], b'<', "the seal's /Contents is a hex string");
        let end = key + find(&out[key..], b">").unwrap() + 1;
        let found = [0, key as i64, end as i64, (out.len() - end) as i64];
        if found == range {
            assert_eq!(
                out.windows(5).filter(|w| w == b"%%EOF").count(),
                1,
                "one revision"
            );
            return out;
        }
        range = found;
    }
    panic!("the seal's /ByteRange does not settle");
}

fn mutate_pdf(bytes: &[u8], mutation: &Mutation) -> Vec<u8> {
    match mutation {
        Mutation::Replace {
            find: from,
            with,
            after_seal,
        } => {
            assert_eq!(from.len(), with.len(), "a replacement keeps the length");
            let mut out = bytes.to_vec();
            let [_, _, start, length] = byte_range(bytes);
            let from_byte = if *after_seal { start + length } else { 0 };
            let at = from_byte
                + find(&out[from_byte..], from.as_bytes())
                    .unwrap_or_else(|| panic!("{from} not found"));
            out[at..at + with.len()].copy_from_slice(with.as_bytes());
            out
        }
        Mutation::Resign { changes } => resign_pdf(bytes, changes),
        Mutation::OneRevision => resign_pdf(&in_one_revision(bytes), &Resign::default()),
        Mutation::Truncate { bytes: cut } => bytes[..bytes.len() - cut].to_vec(),
        Mutation::GapStuff { with } => {
            let [a, b, c, _] = byte_range(bytes);
            let end = c - 1;
            assert_eq!(bytes[a + b], b'<');
            assert_eq!(bytes[end], b'>');
            assert!(bytes[end - with.len()..end].iter().all(|&x| x == b'0'));
            let mut out = bytes.to_vec();
            out[end - with.len()..end].copy_from_slice(with.as_bytes());
            out
        }
        Mutation::UpdateSignatureDictionary { dictionary } => {
            let [a, b, c, d] = byte_range(bytes);
            let id = signature_object(bytes);
            let contents = std::str::from_utf8(&bytes[a + b..c]).unwrap();
            let body = dictionary
                .replace("{range}", &format!("{a} {b} {c} {d}"))
                .replace("{contents}", contents);
            append_update(bytes, &[(id.0, body.into_bytes())], None)
        }
        Mutation::ByteRangeAdd { add } => {
            let start = find(bytes, b"/ByteRange[").unwrap() + b"/ByteRange[".len();
            let end = start + bytes[start..].iter().position(|&b| b == b']').unwrap();
            let mut out = bytes.to_vec();
            let mut at = start;
            for (number, add) in std::str::from_utf8(&bytes[start..end])
                .unwrap()
                .split(' ')
                .zip(add)
            {
                let value = number.parse::<i64>().unwrap() + add;
                let text = format!("{value:0width$}", width = number.len());
                assert_eq!(text.len(), number.len(), "{number} + {add} keeps its width");
                out[at..at + text.len()].copy_from_slice(text.as_bytes());
                at += number.len() + 1;
            }
            out
        }
        Mutation::UpdateAddField { field } => {
            let doc = Document::load_mem(bytes).unwrap();
            let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
            let mut catalog = doc.get_dictionary(root).unwrap().clone();
            let new = doc.max_id + 1;
            // A PDF without a form gets one, holding only the new field.
            let form_id = catalog
                .get(b"AcroForm")
                .ok()
                .and_then(|form| form.as_reference().ok());
            let mut form = match (form_id, catalog.get(b"AcroForm")) {
                (Some(id), _) => doc.get_dictionary(id).unwrap().clone(),
                (None, Ok(form)) => form.as_dict().unwrap().clone(),
                (None, Err(_)) => lopdf::dictionary! { "Fields" => Vec::<Object>::new() },
            };
            let mut fields = form.get(b"Fields").unwrap().as_array().unwrap().clone();
            fields.push((new, 0).into());
            form.set("Fields", Object::Array(fields));
            let changed = match form_id {
                Some(id) => (id.0, written(&Object::Dictionary(form))),
                None => {
                    catalog.set("AcroForm", Object::Dictionary(form));
                    (root.0, written(&Object::Dictionary(catalog)))
                }
            };
            append_update(bytes, &[changed, (new, field.clone().into_bytes())], None)
        }
        Mutation::UpdateAddObject {
            object,
            startxref_add,
        } => {
            let doc = Document::load_mem(bytes).unwrap();
            let out = append_update(
                bytes,
                &[(doc.max_id + 1, object.clone().into_bytes())],
                None,
            );
            let at = out.len() - b"\n%%EOF\n".len();
            let start = out[..at].iter().rposition(|&b| b == b'\n').unwrap() + 1;
            let offset: i64 = std::str::from_utf8(&out[start..at])
                .unwrap()
                .parse()
                .unwrap();
            let mut damaged = out[..start].to_vec();
            damaged.extend_from_slice(format!("{}\n%%EOF\n", offset + startxref_add).as_bytes());
            damaged
        }
        Mutation::UpdateCatalog { remove, add } => {
            let doc = Document::load_mem(bytes).unwrap();
            let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
            let mut catalog = doc.get_dictionary(root).unwrap().clone();
            for key in remove {
                assert!(catalog.remove(key.as_bytes()).is_some(), "no /{key}");
            }
            let mut body = written(&Object::Dictionary(catalog));
            body.truncate(body.len() - b">>".len());
            body.extend_from_slice(add.as_bytes());
            body.extend_from_slice(b">>");
            append_update(bytes, &[(root.0, body)], None)
        }
        Mutation::UpdateDss { remove } => {
            let doc = Document::load_mem(bytes).unwrap();
            let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
            let mut catalog = doc.get_dictionary(root).unwrap().clone();
            let (_, dss) = doc.dereference(catalog.get(b"DSS").unwrap()).unwrap();
            let mut dss = dss.as_dict().unwrap().clone();
            for key in remove {
                assert!(dss.remove(key.as_bytes()).is_some(), "no /{key} in /DSS");
            }
            let new = doc.max_id + 1;
            catalog.set("DSS", Object::Reference((new, 0)));
            append_update(
                bytes,
                &[
                    (root.0, written(&Object::Dictionary(catalog))),
                    (new, written(&Object::Dictionary(dss))),
                ],
                None,
            )
        }
        Mutation::UpdatePageContent { page, content } => {
            let doc = Document::load_mem(bytes).unwrap();
            let stream = doc.get_page_contents(doc.get_pages()[page])[0];
            let body = format!("<</Length {}>>stream\n{content}\nendstream", content.len());
            append_update(bytes, &[(stream.0, body.into_bytes())], None)
        }
        Mutation::UpdateAddAnnotation { page, annotation } => {
            let doc = Document::load_mem(bytes).unwrap();
            let page_id = doc.get_pages()[page];
            let mut dictionary = doc.get_dictionary(page_id).unwrap().clone();
            let note = doc.max_id + 1;
            let mut annots = match dictionary.get(b"Annots") {
                Ok(Object::Array(items)) => items.clone(),
                _ => Vec::new(),
            };
            annots.push((note, 0).into());
            dictionary.set("Annots", Object::Array(annots));
            append_update(
                bytes,
                &[
                    (page_id.0, written(&Object::Dictionary(dictionary))),
                    (note, annotation.clone().into_bytes()),
                ],
                None,
            )
        }
        other => panic!("{other:?} is not a PDF mutation"),
    }
}

// ---------------------------------------------------------------------------
// Mutations of a zip's entries (an EPUB or the package).
// ---------------------------------------------------------------------------

struct Entry {
    name: String,
    method: CompressionMethod,
    modified: zip::DateTime,
    content: Vec<u8>,
}

fn unzip(bytes: &[u8]) -> Vec<Entry> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|index| {
            let mut file = archive.by_index(index).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            Entry {
                name: file.name().unwrap().into_owned(),
                method: file.compression(),
                modified: file.last_modified().unwrap_or_default(),
                content,
            }
        })
        .collect()
}

/// The entries zipped in order. Names the writer refuses (a second entry of
/// one name) are written under a stand-in of the same length and put in
/// place in the bytes afterwards: a zip's names are outside its CRCs.
fn zip_entries(entries: &[Entry]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut seen = BTreeSet::new();
    let mut stand_ins = Vec::new();
    for entry in entries {
        let mut name = entry.name.clone();
        if !seen.insert(name.clone()) {
            let stand_in = format!("{}~", &name[..name.len() - 1]);
            stand_ins.push((stand_in.clone(), name));
            name = stand_in;
        }
        let options = SimpleFileOptions::default()
            .compression_method(entry.method)
            .last_modified_time(entry.modified);
        writer.start_file(name, options).unwrap();
        writer.write_all(&entry.content).unwrap();
    }
    let mut bytes = writer.finish().unwrap().into_inner();
    for (stand_in, name) in stand_ins {
        let mut count = 0;
        while let Some(at) = find(&bytes, stand_in.as_bytes()) {
            bytes[at..at + name.len()].copy_from_slice(name.as_bytes());
            count += 1;
        }
        assert_eq!(count, 2, "the local header and the central directory");
    }
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A bag manifest (`manifest-*.txt` or `tagmanifest-*.txt`) with each line's
/// digest made that of its file now, lines of absent files left out, and
/// `new` files (paths in the bag) listed after them.
fn remanifest(text: &str, files: &BTreeMap<&str, &[u8]>, hash: Hash, new: &[&str]) -> Vec<u8> {
    let mut out = String::new();
    for line in text.lines() {
        let (_, path) = line.split_once("  ").unwrap();
        if let Some(content) = files.get(path) {
            out += &format!("{}  {path}\n", hash(content));
        }
    }
    for path in new {
        out += &format!("{}  {path}\n", hash(files[path]));
    }
    out.into_bytes()
}

/// A digest in lowercase hex, as bag manifests write it.
type Hash = fn(&[u8]) -> String;

fn sha256(bytes: &[u8]) -> String {
    hex(digest(&SHA256, bytes).as_ref())
}

fn sha512(bytes: &[u8]) -> String {
    hex(digest(&SHA512, bytes).as_ref())
}

/// data/manifest.json made to record each payload file that differs from
/// the `original` package's (its size, SHA-256 and SHA-512) or was renamed
/// (its path), and data/manifest.json.p7s made anew over it: with the
/// example seal key, or for a long-term `base` as `gazette build` seals it
/// at the base's level with the test PKI.
fn reseal(entries: &mut [Entry], original: &[Entry], base: Base) {
    let at = entries
        .iter()
        .position(|e| e.name.ends_with(".bag/data/manifest.json"))
        .unwrap();
    let mut json = String::from_utf8(entries[at].content.clone()).unwrap();
    let payload_path = |name: &str| {
        name.split_once(".bag/data/")
            .map(|(_, path)| path.to_owned())
    };
    let gone = |name: &str| !entries.iter().any(|e| e.name == name);
    for entry in entries
        .iter()
        .filter(|e| original.iter().all(|o| o.name != e.name))
    {
        let renamed = original
            .iter()
            .find(|o| o.content == entry.content && gone(&o.name));
        if let Some((old, new)) =
            renamed.and_then(|o| payload_path(&o.name).zip(payload_path(&entry.name)))
        {
            json = json.replace(
                &format!("\"path\": \"{old}\""),
                &format!("\"path\": \"{new}\""),
            );
        }
    }
    for entry in entries.iter() {
        let Some(before) = original.iter().find(|o| o.name == entry.name) else {
            continue;
        };
        if before.content == entry.content || entry.name.contains(".bag/data/manifest.json") {
            continue;
        }
        let old = sha256(&before.content);
        let Some(digest_at) = json.find(&old) else {
            continue;
        };
        // An artifact's object gives its size before its digests; a source's
        // gives none.
        let object = json[..digest_at].rfind('{').unwrap();
        let size = format!("\"size\": {},", before.content.len());
        if let Some(at) = json[object..digest_at].rfind(&size) {
            let at = object + at;
            json.replace_range(
                at..at + size.len(),
                &format!("\"size\": {},", entry.content.len()),
            );
        }
        json = json
            .replace(&old, &sha256(&entry.content))
            .replace(&sha512(&before.content), &sha512(&entry.content));
    }
    entries[at].content = json.into_bytes();

    let path = |name: &str| {
        entries
            .iter()
            .position(|e| e.name.ends_with(&format!(".bag/data/{name}")))
            .unwrap()
    };
    let (json, p7s) = (path("manifest.json"), path("manifest.json.p7s"));
    let content = entries[json].content.clone();
    entries[p7s].content = match base {
        Base::PackageBT => long_term::reseal_manifest(&content, "B-T"),
        Base::PackageBLt => long_term::reseal_manifest(&content, "B-LT"),
        other => {
            assert!(
                !other.is_long_term(),
                "a B-LTA package's archive timestamp covers its manifest: reseal it at B-T or B-LT"
            );
            example_manifest_seal(&content)
        }
    };
}

/// `json` sealed with the example seal key, as the sample's manifest.json.
fn example_manifest_seal(json: &[u8]) -> Vec<u8> {
    let identity = signer::open(
        &KeySource::File(example("seal.key.pem")),
        RsaPadding::Pkcs1,
        &FixedSecrets::default(),
    )
    .unwrap();
    let chain =
        cms::load_pem_certificates(&std::fs::read(example("seal-chain.pem")).unwrap()).unwrap();
    cms::sign_detached(&[json], &chain, identity.signer.as_ref()).unwrap()
}

/// Brings the package's bag up to date with its files, as `rebag` says.
fn rebag(entries: &mut [Entry], rebag: Rebag, original: &[Entry], base: Base) {
    if rebag == Rebag::None {
        return;
    }
    if rebag == Rebag::Reseal {
        reseal(entries, original, base);
    }
    let all = matches!(rebag, Rebag::All | Rebag::Reseal);
    let top = entries[0].name.split('/').next().unwrap().to_owned() + "/";
    let position = |entries: &[Entry], path: &str| {
        entries
            .iter()
            .position(|e| e.name == format!("{top}{path}"))
    };
    // The manifests to rewrite, in the order that makes each one's digest
    // current before the next lists it.
    let mut steps: Vec<(&str, Hash, bool)> = Vec::new();
    if all {
        steps.push(("manifest-sha256.txt", sha256, true));
        steps.push(("manifest-sha512.txt", sha512, true));
    }
    steps.push(("tagmanifest-sha256.txt", sha256, false));
    steps.push(("tagmanifest-sha512.txt", sha512, false));
    if all {
        let payload: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.name.starts_with(&format!("{top}data/")) && !e.name.ends_with('/'))
            .collect();
        let oxum = format!(
            "Payload-Oxum: {}.{}",
            payload.iter().map(|e| e.content.len()).sum::<usize>(),
            payload.len()
        );
        // A resealed manifest may name the edition otherwise: bag-info.txt
        // repeats its URI (when the manifest still has one).
        let identifier = (rebag == Rebag::Reseal)
            .then(|| position(entries, "data/manifest.json"))
            .flatten()
            .and_then(|at| serde_json::from_slice::<serde_json::Value>(&entries[at].content).ok())
            .and_then(|json| {
                let uri = json["edition"]["uri"].as_str()?;
                Some(format!("External-Identifier: {uri}"))
            });
        if let Some(info) = position(entries, "bag-info.txt") {
            let text = String::from_utf8(entries[info].content.clone()).unwrap();
            let text: String = text
                .lines()
                .map(|line| match &identifier {
                    _ if line.starts_with("Payload-Oxum:") => format!("{oxum}\n"),
                    Some(identifier) if line.starts_with("External-Identifier:") => {
                        format!("{identifier}\n")
                    }
                    _ => format!("{line}\n"),
                })
                .collect();
            entries[info].content = text.into_bytes();
        }
    }
    for (manifest, hash, payload) in steps {
        let Some(at) = position(entries, manifest) else {
            continue;
        };
        let text = String::from_utf8(entries[at].content.clone()).unwrap();
        let listed: BTreeSet<&str> = text
            .lines()
            .filter_map(|l| l.split_once("  "))
            .map(|(_, p)| p)
            .collect();
        let files: BTreeMap<&str, &[u8]> = entries
            .iter()
            .filter(|e| !e.name.ends_with('/'))
            .filter_map(|e| Some((e.name.strip_prefix(&top)?, e.content.as_slice())))
            .filter(|(path, _)| {
                let in_payload = path.starts_with("data/");
                in_payload == payload && (payload || !path.starts_with("tagmanifest-"))
            })
            .collect();
        let new: Vec<&str> = files
            .keys()
            .copied()
            .filter(|p| !listed.contains(p))
            .collect();
        entries[at].content = remanifest(&text, &files, hash, &new);
    }
}

/// The JSON `content` changed by `edit`, written again as serde_json's
/// pretty printer writes it, with a final line feed.
fn rewritten_json(content: &[u8], edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut json: Value = serde_json::from_slice(content).unwrap();
    edit(&mut json);
    let mut text = serde_json::to_string_pretty(&json).unwrap();
    text.push('\n');
    text.into_bytes()
}

/// `bytes`, the zip of `base`, changed as `mutation` says.
fn mutate_zip(bytes: &[u8], base: Base, mutation: &Mutation) -> Vec<u8> {
    let original = unzip(bytes);
    let mut entries = unzip(bytes);
    let index = |entries: &[Entry], name: &str| {
        entries
            .iter()
            .position(|e| e.name == name)
            .unwrap_or_else(|| panic!("no entry {name}"))
    };
    let mut again = Rebag::None;
    match mutation {
        Mutation::EntryReplace {
            entry,
            find: from,
            with,
            rebag,
        } => {
            let at = index(&entries, entry);
            let text = String::from_utf8(entries[at].content.clone()).unwrap();
            assert!(text.contains(from.as_str()), "{from} not in {entry}");
            entries[at].content = text.replacen(from.as_str(), with, 1).into_bytes();
            again = *rebag;
        }
        Mutation::EntryResign {
            entry,
            changes,
            rebag,
        } => {
            let at = index(&entries, entry);
            entries[at].content = match entry.strip_suffix(".p7s") {
                Some(signed) => resign(&[&entries[index(&entries, signed)].content], changes),
                None if entry.ends_with(".epub") => resign_epub(&entries[at].content, changes),
                None => resign_pdf(&entries[at].content, changes),
            };
            again = *rebag;
        }
        Mutation::EntryReseal {
            entry,
            certificate,
            rebag,
        } => {
            let at = index(&entries, entry);
            let (_, path) = entry.split_once(".bag/data/").expect("a payload file");
            let sample = unsealed_sample();
            entries[at].content = if path == "edition/shanghai-gazette-2025-08.pdf" {
                seal_with_certificate(&sample.pdf, VISIBLE_SEAL, certificate)
            } else {
                let (_, pdf) = sample.documents.iter().find(|(p, _)| p == path).unwrap();
                seal_with_certificate(pdf, [0.0; 4], certificate)
            };
            again = *rebag;
        }
        Mutation::EntrySet { entry, text, rebag } => {
            let at = index(&entries, entry);
            entries[at].content = text.clone().into_bytes();
            again = *rebag;
        }
        Mutation::EntryRemove { entry, rebag } => {
            let at = index(&entries, entry);
            entries.remove(at);
            again = *rebag;
        }
        Mutation::EntryRename { entry, to, rebag } => {
            let at = index(&entries, entry);
            entries[at].name = to.clone();
            again = *rebag;
        }
        Mutation::EntryAdd {
            entry,
            text,
            repeat,
            rebag,
        } => {
            let modified = entries[0].modified;
            entries.push(Entry {
                name: entry.clone(),
                method: CompressionMethod::Deflated,
                modified,
                content: text.repeat(*repeat).into_bytes(),
            });
            again = *rebag;
        }
        Mutation::EntryJsonSet {
            entry,
            pointer,
            value,
            rebag,
        } => {
            let at = index(&entries, entry);
            entries[at].content = rewritten_json(&entries[at].content, |json| {
                *json
                    .pointer_mut(pointer)
                    .unwrap_or_else(|| panic!("{pointer} not in {entry}")) = value.clone();
            });
            again = *rebag;
        }
        Mutation::EntryJsonRemove {
            entry,
            pointer,
            rebag,
        } => {
            let at = index(&entries, entry);
            let (parent, member) = pointer.rsplit_once('/').expect("a pointer to a member");
            entries[at].content = rewritten_json(&entries[at].content, |json| {
                let removed = json
                    .pointer_mut(parent)
                    .and_then(Value::as_object_mut)
                    .and_then(|object| object.remove(member));
                assert!(removed.is_some(), "{pointer} not in {entry}");
            });
            again = *rebag;
        }
        Mutation::EntryRemoveLine {
            entry,
            containing,
            rebag,
        } => {
            let at = index(&entries, entry);
            entries[at].content = relined(&entries[at].content, containing, 0);
            again = *rebag;
        }
        Mutation::EntryDuplicateLine {
            entry,
            containing,
            rebag,
        } => {
            let at = index(&entries, entry);
            entries[at].content = relined(&entries[at].content, containing, 2);
            again = *rebag;
        }
        Mutation::EntryDuplicateSpan {
            entry,
            start,
            end,
            rebag,
        } => {
            let at = index(&entries, entry);
            let text = String::from_utf8(entries[at].content.clone()).unwrap();
            let from = text
                .find(start.as_str())
                .unwrap_or_else(|| panic!("{start} not in {entry}"));
            let to = from + text[from..].find(end.as_str()).unwrap() + end.len();
            let span = &text[from..to];
            entries[at].content = format!("{}{span}{}", &text[..to], &text[to..]).into_bytes();
            again = *rebag;
        }
        Mutation::EntrySetByte {
            entry,
            at,
            byte,
            rebag,
        } => {
            let index = index(&entries, entry);
            entries[index].content[*at] = *byte;
            again = *rebag;
        }
        Mutation::EntryDropRevocationValues { entry, rebag } => {
            let index = index(&entries, entry);
            entries[index].content = long_term::without_revocation_values(&entries[index].content);
            again = *rebag;
        }
        Mutation::EvidenceDropRestamp { prefix } => {
            let (top, folder) = prefix.split_once("/evidence/").unwrap();
            let number = folder
                .strip_prefix("revocation-")
                .and_then(|rest| rest.split_once('/'))
                .unwrap()
                .0;
            let dropped: Vec<String> = entries
                .iter()
                .filter(|e| e.name.starts_with(prefix.as_str()))
                .map(|e| e.name[top.len() + 1..].to_owned())
                .collect();
            assert!(!dropped.is_empty(), "nothing under {prefix}");
            entries.retain(|e| !e.name.starts_with(prefix.as_str()));
            let list = index(&entries, &format!("{top}/evidence/archive-{number}.txt"));
            let text = String::from_utf8(entries[list].content.clone()).unwrap();
            let kept: String = text
                .lines()
                .filter(|line| !dropped.iter().any(|d| line.ends_with(&format!("  {d}"))))
                .map(|line| format!("{line}\n"))
                .collect();
            assert_ne!(kept, text, "archive-{number}.txt lists what was dropped");
            entries[list].content = kept.into_bytes();
            let token = index(&entries, &format!("{top}/evidence/archive-{number}.tsr"));
            entries[token].content = long_term::tsa_token(&entries[list].content).der;
            again = Rebag::Tags;
        }
        Mutation::EntryDropSignatureTimestamp { entry, rebag } => {
            let index = index(&entries, entry);
            entries[index].content =
                long_term::without_unsigned_attributes(&entries[index].content);
            again = *rebag;
        }
        Mutation::EntryResealLongTerm { entry, seal, rebag } => {
            let at = index(&entries, entry);
            entries[at].content = long_term::reseal(&entries[at].content, seal);
            again = *rebag;
        }
        Mutation::EntryCopyFrom { entry, from, rebag } => {
            let other = unzip(&self::base(*from));
            let at = index(&other, entry);
            let index = index(&entries, entry);
            entries[index].content = other[at].content.clone();
            again = *rebag;
        }
        Mutation::EntryMethod { entry, .. }
        | Mutation::EntryEncrypt { entry }
        | Mutation::EntryMode { entry, .. }
        | Mutation::EntryNameByte { entry, .. }
        | Mutation::EntryCentralName { entry, .. } => {
            index(&entries, entry);
        }
        Mutation::EntryMove { entry, to } => {
            let at = index(&entries, entry);
            let moved = entries.remove(at);
            entries.insert(*to, moved);
        }
        Mutation::EntryCompress { entry } => {
            let at = index(&entries, entry);
            assert_eq!(entries[at].method, CompressionMethod::Stored);
            entries[at].method = CompressionMethod::Deflated;
        }
        Mutation::EntryDuplicate { entry } => {
            let at = index(&entries, entry);
            let copy = Entry {
                name: entries[at].name.clone(),
                method: entries[at].method,
                modified: entries[at].modified,
                content: entries[at].content.clone(),
            };
            entries.insert(at + 1, copy);
        }
        other => panic!("{other:?} is not a zip mutation"),
    }
    rebag(&mut entries, again, &original, base);
    let mut bytes = zip_entries(&entries);
    patch_headers(&mut bytes, mutation);
    bytes
}

fn u16_at(bytes: &[u8], at: usize) -> usize {
    u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize
}

fn u32_at(bytes: &[u8], at: usize) -> usize {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize
}

/// Where entry `name`'s local header and central directory header start.
fn headers(bytes: &[u8], name: &str) -> (usize, usize) {
    let end = (0..bytes.len() - 21)
        .rev()
        .find(|&at| bytes[at..at + 4] == *b"PK\x05\x06")
        .unwrap();
    let mut at = u32_at(bytes, end + 16);
    for _ in 0..u16_at(bytes, end + 10) {
        assert_eq!(&bytes[at..at + 4], b"PK\x01\x02");
        let length = u16_at(bytes, at + 28);
        if &bytes[at + 46..at + 46 + length] == name.as_bytes() {
            return (u32_at(bytes, at + 42), at);
        }
        at += 46 + length + u16_at(bytes, at + 30) + u16_at(bytes, at + 32);
    }
    panic!("no entry {name}")
}

/// The mutations that change a zip entry's headers, not its content.
fn patch_headers(bytes: &mut [u8], mutation: &Mutation) {
    let put = |bytes: &mut [u8], at: usize, value: u16| {
        bytes[at..at + 2].copy_from_slice(&value.to_le_bytes());
    };
    match mutation {
        Mutation::EntryMethod { entry, method } => {
            let (local, central) = headers(bytes, entry);
            put(bytes, local + 8, *method);
            put(bytes, central + 10, *method);
        }
        Mutation::EntryEncrypt { entry } => {
            let (local, central) = headers(bytes, entry);
            bytes[local + 6] |= 1;
            bytes[central + 8] |= 1;
        }
        Mutation::EntryMode { entry, mode } => {
            let (_, central) = headers(bytes, entry);
            let mode = u32::from_str_radix(mode, 8).unwrap();
            bytes[central + 5] = 3; // made by Unix
            bytes[central + 38..central + 42].copy_from_slice(&(mode << 16).to_le_bytes());
        }
        Mutation::EntryNameByte { entry, at, byte } => {
            let (local, central) = headers(bytes, entry);
            bytes[local + 30 + at] = *byte;
            bytes[central + 46 + at] = *byte;
        }
        Mutation::EntryCentralName { entry, name } => {
            assert_eq!(entry.len(), name.len(), "a name of the same length");
            let (_, central) = headers(bytes, entry);
            bytes[central + 46..central + 46 + name.len()].copy_from_slice(name.as_bytes());
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// A PDF sealed anew with a certificate issued for the vector.
// ---------------------------------------------------------------------------

/// A seal certificate issued for one vector, described in data: by the
/// example CA's intermediate (certs-example/, the CA the vectors trust)
/// unless `issuer` says otherwise, with the example seal's key usages and
/// validity unless given.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct SealCertificate {
    #[serde(default = "seal_key_usage")]
    key_usage: Vec<String>,
    #[serde(default)]
    extended_key_usage: Vec<String>,
    #[serde(default = "seal_not_before")]
    not_before: String,
    #[serde(default = "seal_not_after")]
    not_after: String,
    #[serde(default)]
    issuer: SealIssuer,
    #[serde(default)]
    key: SealKey,
}

fn seal_key_usage() -> Vec<String> {
    vec!["digital-signature".into(), "content-commitment".into()]
}

fn seal_not_before() -> String {
    "2025-01-01".into()
}

fn seal_not_after() -> String {
    "2035-12-31".into()
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
enum SealIssuer {
    /// The example CA's intermediate.
    #[default]
    Example,
    /// A root made for the vector, which nobody trusts.
    OwnRoot,
    /// A certificate of the example CA that is no CA itself.
    EndEntity,
}

/// The seal's key.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
enum SealKey {
    /// ECDSA on P-256, as the example seal's.
    #[default]
    P256,
    /// RSA of 1024 bits, which SEAL-4 forbids.
    #[serde(rename = "rsa-1024")]
    Rsa1024,
}

/// A seal key made for a vector: its public half for the certificate, then
/// the signer that seals with it.
enum VectorKey {
    P256(KeyPair),
    Rsa1024(ShortRsa),
}

impl VectorKey {
    fn generate(key: SealKey) -> Self {
        match key {
            SealKey::P256 => VectorKey::P256(KeyPair::generate().unwrap()),
            SealKey::Rsa1024 => VectorKey::Rsa1024(ShortRsa::generate()),
        }
    }

    /// The signer; a P-256 key is written to `folder` and opened as gazette
    /// opens a key file.
    fn into_signer(self, folder: &Path) -> Box<dyn Signer> {
        match self {
            VectorKey::P256(key) => {
                let key_file = folder.join("seal.key.pem");
                std::fs::write(&key_file, key.serialize_pem()).unwrap();
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600))
                    .unwrap();
                let source = KeySource::File(key_file);
                signer::open(&source, RsaPadding::Pkcs1, &FixedSecrets::default())
                    .unwrap()
                    .signer
            }
            VectorKey::Rsa1024(key) => Box::new(key),
        }
    }
}

impl rcgen::PublicKeyData for VectorKey {
    fn der_bytes(&self) -> &[u8] {
        match self {
            VectorKey::P256(key) => key.der_bytes(),
            VectorKey::Rsa1024(key) => key.der_bytes(),
        }
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        match self {
            VectorKey::P256(key) => rcgen::PublicKeyData::algorithm(key),
            VectorKey::Rsa1024(key) => rcgen::PublicKeyData::algorithm(key),
        }
    }
}

/// `YYYY-MM-DD` as a year, a month and a day.
fn day(text: &str) -> (i32, u8, u8) {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        panic!("{text} is not YYYY-MM-DD");
    };
    (
        year.parse().unwrap(),
        month.parse().unwrap(),
        day.parse().unwrap(),
    )
}

fn key_usage(name: &str) -> KeyUsagePurpose {
    match name {
        "digital-signature" => KeyUsagePurpose::DigitalSignature,
        "content-commitment" => KeyUsagePurpose::ContentCommitment,
        "key-encipherment" => KeyUsagePurpose::KeyEncipherment,
        "key-cert-sign" => KeyUsagePurpose::KeyCertSign,
        "crl-sign" => KeyUsagePurpose::CrlSign,
        other => panic!("no key usage {other}"),
    }
}

fn extended_key_usage(name: &str) -> ExtendedKeyUsagePurpose {
    match name {
        "server-auth" => ExtendedKeyUsagePurpose::ServerAuth,
        "client-auth" => ExtendedKeyUsagePurpose::ClientAuth,
        "code-signing" => ExtendedKeyUsagePurpose::CodeSigning,
        "email-protection" => ExtendedKeyUsagePurpose::EmailProtection,
        "time-stamping" => ExtendedKeyUsagePurpose::TimeStamping,
        "any" => ExtendedKeyUsagePurpose::Any,
        "document-signing" => ExtendedKeyUsagePurpose::Other(vec![1, 3, 6, 1, 5, 5, 7, 3, 36]),
        other => panic!("no extended key usage {other}"),
    }
}

/// The example CA's intermediate as an issuer, with its published key.
fn example_intermediate() -> Issuer<'static, KeyPair> {
    let key = std::fs::read_to_string(example("intermediate.key.pem")).unwrap();
    Issuer::new(
        example_pki::intermediate_params(),
        KeyPair::from_pem(&key).unwrap(),
    )
}

fn example_der(name: &str) -> Vec<u8> {
    let pem = std::fs::read(example(name)).unwrap();
    cms::load_pem_certificates(&pem).unwrap().remove(0)
}

/// A certificate of the example CA's intermediate, or a root of its own,
/// named `common_name`.
fn test_params(common_name: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::OrganizationName, "测试单位 TEST ONLY");
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.use_authority_key_identifier_extension = true;
    params
}

/// The seal certificate `wanted` describes, issued, the chain from it up to
/// its root, and the signer of its key (a key file, if any, in `folder`).
fn issue_seal(wanted: &SealCertificate, folder: &Path) -> (Vec<Vec<u8>>, Box<dyn Signer>) {
    let seal_key = VectorKey::generate(wanted.key);
    let mut params = test_params("Vector Seal — TEST ONLY");
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = wanted.key_usage.iter().map(|u| key_usage(u)).collect();
    params.extended_key_usages = wanted
        .extended_key_usage
        .iter()
        .map(|u| extended_key_usage(u))
        .collect();
    let (year, month, first) = day(&wanted.not_before);
    params.not_before = date_time_ymd(year, month, first);
    let (year, month, last) = day(&wanted.not_after);
    params.not_after = date_time_ymd(year, month, last);
    let chain = match wanted.issuer {
        SealIssuer::Example => {
            let seal = params
                .signed_by(&seal_key, &example_intermediate())
                .unwrap();
            vec![
                seal.der().to_vec(),
                example_der("intermediate.pem"),
                example_der("root.pem"),
            ]
        }
        SealIssuer::OwnRoot => {
            let root_key = KeyPair::generate().unwrap();
            let mut root_params = test_params("Vector Root — TEST ONLY");
            root_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            root_params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
            root_params.use_authority_key_identifier_extension = false;
            let root = root_params.self_signed(&root_key).unwrap();
            let issuer = Issuer::new(root_params, root_key);
            let seal = params.signed_by(&seal_key, &issuer).unwrap();
            vec![seal.der().to_vec(), root.der().to_vec()]
        }
        SealIssuer::EndEntity => {
            let middle_key = KeyPair::generate().unwrap();
            let mut middle_params = test_params("Vector End Entity — TEST ONLY");
            middle_params.is_ca = IsCa::ExplicitNoCa;
            middle_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
            let middle = middle_params
                .signed_by(&middle_key, &example_intermediate())
                .unwrap();
            let issuer = Issuer::new(middle_params, middle_key);
            let seal = params.signed_by(&seal_key, &issuer).unwrap();
            vec![
                seal.der().to_vec(),
                middle.der().to_vec(),
                example_der("intermediate.pem"),
                example_der("root.pem"),
            ]
        }
    };
    (chain, seal_key.into_signer(folder))
}

/// Where gazette draws the edition's seal on its cover; a document's seal
/// is invisible.
const VISIBLE_SEAL: [f32; 4] = [400.0, 100.0, 519.0, 219.0];

/// The base's unsealed PDF (the sample built without a seal) sealed as
/// gazette seals it, with the certificate `wanted` describes: the edition
/// with its seal face on the cover, a document's PDF invisibly.
fn reseal_pdf(base: Base, wanted: &SealCertificate) -> Vec<u8> {
    let sample = unsealed_sample();
    match base {
        Base::Pdf => seal_with_certificate(&sample.pdf, VISIBLE_SEAL, wanted),
        _ => seal_with_certificate(&sample.documents[0].1, [0.0; 4], wanted),
    }
}

/// `pdf` sealed on its first page at `rect` with the certificate `wanted`
/// describes.
fn seal_with_certificate(pdf: &[u8], rect: [f32; 4], wanted: &SealCertificate) -> Vec<u8> {
    let folder = tempfile::tempdir().unwrap();
    let (chain, signer) = issue_seal(wanted, folder.path());
    seal_pdf_by(pdf, &chain, signer, Spot { page: 0, rect })
}

/// The vector's file: its base with its mutation applied.
fn materialise(from: Base, mutation: Option<&Mutation>) -> Vec<u8> {
    let bytes = &*base(from);
    let is_pdf = from.extension() == "pdf";
    match (mutation, from) {
        (None, _) => bytes.to_vec(),
        (Some(Mutation::Reseal { certificate }), base @ (Base::Pdf | Base::Document)) => {
            reseal_pdf(base, certificate)
        }
        (Some(Mutation::ResealLongTerm { seal }), Base::PdfBT | Base::PdfBLt | Base::PdfBLta) => {
            long_term::reseal(bytes, seal)
        }
        (Some(Mutation::AppendDocumentTimestamp { timestamp }), base) if base.is_long_term() => {
            document_timestamp::append(bytes, timestamp)
        }
        (Some(Mutation::Resign { changes }), Base::Epub) => resign_epub(bytes, changes),
        (Some(Mutation::Truncate { bytes: cut }), _) if !is_pdf => {
            bytes[..bytes.len() - cut].to_vec()
        }
        (Some(mutation), _) if is_pdf => mutate_pdf(bytes, mutation),
        (Some(mutation), base) => mutate_zip(bytes, base, mutation),
    }
}

/// The report `gazette verify FILE --json --trust certs-example/root.pem`
/// prints: the file written as `<id>.<ext>` and told apart as the command
/// tells it (a ZIP whose first entry is not `mimetype` is a package).
fn verify(sidecar: &Sidecar, bytes: &[u8]) -> Value {
    verify_named(sidecar, bytes, sidecar.base.extension())
}

/// [`verify`], the file written as `<id>.<extension>`, or as the bag folder
/// it holds when the sidecar says so.
fn verify_named(sidecar: &Sidecar, bytes: &[u8], extension: &str) -> Value {
    verify_as(sidecar, bytes, extension, sidecar.online)
}

/// [`verify_named`], online or not as asked.
fn verify_as(sidecar: &Sidecar, bytes: &[u8], extension: &str, online: bool) -> Value {
    let folder = tempfile::tempdir().unwrap();
    let file = match &sidecar.folder {
        Some(as_folder) => unzipped_into(folder.path(), bytes, as_folder),
        None => {
            let file = folder.path().join(format!("{}.{extension}", sidecar.id));
            std::fs::write(&file, bytes).unwrap();
            file
        }
    };
    let policy = Policy {
        at: sidecar.at.as_deref().map(|at| parse_time(at).unwrap()),
        online,
    };
    let report: Report = verify_path_under(&file, &options(sidecar.base), policy)
        .unwrap_or_else(|e| panic!("{}: cannot check: {e}", sidecar.id));
    serde_json::to_value(&report).unwrap()
}

/// The package zip `bytes` unzipped into `folder` as `as_folder` says; its
/// bag folder. The archive vectors hand a folder over so too.
fn unzipped_into(folder: &Path, bytes: &[u8], as_folder: &AsFolder) -> PathBuf {
    let entries = unzip(bytes);
    for entry in &entries {
        let path = folder.join(&entry.name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &entry.content).unwrap();
    }
    let bag = folder.join(entries[0].name.split('/').next().unwrap());
    if let Some([link, to]) = &as_folder.symlink {
        std::os::unix::fs::symlink(to, bag.join(link)).unwrap();
    }
    bag
}

/// Every finding of a JSON report: of the file, its signatures, its parts;
/// a change after a signature counts as one, its `kind` as its code. With
/// `notes`, a signature's notes count too: what a valid file's report must
/// say without changing its verdict (VER-72, VER-73).
fn findings(report: &Value, notes: bool, out: &mut Vec<Value>) {
    match report {
        Value::Object(fields) => {
            for (key, value) in fields {
                // A signature's own problems (cms.problems) name rules too.
                if key == "findings" || key == "problems" || (notes && key == "notes") {
                    out.extend(value.as_array().unwrap().iter().cloned());
                } else if key == "changes_after" {
                    out.extend(value.as_array().unwrap().iter().map(|change| {
                        serde_json::json!({"code": change["kind"], "rules": change["rules"]})
                    }));
                } else {
                    findings(value, notes, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| findings(item, notes, out)),
        _ => {}
    }
}

/// What the report says against the sidecar, or nothing when it agrees.
fn disagreement(sidecar: &Sidecar, report: &Value) -> Option<String> {
    let verdict = report["verdict"].as_str().unwrap();
    if verdict != sidecar.verdict {
        return Some(format!("verdict {verdict}: {}", report["summary"]));
    }
    if let Some(level) = &sidecar.level
        && report["level"] != level.as_str()
    {
        return Some(format!("level {}, not {level}", report["level"]));
    }
    let mut all = Vec::new();
    findings(report, verdict == "valid", &mut all);
    let Some(code) = &sidecar.code else {
        return None;
    };
    let with_code: Vec<&Value> = all.iter().filter(|f| f["code"] == code.as_str()).collect();
    if with_code.is_empty() {
        let codes: Vec<&Value> = all.iter().map(|f| &f["code"]).collect();
        return Some(format!(
            "no finding {code}, only {codes:?}: {}",
            report["summary"]
        ));
    }
    let names_rule = with_code.iter().any(|f| names(f, &sidecar.rule));
    (!names_rule).then(|| format!("{code} does not name {}: {with_code:?}", sidecar.rule))
}

/// Whether a finding of a JSON report names `rule` among its rules.
fn names(finding: &Value, rule: &str) -> bool {
    finding["rules"]
        .as_array()
        .is_some_and(|rules| rules.iter().any(|r| r == rule))
}

/// The verdicts in the order VER-7 gives them precedence, VALID last.
const PRECEDENCE: [&str; 6] = [
    "invalid",
    "modified",
    "cannot-check",
    "indeterminate",
    "untrusted",
    "valid",
];

fn precedence(verdict: &Value) -> usize {
    PRECEDENCE
        .iter()
        .position(|v| verdict == *v)
        .unwrap_or_else(|| panic!("no verdict {verdict}"))
}

fn time(value: &Value) -> gazette::cms::UnixTime {
    parse_time(value.as_str().unwrap_or_else(|| panic!("no time: {value}"))).unwrap()
}

/// Why the report does not bear out `rule`, a rule of what a verifier does
/// that the vector exercises, or nothing when it does. Most are borne out
/// by a finding or note that names them; those about the verdict as a
/// whole, by the report:
/// - VER-7: several verdicts apply (a part's, and the package's own
///   findings'), and the package's is the first of them in VER-7's order;
/// - VER-64: the package's own checks all hold, and its verdict is the one
///   its parts' verdicts give;
/// - VER-68: the seal is VALID after its certificate's end, on a proof of
///   existence that is the earliest time-stamp holding in the file;
/// - VER-81: the file named as another kind is judged as the same kind;
/// - VER-2: judged offline, the file costs the test PKI's server no request,
///   though its certificates name the server and, judged online, it does;
/// - SEC-7: judged in a folder two levels down, the file is all that tree
///   holds afterwards: nothing was unpacked, not even entries named to
///   climb out of it.
fn unexercised(rule: &str, sidecar: &Sidecar, bytes: &[u8], report: &Value) -> Option<String> {
    let parts = report["parts"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    let own = report["findings"].as_array().unwrap();
    match rule {
        "VER-7" => {
            let other = parts
                .iter()
                .find(|p| p["verdict"] != "valid" && p["verdict"] != report["verdict"]);
            if own.is_empty() || other.is_none() {
                return Some("not two verdicts: the package's own and another part's".into());
            }
            let first = parts
                .iter()
                .all(|p| precedence(&report["verdict"]) <= precedence(&p["verdict"]));
            (!first).then(|| format!("{} is not first of its parts'", report["verdict"]))
        }
        "VER-64" => match parts
            .iter()
            .map(|p| &p["verdict"])
            .min_by_key(|v| precedence(v))
        {
            Some(worst) if own.is_empty() && *worst != "valid" => (report["verdict"] != *worst)
                .then(|| format!("{} is not its parts' {worst}", report["verdict"])),
            _ => Some("no part alone makes the package's verdict".into()),
        },
        "VER-68" => {
            let seal = &report["signatures"][0];
            let end = &seal["cms"]["signer"]["not_after"];
            if report["verdict"] != "valid" || time(&report["validation_time"]) <= time(end) {
                return Some("not VALID after the seal certificate's end".into());
            }
            let mut holding = Vec::new();
            for signature in report["signatures"].as_array().unwrap() {
                for stamp in signature["timestamps"].as_array().into_iter().flatten() {
                    if stamp["valid"] == true {
                        holding.push(time(&stamp["time"]));
                    }
                }
            }
            let proof = time(&seal["proof_of_existence"]);
            (Some(&proof) != holding.iter().min() || proof > time(end))
                .then(|| format!("proof of existence {proof:?} of {holding:?}"))
        }
        "VER-2" => {
            let sample = sample_of_2026();
            let extension = sidecar.base.extension();
            let before = sample.requests_answered();
            verify_as(sidecar, bytes, extension, false);
            let offline = sample.requests_answered() - before;
            verify_as(sidecar, bytes, extension, true);
            let online = sample.requests_answered() - before - offline;
            (offline > 0 || online == 0)
                .then(|| format!("{offline} requests judged offline, {online} online"))
        }
        "SEC-7" => {
            let root = tempfile::tempdir().unwrap();
            let folder = root.path().join("unpacked/here");
            std::fs::create_dir_all(&folder).unwrap();
            let file = folder.join(format!("{}.{}", sidecar.id, sidecar.base.extension()));
            std::fs::write(&file, bytes).unwrap();
            verify_path_under(&file, &options(sidecar.base), Policy::default()).unwrap();
            let written: Vec<PathBuf> = walkdir::WalkDir::new(root.path())
                .into_iter()
                .map(Result::unwrap)
                .filter(|entry| !entry.file_type().is_dir())
                .map(walkdir::DirEntry::into_path)
                .collect();
            (written != [file]).then(|| format!("written while judging: {written:?}"))
        }
        "VER-81" => {
            let misnamed = if sidecar.base.extension() == "pdf" {
                "zip"
            } else {
                "pdf"
            };
            let judged = verify_named(sidecar, bytes, misnamed);
            (judged["format"] != report["format"]).then(|| {
                format!(
                    "as .{misnamed}, a {} not a {}",
                    judged["format"], report["format"]
                )
            })
        }
        _ => {
            let mut all = Vec::new();
            findings(report, true, &mut all);
            (!all.iter().any(|f| names(f, rule))).then(|| "no finding names it".into())
        }
    }
}

/// Every code the spec's Appendix A gives: its table's and those its text
/// names for changes and for the signature checks.
fn appendix_codes() -> &'static BTreeSet<String> {
    static CODES: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    CODES.get_or_init(|| {
        let text =
            std::fs::read_to_string(repo().join("docs/spec/gazette-format-1.0.en.md")).unwrap();
        let start = text.find("## Appendix A.").unwrap();
        let appendix = &text[start..start + text[start..].find("## Appendix B.").unwrap()];
        appendix
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|word| {
                word.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
            .map(str::to_owned)
            .collect()
    })
}

/// What every report must say, whatever the vector (VER-5, VER-8, VER-9),
/// or nothing when it says it: one verdict for the file and each part;
/// each finding, note, change and check under a code of Appendix A; for each
/// seal whose signature could be read, its signer's subject and certificate
/// SHA-256, the claimed time, each change after it with whether it is
/// allowed, and for a PDF's seal the level it reaches.
fn unreported(report: &Value) -> Option<String> {
    let mut reports = vec![report];
    reports.extend(report["parts"].as_array().into_iter().flatten());
    for one in reports {
        if !VERDICTS.iter().any(|v| one["verdict"] == *v) {
            return Some(format!("VER-5: verdict {}", one["verdict"]));
        }
        let mut all = Vec::new();
        findings(one, true, &mut all);
        all.extend(one["checks"].as_array().into_iter().flatten().cloned());
        for code in all.iter().map(|f| &f["code"]) {
            if !code.as_str().is_some_and(|c| appendix_codes().contains(c)) {
                return Some(format!("VER-8: {code} is not a code of Appendix A"));
            }
        }
        for seal in one["signatures"].as_array().into_iter().flatten() {
            let signer = &seal["cms"]["signer"];
            let described = signer.is_null()
                || (signer["subject"].is_string()
                    && signer["sha256_fingerprint"]
                        .as_str()
                        .is_some_and(|h| h.len() == 64));
            let changes = seal["changes_after"]
                .as_array()
                .is_some_and(|c| c.iter().all(|change| change["allowed"].is_boolean()));
            let level = one["format"] != "pdf"
                || seal["kind"] == "document-timestamp"
                || signer.is_null()
                || seal["level"].is_string();
            if !(described && changes && level && seal.get("claimed_time").is_some()) {
                return Some(format!(
                    "VER-9: the seal {} is not described",
                    seal["field"]
                ));
            }
        }
    }
    None
}

fn rule_ids() -> BTreeSet<String> {
    let text = std::fs::read_to_string(repo().join("docs/spec/rules.json")).unwrap();
    let rules: Value = serde_json::from_str(&text).unwrap();
    rules
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].as_str().unwrap().to_owned())
        .collect()
}

const VERDICTS: [&str; 6] = [
    "valid",
    "untrusted",
    "modified",
    "indeterminate",
    "invalid",
    "cannot-check",
];

/// Materialises and verifies every vector of a folder, several at once:
/// (sidecar, its text, its bytes, its report).
fn run(name: &str) -> Vec<(Sidecar, String, Vec<u8>, Value)> {
    let all: Vec<(Sidecar, String)> = sidecars(name);
    let ids = rule_ids();
    for (sidecar, _) in &all {
        for rule in std::iter::once(&sidecar.rule).chain(&sidecar.exercises) {
            assert!(ids.contains(rule), "{}: no rule {rule}", sidecar.id);
        }
        assert!(
            sidecar
                .exercises
                .iter()
                .all(|rule| rule.starts_with("VER-") || rule.starts_with("SEC-")),
            "{}: a vector exercises only what a verifier does",
            sidecar.id
        );
        assert!(
            VERDICTS.contains(&sidecar.verdict.as_str()),
            "{}",
            sidecar.id
        );
        // A valid vector is the sample as built, or changed as the format
        // allows: an EXT rule, VER-26 for bytes appended that change no
        // object, VER-72 for a revocation after the seal's proof of
        // existence, VER-69 for a time-stamp that proves nothing (the seal
        // stands without it), or VER-74 for evidence taken away (the level
        // falls, the seal stands), says a verifier must accept the change;
        // or it breaks SPDF-13, a missing /VRI entry, which VER-82 has a
        // verifier note and accept. The unsealed package as built is NOT
        // SEALED.
        assert!(
            sidecar.verdict == "valid"
                || sidecar.mutation.is_some()
                || sidecar.at.is_some()
                || sidecar.base == Base::UnsealedPackage
                || sidecar.folder.is_some(),
            "{}: only a valid vector, one judged at another time or as a folder, or the unsealed package, has no mutation",
            sidecar.id
        );
        assert!(
            sidecar.verdict != "valid"
                || sidecar.mutation.is_none()
                || sidecar.rule.starts_with("EXT-")
                || sidecar.rule == "VER-26"
                || sidecar.rule == "VER-72"
                || sidecar.rule == "VER-69"
                || sidecar.rule == "VER-74"
                || sidecar.rule == "SPDF-13",
            "{}: a valid vector with a mutation names the rule that allows it (EXT-…, VER-26, VER-69, VER-72, VER-74) or SPDF-13",
            sidecar.id
        );
        // A valid vector names a code only for a note its report must hold.
        assert!(
            sidecar.code.is_some() || sidecar.verdict == "valid",
            "{}: an invalid vector names the code of its finding",
            sidecar.id
        );
        assert_eq!(
            sidecar.base.is_long_term(),
            name == "long-term",
            "{}: the long-term bases are the long-term folder's",
            sidecar.id
        );
        assert!(!sidecar.description.is_empty(), "{}", sidecar.id);
    }
    base(Base::Pdf); // The sample, built once before the threads share it.
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    let chunks: Vec<Vec<(Sidecar, String)>> = {
        let mut chunks: Vec<Vec<(Sidecar, String)>> = (0..threads).map(|_| Vec::new()).collect();
        for (index, item) in all.into_iter().enumerate() {
            chunks[index % threads].push(item);
        }
        chunks
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|(sidecar, text)| {
                            let bytes = materialise(sidecar.base, sidecar.mutation.as_ref());
                            let report = verify(&sidecar, &bytes);
                            (sidecar, text, bytes, report)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut results: Vec<_> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        results.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        results
    })
}

fn write_out(out: &Path, sidecar: &Sidecar, text: &str, bytes: &[u8]) {
    std::fs::create_dir_all(out).unwrap();
    let ext = sidecar.base.extension();
    std::fs::write(out.join(format!("{}.{ext}", sidecar.id)), bytes).unwrap();
    std::fs::write(out.join(format!("{}.json", sidecar.id)), text).unwrap();
}

/// Every vector gives its verdict and names its rule; no two are the same.
#[test]
fn conformance_vectors_name_the_rule_they_break() {
    let out = std::env::var_os("GAZETTE_VECTORS_OUT").map(PathBuf::from);
    check_folder("cases", 25, out.as_deref());
}

/// The long-term vectors (tests/vectors/long-term), made while the test
/// PKI's time-stamp authority, OCSP responder and CRLs run: skipped where
/// certomancer is missing, a failure then under GAZETTE_REQUIRE_TOOLS=1.
/// Written out beside the others, under long-term/, with the test PKI's
/// root they are checked against. The archive vectors (tests/vectors/
/// archive) follow, renewed with the same PKI, which they stop.
#[test]
fn long_term_vectors_name_the_rule_they_break() {
    let Some(pki) = TestPki::start() else {
        return;
    };
    long_term::build_with(&pki);
    let out =
        std::env::var_os("GAZETTE_VECTORS_OUT").map(|out| PathBuf::from(out).join("long-term"));
    check_folder("long-term", 5, out.as_deref());
    if let Some(out) = out {
        std::fs::write(out.join("root.pem"), &sample_of_2026().root_pem).unwrap();
    }
    archive::check(pki);
}

/// Runs a folder's vectors: each gives its verdict and names its rule, and no
/// two are the same recipe or the same file.
fn check_folder(name: &str, at_least: usize, out: Option<&Path>) {
    let results = run(name);
    assert!(results.len() >= at_least, "{} vectors", results.len());
    let mut recipes = BTreeSet::new();
    let mut files = BTreeSet::new();
    let mut failures = Vec::new();
    for (sidecar, text, bytes, report) in &results {
        assert!(
            recipes.insert(format!(
                "{:?} {:?} {:?} {} {:?}",
                sidecar.base, sidecar.mutation, sidecar.at, sidecar.online, sidecar.folder
            )),
            "{}: another vector has this recipe",
            sidecar.id
        );
        assert!(
            files.insert((sha256(bytes), &sidecar.at, sidecar.online, &sidecar.folder)),
            "{}: another vector makes the same file, judged at the same time and the same way",
            sidecar.id
        );
        if let Some(why) = disagreement(sidecar, report) {
            failures.push(format!("{} ({}): {why}", sidecar.id, sidecar.rule));
        }
        for rule in &sidecar.exercises {
            if let Some(why) = unexercised(rule, sidecar, bytes, report) {
                failures.push(format!("{} (exercises {rule}): {why}", sidecar.id));
            }
        }
        if let Some(why) = unreported(report) {
            failures.push(format!("{}: {why}", sidecar.id));
        }
        // A folder is not a file another tool could be handed as one.
        if let Some(out) = out.filter(|_| sidecar.folder.is_none()) {
            write_out(out, sidecar, text, bytes);
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
