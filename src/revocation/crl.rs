//! Certificate revocation lists (RFC 5280 section 5): what a CRL signed by a
//! certificate's issuer says about it, within the CRL's scope.

use const_oid::db::rfc5912::{
    ID_CE_AUTHORITY_KEY_IDENTIFIER, ID_CE_CRL_NUMBER, ID_CE_CRL_REASONS, ID_CE_DELTA_CRL_INDICATOR,
    ID_CE_INVALIDITY_DATE, ID_CE_ISSUING_DISTRIBUTION_POINT,
};
use der::{Decode, Encode};
use x509_cert::certificate::Rfc5280;
use x509_cert::crl::CertificateList;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::crl::CrlReason;
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage};
use x509_cert::time::Time;

use super::Source;
use super::judge::{Finding, Says, signed_by};
use crate::cms::UnixTime;
use crate::cms::certs::ParsedCertificate;

pub(super) type Crl = CertificateList<Rfc5280>;

pub(super) fn parse(der: &[u8]) -> Result<Crl, String> {
    Crl::from_der(der).map_err(|e| format!("is not a DER X.509 CRL ({e})"))
}

/// What `crl` says about `subject`: `None` when it is not about it (another
/// issuer, or a scope that leaves it out), an error when it is but cannot be
/// trusted or read.
pub(super) fn judge(
    crl: &Crl,
    subject: &ParsedCertificate,
    issuer: &ParsedCertificate,
) -> Result<Option<Finding>, String> {
    let list = &crl.tbs_cert_list;
    if &list.issuer != subject.cert.tbs_certificate().issuer() {
        return Ok(None);
    }
    let message = list
        .to_der()
        .map_err(|e| format!("cannot be encoded again: {e}"))?;
    signed_by(issuer, &crl.signature_algorithm, &message, &crl.signature)?;
    if matches!(
        issuer.cert.tbs_certificate().get_extension::<KeyUsage>(),
        Ok(Some((_, usage))) if !usage.crl_sign()
    ) {
        return Err(format!(
            "is signed by {}, whose keyUsage does not allow signing CRLs",
            issuer.subject_text()
        ));
    }
    if !in_scope(crl, subject)? {
        return Ok(None);
    }
    let this_update = unix(list.this_update);
    let serial = subject.cert.tbs_certificate().serial_number();
    let entry = list
        .revoked_certificates
        .iter()
        .flatten()
        .find(|entry| &entry.serial_number == serial);
    let says = match entry {
        Some(entry) => Says::Revoked {
            since: unix(entry.revocation_date),
            reason: entry_reason(entry.crl_entry_extensions.as_deref().unwrap_or(&[]))?,
        },
        // CAs drop the entries of expired certificates: a later CRL's silence proves nothing.
        None if this_update > subject.not_after() => Says::Unknown(format!(
            "the CRL of {this_update} was issued after the certificate expired ({}), and CRLs \
             leave expired certificates out",
            subject.not_after()
        )),
        None => Says::Good,
    };
    Ok(Some(Finding {
        source: Source::Crl,
        says,
        this_update,
        next_update: list.next_update.map(unix),
        responder: None,
    }))
}

/// Whether the CRL covers certificates like `subject`: refuses what gazette
/// cannot read right (delta, indirect, partial-reason CRLs, unknown critical
/// extensions) and says false for a scope that leaves `subject` out.
fn in_scope(crl: &Crl, subject: &ParsedCertificate) -> Result<bool, String> {
    const UNDERSTOOD: [der::asn1::ObjectIdentifier; 3] = [
        ID_CE_ISSUING_DISTRIBUTION_POINT,
        ID_CE_CRL_NUMBER,
        ID_CE_AUTHORITY_KEY_IDENTIFIER,
    ];
    let extensions = crl.tbs_cert_list.crl_extensions.as_deref().unwrap_or(&[]);
    if extensions
        .iter()
        .any(|e| e.extn_id == ID_CE_DELTA_CRL_INDICATOR)
    {
        return Err("is a delta CRL, which gazette does not read".to_owned());
    }
    if let Some(unknown) = extensions
        .iter()
        .find(|e| e.critical && !UNDERSTOOD.contains(&e.extn_id))
    {
        return Err(format!(
            "has a critical extension gazette does not process ({})",
            unknown.extn_id
        ));
    }
    let Some(point) = extensions
        .iter()
        .find(|e| e.extn_id == ID_CE_ISSUING_DISTRIBUTION_POINT)
    else {
        return Ok(true);
    };
    let point = IssuingDistributionPoint::from_der(point.extn_value.as_bytes())
        .map_err(|e| format!("has an unreadable issuingDistributionPoint ({e})"))?;
    if point.indirect_crl {
        return Err("is an indirect CRL, which gazette does not read".to_owned());
    }
    if point.only_some_reasons.is_some() {
        return Err("covers only some revocation reasons".to_owned());
    }
    let is_ca = matches!(
        subject.cert.tbs_certificate().get_extension::<BasicConstraints>(),
        Ok(Some((_, constraints))) if constraints.ca
    );
    let leaves_out = point.only_contains_attribute_certs
        || (point.only_contains_ca_certs && !is_ca)
        || (point.only_contains_user_certs && is_ca);
    Ok(!leaves_out)
}

fn entry_reason(extensions: &[Extension]) -> Result<Option<CrlReason>, String> {
    const UNDERSTOOD: [der::asn1::ObjectIdentifier; 2] = [ID_CE_CRL_REASONS, ID_CE_INVALIDITY_DATE];
    if let Some(unknown) = extensions
        .iter()
        .find(|e| e.critical && !UNDERSTOOD.contains(&e.extn_id))
    {
        return Err(format!(
            "has an entry with a critical extension gazette does not process ({})",
            unknown.extn_id
        ));
    }
    extensions
        .iter()
        .find(|e| e.extn_id == ID_CE_CRL_REASONS)
        .map(|e| CrlReason::from_der(e.extn_value.as_bytes()))
        .transpose()
        .map_err(|e| format!("has an unreadable reason code ({e})"))
}

fn unix(time: Time) -> UnixTime {
    UnixTime(i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX))
}
