//! Asking a time-stamp authority: an RFC 3161 request over SHA-256 with a
//! fresh nonce, and every check on the answer before a token is handed out.

use der::asn1::{OctetString, Uint};
use der::{Decode, Encode};
use ring::rand::{SecureRandom, SystemRandom};

use super::token::{TokenInfo, read_token};
use super::{TimestampError, Token};
use crate::asn1::tsp::{
    ID_CT_TST_INFO, MessageImprint, PkiStatusInfo, TimeStampReq, TimeStampResp,
};
use crate::cms::algorithm::DigestAlgorithm;
use crate::cms::{ProblemCode, verify_attached};
use crate::http::{self, Service};

/// PKIStatus granted and grantedWithMods: the two that carry a token.
const GRANTED: [u8; 2] = [0, 1];

/// A time-stamp authority, by the URL it answers RFC 3161 requests at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tsa {
    url: String,
}

impl Tsa {
    /// The authority at `url`. Fails when the URL cannot be asked at all (not
    /// http:// or https://, or https:// in a build without TLS); whether the
    /// authority answers is known only on [`Tsa::stamp`].
    pub fn new(url: &str) -> Result<Tsa, TimestampError> {
        http::check(Service::TimeStamping, url)?;
        Ok(Tsa {
            url: url.to_owned(),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// A token over SHA-256(`data`) from this authority, checked: granted,
    /// readable, stamping exactly that digest, echoing the request's nonce,
    /// signed by a certificate that is in the token and may sign time-stamps.
    pub fn stamp(&self, data: &[u8]) -> Result<Token, TimestampError> {
        let request = request(data)?;
        let query = request
            .to_der()
            .map_err(|e| TimestampError::Request(e.to_string()))?;
        let answer = http::post(Service::TimeStamping, &self.url, &query)?;
        let info = self.granted_token(&answer)?;
        self.check_answers(&request, &info)?;
        self.check_signature(&info)?;
        Ok(info.token)
    }

    /// The token of a granted answer, read.
    fn granted_token(&self, answer: &[u8]) -> Result<TokenInfo, TimestampError> {
        let url = self.url.clone();
        let response =
            TimeStampResp::from_der(answer).map_err(|e| TimestampError::NotAResponse {
                url: url.clone(),
                why: e.to_string(),
            })?;
        if !GRANTED.contains(&response.status.status) {
            return Err(TimestampError::Refused {
                url,
                status: status_text(&response.status),
            });
        }
        let token = response
            .time_stamp_token
            .ok_or_else(|| TimestampError::Malformed {
                url: Some(url.clone()),
                why: "the request was granted, but no token came with the answer".to_owned(),
            })?;
        let der = token.to_der().map_err(|e| TimestampError::Malformed {
            url: Some(url.clone()),
            why: e.to_string(),
        })?;
        read_token(&der).map_err(|error| match error {
            TimestampError::Malformed { why, .. } => TimestampError::Malformed {
                url: Some(url),
                why,
            },
            other => other,
        })
    }

    /// The token answers this request: same imprint, same nonce.
    fn check_answers(
        &self,
        request: &TimeStampReq,
        info: &TokenInfo,
    ) -> Result<(), TimestampError> {
        let url = || self.url.clone();
        let asked = &request.message_imprint;
        let same_algorithm = DigestAlgorithm::from_identifier(&info.imprint.hash_algorithm)
            == DigestAlgorithm::from_identifier(&asked.hash_algorithm);
        if !same_algorithm || info.imprint.hashed_message != asked.hashed_message {
            return Err(TimestampError::WrongImprint { url: url() });
        }
        match (&info.nonce, &request.nonce) {
            (None, _) => Err(TimestampError::NonceMissing { url: url() }),
            (Some(echoed), Some(sent)) if echoed.as_slice() == sent.as_bytes() => Ok(()),
            (Some(_), _) => Err(TimestampError::NonceMismatch { url: url() }),
        }
    }

    /// The token's CMS signature holds, by a certificate it carries that may
    /// sign time-stamps and was valid at the time it attests. Whether that
    /// certificate leads to a trusted root is for the verifier, with the
    /// reader's trust anchors.
    pub(super) fn check_signature(&self, info: &TokenInfo) -> Result<(), TimestampError> {
        let url = || self.url.clone();
        let (check, _) =
            verify_attached(&info.token.der, ID_CT_TST_INFO, info.token.time, &[], &[]).map_err(
                |e| TimestampError::Malformed {
                    url: Some(url()),
                    why: e.to_string(),
                },
            )?;
        let problems: Vec<_> = check
            .problems
            .iter()
            .filter(|problem| problem.code != ProblemCode::Untrusted)
            .collect();
        let all = |codes: &[ProblemCode]| {
            !problems.is_empty() && problems.iter().all(|p| codes.contains(&p.code))
        };
        let why = problems
            .iter()
            .map(|problem| problem.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        if problems.is_empty() {
            Ok(())
        } else if all(&[ProblemCode::SignerCertificateMissing]) {
            Err(TimestampError::NoTsaCertificate { url: url() })
        } else if all(&[ProblemCode::ExtendedKeyUsage, ProblemCode::KeyUsage]) {
            Err(TimestampError::NotATimeStampingCertificate { url: url(), why })
        } else {
            Err(TimestampError::BadSignature { url: url(), why })
        }
    }
}

/// A request over SHA-256(`data`) with a random 64-bit nonce, asking for the
/// authority's certificate.
fn request(data: &[u8]) -> Result<TimeStampReq, TimestampError> {
    let mut nonce = [0u8; 8];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| TimestampError::NoRandomness)?;
    let sha256 = DigestAlgorithm::Sha256;
    let encoding = |e: der::Error| TimestampError::Request(e.to_string());
    Ok(TimeStampReq {
        version: 1,
        message_imprint: MessageImprint {
            hash_algorithm: sha256.identifier(),
            hashed_message: OctetString::new(sha256.digest(&[data])).map_err(encoding)?,
        },
        req_policy: None,
        nonce: Some(Uint::new(&nonce).map_err(encoding)?),
        cert_req: true,
        extensions: None,
    })
}

/// PKIStatus, its text and failure reasons, as RFC 3161 names them.
fn status_text(info: &PkiStatusInfo) -> String {
    const STATUS: [&str; 6] = [
        "granted",
        "grantedWithMods",
        "rejection",
        "waiting",
        "revocationWarning",
        "revocationNotification",
    ];
    const FAILURES: [(usize, &str); 8] = [
        (0, "badAlg (unrecognized or unsupported algorithm)"),
        (2, "badRequest (transaction not permitted or supported)"),
        (5, "badDataFormat (the data submitted has the wrong format)"),
        (
            14,
            "timeNotAvailable (the TSA's time source is not available)",
        ),
        (
            15,
            "unacceptedPolicy (the requested policy is not supported)",
        ),
        (
            16,
            "unacceptedExtension (the requested extension is not supported)",
        ),
        (
            17,
            "addInfoNotAvailable (the additional information requested is not available)",
        ),
        (
            25,
            "systemFailure (the request cannot be handled due to system failure)",
        ),
    ];
    let mut text = match STATUS.get(usize::from(info.status)) {
        Some(name) => format!("status {name}"),
        None => format!("status {}", info.status),
    };
    for line in info.status_string.iter().flatten() {
        text.push_str(&format!(", {line:?}"));
    }
    if let Some(bits) = &info.fail_info {
        for (index, set) in bits.bits().enumerate() {
            if set {
                let name = FAILURES.iter().find(|(bit, _)| *bit == index);
                match name {
                    Some((_, name)) => text.push_str(&format!(", {name}")),
                    None => text.push_str(&format!(", failure bit {index}")),
                }
            }
        }
    }
    text
}
