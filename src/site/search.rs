//! The search index of the document pages, built with Pagefind's library
//! while the site is written: Chinese is segmented into words (Pagefind's
//! `extended` feature), and every page is indexed as one language, so that
//! a Simplified and a Traditional document are found by one search box. The
//! index and Pagefind's own search runtime (JS and WebAssembly) come back as
//! files; nothing is fetched from another host.
//!
//! Pagefind and its async runtime are a large part of a cold build, so they
//! come with the `search` feature; without it the site is written without
//! an index and its search page says so.

use crate::diagnostic::Diagnostics;

/// Files by their path in the site.
type Files = Vec<(String, Vec<u8>)>;

/// The index's files, by path in the site (`pagefind/…`), of the document
/// pages among `pages`; `None` when built without the `search` feature.
#[cfg(not(feature = "search"))]
pub fn index(_pages: &Files) -> Result<Option<Files>, Diagnostics> {
    Ok(None)
}

#[cfg(feature = "search")]
pub fn index(pages: &Files) -> Result<Option<Files>, Diagnostics> {
    use crate::diagnostic::Diagnostic;
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;

    let failed = |error: String| {
        vec![Diagnostic::new(format!(
            "cannot build the search index: {error}"
        ))]
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|error| failed(error.to_string()))?;
    runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .force_language("zh".to_owned())
            .build();
        let mut index =
            PagefindIndex::new(Some(config)).map_err(|error| failed(error.to_string()))?;
        for (path, html) in pages.iter().filter(|(path, _)| is_document_page(path)) {
            index
                .add_html_file(
                    Some(path.clone()),
                    None,
                    String::from_utf8_lossy(html).into_owned(),
                )
                .await
                .map_err(|error| failed(format!("{path}: {error}")))?;
        }
        let files = index
            .get_files()
            .await
            .map_err(|error| failed(error.to_string()))?;
        let mut files: Files = files
            .into_iter()
            .map(|file| (file.filename.display().to_string(), file.contents))
            .filter(|(name, _)| is_runtime_or_index(name))
            .map(|(name, contents)| (format!("pagefind/{name}"), contents))
            .collect();
        files.sort();
        Ok(Some(files))
    })
}

/// Pagefind's ready-made interfaces and highlighter are left out: the search
/// page has its own, and they would be code nobody runs.
#[cfg(feature = "search")]
fn is_runtime_or_index(name: &str) -> bool {
    !(name.contains("-ui.") || name.starts_with("pagefind-highlight"))
}

/// `2025/08/01.html`: only documents are searched, not the lists of them.
#[cfg(feature = "search")]
fn is_document_page(path: &str) -> bool {
    let mut parts = path.split('/');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(year), Some(_), Some(page), None)
            if year.chars().all(|c| c.is_ascii_digit()) && page != "index.html"
    )
}
