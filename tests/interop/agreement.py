#!/usr/bin/env python3
"""Where independent tools agree with the conformance vectors' expected verdicts.

    agreement.py VECTORS_DIR OUT.md

VECTORS_DIR holds the vectors as `GAZETTE_VECTORS_OUT=DIR cargo test --test
integration vectors` writes them: <id>.pdf, <id>.epub or <id>.zip beside
<id>.json, the sidecar naming the rule the vector breaks and the verdict a
verifier must give (tests/vectors/README.md). Each tool that reads the
vector's kind of file is run on it and says accept or reject, or nothing
for a file it has nothing to read in; a tool judges a vector only when the
broken rule is one it checks (TOOLS below: a bag
validator cannot see a signature, qpdf cannot see a seal), otherwise its cell
is "–" and does not count as agreement. A valid vector is judged by every
tool that reads its kind. OUT.md gets the table and every disagreement.

GAZETTE_VERIFY_PAGE names the JSON of the site's verify page's verdicts on
the same vectors, as tests/site/vectors.mjs writes it.

VECTORS_DIR/long-term, when there, holds the long-term vectors and root.pem,
the test PKI's root they are checked against: a second table, judged by the
tools that read time-stamps and revocation evidence (LONG_TERM_TOOLS).
"""

import datetime
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ROOT = REPO / "certs-example" / "root.pem"
MANIFEST_SCHEMA = REPO / "docs" / "spec" / "verification-manifest.schema.json"


def run(command, cwd=None):
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        return subprocess.CompletedProcess(command, 127, "", str(error))


def pdfsig(path, _work, _root):
    out = run(["pdfsig", str(path)])
    text = out.stdout + out.stderr
    blocks = text.split("Signature #")[1:]
    if not blocks:
        return False
    every_valid = all("Signature is Valid." in block for block in blocks)
    return every_valid and "Total document signed" in blocks[-1]


def pyhanko(path, _work, root):
    out = run(["pyhanko", "sign", "validate", "--no-revocation-check", "--trust", str(root),
               "--trust-replace", str(path)])
    if out.returncode != 0:
        return False
    # A signature time-stamp token is judged too: TIMESTAMP_TOKEN<INVALID>,
    # or <INTACT:UNTRUSTED> for an authority that may not stamp.
    return "INTACT:TRUSTED" in out.stdout and not any(
        word in out.stdout for word in ("NONCOMPLIANT", "MODIFIED", "INVALID", "UNTRUSTED"))


def adesverify(path, _work, root, at=None):
    """pyHanko's ETSI EN 319 102-1 process at the vector's validation time
    (the present unless it gives one), from the evidence the file carries
    alone (the responders are gone by now)."""
    when = (at.replace("Z", "+00:00") if at else
            datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00"))
    out = run(["pyhanko", "sign", "adesverify", "--trust", str(root), "--trust-replace",
               "--validation-time", when, "--executive-summary", str(path)])
    verdicts = [line.rsplit(":", 1)[-1] for line in out.stdout.splitlines() if ":" in line]
    return out.returncode == 0 and bool(verdicts) and all(v == "VALID" for v in verdicts)


def qpdf(path, _work, _root):
    return run(["qpdf", "--check", str(path)]).returncode == 0


def epubcheck(path, _work, _root):
    return run([str(REPO / "tests" / "interop" / "epubcheck.sh"), str(path)]).returncode == 0


def unzip(path, work):
    """The archive unpacked by Python's zipfile (which sanitises `..` and
    keeps the last of two equal names: such zips are not for these tools to
    judge), or None when it is no zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            archive.extractall(work)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return work


def xmlsec1(path, work, root):
    unpacked = unzip(path, work)
    if unpacked is None or not (unpacked / "META-INF" / "signatures.xml").is_file():
        return False
    out = run(["xmlsec1", "--verify", "--trusted-pem", str(root), "META-INF/signatures.xml"],
              cwd=unpacked)
    return out.returncode == 0 and "OK" in (out.stdout + out.stderr)


def bag_folder(path, work):
    unpacked = unzip(path, work)
    if unpacked is None:
        return None
    bags = [p for p in unpacked.iterdir() if p.is_dir() and p.name.endswith(".bag")]
    return bags[0] if len(bags) == 1 else None


def bagit(path, work, _root):
    bag = bag_folder(path, work)
    return bag is not None and run([sys.executable, "-m", "bagit", "--validate", str(bag)]).returncode == 0


def openssl_cms(path, work, root):
    bag = bag_folder(path, work)
    if bag is None or not (bag / "data" / "manifest.json.p7s").is_file():
        return False
    out = run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-content", "manifest.json",
               "-in", "manifest.json.p7s", "-CAfile", str(root), "-purpose", "any", "-out", "/dev/null"],
              cwd=bag / "data")
    return out.returncode == 0


def openssl_ts(path, work, root):
    """Every archive timestamp of the bag verifies over its list; None, no
    judgement, for a bag without one."""
    bag = bag_folder(path, work)
    if bag is None:
        return False
    tokens = sorted((bag / "evidence").glob("archive-*.tsr"))
    if not tokens and not (bag / "evidence").exists():
        return None
    return bool(tokens) and all(
        run(["openssl", "ts", "-verify", "-data", str(token.with_suffix(".txt")), "-in", str(token),
             "-token_in", "-CAfile", str(root)]).returncode == 0 for token in tokens)


def jsonschema(path, work, _root):
    import jsonschema as validator
    bag = bag_folder(path, work)
    if bag is None or not (bag / "data" / "manifest.json").is_file():
        return False
    schema = json.loads(MANIFEST_SCHEMA.read_text())
    try:
        validator.validate(json.loads((bag / "data" / "manifest.json").read_text()), schema,
                           cls=validator.Draft202012Validator)
    except (validator.ValidationError, ValueError):
        return False
    return True


def verify_page(path, _work, _root):
    verdicts = json.loads(Path(os.environ["GAZETTE_VERIFY_PAGE"]).read_text())
    return verdicts[path.stem] == "authentic"


def rules(*ids, areas=()):
    return lambda rule: rule in ids or rule.split("-")[0] in areas


def except_rules(*ids, areas=()):
    judged = rules(*ids, areas=areas)
    return lambda rule: not judged(rule)


# name, the kind of file it reads, the rules it can judge, the judge.
TOOLS = [
    # A PDF signature's own checks: its form, byte range and CMS. The
    # profile's requirements on a seal (SPDF-5 to SPDF-10: which attributes,
    # /M, DocMDP, the form) are not PAdES's, which allows all they forbid.
    ("pdfsig", "pdf", rules("VER-12", "VER-13", "VER-14", "VER-15", "VER-16", "VER-17", "VER-18",
                            "VER-19", "VER-20", "VER-21", "VER-27", "SPDF-2", "SPDF-3", "SPDF-4"),
     pdfsig),
    # pyHanko also refuses weak algorithms (SHA-1, RSA under 2048 bits),
    # which pdfsig accepts.
    ("pyHanko", "pdf", rules("VER-12", "VER-13", "VER-14", "VER-15", "VER-16", "VER-17", "VER-18",
                             "VER-19", "VER-20", "VER-21", "VER-27", "SPDF-2", "SPDF-3", "SPDF-4",
                             "SEAL-4"),
     pyhanko),
    ("qpdf --check", "pdf", rules("VER-12", "VER-17"), qpdf),
    ("EPUBCheck", "epub", rules("EPUB-2", "VER-39", areas=("EPUB",)), epubcheck),
    # XML-DSig's own checks: present, readable, references and value (an
    # ECDSA value as r‖s). The profile's restrictions (no DOCTYPE, the
    # signature's Id) are not XML-DSig's.
    ("xmlsec1", "epub", rules("VER-40", "VER-41", "VER-43", "VER-44", "SEPUB-11"), xmlsec1),
    # RFC 8493's own requirements, not the profile's stricter ones (BagIt 1.0
    # only, both manifests, bagit.txt exactly, two spaces in a line).
    ("bagit", "zip", rules("PKG-1", "PKG-3", "PKG-5", "PKG-11", "VER-51", "VER-52"), bagit),
    # CMS itself, not the profile's choice of attributes and certificates
    # (SMAN-2 to SMAN-7).
    ("openssl cms", "zip", rules("PKG-14", "VER-58", "VER-59", "SMAN-1"), openssl_cms),
    # The manifest's JSON Schema (Appendix B), which also refuses a member
    # added or renamed under the 1.0 schema value (EXT-2, EXT-5).
    ("jsonschema", "zip", rules("MAN-1", "MAN-2", "MAN-5", "MAN-21", "MAN-23", "VER-54", "EXT-2",
                                "EXT-5"), jsonschema),
    # The site's verify page (templates/site/assets/verify.js) says whether a
    # file is one the gazette published, unchanged: its bytes listed in a
    # sealed manifest the site publishes, or, for a package, that manifest
    # with every payload file it lists and nothing else. It does not read a
    # package's tag files, its evidence, the ZIP's structure beyond reading
    # it, nor the CMS profile of its manifest.json.p7s.
    ("verify page", "*", except_rules(
        "VER-32", "VER-33", "VER-34", "VER-35", "VER-36", "VER-37", "VER-38", "VER-45", "VER-46",
        "VER-47", "VER-48", "VER-49", "VER-50", "VER-51", "VER-52", "VER-56", "VER-66", "VER-67",
        "VER-79", areas=("PKG", "LTP", "SMAN")), verify_page),
]

# The tools that judge time-stamps and revocation evidence, for the
# long-term vectors. pdfsig is not one: it neither checks a signature's
# time-stamp token nor verifies a document timestamp ("not yet verified").
LONG_TERM_TOOLS = [
    # The seal and its signature time-stamp token, no revocation checking,
    # and what was appended after it. Neither pyHanko command holds a
    # document timestamp to its /SubFilter (SPDF-14): it goes by /Type.
    ("pyHanko", "pdf", rules("SPDF-11", "SEAL-13", "SPDF-16"), pyhanko),
    # ETSI EN 319 102-1: proof of existence, revocation evidence, levels.
    ("pyHanko adesverify", "pdf", rules("SPDF-11", "SEAL-13", "SPDF-16", "VER-31", "VER-68",
                                        "VER-71", "VER-72", "VER-73"), adesverify),
    ("bagit", "zip", rules(), bagit),
    # The manifest's signature as CMS, with its time-stamp and revocation
    # values (RFC 5940) in the unsigned parts, not the levels of SEAL-1.
    ("openssl cms", "zip", rules(), openssl_cms),
    ("openssl ts", "zip", rules("VER-67", "LTP-7", "LTP-8"), openssl_ts),
]


# The tools told a validation time; the others judge as of now, so a vector
# judged at another time (its sidecar's `at`) is not theirs to judge. A
# vector judged with the network allowed (its sidecar's `online`) is no
# tool's here: each is run offline, on what the file carries.
TIME_AWARE = {adesverify}


def judgement(tool, path, sidecar, root):
    """What one tool says of one vector: True, it accepts; False, it
    rejects; None, not a vector it can judge."""
    _name, reads, judges, judge = tool
    at = sidecar.get("at")
    if (reads not in (path.suffix.lstrip("."), "*")
            or not (sidecar["verdict"] == "valid" or judges(sidecar["rule"]))
            or (at and judge not in TIME_AWARE)
            or sidecar.get("online")):
        return None
    with tempfile.TemporaryDirectory() as work:
        if judge in TIME_AWARE:
            return judge(path, Path(work), root, at)
        return judge(path, Path(work), root)


def judge_all(vectors, root, tools):
    """The table's lines and the disagreements of `tools` over `vectors`."""
    cases = []
    for sidecar_path in sorted(vectors.glob("*.json")):
        sidecar = json.loads(sidecar_path.read_text())
        files = [p for p in vectors.glob(sidecar["id"] + ".*") if p.suffix != ".json"]
        if len(files) == 1:
            cases.append((sidecar, files[0]))
    # Each judgement is a tool's own process on its own copy: they run side
    # by side, one per core.
    with ThreadPoolExecutor(os.cpu_count()) as pool:
        said = [[pool.submit(judgement, tool, path, sidecar, root) for tool in tools]
                for sidecar, path in cases]
    rows, disagreements = [], []
    counts = {name: [0, 0] for name, *_ in tools}
    for (sidecar, _path), answers in zip(cases, said):
        valid = sidecar["verdict"] == "valid"
        cells = []
        for (name, *_), answer in zip(tools, answers):
            accepted = answer.result()
            if accepted is None:
                cells.append("–")
                continue
            agrees = accepted == valid
            counts[name][0 if agrees else 1] += 1
            cells.append("agrees" if agrees else "**disagrees**")
            if not agrees:
                disagreements.append((sidecar["id"], sidecar["rule"], name,
                                      "accepts" if accepted else "rejects"))
        rows.append((sidecar["id"], sidecar["rule"], sidecar["verdict"], cells))
    names = [name for name, *_ in tools]
    lines = [
        "| vector | rule | expected | " + " | ".join(names) + " |",
        "| --- | --- | --- | " + " | ".join("---" for _ in names) + " |",
    ]
    for vector, rule, verdict, cells in rows:
        lines.append(f"| `{vector}` | {rule} | {verdict} | " + " | ".join(cells) + " |")
    lines.append("| **agree / disagree** | | | " + " | ".join(
        f"{counts[name][0]} / {counts[name][1]}" for name in names) + " |")
    return lines, disagreements


def main():
    vectors, out = Path(sys.argv[1]), Path(sys.argv[2])
    if not ROOT.is_file():
        print(f"no {ROOT}", file=sys.stderr)
        return 2
    lines, disagreements = judge_all(vectors, ROOT, TOOLS)
    long_term = vectors / "long-term"
    if (long_term / "root.pem").is_file():
        more, late = judge_all(long_term, long_term / "root.pem", LONG_TERM_TOOLS)
        lines += ["", "Long-term vectors:", ""] + more
        disagreements += late
    text = "\n".join(lines) + "\n\nDisagreements:\n\n" + ("\n".join(
        f"- `{vector}` ({rule}): {tool} {said} it." for vector, rule, tool, said in disagreements)
        or "- none") + "\n"
    out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
