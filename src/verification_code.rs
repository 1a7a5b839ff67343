//! The verification code printed on every page: a short fingerprint of a
//! document's (or the edition's) published data, and the URL its QR code
//! holds, so that a reader can check a printed page against the published
//! text. The verifier's side of it: no typst, nothing of the layout.
//!
//! The code is taken from the exact bytes of the published JSON
//! (`crate::data::publish`), which never hold page numbers or the code
//! itself, so printing it changes nothing it is made of. Its SHA-256, first
//! 60 bits, in Crockford's base32 (digits and upper-case letters without
//! I, L, O and U), in three groups of four: `7QX2-M4KD-9GZ1`. Rules for
//! anyone recomputing it: docs/data.md.

use data_encoding::{Encoding, Specification};

use crate::digest;
use crate::model::Gazette;

/// The placeholder a verification URL template holds exactly once.
pub const PLACEHOLDER: &str = "{code}";

/// Characters in a code, without the group separators.
const LENGTH: usize = 12;

/// Characters in a group.
const GROUP: usize = 4;

/// Crockford's base32 alphabet, most significant bit first.
fn crockford() -> Encoding {
    let mut spec = Specification::new();
    spec.symbols.push_str("0123456789ABCDEFGHJKMNPQRSTVWXYZ");
    spec.encoding()
        .unwrap_or_else(|e| unreachable!("32 distinct ASCII symbols are a base32 alphabet: {e}"))
}

/// The verification code of the published data `json`: `XXXX-XXXX-XXXX`.
pub fn of(json: &[u8]) -> String {
    let digest = digest::sha256_bytes(json);
    // 64 bits give 13 characters; the first 12 are exactly the first 60 bits.
    let spelled = crockford().encode(&digest[..8]);
    let characters: Vec<char> = spelled.chars().take(LENGTH).collect();
    characters
        .chunks(GROUP)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Why a verification URL template cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateProblem {
    NotHttp,
    Placeholder,
    HasSpaceOrControl,
}

impl std::fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TemplateProblem::NotHttp => "is not an http:// or https:// URL",
            TemplateProblem::Placeholder => "does not hold {code} exactly once",
            TemplateProblem::HasSpaceOrControl => "holds a space or a control character",
        })
    }
}

/// Checks a configured verification URL template.
pub fn check_template(template: &str) -> Result<(), TemplateProblem> {
    let rest = template
        .strip_prefix("https://")
        .or_else(|| template.strip_prefix("http://"))
        .filter(|rest| !rest.is_empty() && !rest.starts_with('/'))
        .ok_or(TemplateProblem::NotHttp)?;
    if rest.matches(PLACEHOLDER).count() != 1 {
        return Err(TemplateProblem::Placeholder);
    }
    if template
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(TemplateProblem::HasSpaceOrControl);
    }
    Ok(())
}

/// What a page prints to be checked: the code of the published data of
/// what it identifies, and the URL its QR code holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageCheck {
    pub code: String,
    pub url: String,
}

impl PageCheck {
    /// The check of `json`, the published data of what `uri` identifies in
    /// `gazette`.
    pub fn of(gazette: &Gazette, uri: &str, json: &[u8]) -> Self {
        let code = of(json);
        let url = url(gazette, uri, &code);
        PageCheck { code, url }
    }
}

/// Where a page's QR code sends its reader to check `code`, the code of
/// what `uri` identifies: the gazette's `verify_url` template when it names
/// one; else `<uri base>/verify?code=<code>` when its identifiers hang from
/// an http(s) base; else `uri` with the code as an RFC 8141 q-component,
/// `<uri>?=code=<code>`.
pub fn url(gazette: &Gazette, uri: &str, code: &str) -> String {
    match (&gazette.verify_url, &gazette.uri) {
        (Some(template), _) => template.replacen(PLACEHOLDER, code, 1),
        (None, Some(base)) if base.starts_with("https://") || base.starts_with("http://") => {
            format!("{}/verify?code={code}", base.trim_end_matches('/'))
        }
        _ => format!("{uri}?=code={code}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Language;

    #[test]
    fn a_code_is_the_first_60_bits_of_sha256_in_crockford_base32() {
        // SHA-256("") starts e3b0c44298fc1c14; its first 60 bits read five
        // at a time, as Python's hashlib and a 32-letter table give them.
        assert_eq!(of(b""), "WERC-8GMR-ZGE1");
        let code = of(b"{}\n");
        assert_eq!(code.len(), 14);
        assert!(
            code.chars()
                .all(|c| c == '-' || "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)),
            "{code}"
        );
        assert_ne!(of(b"{\"a\": 1}\n"), of(b"{\"a\": 2}\n"));
    }

    #[test]
    fn templates_hold_the_placeholder_once_in_an_http_url() {
        assert_eq!(
            check_template("https://g.example.gov.cn/verify?code={code}"),
            Ok(())
        );
        assert_eq!(
            check_template("https://g.example.gov.cn/verify"),
            Err(TemplateProblem::Placeholder)
        );
        assert_eq!(
            check_template("https://g.example.gov.cn/{code}/{code}"),
            Err(TemplateProblem::Placeholder)
        );
        assert_eq!(
            check_template("ftp://g.example.gov.cn/{code}"),
            Err(TemplateProblem::NotHttp)
        );
        assert_eq!(
            check_template("https://g.example.gov.cn/v?c={code} x"),
            Err(TemplateProblem::HasSpaceOrControl)
        );
    }

    #[test]
    fn the_url_falls_back_to_the_base_then_the_urn() {
        let gazette = |uri: Option<&str>, verify_url: Option<&str>| Gazette {
            id: "g".into(),
            uri: uri.map(Into::into),
            verify_url: verify_url.map(Into::into),
            title: "公报".into(),
            title_en: None,
            publisher: "办公厅".into(),
            issn: None,
            cn: None,
            language: Language::zh_hans(),
        };
        let code = "WERC-8GMR-ZGE1";
        let uri = "urn:gazette:g:2025:8:2";
        let configured = gazette(
            Some("https://g.gov.cn/eli"),
            Some("https://v.gov.cn/c/{code}"),
        );
        assert_eq!(
            url(&configured, uri, code),
            "https://v.gov.cn/c/WERC-8GMR-ZGE1"
        );
        assert_eq!(
            url(&gazette(Some("https://g.gov.cn/eli"), None), uri, code),
            "https://g.gov.cn/eli/verify?code=WERC-8GMR-ZGE1"
        );
        assert_eq!(
            url(&gazette(None, None), uri, code),
            "urn:gazette:g:2025:8:2?=code=WERC-8GMR-ZGE1"
        );
    }
}
