//! Seals made by gazette against the test PKI's real time-stamp authority,
//! OCSP responder and CRL server (tests/pki), verified with the responders
//! stopped: each level is reached, a B-LTA seal outlives its certificate, a
//! certificate revoked before the timestamp fails the seal and one revoked
//! after it does not; `--online` fetches what the file lacks, and a network
//! that fails it is only a note.

use crate::cms::load_pem_certificates;
use crate::http::{self, Service};
use crate::seal::{self, LongTerm, Network, SealDesign, Sealer, Spot, dss};
use crate::signer::{self, FixedSecrets, KeySource, RsaPadding, Signer};
use crate::test_support::responders::Responders;
use crate::verify::{
    FindingCode, Level, Options, Policy, Report, StatusWord, Verdict, parse_time, verify_pdf_under,
};

/// The running test PKI and a seal key of it.
struct Pki {
    responders: Responders,
    signer: Box<dyn Signer>,
    chain: Vec<Vec<u8>>,
    root: Vec<u8>,
}

impl Pki {
    /// The responders, answering as of `fake_time` if given, and the key of
    /// the seal certificate `seal` ("seal" or "seal-revoked").
    fn start(fake_time: Option<&str>, seal: &str) -> Option<Pki> {
        let responders = Responders::start(fake_time)?;
        let certificate = |name: &str| {
            let pem = std::fs::read(responders.path(&format!("certs/{name}.cert.pem"))).unwrap();
            load_pem_certificates(&pem).unwrap().remove(0)
        };
        let chain = vec![
            certificate(seal),
            certificate("interm"),
            certificate("root"),
        ];
        let key = KeySource::File(responders.path(&format!("keys/{seal}.key.pem")));
        let signer = signer::open(&key, RsaPadding::Pkcs1, &FixedSecrets::default())
            .unwrap()
            .signer;
        Some(Pki {
            root: chain[2].clone(),
            responders,
            signer,
            chain,
        })
    }

    /// A one-page PDF sealed at `level` with the PKI's TSA, OCSP and CRLs.
    fn seal(&self, level: seal::Level) -> Vec<u8> {
        let network = Network::new(self.responders.url("TSA_URL")).unwrap();
        let long_term = LongTerm {
            authorities: &network,
            level,
        };
        let sealer = Sealer {
            signer: self.signer.as_ref(),
            chain: &self.chain,
        };
        let design = SealDesign {
            organisation: "Gazette Test",
            purpose: "test",
            diameter: 119.06,
        };
        let font = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fonts/NotoSansCJKsc-Bold.otf"
        ))
        .unwrap();
        let spot = Spot {
            page: 0,
            rect: [100.0, 100.0, 219.06, 219.06],
        };
        let time = "D:20261206000000Z";
        seal::seal_pdf(
            &seal::ParsedPdf::read(unsealed()).unwrap(),
            &sealer,
            &design,
            &font,
            spot,
            time,
            Some(long_term),
        )
        .unwrap()
    }

    /// The CRL that `issuer` ("interm" or "root") publishes now.
    fn crl(&self, issuer: &str) -> Vec<u8> {
        let url = format!(
            "{}/gazette/crls/{issuer}/latest.crl",
            self.responders.url("PKI_URL")
        );
        http::get(Service::Crl, &url).unwrap()
    }
}

/// `pdf` with a DSS update holding `crls`.
fn with_crls(pdf: &[u8], crls: Vec<Vec<u8>>) -> Vec<u8> {
    let evidence = crate::revocation::Evidence {
        certificates: Vec::new(),
        ocsp_responses: Vec::new(),
        crls,
    };
    let validation = dss::Validation {
        contents: b"revocation data added by the test",
        evidence: &evidence,
    };
    dss::append(pdf, &[validation]).unwrap()
}

fn verify(pdf: &[u8], root: &[u8], at: Option<&str>, online: bool) -> Report {
    let options = Options {
        anchors: vec![root.to_vec()],
    };
    let policy = Policy {
        at: at.map(|t| parse_time(t).unwrap()),
        online,
    };
    verify_pdf_under("test.pdf", pdf, &options, policy)
}

fn notes(report: &Report) -> Vec<FindingCode> {
    report.signatures[0].notes.iter().map(|n| n.code).collect()
}

/// A one-page PDF, as typesetting would hand it over.
fn unsealed() -> Vec<u8> {
    let objects = [
        "<</Type/Catalog/Pages 2 0 R>>",
        "<</Type/Pages/Kids[3 0 R]/Count 1>>",
        "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ];
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<</Size 4/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

#[test]
fn gazette_seals_reach_each_level_offline_and_b_lta_outlives_the_certificate() {
    let Some(pki) = Pki::start(None, "seal") else {
        return;
    };
    let levels = [
        seal::Level::B,
        seal::Level::T,
        seal::Level::Lt,
        seal::Level::Lta,
    ];
    let sealed: Vec<Vec<u8>> = levels.iter().map(|&level| pki.seal(level)).collect();
    let root = pki.root.clone();
    drop(pki);
    let reached = [
        Level::BasicB,
        Level::BasicT,
        Level::BasicLt,
        Level::BasicLta,
    ];
    for (pdf, level) in sealed.iter().zip(reached) {
        let report = verify(pdf, &root, None, false);
        assert_eq!(
            report.verdict,
            Verdict::Valid,
            "{level}: {}",
            report.summary
        );
        assert_eq!(report.level, Some(level), "{}", report.summary);
    }
    let lta = verify(&sealed[3], &root, None, false);
    let seal = &lta.signatures[0];
    assert!(seal.notes.is_empty(), "{:?}", seal.notes);
    assert!(seal.revocation.iter().all(|c| c.status == StatusWord::Good));

    // Past the seal certificate's notAfter (2031-01-01).
    let later = verify(&sealed[3], &root, Some("2032-06-01T00:00:00Z"), false);
    assert_eq!(later.verdict, Verdict::Valid, "{}", later.summary);
    assert_eq!(later.level, Some(Level::BasicLta));
    let basic = verify(&sealed[0], &root, Some("2032-06-01"), false);
    assert_eq!(basic.verdict, Verdict::Indeterminate, "{}", basic.summary);
    assert!(
        basic.summary.contains("expired on 2031-01-01"),
        "{}",
        basic.summary
    );
}

#[test]
fn a_seal_revoked_before_its_timestamp_is_invalid_online_and_offline() {
    let Some(pki) = Pki::start(None, "seal-revoked") else {
        return;
    };
    let stamped = pki.seal(seal::Level::T);
    let online = verify(&stamped, &pki.root, None, true);
    assert_eq!(online.verdict, Verdict::Invalid, "{}", online.summary);
    assert!(online.summary.contains("revoked"), "{}", online.summary);
    assert!(notes(&online).contains(&FindingCode::FetchedOnline));
    let with_evidence = with_crls(&stamped, vec![pki.crl("interm"), pki.crl("root")]);
    let root = pki.root.clone();
    drop(pki);
    let report = verify(&with_evidence, &root, None, false);
    assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
    let finding = &report.signatures[0].findings[0];
    assert_eq!(finding.code, FindingCode::Revoked);
    assert!(
        finding.message.contains("revoked on 2026-06-01"),
        "{}",
        finding.message
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["signatures"][0]["findings"][0]["code"], "revoked");
    assert_eq!(json["signatures"][0]["revocation"][0]["status"], "revoked");
}

#[test]
fn a_seal_revoked_after_its_timestamp_is_valid_with_a_note() {
    let Some(then) = Pki::start(Some("2026-03-01T00:00:00+00:00"), "seal-revoked") else {
        return;
    };
    let stamped = then.seal(seal::Level::T);
    let evidence_then = vec![then.crl("interm"), then.crl("root")];
    let root = then.root.clone();
    drop(then);
    let Some(now) = Pki::start(None, "seal-revoked") else {
        return;
    };
    let mut crls = evidence_then;
    crls.push(now.crl("interm"));
    let with_evidence = with_crls(&stamped, crls);
    drop(now);
    let report = verify(&with_evidence, &root, None, false);
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
    let seal = &report.signatures[0];
    assert!(
        seal.proof_of_existence
            .as_deref()
            .unwrap()
            .starts_with("2026-03-01")
    );
    assert_eq!(notes(&report), [FindingCode::RevokedLater]);
    assert!(
        seal.notes[0].message.contains("2026-06-01"),
        "{}",
        seal.notes[0].message
    );
    assert_eq!(report.level, Some(Level::BasicLt));
}

#[test]
fn online_fetches_what_the_file_lacks_and_a_failing_network_is_a_note() {
    let Some(pki) = Pki::start(None, "seal") else {
        return;
    };
    let stamped = pki.seal(seal::Level::T);
    let online = verify(&stamped, &pki.root, None, true);
    assert_eq!(online.verdict, Verdict::Valid, "{}", online.summary);
    assert_eq!(
        online.level,
        Some(Level::BasicT),
        "fetched data is not in the file"
    );
    let seal = &online.signatures[0];
    assert!(notes(&online).contains(&FindingCode::FetchedOnline));
    let ocsp = pki.responders.url("OCSP_URL").to_owned();
    assert!(
        seal.revocation
            .iter()
            .any(|c| c.status == StatusWord::Good && c.fetched_from.as_deref() == Some(&ocsp)),
        "{:?}",
        seal.revocation
    );
    let root = pki.root.clone();
    drop(pki);
    let offline = verify(&stamped, &root, None, true);
    assert_eq!(offline.verdict, Verdict::Valid, "{}", offline.summary);
    assert!(notes(&offline).contains(&FindingCode::OnlineCheckFailed));
}
