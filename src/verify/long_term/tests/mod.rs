//! The rule itself, over the committed certificates and certomancer answers
//! of src/revocation/testdata (seal good by OCSP on 2026-12-06, seal-revoked
//! revoked since 2026-06-01, the intermediate good by the root's CRL): when
//! a seal is judged, which timestamps prove it, and the level it reaches.
//! Then files by pyHanko (`files`) and seals by gazette against the live
//! test PKI (`live`).

mod files;
mod live;

use super::*;
use crate::cms::certs::ParsedCertificate;

const ROOT: &[u8] = include_bytes!("../../../revocation/testdata/root.der");
const INTERM: &[u8] = include_bytes!("../../../revocation/testdata/interm.der");
const SEAL: &[u8] = include_bytes!("../../../revocation/testdata/seal.der");
const SEAL_REVOKED: &[u8] = include_bytes!("../../../revocation/testdata/seal-revoked.der");
const ROOT_CRL: &[u8] = include_bytes!("../../../revocation/testdata/certomancer-root.crl");
const INTERM_CRL: &[u8] = include_bytes!("../../../asn1/testdata/certomancer-interm.crl");
const OCSP_GOOD: &[u8] = include_bytes!("../../../asn1/testdata/certomancer-good.ocsp");
const OCSP_REVOKED: &[u8] = include_bytes!("../../../asn1/testdata/certomancer-revoked.ocsp");

fn utc(year: u16, month: u8, day: u8) -> UnixTime {
    let time = der::DateTime::new(year, month, day, 3, 45, 0).unwrap();
    UnixTime(time.unix_duration().as_secs() as i64)
}

fn path(chain: &[&[u8]]) -> Path {
    Path {
        chain: chain
            .iter()
            .map(|der| ParsedCertificate::from_der(der).unwrap().summary())
            .collect(),
        trusted: true,
    }
}

/// The committed certificates, and `ocsp` with the root's CRL as evidence
/// at place 1 (inside the seal's revision).
fn pool(ocsp: &[u8]) -> Pool {
    let mut pool = Pool::default();
    pool.add_certificates(&[
        ROOT.to_vec(),
        INTERM.to_vec(),
        SEAL.to_vec(),
        SEAL_REVOKED.to_vec(),
    ]);
    pool.add(
        1,
        Evidence {
            certificates: Vec::new(),
            ocsp_responses: vec![ocsp.to_vec()],
            crls: vec![ROOT_CRL.to_vec()],
        },
    );
    pool
}

/// A time-stamp at `time` by an authority whose chain is `chain`.
fn stamp(time: UnixTime, chain: &[&[u8]], place: u64, covers: Option<u64>) -> Stamp {
    Stamp {
        shown: Timestamp {
            kind: super::super::TimestampKind::Signature,
            covers: "the signature value".into(),
            time: time.to_string(),
            tsa: "a test authority".into(),
            valid: true,
        },
        time,
        holds: true,
        path: path(chain),
        place,
        covers,
    }
}

fn at(time: UnixTime) -> Policy {
    Policy {
        at: Some(time),
        online: false,
    }
}

fn codes(findings: &[Finding]) -> Vec<FindingCode> {
    findings.iter().map(|f| f.code).collect()
}

#[test]
fn a_seal_proven_before_its_certificate_expired_stays_valid_and_reaches_b_lta() {
    let pool = pool(OCSP_GOOD);
    let proven = utc(2026, 12, 6);
    // The seal's own time-stamp, then a document timestamp over all of it.
    let stamps = [
        stamp(proven, &[INTERM, ROOT], 1, None),
        stamp(utc(2026, 12, 7), &[INTERM, ROOT], 2, Some(2)),
    ];
    let seal = Sealed {
        place: 1,
        path: path(&[SEAL, INTERM, ROOT]),
        stamps: vec![0],
        held_to_format: false,
    };
    let (stamped, sealed) = judge(&pool, at(utc(2032, 1, 1)), &stamps, &[seal]);
    assert!(stamped.iter().all(|s| s.proof));
    let outcome = &sealed[0];
    assert_eq!(outcome.judged_at, proven);
    assert!(outcome.validity.is_empty(), "{:?}", outcome.validity);
    assert!(
        outcome.findings.is_empty() && outcome.notes.is_empty(),
        "{:?}",
        outcome.notes
    );
    assert_eq!(outcome.level, Level::BasicLta);
    let sources: Vec<(StatusWord, Option<Source>)> = outcome
        .revocation
        .iter()
        .map(|c| (c.status, c.source))
        .collect();
    assert_eq!(
        sources,
        [
            (StatusWord::Good, Some(Source::Ocsp)),
            (StatusWord::Good, Some(Source::Crl))
        ]
    );
}

#[test]
fn held_to_the_format_a_crl_where_an_ocsp_responder_is_named_settles_the_status_not_the_level() {
    // The seal certificate names an OCSP responder and a CRL; the file
    // answers for it with the CRL alone.
    let mut pool = Pool::default();
    pool.add_certificates(&[ROOT.to_vec(), INTERM.to_vec(), SEAL.to_vec()]);
    pool.add(
        1,
        Evidence {
            certificates: Vec::new(),
            ocsp_responses: Vec::new(),
            crls: vec![INTERM_CRL.to_vec(), ROOT_CRL.to_vec()],
        },
    );
    let judged = |held_to_format| {
        let own = stamp(utc(2026, 12, 6), &[INTERM, ROOT], 1, None);
        let seal = Sealed {
            place: 1,
            path: path(&[SEAL, INTERM, ROOT]),
            stamps: vec![0],
            held_to_format,
        };
        let (_, mut sealed) = judge(&pool, at(utc(2026, 12, 8)), &[own], &[seal]);
        sealed.remove(0)
    };
    let standard = judged(false);
    assert_eq!(standard.level, Level::BasicLt);
    assert!(standard.notes.is_empty(), "{:?}", standard.notes);
    let held = judged(true);
    assert_eq!(held.level, Level::BasicT);
    assert_eq!(codes(&held.notes), [FindingCode::RevocationForm]);
    assert!(held.notes[0].message.contains("SEAL-14"));
    let statuses: Vec<(StatusWord, Option<Source>)> = held
        .revocation
        .iter()
        .map(|c| (c.status, c.source))
        .collect();
    assert_eq!(
        statuses,
        [
            (StatusWord::Good, Some(Source::Crl)),
            (StatusWord::Good, Some(Source::Crl))
        ],
        "the CRL still settles the status"
    );
}

#[test]
fn the_level_says_how_far_the_evidence_reaches() {
    let seal = || Sealed {
        place: 1,
        path: path(&[SEAL, INTERM, ROOT]),
        stamps: vec![0],
        held_to_format: false,
    };
    let own = stamp(utc(2026, 12, 6), &[INTERM, ROOT], 1, None);
    let now = at(utc(2026, 12, 8));
    // A document timestamp that covers only what comes before the evidence
    // (place 0) leaves it at B-LT.
    let early = stamp(utc(2026, 12, 7), &[INTERM, ROOT], 0, Some(0));
    let (_, sealed) = judge(&pool(OCSP_GOOD), now, &[own, early], &[seal()]);
    assert_eq!(sealed[0].level, Level::BasicLt);
    // No evidence at all: B-T, with a note for each certificate.
    let own = stamp(utc(2026, 12, 6), &[INTERM, ROOT], 1, None);
    let mut bare = Pool::default();
    bare.add_certificates(&[ROOT.to_vec(), INTERM.to_vec(), SEAL.to_vec()]);
    let (_, sealed) = judge(&bare, now, &[own], &[seal()]);
    assert_eq!(sealed[0].level, Level::BasicT);
    assert!(sealed[0].findings.is_empty());
    assert_eq!(
        codes(&sealed[0].notes),
        [
            FindingCode::RevocationNotChecked,
            FindingCode::RevocationNotChecked
        ]
    );
    // No timestamp: B-B, judged at the validation time.
    let unstamped = Sealed {
        stamps: Vec::new(),
        ..seal()
    };
    let (_, sealed) = judge(&pool(OCSP_GOOD), now, &[], &[unstamped]);
    assert_eq!(sealed[0].level, Level::BasicB);
    assert_eq!(sealed[0].judged_at, utc(2026, 12, 8));
}

#[test]
fn without_a_timestamp_an_expired_seal_certificate_is_expired() {
    let seal = Sealed {
        place: 1,
        path: path(&[SEAL, INTERM, ROOT]),
        stamps: Vec::new(),
        held_to_format: false,
    };
    let (_, sealed) = judge(&pool(OCSP_GOOD), at(utc(2032, 1, 1)), &[], &[seal]);
    let codes: Vec<ProblemCode> = sealed[0].validity.iter().map(|p| p.code).collect();
    assert_eq!(codes, [ProblemCode::Expired]);
}

/// The seal's certificate stands in for a time-stamp authority's that
/// expires in 2031: its timestamp proves something in 2035 only when a
/// later timestamp covered it while it was valid.
#[test]
fn a_timestamp_holds_when_the_next_one_covered_it_while_its_authority_was_valid() {
    let seal = || Sealed {
        place: 1,
        path: path(&[SEAL, INTERM, ROOT]),
        stamps: vec![0],
        held_to_format: false,
    };
    let first = || stamp(utc(2026, 12, 6), &[SEAL, INTERM, ROOT], 1, None);
    let in_2035 = at(utc(2035, 1, 1));
    let (stamped, sealed) = judge(&pool(OCSP_GOOD), in_2035, &[first()], &[seal()]);
    assert!(!stamped[0].proof);
    assert_eq!(codes(&stamped[0].notes), [FindingCode::TimestampNotProof]);
    assert_eq!(sealed[0].level, Level::BasicB);
    assert_eq!(sealed[0].validity[0].code, ProblemCode::Expired);

    let renewed = stamp(utc(2030, 6, 1), &[INTERM, ROOT], 2, Some(2));
    let (stamped, sealed) = judge(&pool(OCSP_GOOD), in_2035, &[first(), renewed], &[seal()]);
    assert!(stamped[0].proof && stamped[1].proof);
    assert_eq!(sealed[0].judged_at, utc(2026, 12, 6));
    assert!(sealed[0].validity.is_empty());
}

#[test]
fn revoked_before_the_proof_fails_the_seal_and_revoked_after_is_a_note() {
    let seal = || Sealed {
        place: 1,
        path: path(&[SEAL_REVOKED, INTERM, ROOT]),
        stamps: vec![0],
        held_to_format: false,
    };
    let pool = pool(OCSP_REVOKED);
    let now = at(utc(2026, 12, 8));
    let after = stamp(utc(2026, 12, 6), &[INTERM, ROOT], 1, None);
    let (_, sealed) = judge(&pool, now, &[after], &[seal()]);
    assert_eq!(codes(&sealed[0].findings), [FindingCode::Revoked]);
    assert!(
        sealed[0].findings[0]
            .message
            .contains("revoked on 2026-06-01T00:00:00Z"),
        "{}",
        sealed[0].findings[0].message
    );

    let before = stamp(utc(2026, 3, 1), &[INTERM, ROOT], 1, None);
    let (_, sealed) = judge(&pool, now, &[before], &[seal()]);
    assert!(sealed[0].findings.is_empty());
    assert_eq!(codes(&sealed[0].notes), [FindingCode::RevokedLater]);
    assert_eq!(sealed[0].revocation[0].status, StatusWord::RevokedLater);
}
