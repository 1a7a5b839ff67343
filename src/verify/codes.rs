//! The stable machine codes of what `verify` finds, as its JSON report spells
//! them (kebab-case). They are a public interface: a code is never renamed.
//!
//! Which verdict a code leads to depends on the format: see the module docs
//! of [`super::pdf`], [`super::epub`], [`super::archive`] and
//! [`super::package`].

use std::fmt;

use serde::Serialize;

/// Why a file, or one of its signatures, fails to be valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingCode {
    // Any sealed format.
    /// The file carries no seal: an EPUB without META-INF/signatures.xml, a
    /// package without data/manifest.json.p7s.
    NotSealed,
    /// The signature cannot be read: a PDF's CMS value, an EPUB's
    /// signatures.xml (not well-formed XML), a package's manifest.json.p7s.
    UnreadableSignature,
    /// The PDF, or the package's path, cannot be read at all.
    Unreadable,

    // A PDF.
    /// The file does not start with `%PDF-`.
    NotAPdf,
    /// The bytes hold a signature that the current version of the file does
    /// not show.
    SealHidden,
    /// The cross-reference data is damaged, so readers may show other
    /// content than was signed.
    DamagedCrossReference,
    /// A signature covers more bytes than the file has.
    Truncated,
    /// The signature's /SubFilter is not one this verifier reads.
    UnsupportedSubFilter,
    /// /Contents is missing or empty.
    NoSignatureValue,
    /// /ByteRange is missing or malformed.
    NoByteRange,
    /// The byte range has negative numbers or its parts out of order.
    ByteRangeInvalid,
    /// The byte range does not start at the beginning of the file.
    PartialByteRange,
    /// The bytes the range leaves out hold more than the signature value.
    ByteRangeGap,
    /// The byte range does not end where a revision ends.
    PartialRevision,
    /// The revision the signature covers cannot be read on its own.
    UnreadableRevision,
    /// The signature dictionary is not the one inside the signed revision.
    SignatureDictionaryReplaced,
    /// A document timestamp (RFC 3161) that was not checked. Earlier versions
    /// said this of every document timestamp; they are checked now, and the
    /// code is kept for readers of old reports.
    TimestampNotChecked,
    /// The signature claims no signing time (/M), so certificates were
    /// checked against this machine's clock. A remark, not a failure, on a
    /// signature gazette did not make.
    NoSigningTime,
    /// A document timestamp's imprint is not the digest of the bytes it
    /// covers: they were changed after it was made.
    TimestampImprintMismatch,
    /// A remark: the signature is adbe.pkcs7.detached, not PAdES; a failure
    /// for a seal of a package's PDF.
    NotPades,
    /// A seal held to the format (in a package, or in a file gazette made) is
    /// not a certification signature with DocMDP permission 1.
    NotCertification,
    /// A seal held to the format that was not added as an incremental
    /// update: the file holds no unsealed edition before it.
    NotIncremental,
    /// A seal held to the format whose interactive form is not /SigFlags 3,
    /// or asks readers to redraw appearances.
    SealForm,
    /// A seal held to the format whose widget is not printed and locked with
    /// one appearance, or, in the PDF edition, not shown on the cover.
    SealWidget,

    // Over time, a PDF's or a package's seal (the long-term rule).
    /// A certificate of the seal's chain was revoked before the time the
    /// seal is proven to have existed (or, without a proof, before the
    /// validation time).
    Revoked,
    /// A note: a certificate was revoked, but only after the seal's proof
    /// of existence.
    RevokedLater,
    /// A note: the file holds no evidence that settles a certificate's
    /// revocation status.
    RevocationNotChecked,
    /// A note: a seal held to the format carries a CRL alone for a
    /// certificate that names an OCSP responder, which does not count
    /// towards its level.
    RevocationForm,
    /// A note: the `/DSS` serves a seal held to the format without a `/VRI`
    /// entry for it.
    VriMissing,
    /// A note: `--online` fetched revocation data.
    FetchedOnline,
    /// A note: `--online` could not fetch revocation data.
    OnlineCheckFailed,
    /// A note: a time-stamp holds as a token but proves nothing, its
    /// authority's certificate being expired or revoked when judged.
    TimestampNotProof,
    /// A note: the seal's certificate was valid at the time the signer
    /// claims, has expired by the validation time, and nothing in the file
    /// proves the seal was made before it did (a B-B seal).
    ExpiredWithoutProof,
    /// A package's archive timestamp does not hold: its list of digests does
    /// not match the files or leaves some out, or its token fails.
    ArchiveTimestamp,
    /// A file under a package's evidence/ that the layout does not have.
    EvidenceLayout,
    /// A package's `evidence/revocation-N/` without evidence about a
    /// certificate of the chain of the newest time-stamp before renewal N.
    EvidenceIncomplete,

    // An EPUB.
    /// The first entry is not `mimetype` at offset 0, stored, without extra
    /// field and holding `application/epub+zip`.
    Mimetype,
    /// signatures.xml has a DOCTYPE, which could define entities.
    Doctype,
    /// signatures.xml holds other content than the one signature gazette
    /// writes, or a reference outside the container.
    UnexpectedXml,
    /// SignedInfo or the signed properties are not in gazette's canonical form.
    NonCanonical,
    /// The signature method is not one gazette seals with.
    UnsupportedAlgorithm,
    /// A certificate of the signature, or a trust anchor, is not an X.509
    /// DER certificate.
    BadCertificate,

    // The ZIP archive of an EPUB or a package (and a package's folder).
    /// Not a ZIP archive, or one damaged beyond reading.
    UnreadableZip,
    /// More than 10 000 entries.
    TooManyEntries,
    /// Larger than this verifier reads, as declared: an entry over 128 MiB,
    /// all over 512 MiB, an EPUB's signatures.xml over 16 MiB.
    TooLarge,
    /// An entry over 1 MiB declared to expand more than 100 times.
    ZipBomb,
    EncryptedEntry,
    /// Compressed otherwise than stored or deflated.
    UnsupportedCompression,
    /// A name the format's rule refuses, so that an unpacked copy could land
    /// elsewhere; or a folder with content.
    UnsafeEntryName,
    NonUtf8Name,
    /// A name listed twice, also when the two differ only in case.
    DuplicateEntry,
    SymlinkEntry,
    /// A device, a pipe or a socket: neither a plain file nor a folder.
    SpecialEntry,
    /// Local headers disagree with the central directory, entries overlap
    /// or hide, or an entry has a second name (an Info-ZIP Unicode Path field).
    InconsistentZip,
    /// Content larger or smaller than declared, or a wrong CRC.
    DamagedEntry,

    // A package's container.
    /// A file of the bag folder changed while it was being read.
    ChangedWhileReading,
    /// Zip entries outside the one top folder `<id>.bag/`.
    NotOneFolder,

    // A package's bag (RFC 8493).
    /// No bagit.txt.
    NotABag,
    /// bagit.txt declares another version than BagIt 1.0, or other tag
    /// files than UTF-8.
    UnsupportedBagit,
    /// bagit.txt holds anything else than its two lines.
    BagitTxt,
    /// A tag file that is not UTF-8.
    BadTagFile,
    /// bag-info.txt is missing or malformed, or gives a label gazette needs
    /// other than once.
    BagInfo,
    /// Payload-Oxum differs from the payload's size and count.
    PayloadOxum,
    /// manifest-sha256.txt or manifest-sha512.txt is missing.
    MissingBagManifest,
    /// A manifest line is not a digest and a path, or names a path on the
    /// wrong side of `data/`.
    BadManifestLine,
    DuplicateManifestEntry,
    /// A manifest lists a payload file that is not there.
    MissingPayload,
    /// A payload file that no payload manifest lists.
    ExtraPayload,
    /// A tag manifest lists a file that is not there.
    MissingTagFile,
    /// A tag manifest leaves out a tag file the format asks it to list.
    UnlistedTagFile,
    /// A file does not match its digest in a manifest.
    Fixity,

    // A package's content: manifest.json and its seal.
    /// manifest.json follows another schema than this verifier reads.
    UnsupportedSchema,
    MissingManifestJson,
    /// manifest.json is not in the schema's form.
    BadManifestJson,
    /// manifest.json lists an artifact twice.
    DuplicateArtifact,
    /// manifest.json does not list the PDF and the EPUB edition (it may list
    /// more, EXT-6).
    ArtifactList,
    /// A source with two digests, a malformed issue date, or a seal file
    /// without a seal entry.
    InconsistentManifest,
    /// manifest.json names a seal, but manifest.json.p7s is missing.
    MissingSignature,
    /// bag-info.txt names another edition than manifest.json.
    IdentityMismatch,
    /// The seal's certificate files do not agree with seal.chain.
    ChainMismatch,
    /// The manifest, the PDF, the EPUB and the seal entry name different
    /// certificates.
    SignerMismatch,
    /// A seal of the package does not carry the certificates of seal.chain,
    /// the root aside.
    IncompleteChain,
    /// The manifest's seal and the PDFs' seals reach different levels.
    LevelMismatch,
    /// A PDF's XMP or the EPUB's package document names another edition or
    /// document, or another date, than manifest.json.
    MetadataMismatch,
    /// A data file that is not in its schema's form or the format's JSON, or
    /// that names another document, edition or interpretation.
    DataFile,
    /// An Akoma Ntoso file of another structure or identity than the format
    /// and manifest.json give.
    AkomaNtoso,
    /// A file of the package holds a private key.
    KeyMaterial,
    /// A payload file differs from the signed manifest. These three are
    /// findings only when the manifest's seal is not there to check: with a
    /// seal, they are its `changes_after`.
    FileChanged,
    /// A payload file the signed manifest does not account for.
    FileAdded,
    /// A file the signed manifest lists is not in the payload.
    FileRemoved,
    /// A verification code the pages print, recomputed from the package's
    /// data or sources, is not the one the signed manifest gives: the
    /// document's text changed.
    VerificationCodeMismatch,
}

/// A check of a package that held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckCode {
    /// The bag is complete and valid BagIt 1.0.
    Bag,
    /// manifest.json follows the schema and lists the two editions.
    Manifest,
    /// bag-info.txt and manifest.json name the same edition.
    Identity,
    /// Every payload file matches the signed manifest, and nothing else is there.
    Files,
    /// One certificate seals the manifest, the PDF and the EPUB.
    Signer,
    /// The verification codes recomputed from the data (and the sources)
    /// are the signed manifest's.
    VerificationCodes,
}

/// The numbered rules of the written format (docs/spec, Appendix A) that a
/// code enforces, so that a report names the rule a file breaks.
pub trait Cited: Copy {
    fn rules(self) -> &'static [&'static str];
}

impl Cited for FindingCode {
    fn rules(self) -> &'static [&'static str] {
        match self {
            FindingCode::NotSealed => &["VER-4", "VER-6", "VER-40", "VER-57", "SEPUB-1", "PKG-14"],
            FindingCode::UnreadableSignature => &["VER-21", "VER-41", "SPDF-4", "SMAN-1"],
            FindingCode::Unreadable => &["VER-11", "VER-46"],
            FindingCode::NotAPdf => &["VER-11", "VER-12"],
            FindingCode::SealHidden => &["VER-29"],
            FindingCode::DamagedCrossReference => &["VER-30"],
            FindingCode::Truncated => &["VER-17"],
            FindingCode::UnsupportedSubFilter => &["VER-22", "SPDF-2", "SPDF-14", "VER-31"],
            FindingCode::NoSignatureValue => &["VER-13"],
            FindingCode::NoByteRange => &["VER-14"],
            FindingCode::ByteRangeInvalid => &["VER-15"],
            FindingCode::PartialByteRange => &["VER-16", "SPDF-3"],
            FindingCode::ByteRangeGap => &["VER-18", "SPDF-3"],
            FindingCode::PartialRevision => &["VER-19", "SPDF-3"],
            FindingCode::UnreadableRevision => &["VER-20"],
            FindingCode::SignatureDictionaryReplaced => &["VER-20"],
            FindingCode::TimestampNotChecked => &["VER-31"],
            FindingCode::NoSigningTime => &["SPDF-8", "VER-22"],
            FindingCode::TimestampImprintMismatch => &["VER-31", "SPDF-14"],
            FindingCode::NotPades => &["SPDF-2", "VER-22"],
            FindingCode::NotCertification => &["SPDF-9", "VER-22"],
            FindingCode::NotIncremental => &["SPDF-1", "VER-22"],
            FindingCode::SealForm => &["SPDF-10", "VER-22"],
            FindingCode::SealWidget => &["VIS-1", "VIS-2", "VER-22"],
            FindingCode::Revoked => &["VER-71"],
            FindingCode::RevokedLater => &["VER-72"],
            FindingCode::RevocationNotChecked => &["VER-73"],
            FindingCode::RevocationForm => &["SEAL-14", "VER-74"],
            FindingCode::VriMissing => &["SPDF-13", "VER-82"],
            FindingCode::FetchedOnline => &["VER-2", "VER-3"],
            FindingCode::OnlineCheckFailed => &["VER-2"],
            FindingCode::TimestampNotProof => &["VER-69"],
            FindingCode::ExpiredWithoutProof => &["VER-70"],
            FindingCode::ArchiveTimestamp => &["VER-67", "LTP-7", "LTP-8"],
            FindingCode::EvidenceLayout => &["VER-66", "LTP-5", "EXT-10"],
            FindingCode::EvidenceIncomplete => &["VER-66", "LTP-6"],
            FindingCode::Mimetype => &["VER-39", "EPUB-2"],
            FindingCode::Doctype => &["VER-41", "SEPUB-12", "SEC-6"],
            FindingCode::UnexpectedXml => &[
                "VER-41", "SEPUB-1", "SEPUB-2", "SEPUB-5", "SEPUB-6", "SEPUB-7", "SEPUB-8",
                "SEPUB-9", "SEC-5",
            ],
            FindingCode::NonCanonical => &["VER-41", "SEPUB-2", "SEPUB-3", "SEC-4"],
            FindingCode::UnsupportedAlgorithm => &["VER-42", "SEPUB-4", "SEAL-3"],
            FindingCode::BadCertificate => &["VER-42", "SEPUB-10"],
            FindingCode::UnreadableZip => &["VER-11", "VER-32"],
            FindingCode::TooManyEntries => &["VER-33", "PKG-20"],
            FindingCode::TooLarge => &["VER-33", "PKG-20"],
            FindingCode::ZipBomb => &["VER-33", "PKG-20"],
            FindingCode::EncryptedEntry => &["VER-34", "PKG-19"],
            FindingCode::UnsupportedCompression => &["VER-34", "PKG-19"],
            FindingCode::UnsafeEntryName => &["VER-35", "PKG-16"],
            FindingCode::NonUtf8Name => &["VER-35", "PKG-16"],
            FindingCode::DuplicateEntry => &["VER-36", "PKG-17"],
            FindingCode::SymlinkEntry => &["VER-37", "VER-46", "PKG-19"],
            FindingCode::SpecialEntry => &["VER-37", "VER-46", "PKG-19"],
            FindingCode::InconsistentZip => &["VER-38"],
            FindingCode::DamagedEntry => &["VER-38"],
            FindingCode::ChangedWhileReading => &["VER-47"],
            FindingCode::NotOneFolder => &["VER-45", "PKG-18"],
            FindingCode::NotABag => &["VER-48", "PKG-1"],
            FindingCode::UnsupportedBagit => &["VER-48", "PKG-2"],
            FindingCode::BagitTxt => &["VER-49", "PKG-2"],
            FindingCode::BadTagFile => &["VER-51", "PKG-3"],
            FindingCode::BagInfo => &["VER-50", "PKG-9", "PKG-10", "PKG-11"],
            FindingCode::PayloadOxum => &["VER-50", "PKG-11"],
            FindingCode::MissingBagManifest => &["VER-51", "PKG-4"],
            FindingCode::BadManifestLine => &["VER-51", "PKG-5", "PKG-6"],
            FindingCode::DuplicateManifestEntry => &["VER-51", "PKG-5"],
            FindingCode::MissingPayload => &["VER-51", "PKG-5"],
            FindingCode::ExtraPayload => &["VER-51", "PKG-5"],
            FindingCode::MissingTagFile => &["VER-52", "PKG-8"],
            FindingCode::UnlistedTagFile => &["PKG-8"],
            FindingCode::Fixity => &["VER-51", "VER-52", "PKG-5", "PKG-8"],
            FindingCode::UnsupportedSchema => &["VER-54", "EXT-1", "MAN-2"],
            FindingCode::MissingManifestJson => &["VER-53", "PKG-13"],
            FindingCode::BadManifestJson => &[
                "VER-53", "VER-55", "MAN-1", "MAN-3", "MAN-5", "MAN-21", "MAN-23", "EXT-2", "EXT-5",
            ],
            FindingCode::DuplicateArtifact => &["VER-55", "MAN-9"],
            FindingCode::ArtifactList => &["VER-55", "MAN-6", "MAN-7", "MAN-12"],
            FindingCode::InconsistentManifest => &[
                "VER-55", "VER-58", "VER-63", "MAN-14", "MAN-15", "MAN-16", "MAN-20", "MAN-22",
                "VIS-9",
            ],
            FindingCode::MissingSignature => &["VER-58", "PKG-14"],
            FindingCode::IdentityMismatch => &[
                "VER-55", "VER-56", "ID-1", "ID-2", "ID-3", "ID-4", "ID-5", "ID-7", "ID-8",
                "PKG-9", "PKG-10", "MAN-11",
            ],
            FindingCode::ChainMismatch => &["VER-55", "VER-62", "MAN-18", "MAN-19"],
            FindingCode::SignerMismatch => &["VER-65", "SEAL-2", "MAN-17"],
            FindingCode::IncompleteChain => &["VER-75", "SEAL-10", "SPDF-7", "SMAN-4"],
            FindingCode::LevelMismatch => &[
                "VER-80", "SEAL-1", "SMAN-5", "SMAN-6", "SPDF-11", "SPDF-12", "SPDF-14", "SEAL-14",
            ],
            FindingCode::MetadataMismatch => &[
                "VER-76", "PDF-1", "PDF-2", "PDF-3", "PDF-4", "PDF-5", "DOC-3", "DOC-4", "DOC-5",
                "DOC-6", "DOC-7", "EPUB-3", "EPUB-4", "EPUB-6", "EPUB-7", "SPDF-8",
            ],
            FindingCode::DataFile => &[
                "VER-77", "DATA-1", "DATA-2", "DATA-3", "DATA-4", "DATA-6", "DATA-7", "DATA-8",
                "ID-6",
            ],
            FindingCode::AkomaNtoso => &[
                "VER-78", "AKN-2", "AKN-3", "AKN-4", "AKN-5", "AKN-6", "AKN-7",
            ],
            FindingCode::KeyMaterial => &["VER-79", "SEC-8"],
            FindingCode::FileChanged => {
                &["VER-44", "VER-60", "VER-61", "MAN-10", "MAN-13", "EXT-7"]
            }
            FindingCode::FileAdded => &["VER-44", "VER-60", "VER-61", "PKG-15"],
            FindingCode::FileRemoved => &["VER-44", "VER-60", "VER-61", "PKG-13"],
            FindingCode::VerificationCodeMismatch => &["VER-63", "VIS-4", "VIS-5", "VIS-10"],
        }
    }
}

impl Cited for CheckCode {
    fn rules(self) -> &'static [&'static str] {
        match self {
            CheckCode::Bag => &["VER-48", "VER-50", "VER-51", "VER-52"],
            CheckCode::Manifest => &["VER-53", "VER-55"],
            CheckCode::Identity => &["VER-56"],
            CheckCode::Files => &["VER-60", "VER-62"],
            CheckCode::Signer => &["VER-65"],
            CheckCode::VerificationCodes => &["VER-63"],
        }
    }
}

/// The code as in JSON, from the one spelling serde knows.
impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.serialize(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every finding code, as published.
    const FINDINGS: [(FindingCode, &str); 91] = [
        (FindingCode::NotSealed, "not-sealed"),
        (FindingCode::UnreadableSignature, "unreadable-signature"),
        (FindingCode::Unreadable, "unreadable"),
        (FindingCode::NotAPdf, "not-a-pdf"),
        (FindingCode::SealHidden, "seal-hidden"),
        (
            FindingCode::DamagedCrossReference,
            "damaged-cross-reference",
        ),
        (FindingCode::Truncated, "truncated"),
        (FindingCode::UnsupportedSubFilter, "unsupported-sub-filter"),
        (FindingCode::NoSignatureValue, "no-signature-value"),
        (FindingCode::NoByteRange, "no-byte-range"),
        (FindingCode::ByteRangeInvalid, "byte-range-invalid"),
        (FindingCode::PartialByteRange, "partial-byte-range"),
        (FindingCode::ByteRangeGap, "byte-range-gap"),
        (FindingCode::PartialRevision, "partial-revision"),
        (FindingCode::UnreadableRevision, "unreadable-revision"),
        (
            FindingCode::SignatureDictionaryReplaced,
            "signature-dictionary-replaced",
        ),
        (FindingCode::TimestampNotChecked, "timestamp-not-checked"),
        (FindingCode::NoSigningTime, "no-signing-time"),
        (
            FindingCode::TimestampImprintMismatch,
            "timestamp-imprint-mismatch",
        ),
        (FindingCode::NotPades, "not-pades"),
        (FindingCode::NotCertification, "not-certification"),
        (FindingCode::NotIncremental, "not-incremental"),
        (FindingCode::SealForm, "seal-form"),
        (FindingCode::SealWidget, "seal-widget"),
        (FindingCode::Revoked, "revoked"),
        (FindingCode::RevokedLater, "revoked-later"),
        (FindingCode::RevocationNotChecked, "revocation-not-checked"),
        (FindingCode::RevocationForm, "revocation-form"),
        (FindingCode::VriMissing, "vri-missing"),
        (FindingCode::FetchedOnline, "fetched-online"),
        (FindingCode::OnlineCheckFailed, "online-check-failed"),
        (FindingCode::TimestampNotProof, "timestamp-not-proof"),
        (FindingCode::ExpiredWithoutProof, "expired-without-proof"),
        (FindingCode::ArchiveTimestamp, "archive-timestamp"),
        (FindingCode::EvidenceLayout, "evidence-layout"),
        (FindingCode::EvidenceIncomplete, "evidence-incomplete"),
        (FindingCode::Mimetype, "mimetype"),
        (FindingCode::Doctype, "doctype"),
        (FindingCode::UnexpectedXml, "unexpected-xml"),
        (FindingCode::NonCanonical, "non-canonical"),
        (FindingCode::UnsupportedAlgorithm, "unsupported-algorithm"),
        (FindingCode::BadCertificate, "bad-certificate"),
        (FindingCode::UnreadableZip, "unreadable-zip"),
        (FindingCode::TooManyEntries, "too-many-entries"),
        (FindingCode::TooLarge, "too-large"),
        (FindingCode::ZipBomb, "zip-bomb"),
        (FindingCode::EncryptedEntry, "encrypted-entry"),
        (
            FindingCode::UnsupportedCompression,
            "unsupported-compression",
        ),
        (FindingCode::UnsafeEntryName, "unsafe-entry-name"),
        (FindingCode::NonUtf8Name, "non-utf8-name"),
        (FindingCode::DuplicateEntry, "duplicate-entry"),
        (FindingCode::SymlinkEntry, "symlink-entry"),
        (FindingCode::SpecialEntry, "special-entry"),
        (FindingCode::InconsistentZip, "inconsistent-zip"),
        (FindingCode::DamagedEntry, "damaged-entry"),
        (FindingCode::ChangedWhileReading, "changed-while-reading"),
        (FindingCode::NotOneFolder, "not-one-folder"),
        (FindingCode::NotABag, "not-a-bag"),
        (FindingCode::UnsupportedBagit, "unsupported-bagit"),
        (FindingCode::BagitTxt, "bagit-txt"),
        (FindingCode::BadTagFile, "bad-tag-file"),
        (FindingCode::BagInfo, "bag-info"),
        (FindingCode::PayloadOxum, "payload-oxum"),
        (FindingCode::MissingBagManifest, "missing-bag-manifest"),
        (FindingCode::BadManifestLine, "bad-manifest-line"),
        (
            FindingCode::DuplicateManifestEntry,
            "duplicate-manifest-entry",
        ),
        (FindingCode::MissingPayload, "missing-payload"),
        (FindingCode::ExtraPayload, "extra-payload"),
        (FindingCode::MissingTagFile, "missing-tag-file"),
        (FindingCode::UnlistedTagFile, "unlisted-tag-file"),
        (FindingCode::Fixity, "fixity"),
        (FindingCode::UnsupportedSchema, "unsupported-schema"),
        (FindingCode::MissingManifestJson, "missing-manifest-json"),
        (FindingCode::BadManifestJson, "bad-manifest-json"),
        (FindingCode::DuplicateArtifact, "duplicate-artifact"),
        (FindingCode::ArtifactList, "artifact-list"),
        (FindingCode::InconsistentManifest, "inconsistent-manifest"),
        (FindingCode::MissingSignature, "missing-signature"),
        (FindingCode::IdentityMismatch, "identity-mismatch"),
        (FindingCode::ChainMismatch, "chain-mismatch"),
        (FindingCode::SignerMismatch, "signer-mismatch"),
        (FindingCode::IncompleteChain, "incomplete-chain"),
        (FindingCode::LevelMismatch, "level-mismatch"),
        (FindingCode::MetadataMismatch, "metadata-mismatch"),
        (FindingCode::DataFile, "data-file"),
        (FindingCode::AkomaNtoso, "akoma-ntoso"),
        (FindingCode::KeyMaterial, "key-material"),
        (FindingCode::FileChanged, "file-changed"),
        (FindingCode::FileAdded, "file-added"),
        (FindingCode::FileRemoved, "file-removed"),
        (
            FindingCode::VerificationCodeMismatch,
            "verification-code-mismatch",
        ),
    ];
    const CHECKS: [(CheckCode, &str); 6] = [
        (CheckCode::Bag, "bag"),
        (CheckCode::Manifest, "manifest"),
        (CheckCode::Identity, "identity"),
        (CheckCode::Files, "files"),
        (CheckCode::Signer, "signer"),
        (CheckCode::VerificationCodes, "verification-codes"),
    ];

    /// Every rule id of the written format, from docs/spec/rules.json.
    fn rule_ids() -> Vec<String> {
        let rules: serde_json::Value =
            serde_json::from_str(include_str!("../../docs/spec/rules.json")).unwrap();
        rules
            .as_array()
            .unwrap()
            .iter()
            .map(|rule| rule["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The code → rules table of one text of the spec's Appendix A.
    fn appendix(text: &str) -> Vec<(String, Vec<String>)> {
        let table = &text[text.find("| `not-sealed`").unwrap()..];
        table
            .lines()
            .take_while(|line| line.starts_with("| `"))
            .map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let code = cells[1].trim_matches('`').to_owned();
                let rules = cells[3]
                    .split([',', '、'])
                    .map(|r| r.trim().to_owned())
                    .collect();
                (code, rules)
            })
            .collect()
    }

    /// Each code names rules that exist, and the same ones the spec's
    /// Appendix A gives it, in both languages: the report and the written
    /// format cannot drift apart.
    #[test]
    fn every_code_names_the_rules_the_spec_gives_it() {
        let ids = rule_ids();
        let ours: Vec<(String, Vec<String>)> = FINDINGS
            .iter()
            .map(|(code, spelled)| {
                (
                    spelled.to_string(),
                    code.rules().iter().map(|r| r.to_string()).collect(),
                )
            })
            .collect();
        for (code, rules) in &ours {
            assert!(!rules.is_empty(), "{code} names no rule");
            for rule in rules {
                assert!(
                    ids.contains(rule),
                    "{code} names {rule}, which the spec does not have"
                );
            }
        }
        for (code, _) in CHECKS {
            for rule in code.rules() {
                assert!(ids.iter().any(|id| id == rule), "{code:?} names {rule}");
            }
        }
        for text in [
            include_str!("../../docs/spec/gazette-format-1.0.en.md"),
            include_str!("../../docs/spec/gazette-format-1.0.zh.md"),
        ] {
            assert_eq!(appendix(text), ours);
        }
    }

    /// A conformance report counts a rule as checked by the codes the
    /// verifier of a kind of file reports: every code is one of them.
    #[test]
    fn every_code_belongs_to_a_kind_of_file() {
        use super::super::conformance::{ANY_SEALED, EPUB, OVER_TIME, PACKAGE, PDF, ZIP};
        for (code, spelled) in FINDINGS {
            assert!(
                [ANY_SEALED, PDF, OVER_TIME, EPUB, ZIP, PACKAGE]
                    .iter()
                    .any(|group| group.contains(&code)),
                "{spelled} is in no group of verify/conformance.rs"
            );
        }
    }

    /// The codes as published: renaming a variant must not rename its code.
    #[test]
    fn codes_keep_their_spelling() {
        for (code, spelled) in FINDINGS {
            assert_eq!(code.to_string(), spelled);
        }
        for (code, spelled) in CHECKS {
            assert_eq!(serde_json::to_value(code).unwrap(), spelled);
        }
    }
}
