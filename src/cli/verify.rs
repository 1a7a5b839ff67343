//! `gazette verify FILE`: the public's check, one verdict line first.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use gazette::cms::{self, Trust};
use gazette::verify::{self, Options, Report, SignatureReport, Verdict};

use crate::cli::args::VerifyArgs;
use crate::cli::terminal::Failure;

pub fn run(args: &VerifyArgs) -> Result<ExitCode, Failure> {
    let cannot_check =
        |message: String| Failure::message(message).status(Verdict::CannotCheck.exit_code());
    let options = load_anchors(args).map_err(cannot_check)?;
    let report = check(&args.file, &options).map_err(cannot_check)?;
    if args.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|error| cannot_check(format!("cannot write the report: {error}")))?;
        println!("{json}");
    } else {
        print!("{}", human(&report));
    }
    Ok(ExitCode::from(report.verdict.exit_code()))
}

/// Files larger than this are not read into memory: no edition is this big.
const MAX_FILE: u64 = 1 << 30;

/// Tells the kinds apart by their first bytes, not their names: a folder or
/// any other ZIP is a package, a ZIP that starts with `mimetype` an EPUB.
fn check(path: &Path, options: &Options) -> Result<Report, String> {
    let name = path.display().to_string();
    if path.is_dir() {
        return Ok(verify::verify_package(path, options));
    }
    let mut head = [0u8; 38];
    let read = File::open(path)
        .and_then(|mut file| file.read(&mut head))
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    let head = &head[..read];
    let is_zip = head.starts_with(b"PK\x03\x04");
    if is_zip && head.get(30..38) != Some(b"mimetype".as_slice()) {
        return Ok(verify::verify_package(path, options));
    }
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {name}: {e}"))?
        .len();
    if size > MAX_FILE {
        return Err(format!(
            "{name} is {size} bytes, more than any edition: not checked"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    Ok(if is_zip {
        verify::verify_epub(&name, &bytes, options)
    } else {
        verify::verify_pdf(&name, &bytes, options)
    })
}

fn load_anchors(args: &VerifyArgs) -> Result<Options, String> {
    let mut anchors = Vec::new();
    for path in &args.trust {
        let bytes = std::fs::read(path)
            .map_err(|e| format!("cannot read the trust anchors in {}: {e}", path.display()))?;
        let certificates = cms::load_pem_certificates(&bytes)
            .map_err(|e| format!("{} holds no usable certificate: {e}", path.display()))?;
        anchors.extend(certificates);
    }
    Ok(Options { anchors })
}

/// The report for people: the verdict, then one block per signature.
fn human(report: &Report) -> String {
    let mut out = format!("{}\n", report.summary);
    for finding in &report.findings {
        out += &format!("  {}\n", finding.message);
    }
    for check in &report.checks {
        out += &format!("  ok: {}\n", check.message);
    }
    for signature in &report.signatures {
        out += &signature_block(signature);
    }
    for part in &report.parts {
        out += &format!("\n{}\n  {}\n", part.file, part.summary);
        for finding in &part.findings {
            out += &format!("  {}\n", finding.message);
        }
    }
    out
}

fn signature_block(signature: &SignatureReport) -> String {
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut row = |label: &str, value: String| lines.push((label.to_string(), value));
    let kind = match signature.docmdp_permission {
        Some(1) => "certification; no changes allowed but validation data and timestamps".into(),
        Some(2) => "certification; form filling and signing allowed".into(),
        Some(p) => format!("certification; DocMDP level {p}"),
        None => signature.kind.to_string(),
    };
    row("kind", kind);
    row("format", signature.sub_filter.clone());
    if let Some(time) = &signature.claimed_time {
        row("claimed time", time.clone());
    }
    if let Some([_, a, b, c]) = signature.byte_range {
        let extent = if signature.covers_whole_file {
            "the whole file"
        } else {
            "an earlier revision"
        };
        row(
            "covers",
            format!("{extent}: bytes 0..{a} and {b}..{}", b + c),
        );
    }
    if let Some(check) = &signature.cms {
        row("algorithm", check.signature_algorithm.clone());
        row(
            "digest",
            yes_no(check.digest_matches, "matches", "DOES NOT MATCH"),
        );
        row(
            "signature",
            yes_no(check.signature_valid, "valid", "INVALID"),
        );
        if let Some(signer) = &check.signer {
            row("signer", signer.subject.clone());
            row(
                "certificate",
                format!(
                    "serial {}, valid {} to {}, SHA-256 {}",
                    signer.serial, signer.not_before, signer.not_after, signer.sha256_fingerprint
                ),
            );
        }
        let chain: Vec<String> = check
            .chain
            .iter()
            .map(|c| c.common_name.clone().unwrap_or_else(|| c.subject.clone()))
            .collect();
        row("chain", chain.join(" → "));
        row(
            "trust",
            match &check.trust {
                Trust::Trusted { anchor } => format!(
                    "trusted (anchor: {})",
                    anchor.common_name.as_deref().unwrap_or(&anchor.subject)
                ),
                Trust::Untrusted { reason } => format!("NOT TRUSTED: {reason}"),
            },
        );
        for problem in &check.problems {
            row("problem", problem.message.clone());
        }
    }
    for finding in &signature.findings {
        row("problem", finding.message.clone());
    }
    if signature.changes_after.is_empty() {
        if signature.covers_whole_file {
            row("changes", "none since signing".into());
        }
    } else {
        for change in &signature.changes_after {
            let verdict = if change.allowed {
                "allowed"
            } else {
                "NOT ALLOWED"
            };
            row("change", format!("{} ({verdict})", change.description));
        }
    }
    let width = lines.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let mut out = format!("\nsignature \"{}\"\n", signature.field);
    for (label, value) in lines {
        out += &format!("  {label:<width$}  {value}\n");
    }
    out
}

fn yes_no(ok: bool, good: &str, bad: &str) -> String {
    if ok { good } else { bad }.to_string()
}
