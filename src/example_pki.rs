//! An example PKI for trying gazette out: a root CA, an intermediate CA and
//! seal certificates for an example issuing body, every name marked TEST ONLY.
//!
//! The keys are fresh on every run, but the names, extensions and validity
//! periods are fixed, so two runs differ only by their keys (and the serial
//! numbers and key identifiers derived from them). The seal certificate has
//! no extended key usage on purpose: poppler's pdfsig rejects a certificate
//! whose only extended key usage is documentSigning.
//!
//! ring cannot generate RSA keys, so the RSA seal key comes from the `rsa`
//! crate; it is only generated there, never used to sign.
//!
//! Given a [`Publication`], the certificates also say where a relying party
//! finds their issuers' certificates and revocation data (AIA and CDP), and
//! the example writes what a local web server and `openssl ocsp` need to
//! publish it, so that a trial seal can carry revocation evidence (B-LT).

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use der::asn1::{Ia5String, ObjectIdentifier};
use der::pem::LineEnding;
use der::{Decode, Encode};
use p12_keystore::{
    Certificate as P12Certificate, KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain,
};
use pkcs8::pkcs5::pbes2;
use pkcs8::{EncodePrivateKey, PrivateKeyInfoRef};
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, CertificateRevocationListParams,
    CrlDistributionPoint, CustomExtension, DistinguishedName, DnType, IsCa, Issuer, KeyIdMethod,
    KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, SerialNumber, date_time_ymd,
};
use ring::rand::{SecureRandom, SystemRandom};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{AccessDescription, AuthorityInfoAccessSyntax};
use zeroize::Zeroizing;

use crate::digest::sha256_bytes;

/// The password of the example's encrypted key and PKCS#12 file. Published:
/// it protects nothing.
pub const EXAMPLE_PASSWORD: &str = "gazette-test-only";

/// The first line of every PEM file written, which PEM parsers skip.
const PEM_NOTICE: &str =
    "# TEST ONLY - example PKI made by gazette certs example; never use in production";

const ORGANISATION: &str = "上海市人民政府办公厅（示例 TEST ONLY）";
const ISSUING_BODY: &str = "Example Issuing Body — TEST ONLY";

/// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
const PBKDF2_ITERATIONS: u32 = 600_000;
const RSA_SEAL_BITS: usize = 2048;

/// The files [`write_example`] writes, in the order it returns them (a test
/// holds the two lists together).
pub const EXAMPLE_FILES: [&str; 13] = [
    "root.pem",
    "root.key.pem",
    "intermediate.pem",
    "intermediate.key.pem",
    "seal.pem",
    "seal.key.pem",
    "seal.key.enc.pem",
    "seal.p12",
    "seal-chain.pem",
    "seal-rsa.pem",
    "seal-rsa.key.pem",
    "seal-rsa-chain.pem",
    "README.md",
];

/// The files a [`Publication`] adds: what its web server serves (CA
/// certificates for AIA caIssuers, CRLs for CDP) and the OCSP responder's
/// index of issued certificates.
pub const PUBLISHED_FILES: [&str; 5] = [
    "published/root.cer",
    "published/intermediate.cer",
    "published/root.crl",
    "published/intermediate.crl",
    "ocsp-index.txt",
];

/// How long the example's CRLs are good for from their making: a trial
/// spans days, and a CRL past its nextUpdate proves nothing.
const CRL_DAYS: u64 = 365;

/// Where relying parties find the example's CA certificates and revocation
/// data. Each URL given goes into the certificates it concerns.
#[derive(Clone, Debug, Default)]
pub struct Publication {
    /// Base URL of a web server serving the `published/` folder (and
    /// nothing else: the keys lie beside it): each CA's certificate (AIA
    /// caIssuers) and CRL (CRL distribution point).
    pub files: Option<String>,
    /// URL of an OCSP responder for the seal certificates (AIA OCSP), such
    /// as `openssl ocsp` run on `ocsp-index.txt`.
    pub ocsp: Option<String>,
}

impl Publication {
    fn is_empty(&self) -> bool {
        self.files.is_none() && self.ocsp.is_none()
    }

    /// `base/name`, with one slash between.
    fn file_url(&self, name: &str) -> Option<String> {
        let base = self.files.as_deref()?;
        Some(format!("{}/{name}", base.trim_end_matches('/')))
    }

    /// The CDP and AIA of a certificate issued by the CA named `issuer`
    /// ("root" or "intermediate"); OCSP only for leaf certificates, whose
    /// issuer the responder answers for.
    fn locate(
        &self,
        params: &mut CertificateParams,
        issuer: &str,
        leaf: bool,
    ) -> Result<(), ExamplePkiError> {
        if let Some(crl) = self.file_url(&format!("{issuer}.crl")) {
            params.crl_distribution_points = vec![CrlDistributionPoint { uris: vec![crl] }];
        }
        let mut access = Vec::new();
        if let Some(ocsp) = self.ocsp.as_deref().filter(|_| leaf) {
            access.push((ID_AD_OCSP, ocsp.to_owned()));
        }
        if let Some(ca_issuers) = self.file_url(&format!("{issuer}.cer")) {
            access.push((ID_AD_CA_ISSUERS, ca_issuers));
        }
        if !access.is_empty() {
            params.custom_extensions = vec![authority_information_access(&access)?];
        }
        Ok(())
    }
}

const ID_AD_OCSP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
const ID_AD_CA_ISSUERS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");
const ID_PE_AUTHORITY_INFO_ACCESS: [u64; 9] = [1, 3, 6, 1, 5, 5, 7, 1, 1];

/// The authorityInfoAccess extension (RFC 5280 4.2.2.1), encoded by `der`.
fn authority_information_access(
    access: &[(ObjectIdentifier, String)],
) -> Result<CustomExtension, ExamplePkiError> {
    let descriptions = access
        .iter()
        .map(|(method, url)| {
            Ok(AccessDescription {
                access_method: *method,
                access_location: GeneralName::UniformResourceIdentifier(Ia5String::new(url)?),
            })
        })
        .collect::<Result<Vec<_>, der::Error>>()
        .context("encode a URL (it must be ASCII)")?;
    let content = AuthorityInfoAccessSyntax(descriptions)
        .to_der()
        .context("encode the authority information access")?;
    Ok(CustomExtension::from_oid_content(
        &ID_PE_AUTHORITY_INFO_ACCESS,
        content,
    ))
}

/// Why the example PKI could not be written.
#[derive(Debug)]
pub struct ExamplePkiError(pub String);

impl fmt::Display for ExamplePkiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ExamplePkiError {}

/// Says what was being done when a library call failed.
trait Context<T> {
    fn context(self, doing: &str) -> Result<T, ExamplePkiError>;
}

impl<T, E: fmt::Display> Context<T> for Result<T, E> {
    fn context(self, doing: &str) -> Result<T, ExamplePkiError> {
        self.map_err(|error| ExamplePkiError(format!("could not {doing}: {error}")))
    }
}

/// A certificate with the key that belongs to it.
struct Issued {
    certificate: Certificate,
    key: KeyPair,
    params: CertificateParams,
}

/// Writes the example PKI into `dir` (created if missing), its certificates
/// pointing at `publication`, and returns the paths written. Refuses to
/// overwrite any existing file: keys are never replaced silently.
pub fn write_example(
    dir: &Path,
    publication: &Publication,
) -> Result<Vec<PathBuf>, ExamplePkiError> {
    let existing = EXAMPLE_FILES
        .iter()
        .chain(PUBLISHED_FILES.iter().filter(|_| !publication.is_empty()))
        .map(|name| dir.join(name))
        .find(|path| path.exists());
    if let Some(existing) = existing {
        return Err(ExamplePkiError(format!(
            "{} already exists; gazette never overwrites keys: choose an empty folder",
            existing.display()
        )));
    }
    fs::create_dir_all(dir).context(&format!("create {}", dir.display()))?;

    let root = issue_root()?;
    let root_issuer = Issuer::from_params(&root.params, &root.key);
    let mut params = intermediate_params();
    publication.locate(&mut params, "root", false)?;
    let intermediate = issue(params, new_ec_key()?, &root_issuer)?;
    let intermediate_issuer = Issuer::from_params(&intermediate.params, &intermediate.key);
    let mut params = seal_params("Example Gazette Seal — TEST ONLY, not for production");
    publication.locate(&mut params, "intermediate", true)?;
    let seal = issue(params, new_ec_key()?, &intermediate_issuer)?;
    let rsa_key_pkcs8 = new_rsa_pkcs8()?;
    let mut params = seal_params("Example Gazette Seal (RSA) — TEST ONLY, not for production");
    publication.locate(&mut params, "intermediate", true)?;
    let rsa_seal = issue(
        params,
        KeyPair::try_from(rsa_key_pkcs8.as_slice()).context("load the RSA key")?,
        &intermediate_issuer,
    )?;

    let chain = [&seal, &intermediate, &root];
    let rsa_chain = [&rsa_seal, &intermediate, &root];
    let files: [(&str, Zeroizing<Vec<u8>>, Secrecy); 13] = [
        ("root.pem", certificate_pem(&[&root]), Secrecy::Public),
        ("root.key.pem", key_pem(&root.key), Secrecy::Secret),
        (
            "intermediate.pem",
            certificate_pem(&[&intermediate]),
            Secrecy::Public,
        ),
        (
            "intermediate.key.pem",
            key_pem(&intermediate.key),
            Secrecy::Secret,
        ),
        ("seal.pem", certificate_pem(&[&seal]), Secrecy::Public),
        ("seal.key.pem", key_pem(&seal.key), Secrecy::Secret),
        (
            "seal.key.enc.pem",
            encrypted_key_pem(&seal.key)?,
            Secrecy::Secret,
        ),
        ("seal.p12", pkcs12(&seal, &chain)?, Secrecy::Secret),
        ("seal-chain.pem", certificate_pem(&chain), Secrecy::Public),
        (
            "seal-rsa.pem",
            certificate_pem(&[&rsa_seal]),
            Secrecy::Public,
        ),
        ("seal-rsa.key.pem", key_pem(&rsa_seal.key), Secrecy::Secret),
        (
            "seal-rsa-chain.pem",
            certificate_pem(&rsa_chain),
            Secrecy::Public,
        ),
        (
            "README.md",
            Zeroizing::new(readme(publication).into_bytes()),
            Secrecy::Public,
        ),
    ];
    let mut written = Vec::with_capacity(files.len());
    for (name, bytes, secrecy) in files {
        let path = dir.join(name);
        write_new(&path, &bytes, secrecy)?;
        written.push(path);
    }
    if !publication.is_empty() {
        written.extend(publish(
            dir,
            (&root, &root_issuer),
            (&intermediate, &intermediate_issuer),
            &[&seal, &rsa_seal],
        )?);
    }
    Ok(written)
}

/// Writes [`PUBLISHED_FILES`]: the CA certificates, an empty CRL from each
/// CA, and the OCSP index listing the seal certificates as valid.
fn publish(
    dir: &Path,
    root: (&Issued, &Issuer<'_, &KeyPair>),
    intermediate: (&Issued, &Issuer<'_, &KeyPair>),
    seals: &[&Issued],
) -> Result<Vec<PathBuf>, ExamplePkiError> {
    fs::create_dir_all(dir.join("published")).context("create the published folder")?;
    let crl = |issuer: &Issuer<'_, &KeyPair>| -> Result<Vec<u8>, ExamplePkiError> {
        let since_1970 = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .context("read the clock")?;
        let this_update = date_time_ymd(1970, 1, 1) + since_1970;
        let params = CertificateRevocationListParams {
            this_update,
            next_update: this_update + Duration::from_secs(CRL_DAYS * 24 * 60 * 60),
            crl_number: SerialNumber::from(since_1970.as_secs()),
            issuing_distribution_point: None,
            revoked_certs: Vec::new(),
            key_identifier_method: KeyIdMethod::Sha256,
        };
        let list = params.signed_by(issuer).context("sign a CRL")?;
        Ok(list.der().to_vec())
    };
    let files = [
        ("published/root.cer", root.0.certificate.der().to_vec()),
        (
            "published/intermediate.cer",
            intermediate.0.certificate.der().to_vec(),
        ),
        ("published/root.crl", crl(root.1)?),
        ("published/intermediate.crl", crl(intermediate.1)?),
        ("ocsp-index.txt", ocsp_index(seals)?.into_bytes()),
    ];
    let mut written = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        let path = dir.join(name);
        write_new(&path, &bytes, Secrecy::Public)?;
        written.push(path);
    }
    Ok(written)
}

/// The certificate database `openssl ocsp -index` reads: one line a
/// certificate, status V (valid), expiry, no revocation time, serial, and
/// the subject, which must differ from line to line.
fn ocsp_index(seals: &[&Issued]) -> Result<String, ExamplePkiError> {
    let mut index = String::new();
    for seal in seals {
        let certificate = x509_cert::Certificate::from_der(seal.certificate.der())
            .context("read a seal certificate back")?;
        let tbs = certificate.tbs_certificate();
        let expiry = tbs.validity().not_after.to_date_time();
        let serial: String = tbs
            .serial_number()
            .as_bytes()
            .iter()
            .map(|byte| format!("{byte:02X}"))
            .collect();
        index.push_str(&format!(
            "V\t{:02}{:02}{:02}{:02}{:02}{:02}Z\t\t{serial}\tunknown\t{}\n",
            expiry.year() % 100,
            expiry.month(),
            expiry.day(),
            expiry.hour(),
            expiry.minutes(),
            expiry.seconds(),
            tbs.subject(),
        ));
    }
    Ok(index)
}

fn new_ec_key() -> Result<KeyPair, ExamplePkiError> {
    KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).context("generate a P-256 key")
}

/// A fresh RSA key as plain PKCS#8 DER.
fn new_rsa_pkcs8() -> Result<Zeroizing<Vec<u8>>, ExamplePkiError> {
    let key = rsa::PrivateKey::new(&mut getrandom::SysRng, RSA_SEAL_BITS)
        .context("generate an RSA key")?;
    let pkcs8 = key.to_pkcs8_der().context("encode the RSA key")?;
    Ok(Zeroizing::new(pkcs8.as_bytes().to_vec()))
}

fn name(common_name: &str, unit: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::OrganizationName, ORGANISATION);
    name.push(DnType::OrganizationalUnitName, unit);
    name.push(DnType::CommonName, common_name);
    name
}

/// From 2025-01-01 00:00:00 to the last second of `last_year`, UTC.
fn validity(params: &mut CertificateParams, last_year: i32) {
    params.not_before = date_time_ymd(2025, 1, 1);
    params.not_after = date_time_ymd(last_year + 1, 1, 1) - Duration::from_secs(1);
}

fn ca_params(
    common_name: &str,
    last_year: i32,
    path_length: BasicConstraints,
) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = name(common_name, ISSUING_BODY);
    validity(&mut params, last_year);
    params.is_ca = IsCa::Ca(path_length);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params
}

fn issue_root() -> Result<Issued, ExamplePkiError> {
    let params = ca_params(
        "示例公报根证书 Example Gazette Root CA — TEST ONLY",
        2045,
        BasicConstraints::Unconstrained,
    );
    let key = new_ec_key()?;
    let certificate = params
        .self_signed(&key)
        .context("sign the root certificate")?;
    Ok(Issued {
        certificate,
        key,
        params,
    })
}

/// The example CA's intermediate as rcgen describes it: with its published
/// key (certs-example/intermediate.key.pem), tests issue further
/// certificates under the example root.
pub fn intermediate_params() -> CertificateParams {
    let mut params = ca_params(
        "示例公报签章中级证书 Example Gazette Sealing CA — TEST ONLY",
        2040,
        BasicConstraints::Constrained(0),
    );
    params.use_authority_key_identifier_extension = true;
    params
}

/// A seal: signs documents (digitalSignature) and stands behind them
/// (nonRepudiation, called contentCommitment in rcgen), nothing else.
fn seal_params(common_name: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = name(common_name, "公报电子印章（示例）Gazette Seal — TEST ONLY");
    validity(&mut params, 2035);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::ContentCommitment,
    ];
    params.use_authority_key_identifier_extension = true;
    params
}

fn issue(
    params: CertificateParams,
    key: KeyPair,
    issuer: &Issuer<'_, &KeyPair>,
) -> Result<Issued, ExamplePkiError> {
    let certificate = params
        .signed_by(&key, issuer)
        .context("sign a certificate")?;
    Ok(Issued {
        certificate,
        key,
        params,
    })
}

#[derive(Clone, Copy)]
enum Secrecy {
    Public,
    Secret,
}

fn certificate_pem(certificates: &[&Issued]) -> Zeroizing<Vec<u8>> {
    let pems: String = certificates
        .iter()
        .map(|issued| issued.certificate.pem())
        .collect();
    Zeroizing::new(format!("{PEM_NOTICE}\n{pems}").into_bytes())
}

fn key_pem(key: &KeyPair) -> Zeroizing<Vec<u8>> {
    let pem = Zeroizing::new(key.serialize_pem());
    Zeroizing::new(format!("{PEM_NOTICE}\n{}", pem.as_str()).into_bytes())
}

/// The key as PKCS#8 encrypted with PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC,
/// which openssl, python's cryptography and gazette all read.
fn encrypted_key_pem(key: &KeyPair) -> Result<Zeroizing<Vec<u8>>, ExamplePkiError> {
    let rng = SystemRandom::new();
    let mut salt = [0; 16];
    let mut iv = [0; 16];
    rng.fill(&mut salt)
        .and_then(|()| rng.fill(&mut iv))
        .map_err(|_| ExamplePkiError("the system random source failed".to_owned()))?;
    let parameters =
        pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(PBKDF2_ITERATIONS, &salt, iv)
            .context("set up key encryption")?;
    let info =
        PrivateKeyInfoRef::try_from(key.serialized_der()).context("read the generated key")?;
    let pem = info
        .encrypt_with_params(parameters, EXAMPLE_PASSWORD)
        .and_then(|document| Ok(document.to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF)?))
        .context("encrypt the seal key")?;
    Ok(Zeroizing::new(
        format!("{PEM_NOTICE}\n{}", pem.as_str()).into_bytes(),
    ))
}

/// The seal key and its whole chain as PKCS#12, with p12-keystore's defaults:
/// PBES2 AES-256 and an HMAC-SHA256 MAC, which openssl 3 and python read.
fn pkcs12(seal: &Issued, chain: &[&Issued]) -> Result<Zeroizing<Vec<u8>>, ExamplePkiError> {
    let key =
        PrivateKey::from_der(seal.key.serialized_der()).context("wrap the seal key for PKCS#12")?;
    let certificates = chain
        .iter()
        .map(|issued| P12Certificate::from_der(issued.certificate.der()))
        .collect::<Result<Vec<_>, _>>()
        .context("wrap the chain for PKCS#12")?;
    let local_key_id = sha256_bytes(seal.certificate.der());
    let mut store = KeyStore::new();
    store.add_entry(
        "seal",
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(
            local_key_id.as_slice(),
            key,
            certificates,
        )),
    );
    let bytes = store
        .writer(EXAMPLE_PASSWORD)
        .write()
        .context("write the PKCS#12 file")?;
    Ok(Zeroizing::new(bytes))
}

/// Creates `path`, never replacing a file; keys get mode 0600.
fn write_new(path: &Path, bytes: &[u8], secrecy: Secrecy) -> Result<(), ExamplePkiError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if let Secrecy::Secret = secrecy {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secrecy;
    options
        .open(path)
        .and_then(|mut file| file.write_all(bytes))
        .context(&format!("write {}", path.display()))
}

fn readme(publication: &Publication) -> String {
    let mut text = format!(
        "# Example PKI — TEST ONLY, never use in production

Made by `gazette certs example`. These keys are published: a document sealed
with them proves nothing. Use them to try gazette and in tests, never in
production, and never add `root.pem` to a trust store you use for real.

The example issuing body is 上海市人民政府办公厅（示例 TEST ONLY）; every
certificate's common name and organisation say TEST ONLY.

Password of `seal.key.enc.pem` and `seal.p12`: `{EXAMPLE_PASSWORD}`

| File | What it is |
| --- | --- |
| `root.pem` | root CA certificate, ECDSA P-256, valid 2025-01-01 to 2045-12-31 (UTC) |
| `root.key.pem` | root CA private key, plain PKCS#8 |
| `intermediate.pem` | intermediate CA certificate (path length 0), signed by the root, valid 2025-01-01 to 2040-12-31 |
| `intermediate.key.pem` | intermediate CA private key, plain PKCS#8 |
| `seal.pem` | seal certificate, ECDSA P-256, signed by the intermediate, valid 2025-01-01 to 2035-12-31; key usage digitalSignature and nonRepudiation, no extended key usage |
| `seal.key.pem` | seal private key, plain PKCS#8 |
| `seal.key.enc.pem` | the same seal key, encrypted PKCS#8 (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC) |
| `seal.p12` | PKCS#12 with the seal key and the whole chain (PBES2 AES-256, HMAC-SHA256 MAC) |
| `seal-chain.pem` | seal, intermediate and root certificates, in that order |
| `seal-rsa.pem` | a second seal certificate, for an RSA-2048 key, signed by the same intermediate |
| `seal-rsa.key.pem` | the RSA seal private key, plain PKCS#8 |
| `seal-rsa-chain.pem` | RSA seal, intermediate and root certificates |

Private key files are written with mode 0600; a copy that lost it (git does
not keep it) makes gazette warn until `chmod 600 *.key.pem seal.p12`. Every
PEM file starts with a comment line before `-----BEGIN`, which PEM readers
(openssl, python, gazette) skip.

Regenerate with `gazette certs example DIR` into an empty folder: the names,
extensions and validity periods stay the same, the keys change.
"
    );
    if !publication.is_empty() {
        text.push_str(&publication_readme(publication));
    }
    text
}

/// How to serve what a [`Publication`] names, so that sealing can fetch
/// revocation evidence and verifiers can find the issuers.
fn publication_readme(publication: &Publication) -> String {
    let mut text = String::from(
        "
## Revocation data for a trial (B-LT)

These certificates name where their issuers' certificates and revocation data
are published:

",
    );
    if let Some(files) = &publication.files {
        text.push_str(&format!(
            "- `published/` holds each CA's certificate (`root.cer`, `intermediate.cer`,
  named by the authority information access) and an empty CRL from each CA
  (`root.crl`, `intermediate.crl`, named by the CRL distribution points, good
  for {CRL_DAYS} days from their making). Serve that folder alone (never this
  one: the keys are here) at {files}; for `http://127.0.0.1:8080`:
  `python3 -m http.server 8080 --bind 127.0.0.1 --directory published`
"
        ));
    }
    if let Some(ocsp) = &publication.ocsp {
        text.push_str(&format!(
            "- The seal certificates name the OCSP responder {ocsp}. `ocsp-index.txt`
  lists them as valid for `openssl ocsp`, which answers for the intermediate
  CA; for `http://127.0.0.1:8081`:
  `openssl ocsp -port 8081 -index ocsp-index.txt -CA intermediate.pem -rsigner intermediate.pem -rkey intermediate.key.pem -nmin 10`
"
        ));
    }
    text.push_str(
        "
Then seal with a time-stamp authority (see docs/sealing.md) and gazette
fetches the evidence and embeds it. To try a revoked seal, stop the responder,
change the seal's line in `ocsp-index.txt` from `V` to `R` with a revocation
time (see `openssl ca -revoke`), and start it again.
",
    );
    text
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use tempfile::TempDir;
    use x509_parser::certificate::X509Certificate;
    use x509_parser::extensions::ParsedExtension;
    use x509_parser::oid_registry::{
        OID_PKCS1_RSAENCRYPTION, OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER,
        OID_X509_EXT_SUBJECT_KEY_IDENTIFIER,
    };

    use super::*;
    use crate::signer::{self, FixedSecrets, KeySource, RsaPadding, Secret, SignatureAlgorithm};
    use crate::test_support::keys::{
        certificates, copy_private, example_dir, public_key, verifies,
    };

    /// 2025-01-01T00:00:00Z and the last second of 2045, 2040 and 2035.
    const NOT_BEFORE: i64 = 1_735_689_600;
    const ROOT_NOT_AFTER: i64 = 2_398_377_599;
    const INTERMEDIATE_NOT_AFTER: i64 = 2_240_611_199;
    const SEAL_NOT_AFTER: i64 = 2_082_758_399;

    fn parse(der: &[u8]) -> X509Certificate<'_> {
        x509_parser::parse_x509_certificate(der).unwrap().1
    }

    fn key_identifier<'a>(certificate: &'a X509Certificate<'_>, authority: bool) -> &'a [u8] {
        let oid = if authority {
            OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER
        } else {
            OID_X509_EXT_SUBJECT_KEY_IDENTIFIER
        };
        let extension = certificate.get_extension_unique(&oid).unwrap().unwrap();
        match extension.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(aki) => aki.key_identifier.as_ref().unwrap().0,
            ParsedExtension::SubjectKeyIdentifier(ski) => ski.0,
            other => panic!("unexpected {other:?}"),
        }
    }

    fn assert_test_only_names(certificate: &X509Certificate<'_>) {
        let subject = certificate.subject();
        let names: Vec<&str> = subject
            .iter_common_name()
            .chain(subject.iter_organization())
            .map(|attribute| attribute.as_str().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(
            names.iter().all(|name| name.contains("TEST ONLY")),
            "{names:?}"
        );
        assert!(names.contains(&ORGANISATION), "{names:?}");
    }

    fn assert_validity(certificate: &X509Certificate<'_>, not_after: i64) {
        assert_eq!(certificate.validity().not_before.timestamp(), NOT_BEFORE);
        assert_eq!(certificate.validity().not_after.timestamp(), not_after);
    }

    fn assert_ca(certificate: &X509Certificate<'_>, path_length: Option<u32>) {
        let constraints = certificate.basic_constraints().unwrap().unwrap();
        assert!(constraints.critical && constraints.value.ca);
        assert_eq!(constraints.value.path_len_constraint, path_length);
        let usage = certificate.key_usage().unwrap().unwrap();
        assert!(usage.critical);
        assert!(usage.value.key_cert_sign() && usage.value.crl_sign());
        assert!(!usage.value.digital_signature());
    }

    fn assert_seal(seal: &X509Certificate<'_>, intermediate: &X509Certificate<'_>) {
        assert_test_only_names(seal);
        assert_validity(seal, SEAL_NOT_AFTER);
        let usage = seal.key_usage().unwrap().unwrap();
        assert!(usage.critical);
        assert!(usage.value.digital_signature() && usage.value.non_repudiation());
        assert_eq!(
            usage.value.flags.count_ones(),
            2,
            "only the two seal usages"
        );
        assert!(
            seal.extended_key_usage().unwrap().is_none(),
            "pdfsig rejects documentSigning-only EKU"
        );
        assert!(!seal.basic_constraints().unwrap().unwrap().value.ca);
        assert_eq!(
            key_identifier(seal, true),
            key_identifier(intermediate, false)
        );
        assert!(!key_identifier(seal, false).is_empty());
        seal.verify_signature(Some(intermediate.public_key()))
            .unwrap();
    }

    /// Everything a folder written by `write_example` must satisfy.
    fn check_example(dir: &Path) {
        for name in EXAMPLE_FILES.iter().filter(|name| name.ends_with(".pem")) {
            let text = fs::read_to_string(dir.join(name)).unwrap();
            assert!(
                text.starts_with(&format!("{PEM_NOTICE}\n-----BEGIN ")),
                "{name}"
            );
        }
        let load = |name: &str| certificates(&dir.join(name));
        let [root_der, intermediate_der, seal_der, rsa_der] =
            ["root.pem", "intermediate.pem", "seal.pem", "seal-rsa.pem"].map(|name| {
                let mut found = load(name);
                assert_eq!(found.len(), 1, "{name}");
                found.remove(0)
            });
        let (root, intermediate) = (parse(&root_der), parse(&intermediate_der));

        assert_test_only_names(&root);
        assert_validity(&root, ROOT_NOT_AFTER);
        assert_ca(&root, None);
        root.verify_signature(None).unwrap();
        assert_eq!(root.subject(), root.issuer());

        assert_test_only_names(&intermediate);
        assert_validity(&intermediate, INTERMEDIATE_NOT_AFTER);
        assert_ca(&intermediate, Some(0));
        assert_eq!(
            key_identifier(&intermediate, true),
            key_identifier(&root, false)
        );
        intermediate
            .verify_signature(Some(root.public_key()))
            .unwrap();

        assert_seal(&parse(&seal_der), &intermediate);
        let rsa_seal = parse(&rsa_der);
        assert_seal(&rsa_seal, &intermediate);
        assert_eq!(
            rsa_seal.public_key().algorithm.algorithm,
            OID_PKCS1_RSAENCRYPTION
        );

        let chain_of =
            |leaf: &Vec<u8>| vec![leaf.clone(), intermediate_der.clone(), root_der.clone()];
        assert_eq!(load("seal-chain.pem"), chain_of(&seal_der));
        assert_eq!(load("seal-rsa-chain.pem"), chain_of(&rsa_der));

        let readme = fs::read_to_string(dir.join("README.md")).unwrap();
        assert!(readme.contains("TEST ONLY") && readme.contains(EXAMPLE_PASSWORD));
        check_keys_match(dir, &seal_der, &rsa_der);
    }

    /// Each key file opens with gazette's signer and signs for its certificate;
    /// the PKCS#12 file carries the whole chain.
    fn check_keys_match(dir: &Path, seal_der: &[u8], rsa_der: &[u8]) {
        let secrets = FixedSecrets {
            key_password: Some(Secret::new(EXAMPLE_PASSWORD)),
            pin: None,
        };
        let message = b"gazette example PKI";
        for (name, certificate, algorithm) in [
            (
                "root.key.pem",
                "root.pem",
                SignatureAlgorithm::EcdsaP256Sha256,
            ),
            (
                "intermediate.key.pem",
                "intermediate.pem",
                SignatureAlgorithm::EcdsaP256Sha256,
            ),
            (
                "seal.key.pem",
                "seal.pem",
                SignatureAlgorithm::EcdsaP256Sha256,
            ),
            (
                "seal.key.enc.pem",
                "seal.pem",
                SignatureAlgorithm::EcdsaP256Sha256,
            ),
            ("seal.p12", "seal.pem", SignatureAlgorithm::EcdsaP256Sha256),
            (
                "seal-rsa.key.pem",
                "seal-rsa.pem",
                SignatureAlgorithm::RsaPkcs1Sha256,
            ),
        ] {
            let key = KeySource::File(dir.join(name));
            let identity = signer::open(&key, RsaPadding::Pkcs1, &secrets).unwrap();
            assert_eq!(identity.signer.algorithm(), algorithm, "{name}");
            let signature = identity.signer.sign(message).unwrap();
            assert!(
                verifies(&dir.join(certificate), algorithm, message, &signature),
                "{name}"
            );
            if name == "seal.p12" {
                assert_eq!(
                    identity.chain.unwrap(),
                    certificates(&dir.join("seal-chain.pem"))
                );
            }
        }
        assert_ne!(public_key(seal_der), public_key(rsa_der));
    }

    #[test]
    fn committed_example_is_well_formed() {
        check_example(&example_dir());
    }

    #[test]
    fn writes_a_fresh_example() {
        let temp = TempDir::new().unwrap();
        let dir = temp.path().join("pki");
        let written = write_example(&dir, &Publication::default()).unwrap();
        let expected: Vec<PathBuf> = EXAMPLE_FILES.iter().map(|name| dir.join(name)).collect();
        assert_eq!(written, expected);
        check_example(&dir);
        for name in EXAMPLE_FILES {
            let mode = fs::metadata(dir.join(name)).unwrap().permissions().mode() & 0o777;
            let secret = name.contains(".key.") || name.ends_with(".p12");
            assert_eq!(mode & 0o077 == 0, secret, "{name} has mode {mode:o}");
        }
        assert_ne!(
            fs::read(dir.join("seal.key.pem")).unwrap(),
            fs::read(example_dir().join("seal.key.pem")).unwrap(),
            "keys are fresh on every run"
        );
    }

    #[test]
    fn refuses_to_overwrite() {
        let temp = TempDir::new().unwrap();
        let kept = copy_private(&example_dir(), "seal-rsa.key.pem", temp.path());
        let before = fs::read(&kept).unwrap();
        let error = write_example(temp.path(), &Publication::default())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("seal-rsa.key.pem") && error.contains("already exists"),
            "{error}"
        );
        assert_eq!(fs::read(&kept).unwrap(), before);
        assert_eq!(
            fs::read_dir(temp.path()).unwrap().count(),
            1,
            "nothing else written"
        );
    }

    /// The URLs a certificate names: (CRL distribution points, OCSP, caIssuers).
    fn urls(certificate: &X509Certificate<'_>) -> (Vec<String>, Vec<String>, Vec<String>) {
        use x509_parser::extensions::{DistributionPointName, GeneralName};
        let uri = |name: &GeneralName<'_>| match name {
            GeneralName::URI(uri) => Some(uri.to_string()),
            _ => None,
        };
        let (mut crls, mut ocsp, mut issuers) = (Vec::new(), Vec::new(), Vec::new());
        for extension in certificate.extensions() {
            match extension.parsed_extension() {
                ParsedExtension::CRLDistributionPoints(points) => {
                    for point in points.iter() {
                        if let Some(DistributionPointName::FullName(names)) =
                            &point.distribution_point
                        {
                            crls.extend(names.iter().filter_map(uri));
                        }
                    }
                }
                ParsedExtension::AuthorityInfoAccess(access) => {
                    for description in access.iter() {
                        let found = uri(&description.access_location).unwrap();
                        match description.access_method.to_id_string().as_str() {
                            "1.3.6.1.5.5.7.48.1" => ocsp.push(found),
                            "1.3.6.1.5.5.7.48.2" => issuers.push(found),
                            other => panic!("unexpected access method {other}"),
                        }
                    }
                }
                _ => {}
            }
        }
        (crls, ocsp, issuers)
    }

    #[test]
    fn a_publication_names_where_issuers_and_revocation_data_are() {
        let temp = TempDir::new().unwrap();
        let publication = Publication {
            files: Some("http://127.0.0.1:8080/".into()),
            ocsp: Some("http://127.0.0.1:8081".into()),
        };
        let written = write_example(temp.path(), &publication).unwrap();
        assert!(written.ends_with(&PUBLISHED_FILES.map(|name| temp.path().join(name))));
        check_example(temp.path());
        let der = |name: &str| certificates(&temp.path().join(name)).remove(0);
        let (root, intermediate) = (der("root.pem"), der("intermediate.pem"));
        assert_eq!(urls(&parse(&root)), (vec![], vec![], vec![]));
        assert_eq!(
            urls(&parse(&intermediate)),
            (
                vec!["http://127.0.0.1:8080/root.crl".to_owned()],
                vec![],
                vec!["http://127.0.0.1:8080/root.cer".to_owned()]
            )
        );
        for seal in ["seal.pem", "seal-rsa.pem"] {
            assert_eq!(
                urls(&parse(&der(seal))),
                (
                    vec!["http://127.0.0.1:8080/intermediate.crl".to_owned()],
                    vec!["http://127.0.0.1:8081".to_owned()],
                    vec!["http://127.0.0.1:8080/intermediate.cer".to_owned()]
                )
            );
        }
        let published = |name: &str| fs::read(temp.path().join("published").join(name)).unwrap();
        assert_eq!(published("root.cer"), root);
        assert_eq!(published("intermediate.cer"), intermediate);
        for (crl, issuer) in [("root.crl", &root), ("intermediate.crl", &intermediate)] {
            let bytes = published(crl);
            let (_, list) = x509_parser::parse_x509_crl(&bytes).unwrap();
            assert!(list.iter_revoked_certificates().next().is_none());
            assert_eq!(list.issuer(), parse(issuer).subject());
            assert!(list.next_update().is_some());
            list.verify_signature(parse(issuer).public_key()).unwrap();
        }
        let index = fs::read_to_string(temp.path().join("ocsp-index.txt")).unwrap();
        assert_eq!(index.lines().count(), 2);
        assert!(
            index
                .lines()
                .all(|line| line.starts_with("V\t351231235959Z\t\t"))
        );
    }

    #[test]
    fn openssl_answers_for_the_published_seal_from_its_index() {
        use std::process::{Command, Stdio};
        if !crate::test_support::tool_available("openssl") {
            return;
        }
        let temp = TempDir::new().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}");
        let publication = Publication {
            files: None,
            ocsp: Some(url.clone()),
        };
        write_example(temp.path(), &publication).unwrap();
        let dir = temp.path();
        let mut responder = Command::new("openssl")
            .current_dir(dir)
            .args([
                "ocsp",
                "-port",
                &port.to_string(),
                "-index",
                "ocsp-index.txt",
            ])
            .args(["-CA", "intermediate.pem", "-rsigner", "intermediate.pem"])
            .args([
                "-rkey",
                "intermediate.key.pem",
                "-nmin",
                "10",
                "-nrequest",
                "1",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let query = || {
            Command::new("openssl")
                .current_dir(dir)
                .args(["ocsp", "-issuer", "intermediate.pem", "-cert", "seal.pem"])
                .args(["-url", &url, "-CAfile", "root.pem"])
                .output()
                .unwrap()
        };
        let mut output = query();
        for _ in 0..50 {
            if output.status.success() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
            output = query();
        }
        let _ = responder.kill();
        let _ = responder.wait();
        let answer = String::from_utf8_lossy(&output.stdout);
        let why = String::from_utf8_lossy(&output.stderr);
        assert!(answer.contains("seal.pem: good"), "{answer}{why}");
    }
}
