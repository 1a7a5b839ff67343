//! The PDF seal at every PAdES baseline level, against the test PKI's real
//! time-stamp authority, OCSP responder and CRL server (tests/pki), asked
//! through [`Network`] as a build asks them: what each update adds, that the
//! bytes before it stay untouched, and that a failing authority fails the
//! seal.

use cms::signed_data::SignedData;
use der::{Decode, Encode};
use lopdf::{Document, Object};

use super::long_term::{self, Authorities, Level, LongTerm};
use super::{
    AsOf, Network, ParsedPdf, SealError, Sealer, doc_timestamp, dss, extend, pdf, seal_as_planned,
};
use crate::asn1::tsp::{ID_AA_SIGNATURE_TIME_STAMP_TOKEN, TstInfo};
use crate::cms::{self as gazette_cms, UnixTime};
use crate::revocation::{Evidence, RevocationError, RevocationStatus};
use crate::signer::{self, FixedSecrets, KeySource, RsaPadding, Signer};
use crate::test_support::responders::{Responders, unavailable_in};
use crate::verify::{FindingCode, Options, Report, Verdict, verify_pdf};

/// A running test PKI and its seal key, or `None` when a tool is missing.
struct Pki {
    responders: Responders,
    authorities: Network,
    signer: Box<dyn Signer>,
    chain: Vec<Vec<u8>>,
    root: Vec<u8>,
}

impl Pki {
    fn start() -> Option<Pki> {
        Pki::start_as_of(None, "seal")
    }

    /// The responders answering as of `fake_time` (ISO 8601) if given, and
    /// the key of the seal certificate `seal` ("seal" or "seal-revoked").
    fn start_as_of(fake_time: Option<&str>, seal: &str) -> Option<Pki> {
        let responders = Responders::start(fake_time)?;
        let certificate = |name: &str| {
            let pem = std::fs::read(responders.path(&format!("certs/{name}.cert.pem"))).unwrap();
            gazette_cms::load_pem_certificates(&pem).unwrap().remove(0)
        };
        let chain = vec![
            certificate(seal),
            certificate("interm"),
            certificate("root"),
        ];
        let source = KeySource::File(responders.path(&format!("keys/{seal}.key.pem")));
        let signer = signer::open(&source, RsaPadding::Pkcs1, &FixedSecrets::default())
            .unwrap()
            .signer;
        Some(Pki {
            authorities: Network::new(responders.url("TSA_URL")).unwrap(),
            root: chain[2].clone(),
            signer,
            chain,
            responders,
        })
    }

    fn sealer(&self) -> Sealer<'_> {
        Sealer {
            signer: self.signer.as_ref(),
            chain: &self.chain,
        }
    }

    fn seal(&self, level: Level) -> Result<Vec<u8>, SealError> {
        self.seal_by(level, &self.authorities)
    }

    fn seal_by(&self, level: Level, authorities: &dyn Authorities) -> Result<Vec<u8>, SealError> {
        let long_term = LongTerm { authorities, level };
        let planned = pdf::SealPlan {
            reserve: gazette_cms::reserved_size(&self.chain),
            ..plan()
        };
        seal_as_planned(&read(unsealed()), &self.sealer(), planned, Some(long_term))
    }

    fn verdict(&self, pdf: &[u8]) -> Verdict {
        report(pdf, &self.root).verdict
    }
}

/// What gazette verify says of `pdf`, trusting `root` alone, offline.
fn report(pdf: &[u8], root: &[u8]) -> Report {
    let options = Options {
        anchors: vec![root.to_vec()],
    };
    verify_pdf("test.pdf", pdf, &options)
}

/// A one-page PDF, as typesetting would hand it over.
fn unsealed() -> Vec<u8> {
    pdf_of(&[
        "<</Type/Catalog/Pages 2 0 R>>",
        "<</Type/Pages/Kids[3 0 R]/Count 1>>",
        "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ])
}

fn read(pdf: Vec<u8>) -> ParsedPdf {
    ParsedPdf::read(pdf).expect("the test's PDF reads")
}

/// A PDF of `objects`, numbered from 1, the first the catalog.
fn pdf_of(objects: &[&str]) -> Vec<u8> {
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
        format!(
            "trailer\n<</Size {}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A seal without a drawn appearance, claiming the present time.
fn plan() -> pdf::SealPlan<'static> {
    let now =
        der::DateTime::from_unix_duration(std::time::Duration::from_secs(UnixTime::now().0 as u64))
            .unwrap();
    pdf::SealPlan {
        appearance: b"",
        bbox: [0.0, 0.0, 10.0, 10.0],
        page: 0,
        rect: [0.0, 0.0, 10.0, 10.0],
        time: format!(
            "D:{:04}{:02}{:02}{:02}{:02}{:02}Z",
            now.year(),
            now.month(),
            now.day(),
            now.hour(),
            now.minutes(),
            now.seconds()
        ),
        name: "Gazette Test Seal".into(),
        reason: "test".into(),
        reserve: 0,
    }
}

/// The value of every signature field, newest last, from the file's last revision.
fn signature_values(pdf: &[u8]) -> Vec<lopdf::Dictionary> {
    let document = Document::load_mem(pdf).unwrap();
    let catalog = document.catalog().unwrap();
    let form = catalog
        .get_deref(b"AcroForm", &document)
        .unwrap()
        .as_dict()
        .unwrap();
    form.get(b"Fields")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|field| {
            let field = document.dereference(field).unwrap().1.as_dict().unwrap();
            let value = field.get_deref(b"V", &document).unwrap();
            value.as_dict().unwrap().clone()
        })
        .collect()
}

/// A signature's `/Contents` without its padding, and its byte ranges' bytes.
fn contents_and_ranges(pdf: &[u8], value: &lopdf::Dictionary) -> (Vec<u8>, Vec<u8>) {
    let padded = value.get(b"Contents").unwrap().as_str().unwrap();
    let mut reader = der::SliceReader::new(padded).unwrap();
    let _ = cms::content_info::ContentInfo::decode(&mut reader).unwrap();
    let length = usize::try_from(der::Reader::position(&reader)).unwrap();
    let range: Vec<usize> = value
        .get(b"ByteRange")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_i64().unwrap() as usize)
        .collect();
    let mut covered = pdf[range[0]..range[0] + range[1]].to_vec();
    covered.extend_from_slice(&pdf[range[2]..range[2] + range[3]]);
    (padded[..length].to_vec(), covered)
}

fn tst_info(token: &[u8]) -> TstInfo {
    let token = cms::content_info::ContentInfo::from_der(token).unwrap();
    let signed: SignedData = token.content.decode_as().unwrap();
    TstInfo::from_der(signed.encap_content_info.econtent.unwrap().value()).unwrap()
}

/// The token in a CMS signature's signature-time-stamp attribute, and the
/// signature value it must stamp.
fn signature_token(cms_der: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let content = cms::content_info::ContentInfo::from_der(cms_der).unwrap();
    let signed: SignedData = content.content.decode_as().unwrap();
    let signer = signed.signer_infos.0.get(0).unwrap();
    let attribute = signer
        .unsigned_attrs
        .as_ref()?
        .iter()
        .find(|a| a.oid == ID_AA_SIGNATURE_TIME_STAMP_TOKEN)?;
    let token = attribute.values.get(0).unwrap().to_der().unwrap();
    Some((token, signer.signature.as_bytes().to_vec()))
}

#[test]
fn without_a_time_stamp_authority_the_seal_is_b_b_as_before() {
    let signer = crate::test_support::keys::example_signer("seal-rsa.key.pem", RsaPadding::Pkcs1);
    let chain = crate::test_support::keys::example_chain("seal-rsa-chain.pem");
    let sealer = Sealer {
        signer: signer.as_ref(),
        chain: &chain,
    };
    let planned = pdf::SealPlan {
        reserve: gazette_cms::reserved_size(&chain),
        ..plan()
    };
    let b_b = seal_as_planned(&read(unsealed()), &sealer, planned.clone(), None).unwrap();
    let again = seal_as_planned(&read(unsealed()), &sealer, planned, None).unwrap();
    assert_eq!(b_b, again, "RSA PKCS#1 v1.5 seals are deterministic");
    assert!(b_b.starts_with(&unsealed()));
    let value = &signature_values(&b_b)[0];
    let (cms_der, _) = contents_and_ranges(&b_b, value);
    assert!(signature_token(&cms_der).is_none(), "B-B has no time-stamp");
    assert!(
        !Document::load_mem(&b_b)
            .unwrap()
            .catalog()
            .unwrap()
            .has(b"DSS")
    );
}

#[test]
fn a_b_t_seal_carries_a_token_over_its_signature_value() {
    let Some(pki) = Pki::start() else {
        return;
    };
    let sealed = pki.seal(Level::T).unwrap();
    assert!(sealed.starts_with(&unsealed()));
    let values = signature_values(&sealed);
    assert_eq!(values.len(), 1, "B-T adds no document timestamp");
    let (cms_der, _) = contents_and_ranges(&sealed, &values[0]);
    let (token, signature) = signature_token(&cms_der).expect("a signature-time-stamp");
    let info = tst_info(&token);
    assert_eq!(
        info.message_imprint.hashed_message.as_bytes(),
        crate::digest::sha256_bytes(&signature)
    );
    assert!(info.gen_time.unix().0 >= UnixTime::now().0 - 60);
    assert_eq!(pki.verdict(&sealed), Verdict::Valid);
}

#[test]
fn a_b_lta_seal_adds_validation_data_and_a_document_timestamp_over_it() {
    let Some(pki) = Pki::start() else {
        return;
    };
    let sealed = pki.seal(Level::Lta).unwrap();
    let b_t_end = memchr::memmem::find_iter(&sealed, b"%%EOF").nth(1).unwrap() + 6;
    let b_t = &sealed[..b_t_end];
    assert!(sealed.starts_with(&unsealed()));

    let values = signature_values(&sealed);
    assert_eq!(values.len(), 2, "the seal and a document timestamp");
    let (_, seal_covers) = contents_and_ranges(&sealed, &values[0]);
    assert_eq!(
        seal_covers.len() + 2 * (values[0].get(b"Contents").unwrap().as_str().unwrap().len()) + 2,
        b_t.len()
    );
    let timestamp = &values[1];
    assert_eq!(
        timestamp.get(b"Type").unwrap().as_name().unwrap(),
        b"DocTimeStamp"
    );
    assert_eq!(
        timestamp.get(b"SubFilter").unwrap().as_name().unwrap(),
        b"ETSI.RFC3161"
    );
    let (token, covered) = contents_and_ranges(&sealed, timestamp);
    assert_eq!(
        tst_info(&token).message_imprint.hashed_message.as_bytes(),
        crate::digest::sha256_bytes(&covered),
        "the document timestamp's imprint is the digest of its byte ranges"
    );
    assert!(
        memchr::memmem::find(&covered, b"/VRI").is_some(),
        "the document timestamp covers the validation data"
    );

    let document = Document::load_mem(&sealed).unwrap();
    let store = document
        .catalog()
        .unwrap()
        .get_deref(b"DSS", &document)
        .unwrap()
        .as_dict()
        .unwrap();
    let streams = |key: &[u8]| -> Vec<Vec<u8>> {
        store
            .get(key)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                document
                    .dereference(r)
                    .unwrap()
                    .1
                    .as_stream()
                    .unwrap()
                    .content
                    .clone()
            })
            .collect()
    };
    let certs = streams(b"Certs");
    for certificate in &pki.chain {
        assert!(certs.contains(certificate));
    }
    let tsa = std::fs::read(pki.responders.path("certs/tsa.cert.pem")).unwrap();
    assert!(certs.contains(&gazette_cms::load_pem_certificates(&tsa).unwrap()[0]));
    assert!(!streams(b"OCSPs").is_empty(), "the seal's OCSP response");
    assert!(
        !streams(b"CRLs").is_empty(),
        "the root's CRL, about the intermediate and the TSA"
    );
    let vri = store.get(b"VRI").unwrap().as_dict().unwrap();
    for value in &values {
        let stored = value.get(b"Contents").unwrap().as_str().unwrap();
        let entry = vri
            .get(dss::vri_key(stored).as_bytes())
            .unwrap()
            .as_dict()
            .unwrap();
        assert!(entry.get(b"Cert").unwrap().as_array().unwrap().len() >= 2);
    }
    assert_eq!(pki.verdict(&sealed), Verdict::Valid);
}

#[test]
fn a_time_stamp_authority_that_is_down_fails_the_seal() {
    let Some(pki) = Pki::start() else {
        return;
    };
    let down = Network::new(&format!(
        "{}/gazette/tsa/no-such-tsa",
        pki.responders.url("PKI_URL")
    ))
    .unwrap();
    let long_term = LongTerm {
        authorities: &down,
        level: Level::Lta,
    };
    let error = seal_as_planned(&read(unsealed()), &pki.sealer(), plan(), Some(long_term))
        .expect_err("no token, no seal");
    assert!(error.to_string().contains("time-stamped"), "{error}");
}

#[test]
fn a_token_larger_than_its_room_gets_the_room_it_needs() {
    let Some(pki) = Pki::start() else {
        return;
    };
    let sealer = pki.sealer();
    let stamp = |data: &[u8]| pki.authorities.stamp(data);
    let attempts = std::cell::Cell::new(0);
    let sealed = long_term::with_room(100, |reserve| {
        attempts.set(attempts.get() + 1);
        let planned = pdf::SealPlan { reserve, ..plan() };
        pdf::seal(&read(unsealed()), &planned, |ranges| {
            gazette_cms::sign_detached_timestamped(ranges, sealer.chain, sealer.signer, &stamp)
                .map_err(|e| e.to_string())
        })
    })
    .unwrap();
    assert_eq!(attempts.get(), 2);
    assert_eq!(pki.verdict(&sealed), Verdict::Valid);

    let planned = pdf::SealPlan {
        reserve: 100,
        ..plan()
    };
    let error = pdf::seal(&read(unsealed()), &planned, |ranges| {
        gazette_cms::sign_detached_timestamped(ranges, sealer.chain, sealer.signer, &stamp)
            .map_err(|e| e.to_string())
    })
    .expect_err("does not fit");
    assert!(
        error.to_string().contains("only 100 were reserved"),
        "{error}"
    );
}

#[test]
fn a_second_dss_update_keeps_every_earlier_entry_and_writes_nothing_twice() {
    let first = Evidence {
        certificates: vec![b"certificate A".to_vec()],
        ocsp_responses: vec![b"response A".to_vec()],
        crls: vec![],
    };
    let second = Evidence {
        certificates: vec![b"certificate A".to_vec(), b"certificate B".to_vec()],
        ocsp_responses: vec![],
        crls: vec![b"list B".to_vec()],
    };
    let once = dss::append(
        &unsealed(),
        &[dss::Validation {
            contents: b"signature 1",
            evidence: &first,
        }],
    )
    .unwrap();
    let twice = dss::append(
        &once,
        &[dss::Validation {
            contents: b"signature 1",
            evidence: &second,
        }],
    )
    .unwrap();
    assert!(twice.starts_with(&once));
    let document = Document::load_mem(&twice).unwrap();
    let store = document
        .catalog()
        .unwrap()
        .get_deref(b"DSS", &document)
        .unwrap()
        .as_dict()
        .unwrap();
    let count = |key: &[u8]| store.get(key).unwrap().as_array().unwrap().len();
    assert_eq!(
        (count(b"Certs"), count(b"OCSPs"), count(b"CRLs")),
        (2, 1, 1)
    );
    let entry = store
        .get(b"VRI")
        .unwrap()
        .as_dict()
        .unwrap()
        .get(dss::vri_key(b"signature 1").as_bytes())
        .unwrap()
        .as_dict()
        .unwrap();
    let listed = |key: &[u8]| entry.get(key).unwrap().as_array().unwrap().len();
    assert_eq!(
        (listed(b"Cert"), listed(b"OCSP"), listed(b"CRL")),
        (2, 1, 1)
    );
    assert_eq!(
        memchr::memmem::find_iter(&twice, b"certificate A").count(),
        1,
        "an item the store holds is referred to, not written again"
    );
    assert!(matches!(
        document.trailer.get(b"Root"),
        Ok(Object::Reference(_))
    ));
}

#[test]
fn the_vri_key_is_the_uppercase_sha_1_of_the_contents() {
    assert_eq!(
        dss::vri_key(b"abc"),
        "A9993E364706816ABA3E25717850C26C9CD0D89D"
    );
}

#[test]
fn extending_adds_fresh_evidence_and_a_new_document_timestamp_after_the_old_bytes() {
    let Some(pki) = Pki::start() else {
        return;
    };
    let sealed = pki.seal(Level::Lta).unwrap();
    let extended =
        extend::extend_pdf(&sealed, &pki.authorities, std::slice::from_ref(&pki.root)).unwrap();
    assert!(extended.notes.is_empty(), "{:?}", extended.notes);
    let extended = extended.pdf;
    assert!(
        extended.starts_with(&sealed),
        "the sealed file is an untouched prefix"
    );
    let values = signature_values(&extended);
    assert_eq!(values.len(), 3, "the seal and two document timestamps");
    let (_, covered) = contents_and_ranges(&extended, &values[2]);
    assert!(
        covered.starts_with(&sealed),
        "the new timestamp covers the whole old file"
    );
    let document = Document::load_mem(&extended).unwrap();
    let store = document
        .catalog()
        .unwrap()
        .get_deref(b"DSS", &document)
        .unwrap()
        .as_dict()
        .unwrap();
    let ocsps = store.get(b"OCSPs").unwrap().as_array().unwrap().len();
    assert!(
        ocsps >= 2,
        "the first OCSP response is kept and a fresh one added"
    );
    assert_eq!(
        store.get(b"VRI").unwrap().as_dict().unwrap().len(),
        3,
        "the seal and each document timestamp have their VRI entry"
    );
    assert_eq!(pki.verdict(&extended), Verdict::Valid);

    let b_b = pki.seal(Level::B).unwrap();
    let carried = extend::extend_pdf(&b_b, &pki.authorities, &[]).unwrap().pdf;
    assert!(carried.starts_with(&b_b));
    assert_eq!(signature_values(&carried).len(), 2);
    assert_eq!(pki.verdict(&carried), Verdict::Valid);
}

#[test]
fn extending_refuses_a_chain_that_leads_to_no_trusted_root() {
    let Some(pki) = Pki::start() else {
        return;
    };
    let sealed = pki.seal(Level::T).unwrap();
    let stranger = crate::test_support::keys::example_chain("root.pem");
    let error = extend::extend_pdf(&sealed, &pki.authorities, &stranger).expect_err("untrusted");
    assert!(
        error
            .to_string()
            .contains("does not lead to a trusted root"),
        "{error}"
    );
}

#[test]
fn a_document_timestamp_joins_an_indirect_annotation_array() {
    let Some(pki) = Pki::start() else {
        return;
    };
    let pdf = pdf_of(&[
        "<</Type/Catalog/Pages 2 0 R>>",
        "<</Type/Pages/Kids[3 0 R]/Count 1>>",
        "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Annots 4 0 R>>",
        "[]",
    ]);
    let stamp = |data: &[u8]| pki.authorities.stamp(data);
    let (stamped, token) =
        doc_timestamp::append(&pdf, &stamp, gazette_cms::TIME_STAMP_ALLOWANCE).unwrap();
    assert!(stamped.starts_with(&pdf));
    let document = Document::load_mem(&stamped).unwrap();
    let annots = document.get_object((4, 0)).unwrap().as_array().unwrap();
    assert_eq!(annots.len(), 1, "the widget joined the array");
    assert_eq!(
        memchr::memmem::find_iter(&stamped, b"3 0 obj").count(),
        1,
        "the page itself is not rewritten"
    );
    let values = signature_values(&stamped);
    let (contents, covered) = contents_and_ranges(&stamped, &values[0]);
    assert_eq!(contents, token.der);
    assert_eq!(
        tst_info(&token.der)
            .message_imprint
            .hashed_message
            .as_bytes(),
        crate::digest::sha256_bytes(&covered)
    );
}

/// The OCSP responses and certificates in `pdf`'s DSS, as evidence.
fn dss_evidence(pdf: &[u8]) -> Evidence {
    let document = Document::load_mem(pdf).unwrap();
    let store = document
        .catalog()
        .unwrap()
        .get_deref(b"DSS", &document)
        .unwrap()
        .as_dict()
        .unwrap();
    let streams = |key: &[u8]| -> Vec<Vec<u8>> {
        store
            .get(key)
            .and_then(Object::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|item| {
                        let (_, stream) = document.dereference(item).unwrap();
                        stream.as_stream().unwrap().get_plain_content().unwrap()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    Evidence {
        certificates: streams(b"Certs"),
        ocsp_responses: streams(b"OCSPs"),
        crls: streams(b"CRLs"),
    }
}

#[test]
fn renewing_after_the_seal_is_revoked_keeps_the_revocation_and_stays_valid() {
    let Some(pki) = Pki::start_as_of(Some("2026-03-01T00:00:00+00:00"), "seal-revoked") else {
        return;
    };
    let then = AsOf {
        network: &pki.authorities,
        now: UnixTime(1_772_323_200),
    };
    let sealed = pki.seal_by(Level::Lta, &then).unwrap();
    // Years later (the present, after the revocation of 2026-06-01), the
    // same responders answer.
    pki.responders.answer_as_of(None);
    let extended =
        extend::extend_pdf(&sealed, &pki.authorities, std::slice::from_ref(&pki.root)).unwrap();
    assert!(extended.pdf.starts_with(&sealed));
    let [note] = extended.notes.as_slice() else {
        panic!("one note, for the seal: {:?}", extended.notes);
    };
    assert!(
        matches!(&note.0, RevocationError::Revoked { certificate, since, .. }
            if certificate == "Gazette Test Seal (revoked)"
                && since.to_string().starts_with("2026-06-01")),
        "{note}"
    );
    assert!(note.to_string().contains("kept as evidence"), "{note}");

    let evidence = dss_evidence(&extended.pdf);
    let (seal, interm) = (&pki.chain[0], &pki.chain[1]);
    assert!(
        matches!(
            evidence.status_of(seal, interm, UnixTime::now()),
            RevocationStatus::Revoked { .. }
        ),
        "the responder's answer saying revoked is in the DSS"
    );
    let report = report(&extended.pdf, &pki.root);
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
    let notes: Vec<FindingCode> = report.signatures[0].notes.iter().map(|n| n.code).collect();
    assert!(notes.contains(&FindingCode::RevokedLater), "{notes:?}");
}

#[test]
fn renewing_after_the_seal_ca_is_gone_needs_only_the_newest_timestamp_authority() {
    let Some(first) = Pki::start() else {
        return;
    };
    let sealed = first.seal(Level::Lta).unwrap();
    let anchors = [first.root.clone()];
    // The same PKI served again elsewhere: its certificates name the new
    // port, the first ones' URLs will point at nothing once it is stopped.
    let Some(second) = Responders::start(None) else {
        return;
    };
    let archive = Network::new(second.url("TSA_URL")).unwrap();
    let renewed = extend::extend_pdf(&sealed, &archive, &anchors).unwrap();
    assert!(renewed.notes.is_empty(), "{:?}", renewed.notes);
    let gone = first.responders.url("PKI_URL").to_owned();
    drop(first);

    // The seal's CA and the first authority are gone; the newest
    // timestamp's authority answers: their certificates are notes.
    let again = extend::extend_pdf(&renewed.pdf, &archive, &anchors).unwrap();
    assert!(again.pdf.starts_with(&renewed.pdf));
    let named = unavailable_in(&again.notes, &gone);
    for certificate in [
        "Gazette Test Seal",
        "Gazette Test Intermediate CA",
        "Gazette Test TSA",
    ] {
        assert!(named.iter().any(|n| n == certificate), "{named:?}");
    }
    let report = report(&again.pdf, &anchors[0]);
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);

    // Once the newest timestamp's authority is gone too, there is nothing
    // to carry the proof on: an error naming it, nothing written.
    // Started before the second stops, so that it cannot take its port.
    let Some(third) = Responders::start(None) else {
        return;
    };
    let newest = second.url("PKI_URL").to_owned();
    drop(second);
    let error = extend::extend_pdf(
        &again.pdf,
        &Network::new(third.url("TSA_URL")).unwrap(),
        &anchors,
    )
    .expect_err("the newest timestamp's authority has no evidence");
    let error = error.to_string();
    assert!(error.contains("Gazette Test TSA"), "{error}");
    assert!(error.contains(&newest), "{error}");
}
