#!/usr/bin/env bash
# The sealed edition as third-party validators see it. The sample is sealed
# with every kind of key gazette opens (key files, an encrypted key, PKCS#12, a
# SoftHSM2 token; ECDSA, RSA PKCS#1 v1.5 and RSA-PSS), and each seal must be
# valid and trusted for poppler's pdfsig, pyHanko, openssl cms and
# `gazette verify`, with qpdf finding the file clean. Then two attacks that all
# of them must catch: one byte changed inside the signed range, and an appended
# incremental update that replaces page 3's content.
#
# Needs poppler-utils, qpdf, libnss3-tools, softhsm2, openssl, python3 with the
# PyPI packages pyhanko and pyhanko-cli. Everything uses the TEST ONLY example
# PKI in certs-example/, whose password is published there.
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in pdfsig certutil qpdf softhsm2-util openssl python3 pyhanko; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool not found: install poppler-utils qpdf libnss3-tools softhsm2 openssl, and pip install pyhanko pyhanko-cli" >&2
    exit 1
  fi
done

issue=samples/shanghai-gazette-2025-08
edition=shanghai-gazette-2025-08
certs=certs-example
root=$certs/root.pem
export GAZETTE_KEY_PASSWORD=gazette-test-only
export GAZETTE_PIN=gazette-test-pin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh
lacks() { ! grep -q "$@"; }            # lacks PATTERN: stdin does not match it
quiet() { "$@" >/dev/null 2>&1; }       # quiet COMMAND...: only its exit status
show() { # show TOOL PATTERN TEXT: TEXT's lines that match, labelled, for the CI log
  grep -E -- "$2" <<<"$3" | sed "s/^/    $1: /" || true
}

# Byte surgery on a sealed PDF, with the python standard library only.
cat >"$work/pdfbytes.py" <<'PYTHON'
"""Reads and tampers with a sealed PDF whose cross-reference data are classic
xref tables (as gazette writes them).

  pdfbytes.py split SRC SIGNED SIGNATURE   the signed bytes and the CMS value
  pdfbytes.py flip-lang SRC DST            change one signed byte, keep the file valid
  pdfbytes.py replace-page SRC DST N       append a revision with new content on page N
"""
import re
import sys


def startxref(data):
    return int(data[data.rindex(b"startxref") + len(b"startxref") :].split()[0])


def trailer_at(data, xref):
    """The trailer dictionary's text that follows the xref table at `xref`."""
    start = data.index(b"trailer", xref) + len(b"trailer")
    return data[start : data.index(b"startxref", start)].strip()


def newest_objects(data):
    """Object number -> (offset, generation) in the newest revision, following
    /Prev from the last xref table back to the first."""
    objects = {}
    xref = startxref(data)
    while xref is not None:
        if not data.startswith(b"xref", xref):
            sys.exit(f"pdfbytes.py: no classic xref table at byte {xref}")
        tokens = data[xref + 4 : data.index(b"trailer", xref)].split()
        while tokens:
            first, count = int(tokens[0]), int(tokens[1])
            for i in range(count):
                offset, generation, kind = tokens[2 + 3 * i : 5 + 3 * i]
                if kind == b"n":
                    objects.setdefault(first + i, (int(offset), int(generation)))
            tokens = tokens[2 + 3 * count :]
        prev = re.search(rb"/Prev\s+(\d+)", trailer_at(data, xref))
        xref = int(prev.group(1)) if prev else None
    return objects


def body(data, objects, number):
    """Where object `number` starts, and its text up to endobj."""
    offset, _ = objects[number]
    return offset, data[offset : data.index(b"endobj", offset)]


def reference(text, key):
    """The object number of /key's (first) indirect reference in `text`."""
    found = re.search(rb"/" + key + rb"\s*\[?\s*(\d+)\s+\d+\s+R", text)
    if not found:
        sys.exit(f"pdfbytes.py: no /{key.decode()} reference in {text[:80]!r}")
    return int(found.group(1))


def byte_range(data):
    found = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", data)
    if not found:
        sys.exit("pdfbytes.py: the file has no /ByteRange")
    return tuple(map(int, found.groups()))


def split(data, signed_path, signature_path):
    a, b, c, d = byte_range(data)
    with open(signed_path, "wb") as f:
        f.write(data[a : a + b] + data[c : c + d])
    value = data[a + b : c].strip(b"<>")
    with open(signature_path, "wb") as f:
        f.write(bytes.fromhex(value.decode("ascii")))
    print(f"signed bytes 0..{b} and {c}..{c + d}; signature value {len(value) // 2} bytes")


def flip_lang(data):
    """Swaps the case of the catalog's /Lang first letter: the file keeps its
    length and stays well-formed, but a signed byte differs."""
    objects = newest_objects(data)
    catalog = reference(trailer_at(data, startxref(data)), b"Root")
    offset, text = body(data, objects, catalog)
    lang = text.find(b"/Lang(")
    if lang < 0:
        sys.exit("pdfbytes.py: the catalog has no /Lang string")
    at = offset + lang + len(b"/Lang(")
    a, b, c, d = byte_range(data)
    if not (a <= at < a + b or c <= at < c + d):
        sys.exit(f"pdfbytes.py: byte {at} is outside the signed range")
    out = bytearray(data)
    out[at] = ord(chr(out[at]).swapcase())
    print(f"byte {at} of the catalog's /Lang: {chr(data[at])!r} -> {chr(out[at])!r}")
    return bytes(out)


def replace_page(data, page_number):
    """Appends a revision in which page N's (first) content stream draws a red
    square instead of its text."""
    objects = newest_objects(data)
    xref = startxref(data)
    trailer = trailer_at(data, xref)
    _, catalog = body(data, objects, reference(trailer, b"Root"))
    _, pages = body(data, objects, reference(catalog, b"Pages"))
    kids = re.search(rb"/Kids\s*\[(.*?)\]", pages, re.S).group(1)
    page_ids = re.findall(rb"(\d+)\s+\d+\s+R", kids)
    _, page = body(data, objects, int(page_ids[page_number - 1]))
    if not re.search(rb"/Type\s*/Page\b", page):
        sys.exit("pdfbytes.py: the page tree is nested; this script reads flat ones only")
    number = reference(page, b"Contents")
    generation = objects[number][1]
    content = b"q 1 0 0 rg 72 72 300 300 re f Q\n"
    trailer = re.sub(rb"/Prev\s+\d+", b"", trailer)
    trailer = trailer[: trailer.rindex(b">>")] + b"/Prev %d>>" % xref

    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    object_at = len(out)
    out += b"%d %d obj\n<</Length %d>>\nstream\n" % (number, generation, len(content))
    out += content + b"endstream\nendobj\n"
    new_xref = len(out)
    out += b"xref\n%d 1\n%010d %05d n \n" % (number, object_at, generation)
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % new_xref
    print(f"appended a revision replacing page {page_number}'s content stream ({number} {generation} R)")
    return bytes(out)


def main():
    command, source = sys.argv[1], sys.argv[2]
    with open(source, "rb") as f:
        data = f.read()
    if command == "split":
        split(data, sys.argv[3], sys.argv[4])
        return
    if command == "flip-lang":
        data = flip_lang(data)
    elif command == "replace-page":
        data = replace_page(data, int(sys.argv[4]))
    else:
        sys.exit(f"pdfbytes.py: unknown command {command}")
    with open(sys.argv[3], "wb") as f:
        f.write(data)


main()
PYTHON

# Each validator's full answer on stdout; pyHanko and gazette add their exit
# status as a last line, "exit status N", since their status is part of it.
pdfsig_says() { pdfsig -nssdir "sql:$work/nss" "$1" 2>/dev/null || true; }
pyhanko_says() {
  local status=0 out
  out=$(pyhanko sign validate --trust "$root" --trust-replace --pretty-print "$1" 2>&1) || status=$?
  printf '%s\nexit status %s\n' "$out" "$status"
}
gazette_says() {
  local status=0 out
  out=$(gazette verify "$1" --trust "$root" 2>&1) || status=$?
  printf '%s\nexit status %s\n' "$out" "$status"
}
# openssl checks the CMS value against the signed byte ranges and the chain.
openssl_says() { # openssl_says PDF
  local parts=$work/parts-$RANDOM
  python3 "$work/pdfbytes.py" split "$1" "$parts.signed" "$parts.p7s" || true
  openssl cms -verify -binary -inform DER -in "$parts.p7s" -content "$parts.signed" \
    -CAfile "$root" -purpose any -out /dev/null 2>&1 || true
}
# pyHanko's --pretty-print never names the DocMDP level of a certification
# signature (it only judges later changes against it), so ask its library.
pyhanko_docmdp() { # pyhanko_docmdp PDF: NO_CHANGES, FILL_FORMS, ANNOTATE or none
  # Warnings off: cryptography 51 warns on pyHanko's import of DSA, which is
  # not an answer; errors still show and fail the comparison.
  python3 -W ignore - "$1" 2>&1 <<'PYTHON' || true
import sys
from pyhanko.pdf_utils.reader import PdfFileReader

with open(sys.argv[1], "rb") as f:
    signatures = PdfFileReader(f).embedded_signatures
    level = signatures[0].docmdp_level if signatures else None
    print(level.name if level else "none")
PYTHON
}

mkdir "$work/nss"
certutil -N -d "sql:$work/nss" --empty-password
certutil -A -d "sql:$work/nss" -n example-root -t "C,C,C" -i "$root"

cargo build -q
gazette() { cargo run -q -- "$@"; }

build() { # build CASE [ARGS...]: the sample, sealed, in $work/CASE; prints the PDF's path
  if gazette build "$issue" --out "$work/$1" "${@:2}" >"$work/$1.log" 2>&1; then
    echo "$work/$1/$edition/$edition.pdf"
  else
    sed 's/^/    build: /' "$work/$1.log" >&2
    return 1
  fi
}

valid_everywhere() { # valid_everywhere CASE PDF: what an untouched sealed edition must pass
  local name=$1 pdf=$2 out
  out=$(pdfsig_says "$pdf")
  show pdfsig 'Signature Type|Signed Ranges|document signed|Validation' "$out"
  check "$name: pdfsig: Signature is Valid" grep -q 'Signature is Valid' <<<"$out"
  check "$name: pdfsig: Certificate is Trusted" grep -q 'Certificate is Trusted' <<<"$out"
  check "$name: pdfsig: Total document signed" grep -q 'Total document signed' <<<"$out"

  out=$(pyhanko_says "$pdf")
  show pyHanko 'mechanism|is trusted|cryptographically|covers|policy|judged|exit status' "$out"
  check "$name: pyHanko: exit status 0" grep -q '^exit status 0$' <<<"$out"
  check "$name: pyHanko: signature intact" grep -q 'The signature is cryptographically sound' <<<"$out"
  check "$name: pyHanko: signer trusted" grep -q "The signer's certificate is trusted" <<<"$out"
  check "$name: pyHanko: covers the entire file" grep -q 'The signature covers the entire file' <<<"$out"
  check "$name: pyHanko: judged VALID" grep -q 'The signature is judged VALID' <<<"$out"
  out=$(pyhanko_docmdp "$pdf")
  show "pyHanko DocMDP" . "$out"
  check "$name: pyHanko: a certification signature, no changes allowed" test "$out" = NO_CHANGES

  check "$name: qpdf --check is clean" quiet qpdf --check "$pdf"

  out=$(openssl_says "$pdf")
  show openssl . "$out"
  check "$name: openssl cms verifies the signature and its chain" grep -q 'Verification successful' <<<"$out"

  out=$(gazette_says "$pdf")
  show "gazette verify" '^[A-Z]|algorithm|trust |exit status' "$out"
  check "$name: gazette verify exits 0" grep -q '^exit status 0$' <<<"$out"
}

declare -A pdfs
seal_case() { # seal_case CASE DESCRIPTION [BUILD ARGS...]
  echo "== $1: $2"
  local pdf
  if pdf=$(build "$1" "${@:3}"); then
    pdfs[$1]=$pdf
    valid_everywhere "$1" "$pdf"
  else
    check "$1: gazette build" false
  fi
}

seal_case a "the manifest's key file (ECDSA P-256, plain PKCS#8)"
seal_case b "RSA-2048, PKCS#1 v1.5" --seal-cert "$certs/seal-rsa-chain.pem" \
  --seal-key "$certs/seal-rsa.key.pem" --seal-rsa-padding pkcs1
seal_case c "RSA-2048, PSS" --seal-cert "$certs/seal-rsa-chain.pem" \
  --seal-key "$certs/seal-rsa.key.pem" --seal-rsa-padding pss
seal_case d "encrypted PKCS#8, password from GAZETTE_KEY_PASSWORD" \
  --seal-cert "$certs/seal-chain.pem" --seal-key "$certs/seal.key.enc.pem"
seal_case e "PKCS#12 file, password from GAZETTE_KEY_PASSWORD" --seal-key "$certs/seal.p12"
if SOFTHSM2_CONF=$(bash tests/interop/softhsm-setup.sh "$work/softhsm" "$certs/seal.key.pem"); then
  export SOFTHSM2_CONF
  seal_case f "SoftHSM2 token over PKCS#11 (ECDSA P-256), PIN from GAZETTE_PIN" \
    --seal-cert "$certs/seal-chain.pem" \
    --seal-key "pkcs11:token=gazette;object=seal?module-path=/usr/lib/softhsm/libsofthsm2.so"
else
  check "f: a SoftHSM2 token holding the seal key" false
fi

echo "== RSA PKCS#1 v1.5 signatures are deterministic, so the sealed edition is too"
if again=$(build b-again --seal-cert "$certs/seal-rsa-chain.pem" \
  --seal-key "$certs/seal-rsa.key.pem" --seal-rsa-padding pkcs1) && [ -n "${pdfs[b]:-}" ]; then
  check "b: a second build is byte-identical" cmp -s "${pdfs[b]}" "$again"
else
  check "b: a second build" false
fi

# Two attacks on edition a that every validator must catch.
sealed=${pdfs[a]:-}
if [ -z "$sealed" ]; then
  check "the attacks need edition a" false
else
  echo "== flipped: one byte changed inside the signed range"
  flipped=$work/flipped.pdf
  out=$(python3 "$work/pdfbytes.py" flip-lang "$sealed" "$flipped" 2>&1) || true
  show flip . "$out"
  check "flipped: qpdf --check is still clean" quiet qpdf --check "$flipped"
  out=$(pdfsig_says "$flipped")
  show pdfsig 'document signed|Validation' "$out"
  check "flipped: pdfsig no longer says Signature is Valid" lacks 'Signature is Valid' <<<"$out"
  out=$(pyhanko_says "$flipped")
  show pyHanko 'cryptographically|judged|exit status' "$out"
  check "flipped: pyHanko exits non-zero" lacks '^exit status 0$' <<<"$out"
  check "flipped: pyHanko does not judge it VALID" lacks 'judged VALID' <<<"$out"
  out=$(openssl_says "$flipped")
  show openssl 'Verification|verify error' "$out"
  check "flipped: openssl cms verification fails" lacks 'Verification successful' <<<"$out"
  out=$(gazette_says "$flipped")
  show "gazette verify" '^INVALID|^VALID|^MODIFIED|exit status' "$out"
  check "flipped: gazette verify exits 1" grep -q '^exit status 1$' <<<"$out"
  check "flipped: gazette verify says INVALID first" grep -q '^INVALID' <<<"$(head -n 1 <<<"$out")"

  echo "== appended: an incremental update that replaces page 3's content"
  appended=$work/appended.pdf
  out=$(python3 "$work/pdfbytes.py" replace-page "$sealed" "$appended" 3 2>&1) || true
  show append . "$out"
  check "appended: qpdf --check is clean" quiet qpdf --check "$appended"
  out=$(pdfsig_says "$appended")
  show pdfsig 'document signed|Validation' "$out"
  check "appended: pdfsig says Not total document signed" grep -q 'Not total document signed' <<<"$out"
  out=$(pyhanko_says "$appended")
  show pyHanko 'cover|modifications|policy|judged|exit status' "$out"
  check "appended: pyHanko exits non-zero" lacks '^exit status 0$' <<<"$out"
  check "appended: pyHanko: does not cover the entire file" grep -q 'does not cover the entire file' <<<"$out"
  check "appended: pyHanko: incompatible with the DocMDP policy" \
    grep -q 'incompatible with the current document modification policy' <<<"$out"
  check "appended: pyHanko does not judge it VALID" lacks 'judged VALID' <<<"$out"
  out=$(gazette_says "$appended")
  show "gazette verify" '^INVALID|^VALID|^MODIFIED|change |exit status' "$out"
  first=$(head -n 1 <<<"$out")
  check "appended: gazette verify exits 1" grep -q '^exit status 1$' <<<"$out"
  check "appended: gazette verify says MODIFIED first" grep -q '^MODIFIED' <<<"$first"
  check "appended: gazette verify names page 3" grep -q 'page 3' <<<"$first"
fi

finish
