//! Where the seal key lives, as the user names it in one string: a file path,
//! or an RFC 7512 PKCS#11 URI such as
//! `pkcs11:token=gazette;object=seal?module-path=/usr/lib/softhsm/libsofthsm2.so`.
//!
//! Only the attributes gazette acts on are accepted; anything else is refused
//! rather than silently ignored, so a URI never selects a different key than
//! its author meant. PINs never travel in the URI: they would end up in shell
//! history and process listings.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use percent_encoding::percent_decode_str;

use super::SignerError;
use super::secret::PIN_ENV;

const SCHEME: &str = "pkcs11:";

/// A seal key's location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// PKCS#8 (PEM or DER, plain or encrypted) or PKCS#12.
    File(PathBuf),
    /// A private key on a PKCS#11 token.
    Pkcs11(Pkcs11Uri),
}

/// The parts of an RFC 7512 URI that select a private key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pkcs11Uri {
    /// The token label (`token=`).
    pub token: String,
    /// The private key's label, CKA_LABEL (`object=`).
    pub object: String,
    /// The PKCS#11 module to load (`module-path=`).
    pub module_path: PathBuf,
}

impl KeySource {
    /// Reads a key location: `pkcs11:` URIs name a token key, anything else a file.
    pub fn parse(text: &str) -> Result<Self, SignerError> {
        match text.strip_prefix(SCHEME) {
            Some(rest) => Pkcs11Uri::parse_body(rest).map(KeySource::Pkcs11),
            None if text.is_empty() => Err(SignerError::new(
                "no key given: name a key file or a pkcs11: URI",
            )),
            None => Ok(KeySource::File(PathBuf::from(text))),
        }
    }
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::File(path) => write!(f, "{}", path.display()),
            KeySource::Pkcs11(uri) => uri.fmt(f),
        }
    }
}

impl fmt::Display for Pkcs11Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{SCHEME}token={};object={}?module-path={}",
            self.token,
            self.object,
            self.module_path.display()
        )
    }
}

impl Pkcs11Uri {
    /// Parses what follows `pkcs11:`: `;`-separated path attributes, then
    /// optionally `?` and `&`-separated query attributes.
    fn parse_body(body: &str) -> Result<Self, SignerError> {
        let (path, query) = body.split_once('?').unwrap_or((body, ""));
        let mut path_attributes = attributes(path, ';')?;
        let mut query_attributes = attributes(query, '&')?;

        if query_attributes.contains_key("pin-value") || query_attributes.contains_key("pin-source")
        {
            return Err(SignerError::new(format!(
                "the PKCS#11 URI carries a PIN (pin-value or pin-source): remove it; \
                 gazette never takes a PIN from the command line, where it would be kept \
                 in shell history and shown to other users. Set {PIN_ENV} or type the PIN \
                 when asked"
            )));
        }
        if let Some(kind) = path_attributes.remove("type")
            && kind != "private"
        {
            return Err(SignerError::new(format!(
                "the PKCS#11 URI asks for type={kind}; a seal needs the private key: \
                 use type=private or leave type out"
            )));
        }
        let token = required(&mut path_attributes, "token", "token=<token label>")?;
        let object = required(&mut path_attributes, "object", "object=<key label>")?;
        let module_path = required(
            &mut query_attributes,
            "module-path",
            "?module-path=<path of the PKCS#11 module .so>",
        )?;
        refuse_leftovers(
            path_attributes
                .into_keys()
                .chain(query_attributes.into_keys()),
        )?;

        Ok(Pkcs11Uri {
            token,
            object,
            module_path: PathBuf::from(module_path),
        })
    }
}

/// Splits `name=value` pairs and percent-decodes their values.
fn attributes(text: &str, separator: char) -> Result<BTreeMap<String, String>, SignerError> {
    let mut found = BTreeMap::new();
    for pair in text.split(separator).filter(|pair| !pair.is_empty()) {
        let (name, raw_value) = pair.split_once('=').ok_or_else(|| {
            SignerError::new(format!(
                "PKCS#11 URI attribute '{pair}' has no value: write it as name=value"
            ))
        })?;
        let value = percent_decode_str(raw_value).decode_utf8().map_err(|_| {
            SignerError::new(format!(
                "PKCS#11 URI attribute '{name}' is not UTF-8 once percent-decoded"
            ))
        })?;
        if found.insert(name.to_owned(), value.into_owned()).is_some() {
            return Err(SignerError::new(format!(
                "PKCS#11 URI attribute '{name}' appears twice (RFC 7512 forbids it)"
            )));
        }
    }
    Ok(found)
}

fn required(
    attributes: &mut BTreeMap<String, String>,
    name: &str,
    how: &str,
) -> Result<String, SignerError> {
    match attributes.remove(name) {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(SignerError::new(format!(
            "the PKCS#11 URI does not say {name}: add {how}"
        ))),
    }
}

fn refuse_leftovers(names: impl Iterator<Item = String>) -> Result<(), SignerError> {
    let names: Vec<String> = names.collect();
    if names.is_empty() {
        return Ok(());
    }
    Err(SignerError::new(format!(
        "the PKCS#11 URI uses attributes gazette does not act on: {}; \
         it selects a key by token, object, type=private and module-path only",
        names.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_uri(text: &str) -> Result<Pkcs11Uri, SignerError> {
        match KeySource::parse(text)? {
            KeySource::Pkcs11(uri) => Ok(uri),
            KeySource::File(path) => panic!("{text} parsed as the file {}", path.display()),
        }
    }

    #[test]
    fn a_plain_string_is_a_file() {
        assert_eq!(
            KeySource::parse("certs-example/seal.key.pem").unwrap(),
            KeySource::File(PathBuf::from("certs-example/seal.key.pem"))
        );
    }

    #[test]
    fn reads_token_object_and_module() {
        let uri = parse_uri(
            "pkcs11:token=gazette;object=seal;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so",
        )
        .unwrap();
        assert_eq!(uri.token, "gazette");
        assert_eq!(uri.object, "seal");
        assert_eq!(
            uri.module_path,
            PathBuf::from("/usr/lib/softhsm/libsofthsm2.so")
        );
    }

    #[test]
    fn percent_decodes_values() {
        let uri =
            parse_uri("pkcs11:token=%E5%85%AC%E6%8A%A5%20A;object=seal%3B1?module-path=/m.so")
                .unwrap();
        assert_eq!(uri.token, "公报 A");
        assert_eq!(uri.object, "seal;1");
    }

    #[test]
    fn refuses_a_pin_in_the_uri() {
        let error = parse_uri("pkcs11:token=t;object=o?module-path=/m.so&pin-value=1234")
            .unwrap_err()
            .to_string();
        assert!(error.contains("pin-value"), "{error}");
        assert!(error.contains(PIN_ENV), "{error}");
        assert!(!error.contains("1234"), "{error}");
    }

    #[test]
    fn says_what_is_missing() {
        let error = parse_uri("pkcs11:token=t;object=o")
            .unwrap_err()
            .to_string();
        assert!(error.contains("module-path"), "{error}");
        let error = parse_uri("pkcs11:object=o?module-path=/m.so")
            .unwrap_err()
            .to_string();
        assert!(error.contains("token"), "{error}");
    }

    #[test]
    fn refuses_attributes_it_would_ignore() {
        let error = parse_uri("pkcs11:token=t;object=o;serial=42?module-path=/m.so")
            .unwrap_err()
            .to_string();
        assert!(error.contains("serial"), "{error}");
        let error = parse_uri("pkcs11:token=t;object=o;type=cert?module-path=/m.so")
            .unwrap_err()
            .to_string();
        assert!(error.contains("type=cert"), "{error}");
        let error = parse_uri("pkcs11:token=t;token=u;object=o?module-path=/m.so")
            .unwrap_err()
            .to_string();
        assert!(error.contains("twice"), "{error}");
    }
}
