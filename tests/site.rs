//! `gazette site` as an office publishing its gazette uses it: the sample
//! built and sealed, then its site written, read as a visitor's browser
//! would (every link lands on a file of the site, nothing from another
//! host), and as an archivist would (the downloads are the package's bytes,
//! the same packages give the same site). A changed package and a root that
//! does not match are refused, and keep the earlier site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{built_sample, copy_dir, example, gazette, sample, stderr};

const ID: &str = "shanghai-gazette-2025-08";

fn site(editions: &Path, out: &Path, root: &Path) -> Output {
    gazette()
        .arg("site")
        .arg(editions)
        .arg("--out")
        .arg(out)
        .arg("--trust")
        .arg(root)
        .output()
        .unwrap()
}

/// Every file of the site, by its `/`-separated path.
fn files(site: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let path = e
                .path()
                .strip_prefix(site)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (path, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The values of every `href="…"` and `src="…"` in `html`.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        for (at, _) in html.match_indices(attribute) {
            let rest = &html[at + attribute.len()..];
            found.push(rest[..rest.find('"').unwrap()].replace("&amp;", "&"));
        }
    }
    found
}

fn written(dist: &Path) -> (tempfile::TempDir, PathBuf) {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("site");
    let run = site(dist, &out, &example("root.pem"));
    assert!(run.status.success(), "{}", stderr(&run));
    (work, out)
}

#[test]
fn every_link_of_the_site_lands_on_one_of_its_files() {
    let dist = built_sample(&[]);
    let (_work, out) = written(dist.path());
    let files = files(&out);
    for page in [
        "index.html",
        "2025/index.html",
        "2025/08/index.html",
        "2025/08/01.html",
        "search/index.html",
        "verify/index.html",
    ] {
        assert!(files.contains_key(page), "no {page}");
    }
    let pages: Vec<&String> = files.keys().filter(|p| p.ends_with(".html")).collect();
    assert_eq!(
        pages
            .iter()
            .filter(|p| p.starts_with("2025/08/") && !p.ends_with("index.html"))
            .count(),
        14
    );
    for page in pages {
        let html = String::from_utf8(files[page].clone()).unwrap();
        for link in links(&html) {
            assert!(
                !link.contains("://") && !link.starts_with("//"),
                "{page} links out: {link}"
            );
            let target = link.split(['#', '?']).next().unwrap();
            if target.is_empty() {
                continue;
            }
            let base = Path::new(page).parent().unwrap();
            let mut resolved = PathBuf::new();
            for part in base.join(target).components() {
                match part {
                    std::path::Component::ParentDir => {
                        assert!(resolved.pop(), "{page}: {link} leaves the site")
                    }
                    std::path::Component::Normal(name) => resolved.push(name),
                    _ => {}
                }
            }
            let resolved = resolved.to_string_lossy().replace('\\', "/");
            assert!(
                files.contains_key(&resolved),
                "{page}: {link} → {resolved}, not in the site"
            );
        }
    }
    for (path, bytes) in files
        .iter()
        .filter(|(p, _)| p.ends_with(".html") || p.ends_with(".css") || p.ends_with(".js"))
    {
        let text = String::from_utf8_lossy(bytes);
        for scheme in ["http://", "https://"] {
            assert!(
                !text.contains(scheme),
                "{path} names another host: {scheme}"
            );
        }
    }
}

#[test]
fn the_downloads_are_the_packages_bytes_and_the_pages_its_text() {
    let dist = built_sample(&[]);
    let (_work, out) = written(dist.path());
    let edition = dist.path().join(ID);
    let published = out.join("2025/08/files");
    for file in [
        format!("{ID}.pdf"),
        format!("{ID}.epub"),
        format!("{ID}.bag.zip"),
        "manifest.json".into(),
        "manifest.json.p7s".into(),
        format!("documents/{ID}-03.pdf"),
    ] {
        assert_eq!(
            std::fs::read(published.join(&file)).unwrap(),
            std::fs::read(edition.join(&file)).unwrap(),
            "{file}"
        );
    }
    let body = |pem: String| {
        pem.lines()
            .filter(|l| !l.starts_with(['-', '#']))
            .collect::<String>()
    };
    assert_eq!(
        body(std::fs::read_to_string(out.join("assets/trust/root-1.pem")).unwrap()),
        body(std::fs::read_to_string(example("root.pem")).unwrap()),
        "the site publishes the root it pins"
    );
    let issue = std::fs::read_to_string(out.join("2025/08/index.html")).unwrap();
    assert!(
        issue.contains("沪府发〔2025〕9号"),
        "the contents name each 发文字号"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(edition.join("manifest.json")).unwrap()).unwrap();
    for artifact in manifest["artifacts"].as_array().unwrap() {
        let sha256 = artifact["sha256"].as_str().unwrap();
        assert!(
            issue.contains(sha256),
            "the downloads list {} with its SHA-256",
            artifact["path"]
        );
    }
    let traditional = (1..=14)
        .map(|n| std::fs::read_to_string(out.join(format!("2025/08/{n:02}.html"))).unwrap())
        .find(|page| page.contains("滬府辦字〔2025〕5號"))
        .expect("the Traditional circular's page");
    assert!(
        traditional.starts_with("<!DOCTYPE html>\n<html lang=\"zh-Hans\">")
            && traditional.contains("<article lang=\"zh-Hant\""),
        "the site's words in Simplified, the circular's in Traditional"
    );
    assert!(traditional.contains("2025年上海市政務公開工作要點"));
    let source = std::fs::read_to_string(sample().join("documents/hufubanzi-2025-5.md")).unwrap();
    let sentence = source
        .lines()
        .rev()
        .find(|l| l.chars().count() > 30 && !l.starts_with(['#', '|', '-']))
        .unwrap();
    let sentence: String = sentence.chars().take(20).collect();
    assert!(traditional.contains(&sentence), "its text: {sentence}");
}

#[test]
fn the_same_packages_give_the_same_site() {
    let dist = built_sample(&[]);
    let (_first, one) = written(dist.path());
    let (_second, two) = written(dist.path());
    let (one, two) = (files(&one), files(&two));
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        two.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &one {
        assert!(bytes == &two[path], "{path} differs between two runs");
    }
}

#[test]
fn user_text_reaches_the_pages_as_text() {
    let work = tempfile::tempdir().unwrap();
    let issue = work.path().join("issue");
    copy_dir(&sample(), &issue);
    let document = issue.join("documents/hufufa-2025-9.md");
    let text = std::fs::read_to_string(&document).unwrap().replacen(
        "现将《关于进一步提振消费扩大内需的若干措施》",
        "现将<script>alert(1)</script> #read(\"/etc/passwd\") 《关于进一步提振消费扩大内需的若干措施》",
        1,
    );
    std::fs::write(&document, text).unwrap();
    let manifest = issue.join("issue.toml");
    let certs = format!("{}/", example("").display());
    let moved = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("../../certs-example/", &certs);
    std::fs::write(&manifest, moved).unwrap();
    let dist = work.path().join("dist");
    let run = gazette()
        .arg("build")
        .arg(&issue)
        .arg("--out")
        .arg(&dist)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let (_site, out) = written(&dist);
    let page = std::fs::read_to_string(out.join("2025/08/01.html")).unwrap();
    assert!(
        page.contains("现将&lt;script&gt;alert(1)&lt;/script&gt; #read(&quot;/etc/passwd&quot;)"),
        "the text, escaped"
    );
    assert!(!page.contains("<script>alert"));
}

#[test]
fn a_changed_package_is_refused_and_the_earlier_site_kept() {
    let dist = built_sample(&[]);
    let (_work, out) = written(dist.path());
    let before = files(&out);
    let zip = dist.path().join(ID).join(format!("{ID}.bag.zip"));
    let mut bytes = std::fs::read(&zip).unwrap();
    let pdf_header = bytes.windows(5).position(|w| w == b"%PDF-").unwrap();
    bytes[pdf_header + 2000] ^= 1;
    std::fs::write(&zip, bytes).unwrap();
    let run = site(dist.path(), &out, &example("root.pem"));
    assert!(!run.status.success());
    let said = stderr(&run);
    assert!(
        said.contains(&format!("{ID}.bag.zip")) && said.contains("not published"),
        "{said}"
    );
    assert_eq!(files(&out), before, "the earlier site is kept whole");
}

#[test]
fn a_package_that_does_not_chain_to_the_root_is_refused() {
    let dist = built_sample(&[]);
    let work = tempfile::tempdir().unwrap();
    let run = site(
        dist.path(),
        &work.path().join("site"),
        &example("seal-rsa.pem"),
    );
    assert!(!run.status.success());
    let said = stderr(&run);
    assert!(
        said.contains("not published") && said.contains("UNTRUSTED"),
        "{said}"
    );
    assert!(!work.path().join("site").exists(), "nothing written");
}
