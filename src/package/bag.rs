//! The BagIt 1.0 bag (RFC 8493): the payload under `data/` and the tag files
//! that let any BagIt tool check it without gazette: `bagit.txt`,
//! `bag-info.txt`, SHA-256 and SHA-512 manifests of the payload and of the tag
//! files themselves, which include the long-term evidence under `evidence/`
//! (see [`super::evidence`]).

use super::PackageError;
use super::manifest::{Artifact, EditionIdentity};
use crate::digest;

/// The payload folder, as paths in the bag begin.
pub(super) const PAYLOAD: &str = "data/";
const BAGIT: &str = "bagit.txt";
const BAG_INFO: &str = "bag-info.txt";

/// The bag declaration, byte for byte.
pub(super) const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/// A file of the bag: its path relative to the bag folder, and its bytes.
pub(super) type BagFile = (String, Vec<u8>);

/// A digest algorithm as BagIt names it, how to compute it, and where an
/// artifact of manifest.json already holds it.
struct Algorithm {
    name: &'static str,
    digest: fn(&[u8]) -> String,
    of_artifact: fn(&Artifact) -> &str,
}

const ALGORITHMS: [Algorithm; 2] = [
    Algorithm {
        name: "sha256",
        digest: digest::sha256,
        of_artifact: |artifact| &artifact.sha256,
    },
    Algorithm {
        name: "sha512",
        digest: digest::sha512,
        of_artifact: |artifact| &artifact.sha512,
    },
];

/// The bag without its tag manifests: `bagit.txt`, `bag-info.txt`, the
/// payload sorted by path, the manifests. `payload` paths are relative to
/// `data/`; `artifacts` are payload files whose digests manifest.json holds
/// already, so they are not computed again. [`tagged`] finishes it.
pub(super) fn assemble(
    identity: &EditionIdentity,
    tool_version: &str,
    mut payload: Vec<BagFile>,
    artifacts: &[Artifact],
) -> Result<Vec<BagFile>, PackageError> {
    payload.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(pair) = payload.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        return Err(PackageError::Bug(format!(
            "the package would hold data/{} twice",
            pair[0].0
        )));
    }
    let oxum = payload_oxum(&payload);
    let payload: Vec<BagFile> = payload
        .into_iter()
        .map(|(path, bytes)| (format!("{PAYLOAD}{path}"), bytes))
        .collect();
    let declaration: Vec<BagFile> = vec![
        (BAGIT.to_owned(), BAGIT_TXT.as_bytes().to_vec()),
        (
            BAG_INFO.to_owned(),
            bag_info(identity, tool_version, &oxum)?,
        ),
    ];
    let payload_manifests = manifests("manifest", &payload.iter().collect::<Vec<_>>(), artifacts);
    Ok(declaration
        .into_iter()
        .chain(payload)
        .chain(payload_manifests)
        .collect())
}

/// The whole bag in the order its zip holds it, with tag manifests made
/// afresh: `bagit.txt`, `bag-info.txt`, the payload sorted by path, the
/// manifests, any other tag files (the evidence) sorted by path, then the tag
/// manifests, which cover every tag file but themselves.
pub(super) fn tagged(files: Vec<BagFile>) -> Vec<BagFile> {
    let mut files: Vec<BagFile> = files
        .into_iter()
        .filter(|(path, _)| !is_tag_manifest(path))
        .collect();
    files.sort_by(|a, b| (place(&a.0), &a.0).cmp(&(place(&b.0), &b.0)));
    let tag_files: Vec<&BagFile> = files
        .iter()
        .filter(|(path, _)| !path.starts_with(PAYLOAD))
        .collect();
    let tag_manifests = manifests("tagmanifest", &tag_files, &[]);
    files.extend(tag_manifests);
    files
}

/// Where a file goes in the bag's order, before its path decides.
fn place(path: &str) -> u8 {
    match path {
        BAGIT => 0,
        BAG_INFO => 1,
        _ if path.starts_with(PAYLOAD) => 2,
        _ if path.starts_with("manifest-") => 3,
        _ => 4,
    }
}

pub(super) fn is_tag_manifest(path: &str) -> bool {
    path.starts_with("tagmanifest-") && !path.contains('/')
}

/// Whether the manifests and tag manifests of `files` (a whole bag) are what
/// its files give, byte for byte, as [`assemble`] and [`tagged`] write them.
/// `Err` names the first that is not.
pub(super) fn check_fixity(files: &[BagFile]) -> Result<(), String> {
    let payload: Vec<&BagFile> = files
        .iter()
        .filter(|(path, _)| path.starts_with(PAYLOAD))
        .collect();
    let tag_files: Vec<&BagFile> = files
        .iter()
        .filter(|(path, _)| !path.starts_with(PAYLOAD) && !is_tag_manifest(path))
        .collect();
    let expected = manifests("manifest", &payload, &[])
        .into_iter()
        .chain(manifests("tagmanifest", &tag_files, &[]));
    for (name, bytes) in expected {
        match files.iter().find(|(path, _)| *path == name) {
            None => return Err(format!("it has no {name}")),
            Some((_, found)) if *found != bytes => {
                return Err(format!("{name} does not match the bag's files"));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// One `<kind>-<algorithm>.txt` per algorithm, over `files`.
fn manifests(kind: &str, files: &[&BagFile], artifacts: &[Artifact]) -> Vec<BagFile> {
    ALGORITHMS
        .iter()
        .map(|algorithm| {
            (
                format!("{kind}-{}.txt", algorithm.name),
                manifest(files, algorithm, artifacts),
            )
        })
        .collect()
}

/// `<octets>.<files>`: lets a reader spot a missing or truncated file cheaply.
fn payload_oxum(payload: &[BagFile]) -> String {
    let octets: u64 = payload.iter().map(|(_, bytes)| bytes.len() as u64).sum();
    format!("{octets}.{}", payload.len())
}

/// The bag's metadata, one `Label: value` line each, in a fixed order.
fn bag_info(
    identity: &EditionIdentity,
    tool_version: &str,
    oxum: &str,
) -> Result<Vec<u8>, PackageError> {
    let issue = format!("{}年第{}期", identity.year, identity.number);
    let running = identity
        .running
        .map(|running| format!("（总第{running}期）"))
        .unwrap_or_default();
    let mut fields = vec![
        ("Source-Organization", identity.publisher.clone()),
        ("External-Identifier", identity.uri.clone()),
        (
            "External-Description",
            format!("{} {issue}{running}, digital edition", identity.title),
        ),
        ("Bagging-Date", identity.date.clone()),
        ("Payload-Oxum", oxum.to_owned()),
        (
            "Bag-Software-Agent",
            format!("{} {tool_version}", super::describe::TOOL),
        ),
        ("Gazette-Id", identity.id.clone()),
        ("Gazette-Title", identity.title.clone()),
        (
            "Gazette-Issue",
            format!("{}-{}", identity.year, identity.number),
        ),
    ];
    fields.extend(
        identity
            .running
            .map(|running| ("Gazette-Running-Number", running.to_string())),
    );
    fields.push(("Gazette-Issue-Date", identity.date.clone()));
    fields.extend(identity.issn.clone().map(|issn| ("Gazette-ISSN", issn)));

    let mut text = String::new();
    for (label, value) in fields {
        if value.contains(['\r', '\n']) {
            return Err(PackageError::Metadata(format!(
                "the {label} of bag-info.txt would hold a line break ({value:?}); \
                 remove the line break from issue.toml"
            )));
        }
        text.push_str(&format!("{label}: {value}\n"));
    }
    Ok(text.into_bytes())
}

/// `<sha256>  <path>` per file, sorted by path: a SHA-256 manifest's lines.
pub(super) fn sha256_lines(files: &[&BagFile]) -> Vec<u8> {
    manifest(files, &ALGORITHMS[0], &[])
}

/// `<digest>  <path>` per file, sorted by path.
fn manifest(files: &[&BagFile], algorithm: &Algorithm, artifacts: &[Artifact]) -> Vec<u8> {
    let known = |path: &str| {
        let in_payload = path.strip_prefix(PAYLOAD)?;
        let artifact = artifacts.iter().find(|a| a.path == in_payload)?;
        Some((algorithm.of_artifact)(artifact).to_owned())
    };
    let mut lines: Vec<(&str, String)> = files
        .iter()
        .map(|(path, bytes)| {
            let digest = known(path).unwrap_or_else(|| (algorithm.digest)(bytes));
            (path.as_str(), digest)
        })
        .collect();
    lines.sort();
    lines
        .into_iter()
        .map(|(path, digest)| format!("{digest}  {}\n", manifest_path(path)))
        .collect::<String>()
        .into_bytes()
}

/// RFC 8493 section 2.1.3: a manifest line percent-encodes CR, LF and `%`
/// in its path, and only those.
fn manifest_path(path: &str) -> String {
    path.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}
