//! `gazette verify FILE`: the public's check, one verdict line first.

use std::process::ExitCode;

use gazette::cms::{SignatureCheck, Trust};
use gazette::verify::{
    self, CannotCheck, Conformance, Options, Policy, Report, RevocationCheck, RuleStatus,
    SignatureReport, StatusWord, Verdict,
};

use crate::cli::args::VerifyArgs;
use crate::cli::terminal::Failure;

pub fn run(args: &VerifyArgs) -> Result<ExitCode, Failure> {
    let options = Options::trusting(&args.trust).map_err(cannot_check)?;
    let policy = Policy {
        at: args.at,
        online: args.online,
    };
    let report = verify::verify_path_under(&args.file, &options, policy).map_err(cannot_check)?;
    let conformance = args.conformance.then(|| verify::conformance(&report));
    if args.json {
        let cannot_write = |error: serde_json::Error| {
            Failure::message(format!("cannot write the report: {error}"))
                .status(Verdict::CannotCheck.exit_code())
        };
        let mut json = serde_json::to_value(&report).map_err(cannot_write)?;
        if let (Some(conformance), Some(fields)) = (&conformance, json.as_object_mut()) {
            fields.insert(
                "conformance".into(),
                serde_json::to_value(conformance).map_err(cannot_write)?,
            );
        }
        println!(
            "{}",
            serde_json::to_string_pretty(&json).map_err(cannot_write)?
        );
    } else {
        print!("{}", human(&report));
        if let Some(conformance) = &conformance {
            print!("{}", conformance_block(conformance));
        }
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
    for seal in report.signatures.iter().filter(|s| s.judged_at.is_some()) {
        out += &format!("  {}\n", over_time(seal));
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

/// A seal over time in one line: "level B-LTA; time attested by TSA at
/// TIME; revocation checked with OCSP (…)".
fn over_time(seal: &SignatureReport) -> String {
    let mut line = format!("\"{}\": ", seal.field);
    if let Some(level) = seal.level {
        line += &format!("level {level}; ");
    }
    line += &match &seal.attested {
        Some(stamp) => format!("time attested by {} at {}", stamp.tsa, stamp.time),
        None => format!(
            "time claimed by the signer, not attested; judged at {}",
            seal.judged_at.as_deref().unwrap_or("now")
        ),
    };
    let checked: Vec<String> = seal
        .revocation
        .iter()
        .filter(|c| c.source.is_some())
        .map(evidence_used)
        .collect();
    if checked.is_empty() {
        line += "; revocation not checked";
    } else {
        line += &format!("; revocation checked with {}", checked.join(", "));
    }
    line
}

/// "OCSP (Gazette Test Seal, good at 2026-12-06T03:41:03Z)".
fn evidence_used(check: &RevocationCheck) -> String {
    let source = match check.source {
        Some(gazette::revocation::Source::Ocsp) => "OCSP",
        _ => "CRL",
    };
    let status = match check.status {
        StatusWord::Good => "good as of",
        StatusWord::Revoked => "REVOKED since",
        StatusWord::RevokedLater => "revoked later, since",
        StatusWord::Unknown | StatusWord::NoEvidence => "unsettled",
    };
    let online = match &check.fetched_from {
        Some(url) => format!(", fetched online from {url}"),
        None => String::new(),
    };
    format!(
        "{source} ({}, {status} {}{online})",
        check.certificate,
        check.time.as_deref().unwrap_or("")
    )
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
    for note in &signature.notes {
        rows.push("note", note.message.clone());
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

/// The conformance for people: the counts, then each broken rule with the
/// codes that say so.
fn conformance_block(conformance: &Conformance) -> String {
    let count = |status| {
        conformance
            .rules
            .iter()
            .filter(|r| r.status == status)
            .count()
    };
    let mut out = format!(
        "conformance to the gazette format {}: of its {} rules for such a file, {} checked and kept, {} broken, {} not checked by this verifier (docs/spec/notes.md names the tools that check them)\n",
        conformance.format_version,
        conformance.rules.len(),
        count(RuleStatus::Kept),
        count(RuleStatus::Broken),
        count(RuleStatus::NotChecked),
    );
    for rule in conformance
        .rules
        .iter()
        .filter(|r| r.status == RuleStatus::Broken)
    {
        out += &format!(
            "  broken: {} ({}), as {} says\n",
            rule.rule,
            rule.level,
            rule.codes.join(", ")
        );
    }
    out
}
