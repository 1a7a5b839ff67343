//! The stable identifiers of an edition and of each document in it, in the
//! spirit of the European Legislation Identifier: who publishes (the
//! gazette, under its jurisdiction's base), the year, the issue, and the
//! document's place in the issue. They depend on nothing but the manifest's
//! [gazette] and [issue] tables and the order of the documents, never on file
//! names, build paths or the time of the build, so a citation made today
//! still names the same text when the edition is rebuilt or moved.
//!
//! Without configuration an edition is `urn:gazette:<id>:<year>:<number>` and
//! its third document `urn:gazette:<id>:<year>:<number>:3`. With
//! `[gazette] uri = "https://gazette.example.gov.cn/eli/cn-sh/gazette"` they
//! are `…/gazette/2025/8` and `…/gazette/2025/8/3`.

use std::fmt;

/// Where a gazette's identifiers hang: its own URL base, or the URN
/// namespace gazette gives every gazette that names none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// `urn:gazette:<id>`.
    Urn { gazette: String },
    /// An http(s) URL the publisher controls, without a trailing slash.
    Url(String),
}

/// Why a configured base cannot carry identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseProblem {
    NotHttp,
    HasQueryOrFragment,
    HasSpaceOrControl,
    EndsWithSlash,
}

impl fmt::Display for BaseProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BaseProblem::NotHttp => "is not an http:// or https:// URL",
            BaseProblem::HasQueryOrFragment => "has a query (?) or fragment (#)",
            BaseProblem::HasSpaceOrControl => "holds a space or a control character",
            BaseProblem::EndsWithSlash => "ends with a slash",
        })
    }
}

impl Base {
    /// The base of gazette `id` without configuration.
    pub fn urn(id: &str) -> Self {
        Base::Urn {
            gazette: id.to_owned(),
        }
    }

    /// A configured base URL, checked to be one identifiers can extend.
    pub fn url(url: &str) -> Result<Self, BaseProblem> {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .filter(|rest| !rest.is_empty() && !rest.starts_with('/'))
            .ok_or(BaseProblem::NotHttp)?;
        if rest.contains(['?', '#']) {
            return Err(BaseProblem::HasQueryOrFragment);
        }
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(BaseProblem::HasSpaceOrControl);
        }
        if url.ends_with('/') {
            return Err(BaseProblem::EndsWithSlash);
        }
        Ok(Base::Url(url.to_owned()))
    }

    /// The identifier of issue `number` of `year`.
    pub fn edition(&self, year: u16, number: u32) -> String {
        match self {
            Base::Urn { gazette } => format!("urn:gazette:{gazette}:{year}:{number}"),
            Base::Url(url) => format!("{url}/{year}/{number}"),
        }
    }

    /// The identifier of the document at `position` (1 for the first) in
    /// the edition identified by `edition`.
    pub fn document(&self, edition: &str, position: usize) -> String {
        match self {
            Base::Urn { .. } => format!("{edition}:{position}"),
            Base::Url(_) => format!("{edition}/{position}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_a_urn_of_gazette_year_issue_and_position() {
        let base = Base::urn("shanghai-gazette");
        let edition = base.edition(2025, 8);
        assert_eq!(edition, "urn:gazette:shanghai-gazette:2025:8");
        assert_eq!(
            base.document(&edition, 3),
            "urn:gazette:shanghai-gazette:2025:8:3"
        );
    }

    #[test]
    fn a_configured_url_is_extended_by_path_segments() {
        let base = Base::url("https://gazette.example.gov.cn/eli/cn-sh/gazette").unwrap();
        let edition = base.edition(2025, 8);
        assert_eq!(
            edition,
            "https://gazette.example.gov.cn/eli/cn-sh/gazette/2025/8"
        );
        assert_eq!(
            base.document(&edition, 12),
            "https://gazette.example.gov.cn/eli/cn-sh/gazette/2025/8/12"
        );
    }

    #[test]
    fn urls_that_cannot_be_extended_are_refused_with_the_reason() {
        for (url, problem) in [
            ("ftp://x.org/g", BaseProblem::NotHttp),
            ("https://", BaseProblem::NotHttp),
            ("gazette.gov.cn/eli", BaseProblem::NotHttp),
            ("https://x.org/g?lang=zh", BaseProblem::HasQueryOrFragment),
            ("https://x.org/g#top", BaseProblem::HasQueryOrFragment),
            ("https://x.org/my gazette", BaseProblem::HasSpaceOrControl),
            ("https://x.org/g/", BaseProblem::EndsWithSlash),
        ] {
            assert_eq!(Base::url(url), Err(problem), "{url}");
        }
    }
}
