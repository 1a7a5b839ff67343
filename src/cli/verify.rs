//! `gazette verify FILE`: the public's check, one verdict line first.

use std::process::ExitCode;

use gazette::cms::{SignatureCheck, Trust};
use gazette::verify::{self, CannotCheck, Options, Report, SignatureReport, Verdict};

use crate::cli::args::VerifyArgs;
use crate::cli::terminal::Failure;

pub fn run(args: &VerifyArgs) -> Result<ExitCode, Failure> {
    let options = Options::trusting(&args.trust).map_err(cannot_check)?;
    let report = verify::verify_path(&args.file, &options).map_err(cannot_check)?;
    if args.json {
        let json = serde_json::to_string_pretty(&report).map_err(|error| {
            Failure::message(format!("cannot write the report: {error}"))
                .status(Verdict::CannotCheck.exit_code())
        })?;
        println!("{json}");
    } else {
        print!("{}", human(&report));
    }
    Ok(ExitCode::from(report.verdict.exit_code()))
}

/// Exit status 2: nothing could be checked.
fn cannot_check(why: CannotCheck) -> Failure {
    Failure::message(why.to_string()).status(Verdict::CannotCheck.exit_code())
}

/// The report for people: the verdict, then one block per signature.
fn human(report: &Report) -> String {
    let mut out = format!("{}\n", report.summary);
    if let Some(level) = report.level {
        out += &format!("  level: {level}\n");
    }
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

/// One signature as an aligned table under its field's name: what it claims
/// to be, the CMS check, its problems, then what changed after it.
fn signature_block(signature: &SignatureReport) -> String {
    let mut rows = Rows::default();
    claim_rows(signature, &mut rows);
    time_rows(signature, &mut rows);
    if let Some(check) = &signature.cms {
        cms_rows(check, &mut rows);
    }
    for finding in &signature.findings {
        rows.push("problem", finding.message.clone());
    }
    for remark in &signature.remarks {
        rows.push("remark", remark.message.clone());
    }
    change_rows(signature, &mut rows);
    rows.under(&format!("signature \"{}\"", signature.field))
}

/// Labelled lines, printed with their values lined up.
#[derive(Default)]
struct Rows(Vec<(&'static str, String)>);

impl Rows {
    fn push(&mut self, label: &'static str, value: String) {
        self.0.push((label, value));
    }

    /// The rows indented under `heading`, after a blank line, values in one
    /// column after the longest label.
    fn under(self, heading: &str) -> String {
        let width = self.0.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
        let mut out = format!("\n{heading}\n");
        for (label, value) in self.0 {
            out += &format!("  {label:<width$}  {value}\n");
        }
        out
    }
}

/// What the signature says of itself: its kind (with the DocMDP permission
/// in words for a certification), format, claimed time and the bytes it
/// covers.
fn claim_rows(signature: &SignatureReport, rows: &mut Rows) {
    let kind = match signature.docmdp_permission {
        Some(1) => "certification; no changes allowed but validation data and timestamps".into(),
        Some(2) => "certification; form filling and signing allowed".into(),
        Some(p) => format!("certification; DocMDP level {p}"),
        None => signature.kind.to_string(),
    };
    rows.push("kind", kind);
    rows.push("format", signature.sub_filter.clone());
    if let Some(time) = &signature.claimed_time {
        rows.push("claimed time", time.clone());
    }
    if let Some([_, a, b, c]) = signature.byte_range {
        let extent = if signature.covers_whole_file {
            "the whole file"
        } else {
            "an earlier revision"
        };
        rows.push(
            "covers",
            format!("{extent}: bytes 0..{a} and {b}..{}", b + c),
        );
    }
}

/// Whether a time-stamp attests the seal's time or only the signer claims it,
/// the level reached, and each time-stamp the signature carries.
fn time_rows(signature: &SignatureReport, rows: &mut Rows) {
    if let Some(level) = signature.level {
        let time = match &signature.attested {
            Some(stamp) => format!("attested by {} at {}", stamp.tsa, stamp.time),
            None => "claimed by the signer, not attested".to_owned(),
        };
        rows.push("time", time);
        rows.push("level", level.to_string());
    }
    for stamp in &signature.timestamps {
        rows.push(
            "timestamp",
            format!(
                "{} by {} at {}, over {}",
                yes_no(stamp.valid, "valid", "NOT VALID"),
                stamp.tsa,
                stamp.time,
                stamp.covers
            ),
        );
    }
}

/// The CMS check: algorithm, digest and signature, who signed with which
/// certificate, the chain up to the trust anchor, and its problems.
fn cms_rows(check: &SignatureCheck, rows: &mut Rows) {
    rows.push("algorithm", check.signature_algorithm.clone());
    rows.push(
        "digest",
        yes_no(check.digest_matches, "matches", "DOES NOT MATCH"),
    );
    rows.push(
        "signature",
        yes_no(check.signature_valid, "valid", "INVALID"),
    );
    if let Some(signer) = &check.signer {
        rows.push("signer", signer.subject.clone());
        rows.push(
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
    rows.push("chain", chain.join(" → "));
    rows.push(
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
        rows.push("problem", problem.message.clone());
    }
    for remark in &check.remarks {
        rows.push("remark", remark.message.clone());
    }
}

/// Each change after the signature and whether it was allowed. With none
/// listed, "none since signing" is said only when no later revision exists.
fn change_rows(signature: &SignatureReport, rows: &mut Rows) {
    if signature.changes_after.is_empty() {
        if signature.covers_whole_file {
            rows.push("changes", "none since signing".into());
        }
        return;
    }
    for change in &signature.changes_after {
        let verdict = if change.allowed {
            "allowed"
        } else {
            "NOT ALLOWED"
        };
        rows.push("change", format!("{} ({verdict})", change.description));
    }
}

fn yes_no(ok: bool, good: &str, bad: &str) -> String {
    if ok { good } else { bad }.to_string()
}
