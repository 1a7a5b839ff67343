//! The long-term vectors' files: the sample dated 2026 (when the test PKI's
//! seal certificate is valid), built as an office with a time-stamp authority
//! builds it, by `gazette build --tsa` with the test PKI of tests/pki, its
//! time-stamp authority, OCSP responder and CRLs running on localhost. The
//! PDF edition at B-T and B-LT is the B-LTA file cut after the revision that
//! level ends with: a producer stopping there writes exactly those bytes.
//!
//! A seal that gazette refuses to make (its time-stamp authority may not
//! stamp, its certificate is revoked, its token stamps other bytes) is made
//! here with the same sealing code, handed authorities that misbehave as
//! asked: the rule is then all that fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerInfo, SignerInfos};
use const_oid::db::rfc5912::ID_SHA_256;
use der::asn1::OctetString;
use der::asn1::SetOfVec;
use der::{Decode, Encode, Tagged};
use gazette::asn1::tsp::{MessageImprint, TimeStampReq, TimeStampResp};
use gazette::edition;
use gazette::http::{self, Service};
use gazette::model::{Date, SealText};
use gazette::revocation::{self, Collected};
use gazette::seal::{Authorities, Level, Network, ParsedPdf, Seal, Spot};
use gazette::signer::{self, FixedSecrets, KeySource, RsaPadding, Signer};
use gazette::timestamp::{Token, read_token};
use ring::digest::{SHA256, digest};
use serde::Deserialize;
use spki::AlgorithmIdentifierOwned;

use super::VISIBLE_SEAL;
use crate::support::{TestPki, byte_range, copy_dir, find, gazette, repo, rfind, sample, stderr};

/// The issue date of the long-term sample, whose midnight its seals claim.
const ISSUE_DATE: Date = Date {
    year: 2026,
    month: 8,
    day: 15,
};

const EDITION: &str = "shanghai-gazette-2026-08";

/// The long-term sample's files, and where its PKI answers.
pub struct LongTermSample {
    /// The PDF edition at B-LTA.
    pub pdf: Vec<u8>,
    /// The first document's own PDF at B-LTA.
    pub document: Vec<u8>,
    /// The package at B-LTA, `<id>.bag.zip`.
    pub package_zip: Vec<u8>,
    /// The package of the same issue built at B-T and at B-LT.
    pub package_b_t: Vec<u8>,
    pub package_b_lt: Vec<u8>,
    /// The PKI's folder (certs/, keys/, its clock) and its time-stamp
    /// authorities.
    pki: PathBuf,
    tsa_url: String,
    tsa_noeku_url: String,
    tsa_revoked_url: String,
    /// Where the CRL of the seal certificates' CA is.
    interm_crl_url: String,
    /// The test PKI's root, the anchor these vectors are checked against.
    pub root_pem: Vec<u8>,
}

static SAMPLE: OnceLock<LongTermSample> = OnceLock::new();

/// Builds the long-term sample with `pki`, which must outlive every use of
/// [`sample_of_2026`] that asks its authorities.
pub fn build_with(pki: &TestPki) {
    let work = tempfile::tempdir().unwrap();
    let issue = work.path().join("issue");
    copy_dir(&sample(), &issue);
    let manifest = std::fs::read_to_string(issue.join("issue.toml")).unwrap();
    let dated = manifest
        .replacen("year    = 2025 ", "year    = 2026 ", 1)
        .replacen("date    = 2025-08-15 ", "date    = 2026-08-15 ", 1);
    assert_ne!(manifest, dated, "the sample's year and date lines moved");
    std::fs::write(issue.join("issue.toml"), dated).unwrap();
    let edition = build_at(pki, &issue, &work.path().join("b-lta"), "B-LTA");
    let read = |name: &str| std::fs::read(edition.join(name)).unwrap();
    let mut documents: Vec<String> = std::fs::read_dir(edition.join("documents"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".pdf"))
        .collect();
    documents.sort();
    let package_at = |level: &str| {
        let out = work.path().join(level);
        std::fs::read(build_at(pki, &issue, &out, level).join(format!("{EDITION}.bag.zip")))
            .unwrap()
    };
    let sample = LongTermSample {
        pdf: read(&format!("{EDITION}.pdf")),
        document: read(&format!("documents/{}", documents[0])),
        package_zip: read(&format!("{EDITION}.bag.zip")),
        package_b_t: package_at("B-T"),
        package_b_lt: package_at("B-LT"),
        pki: pki.path(""),
        tsa_url: pki.url("TSA_URL"),
        tsa_noeku_url: pki.url("TSA_NOEKU_URL"),
        tsa_revoked_url: pki.url("TSA_REVOKED_URL"),
        interm_crl_url: format!("{}/gazette/crls/interm/latest.crl", pki.url("PKI_URL")),
        root_pem: std::fs::read(pki.path("certs/root.cert.pem")).unwrap(),
    };
    assert!(
        SAMPLE.set(sample).is_ok(),
        "the long-term sample is built once"
    );
}

/// `issue` built into `out` by `gazette build --tsa`, sealed with the test
/// PKI's seal key and carried to `level`; the edition's folder.
fn build_at(pki: &TestPki, issue: &Path, out: &Path, level: &str) -> PathBuf {
    let run = gazette()
        .arg("build")
        .arg(issue)
        .arg("--out")
        .arg(out)
        .arg("--seal-cert")
        .arg(pki.chain())
        .arg("--seal-key")
        .arg(pki.path("keys/seal.key.pem"))
        .arg("--tsa")
        .arg(pki.url("TSA_URL"))
        .args(["--seal-level", level])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    out.join(EDITION)
}

/// The long-term sample; [`build_with`] must have run.
pub fn sample_of_2026() -> &'static LongTermSample {
    SAMPLE
        .get()
        .expect("the long-term sample is built by the test that starts the test PKI")
}

/// Where the revision ending just before `at` ends: after its `%%EOF` and
/// line end.
fn revision_end_before(pdf: &[u8], at: usize) -> usize {
    let eof = rfind(&pdf[..at], b"%%EOF").expect("an earlier revision") + b"%%EOF".len();
    eof + pdf[eof..]
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count()
}

/// The B-LTA PDF cut after its seal's revision: B-T.
pub fn at_b_t(lta: &[u8]) -> Vec<u8> {
    let [_, _, start, length] = byte_range(lta);
    lta[..start + length].to_vec()
}

/// The B-LTA PDF cut before its first document timestamp: B-LT.
pub fn at_b_lt(lta: &[u8]) -> Vec<u8> {
    let stamp = find(lta, b"/DocTimeStamp").expect("a document timestamp");
    lta[..revision_end_before(lta, stamp)].to_vec()
}

/// The B-LTA PDF cut before its seal: the typeset edition, as `gazette
/// build --no-seal` writes it.
fn unsealed(lta: &[u8]) -> Vec<u8> {
    let [_, contents, _, _] = byte_range(lta);
    lta[..revision_end_before(lta, contents)].to_vec()
}

/// Whose key seals a resealed vector.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub enum PkiSeal {
    /// The test PKI's seal certificate, in force.
    Seal,
    /// Its certificate revoked on 2026-06-01 (keyCompromise).
    SealRevoked,
}

/// Who time-stamps a resealed vector's signature.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub enum Stamping {
    /// The test PKI's time-stamp authority, over the signature value.
    Tsa,
    /// Its authority whose certificate lacks id-kp-timeStamping.
    TsaWithoutTimeStampingUsage,
    /// The right authority, stamping other bytes than the signature value.
    OtherBytes,
    /// The right authority, answering as of 2026-03-01, before the seal
    /// certificate "seal-revoked" was revoked.
    TsaBeforeRevocation,
    /// An authority whose certificate was revoked on 2026-06-01, before it
    /// stamps.
    TsaRevoked,
}

/// What answers for the seal certificate's revocation status at B-LT.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub enum SealRevocation {
    /// The OCSP responder it names, as gazette asks.
    #[default]
    Ocsp,
    /// Its CA's CRL, from the distribution point it names too.
    Crl,
}

/// A seal made anew with the test PKI over the base's typeset PDF.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LongTermSeal {
    pub key: PkiSeal,
    pub stamping: Stamping,
    /// B-T or B-LT.
    pub level: String,
    #[serde(default)]
    pub seal_revocation: SealRevocation,
}

/// The authorities a resealed vector is made with: the test PKI's, with
/// the time-stamp that `stamping` asks for, and revocation evidence gathered
/// as a renewal gathers it (a revoked certificate's answer kept, not refused).
struct ResealAuthorities<'a> {
    sample: &'a LongTermSample,
    stamping: Stamping,
    network: Network,
    /// The seal certificate whose status its CA's CRL gives, when the
    /// vector asks so.
    by_crl: Option<Vec<u8>>,
}

impl Authorities for ResealAuthorities<'_> {
    fn stamp(&self, data: &[u8]) -> Result<Token, String> {
        match self.stamping {
            Stamping::Tsa => self.network.stamp(data),
            Stamping::OtherBytes => self.network.stamp(b"bytes other than the signature value"),
            Stamping::TsaWithoutTimeStampingUsage => {
                Ok(unchecked_token(&self.sample.tsa_noeku_url, data))
            }
            Stamping::TsaRevoked => Ok(unchecked_token(&self.sample.tsa_revoked_url, data)),
            Stamping::TsaBeforeRevocation => {
                self.sample.set_clock(Some("2026-03-01T00:00:00+00:00"));
                let token = self.network.stamp(data);
                self.sample.set_clock(None);
                token
            }
        }
    }

    fn collect_for_renewal(
        &self,
        required: &[&[Vec<u8>]],
        best_effort: &[&[Vec<u8>]],
    ) -> Result<Collected, String> {
        let all: Vec<&[Vec<u8>]> = required.iter().chain(best_effort).copied().collect();
        let Some(seal) = &self.by_crl else {
            return revocation::collect_for_renewal(&[], &all).map_err(|e| e.to_string());
        };
        // The seal's chain from its CA up as the certificates name it; the
        // seal certificate itself by the CA's CRL.
        let chains: Vec<&[Vec<u8>]> = all
            .iter()
            .map(|chain| match chain.split_first() {
                Some((leaf, rest)) if leaf == seal => rest,
                _ => chain,
            })
            .collect();
        let mut collected =
            revocation::collect_for_renewal(&[], &chains).map_err(|e| e.to_string())?;
        let crl =
            http::get(Service::Crl, &self.sample.interm_crl_url).map_err(|e| e.to_string())?;
        collected.evidence.crls.push(crl);
        collected.evidence.certificates.push(seal.clone());
        Ok(collected)
    }
}

/// Held while a seal is made anew: one vector's clock must not be
/// another's.
static CLOCK: Mutex<()> = Mutex::new(());

impl LongTermSample {
    /// The test PKI's key `which` as a signer, and its chain up to the root.
    fn key(&self, which: PkiSeal) -> (Box<dyn Signer>, Vec<Vec<u8>>) {
        let name = match which {
            PkiSeal::Seal => "seal",
            PkiSeal::SealRevoked => "seal-revoked",
        };
        let chain = [name, "interm", "root"]
            .iter()
            .map(|n| {
                let pem = std::fs::read(self.pki.join(format!("certs/{n}.cert.pem"))).unwrap();
                gazette::cms::load_pem_certificates(&pem).unwrap().remove(0)
            })
            .collect();
        let identity = signer::open(
            &KeySource::File(self.pki.join(format!("keys/{name}.key.pem"))),
            RsaPadding::Pkcs1,
            &FixedSecrets::default(),
        )
        .unwrap();
        (identity.signer, chain)
    }

    /// How many requests the test PKI's server has answered so far, as its
    /// log says: one line for each.
    pub fn requests_answered(&self) -> usize {
        // The server logs a request just after it answers.
        std::thread::sleep(std::time::Duration::from_millis(300));
        std::fs::read_to_string(self.pki.join("server.log"))
            .unwrap()
            .lines()
            .filter(|line| line.contains("\" ") && line.contains(" HTTP/1."))
            .count()
    }

    /// The responders answer as of `time` from now on, or of the present.
    fn set_clock(&self, time: Option<&str>) {
        let status = Command::new("bash")
            .arg(repo().join("tests/pki/responders.sh"))
            .arg("clock")
            .arg(&self.pki)
            .args(time)
            .status()
            .unwrap();
        assert!(status.success(), "responders.sh clock");
    }
}

/// A token over SHA-256(`data`) from the test PKI's time-stamp authority,
/// taken as it comes.
pub fn tsa_token(data: &[u8]) -> Token {
    unchecked_token(&sample_of_2026().tsa_url, data)
}

/// A token over SHA-256(`data`) from the authority at `url`, taken as it
/// comes: none of the checks gazette makes before it uses a token.
fn unchecked_token(url: &str, data: &[u8]) -> Token {
    let request = TimeStampReq {
        version: 1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: ID_SHA_256,
                parameters: None,
            },
            hashed_message: OctetString::new(digest(&SHA256, data).as_ref()).unwrap(),
        },
        req_policy: None,
        nonce: None,
        cert_req: true,
        extensions: None,
    };
    let answer = http::post(Service::TimeStamping, url, &request.to_der().unwrap()).unwrap();
    let response = TimeStampResp::from_der(&answer).unwrap();
    let token = response.time_stamp_token.expect("the authority grants");
    read_token(&token.to_der().unwrap()).unwrap().token
}

/// The base's typeset PDF sealed anew as `wanted` says, on the cover where
/// gazette draws the edition's seal.
pub fn reseal(base: &[u8], wanted: &LongTermSeal) -> Vec<u8> {
    let sample = sample_of_2026();
    let (signer, chain) = sample.key(wanted.key);
    let level: Level = wanted.level.parse().unwrap();
    assert!(
        matches!(level, Level::T | Level::Lt),
        "a resealed vector is B-T or B-LT"
    );
    let authorities = ResealAuthorities {
        sample,
        stamping: wanted.stamping,
        network: Network::new(&sample.tsa_url).unwrap(),
        by_crl: (wanted.seal_revocation == SealRevocation::Crl).then(|| chain[0].clone()),
    };
    let seal =
        Seal::new(signer, chain, office_seal_text()).with_long_term(Arc::new(authorities), level);
    let pdf = ParsedPdf::read(unsealed(base)).unwrap();
    let spot = Spot {
        page: 0,
        rect: VISIBLE_SEAL,
    };
    let _clock = CLOCK.lock().unwrap();
    edition::seal_pdf(&seal, &pdf, spot, &ISSUE_DATE.seal_time()).unwrap()
}

/// The words on the sample's seal, whoever's key makes it.
fn office_seal_text() -> SealText {
    SealText {
        organisation: "上海市人民政府办公厅".into(),
        purpose: "公报专用章".into(),
    }
}

/// manifest.json `json` sealed as `gazette build --tsa` seals it at `level`
/// (B-T or B-LT), with the test PKI's seal key and authorities.
pub fn reseal_manifest(json: &[u8], level: &str) -> Vec<u8> {
    let sample = sample_of_2026();
    let (signer, chain) = sample.key(PkiSeal::Seal);
    let network = Network::new(&sample.tsa_url).unwrap();
    let seal = Seal::new(signer, chain, office_seal_text())
        .with_long_term(Arc::new(network), level.parse().unwrap());
    gazette::package::seal_manifest(json, &seal).unwrap()
}

/// A detached CMS signature (DER ContentInfo) without the unsigned
/// attributes of its one SignerInfo: its signature time-stamp gone, its
/// signature untouched.
pub fn without_unsigned_attributes(p7s: &[u8]) -> Vec<u8> {
    let info = ContentInfo::from_der(p7s).unwrap();
    let mut signed: SignedData = info.content.decode_as().unwrap();
    let mut signers: Vec<SignerInfo> = signed.signer_infos.0.into_vec();
    assert_eq!(signers.len(), 1, "one SignerInfo");
    assert!(
        signers[0].unsigned_attrs.take().is_some(),
        "a time-stamped seal"
    );
    signed.signer_infos = SignerInfos(SetOfVec::try_from(signers).unwrap());
    ContentInfo {
        content_type: info.content_type,
        content: der::Any::encode_from(&signed).unwrap(),
    }
    .to_der()
    .unwrap()
}

/// A detached CMS signature (DER ContentInfo) without the revocation values
/// of its SignedData's `crls`, which no signature covers. The SignedData is
/// read as the sequence of its fields, since the `cms` crate does not read
/// RFC 5940's other revocation info; `crls` is its field tagged [1].
pub fn without_revocation_values(p7s: &[u8]) -> Vec<u8> {
    let info = ContentInfo::from_der(p7s).unwrap();
    let fields: Vec<der::Any> = info.content.decode_as().unwrap();
    let crls = der::Tag::ContextSpecific {
        constructed: true,
        number: der::TagNumber(1),
    };
    let kept: Vec<der::Any> = fields.into_iter().filter(|f| f.tag() != crls).collect();
    ContentInfo {
        content_type: info.content_type,
        content: der::Any::encode_from(&kept).unwrap(),
    }
    .to_der()
    .unwrap()
}
