#!/usr/bin/env bash
# PDF signatures gazette did not make, as third-party validators judge them.
# With the test PKI of tests/pki (certomancer, fresh keys each run), this makes
# small PDFs signed by other tools: pyHanko PAdES (B-B and B-T), pyHanko
# adbe.pkcs7.detached, `openssl cms -sign` CMS with a signing-time (DER) and
# with `-stream` (BER, detached), a SHA-1 signature, two approval signatures,
# and a certification (DocMDP P2) followed by a form fill and an approval
# signature (allowed), by an annotation (not allowed) or by a visible
# signature field (not allowed), and a B-T signature carrying the time-stamp
# token of another signature (its imprint does not match). Of each signed file it also makes a copy with
# one byte flipped inside the signed range. On every file gazette's verdict
# must agree with pdfsig (which checks the signatures' bytes and trust, not
# what changed after them) and with `pyhanko sign validate`.
#
#   foreign.sh [KEEP_DIR]   KEEP_DIR: also keep the untampered PDFs and the root there
#
# Needs poppler-utils, libnss3-tools, openssl, python3 with pyhanko,
# pyhanko-cli and certomancer[web-api].
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in pdfsig certutil openssl python3 pyhanko; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool not found: install poppler-utils libnss3-tools openssl, and pip install pyhanko pyhanko-cli 'certomancer[web-api]'" >&2
    exit 1
  fi
done
keep=${1:-}
work=$(mktemp -d)
pki=$work/pki
trap 'bash tests/pki/responders.sh stop "$pki" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
bash tests/pki/responders.sh start "$pki" >/dev/null
# shellcheck source=/dev/null
source "$pki/env"
certs=$PKI_CERTS
root=$certs/root.cert.pem
cat "$certs/interm.cert.pem" >"$work/chain.pem"
signer=(pemder --key "$pki/keys/seal.key.pem" --cert "$certs/seal.cert.pem" --chain "$work/chain.pem" --no-pass)

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh
quiet() { "$@" >/dev/null 2>&1; }
quiet_not() { ! "$@" >/dev/null 2>&1; }

# PDFs made and changed with pyHanko's writer, and an openssl CMS put into a
# signature's /Contents over the same byte range.
cat >"$work/pdfs.py" <<'PYTHON'
"""  pdfs.py form OUT                 a one-page PDF with a visible text field
  pdfs.py fill IN OUT              fill the text field in (incremental update)
  pdfs.py annotate IN OUT          add a FreeText annotation (incremental update)
  pdfs.py resign IN OUT CMS_ARGS.. replace the CMS by `openssl cms -sign CMS_ARGS`
  pdfs.py flip IN OUT              flip one byte inside the first signed range
  pdfs.py swap-token IN DONOR OUT  give IN's signature the time-stamp token of DONOR's"""
import re, subprocess, sys
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PdfFileWriter

def form(out):
    w = PdfFileWriter()
    page = generic.DictionaryObject({
        generic.NameObject('/Type'): generic.NameObject('/Page'),
        generic.NameObject('/MediaBox'): generic.ArrayObject(map(generic.NumberObject, [0, 0, 300, 200])),
        generic.NameObject('/Resources'): generic.DictionaryObject(),
    })
    page_ref = w.insert_page(page)
    field = generic.DictionaryObject({
        generic.NameObject('/FT'): generic.NameObject('/Tx'),
        generic.NameObject('/T'): generic.TextStringObject('Name'),
        generic.NameObject('/Type'): generic.NameObject('/Annot'),
        generic.NameObject('/Subtype'): generic.NameObject('/Widget'),
        generic.NameObject('/Rect'): generic.ArrayObject(map(generic.NumberObject, [20, 120, 200, 150])),
        generic.NameObject('/P'): page_ref,
        generic.NameObject('/DA'): generic.TextStringObject('/Helv 12 Tf 0 g'),
    })
    field_ref = w.add_object(field)
    page_ref.get_object()[generic.NameObject('/Annots')] = generic.ArrayObject([field_ref])
    w.root[generic.NameObject('/AcroForm')] = generic.DictionaryObject({
        generic.NameObject('/Fields'): generic.ArrayObject([field_ref]),
    })
    with open(out, 'wb') as f:
        w.write(f)

def fill(src, out):
    w = IncrementalPdfFileWriter(open(src, 'rb'))
    fields = w.root['/AcroForm']['/Fields']
    for index in range(len(fields)):
        field_ref = fields.raw_get(index)
        field = field_ref.get_object()
        if field.get('/FT') == '/Tx':
            field[generic.NameObject('/V')] = generic.TextStringObject('Alice')
            w.mark_update(field_ref)
    with open(out, 'wb') as f:
        w.write(f)

def annotate(src, out):
    w = IncrementalPdfFileWriter(open(src, 'rb'))
    page_ref = w.root['/Pages']['/Kids'].raw_get(0)
    page = page_ref.get_object()
    note = w.add_object(generic.DictionaryObject({
        generic.NameObject('/Type'): generic.NameObject('/Annot'),
        generic.NameObject('/Subtype'): generic.NameObject('/FreeText'),
        generic.NameObject('/Rect'): generic.ArrayObject(map(generic.NumberObject, [20, 20, 280, 60])),
        generic.NameObject('/Contents'): generic.TextStringObject('Approved: pay 1 000 000'),
        generic.NameObject('/DA'): generic.TextStringObject('/Helv 12 Tf 0 g'),
    }))
    annots = generic.ArrayObject(list(page.get('/Annots', [])))
    annots.append(note)
    page[generic.NameObject('/Annots')] = annots
    w.mark_update(page_ref)
    with open(out, 'wb') as f:
        w.write(f)

def resign(src, out, args):
    b = bytearray(open(src, 'rb').read())
    a, l1, c, l2 = map(int, re.search(rb'/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]', b).groups())
    signed = bytes(b[a:a + l1] + b[c:c + l2])
    cms = subprocess.run(['openssl', 'cms', '-sign', '-binary', '-outform', 'DER'] + args,
                         input=signed, capture_output=True, check=True).stdout
    if '-stream' in args:
        cms = strip_econtent(cms)
    hole = b[a + l1:c]
    value = cms.hex().encode()
    assert hole[:1] == b'<' and hole[-1:] == b'>' and len(value) <= len(hole) - 2
    b[a + l1 + 1:c - 1] = value + b'0' * (len(hole) - 2 - len(value))
    open(out, 'wb').write(b)

def header(b, i):
    i += 1
    length = b[i]; i += 1
    if length == 0x80:
        return None, i
    if length & 0x80:
        n = length & 0x7f
        length = int.from_bytes(b[i:i + n], 'big'); i += n
    return length, i

def end(b, i):
    length, j = header(b, i)
    if length is not None:
        return j + length
    while b[j:j + 2] != b'\0\0':
        j = end(b, j)
    return j + 2

def strip_econtent(b):
    """openssl -stream always embeds the content (BER, indefinite lengths):
    drop the [0] eContent; the enclosing lengths are indefinite."""
    _, i = header(b, 0); i = end(b, i)
    _, i = header(b, i); _, i = header(b, i)
    i = end(b, i); i = end(b, i)
    _, i = header(b, i); i = end(b, i)
    assert b[i] == 0xa0
    return b[:i] + b[end(b, i):]

def flip(src, out):
    b = bytearray(open(src, 'rb').read())
    a, l1 = map(int, re.search(rb'/ByteRange\s*\[\s*(\d+)\s+(\d+)', b).groups())
    where = b.index(b'300', b.index(b'/MediaBox'))
    assert where < l1
    b[where] ^= 0x01  # the page becomes 200 points wide
    open(out, 'wb').write(b)

def signature_value(b):
    a, l1, c, _ = map(int, re.search(rb'/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]', b).groups())
    return a + l1 + 1, c - 1

def swap_token(src, donor, out):
    from asn1crypto import cms
    def signed_data(b):
        start, end = signature_value(b)
        return start, end, cms.ContentInfo.load(bytes.fromhex(b[start:end].decode()), strict=False)
    b = bytearray(open(src, 'rb').read())
    start, end, info = signed_data(b)
    _, _, other = signed_data(open(donor, 'rb').read())
    mine = info['content']['signer_infos'][0]
    mine['unsigned_attrs'] = other['content']['signer_infos'][0]['unsigned_attrs'].copy()
    value = info.dump(force=True).hex().encode()
    assert len(value) <= end - start
    b[start:end] = value + b'0' * (end - start - len(value))
    open(out, 'wb').write(b)

command, *args = sys.argv[1:]
if command == 'resign':
    resign(args[0], args[1], args[2:])
else:
    globals()[command.replace('-', '_')](*args)
PYTHON
pdfs() { python3 "$work/pdfs.py" "$@"; }
addsig() { # addsig OPTIONS... IN OUT
  pyhanko sign addsig "${@:1:$#-2}" "${signer[@]}" "${@: -2}" 2>/dev/null
}

files=$work/files
mkdir -p "$files"
pdfs form "$work/form.pdf"
ossl=(-signer "$certs/seal.cert.pem" -inkey "$pki/keys/seal.key.pem" -certfile "$certs/interm.cert.pem")
quiet addsig --field Sig1 --use-pades "$work/form.pdf" "$files/pyhanko-pades.pdf"
quiet addsig --field Sig1 --use-pades --timestamp-url "$TSA_URL" "$work/form.pdf" "$files/pyhanko-pades-t.pdf"
quiet addsig --field Sig9 --use-pades --timestamp-url "$TSA_URL" "$work/form.pdf" "$work/other-t.pdf"
pdfs swap-token "$files/pyhanko-pades-t.pdf" "$work/other-t.pdf" "$files/foreign-token.pdf"
quiet addsig --field Sig1 "$work/form.pdf" "$files/pyhanko-pkcs7.pdf"
pdfs resign "$files/pyhanko-pkcs7.pdf" "$files/openssl-der.pdf" "${ossl[@]}"
pdfs resign "$files/pyhanko-pkcs7.pdf" "$files/openssl-ber.pdf" -stream "${ossl[@]}"
pdfs resign "$files/pyhanko-pkcs7.pdf" "$files/openssl-sha1.pdf" -md sha1 "${ossl[@]}"
quiet addsig --field Sig2 "$files/pyhanko-pkcs7.pdf" "$files/two-approvals.pdf"
quiet addsig --field Sig1 --certify --use-pades "$work/form.pdf" "$work/certified.pdf"
pdfs fill "$work/certified.pdf" "$work/filled.pdf"
quiet addsig --field Sig2 "$work/filled.pdf" "$files/certified-filled-signed.pdf"
pdfs annotate "$work/certified.pdf" "$files/certified-annotated.pdf"
quiet addsig --field 1/20,20,200,80/Sig2 "$work/certified.pdf" "$files/certified-visible-signature.pdf"
for file in "$files"/*.pdf; do
  pdfs flip "$file" "${file%.pdf}.tampered.pdf"
done
if [ -n "$keep" ]; then
  mkdir -p "$keep"
  cp "$files"/*.pdf "$keep/" && rm -f "$keep"/*.tampered.pdf
  cp "$root" "$keep/foreign-root.pem"
fi

nss=$work/nss
mkdir -p "$nss"
certutil -N -d "sql:$nss" --empty-password
certutil -A -d "sql:$nss" -n root -t "C,C,C" -i "$root"
cargo build -q --no-default-features
gazette=target/debug/gazette
[ -n "${CARGO_TARGET_DIR:-}" ] && gazette=$CARGO_TARGET_DIR/debug/gazette

# Each file's expected verdict: what pdfsig and pyHanko must agree with.
declare -A expected=(
  [pyhanko-pades]=VALID [pyhanko-pades-t]=VALID [pyhanko-pkcs7]=VALID
  [openssl-der]=VALID [openssl-ber]=VALID [openssl-sha1]=INDETERMINATE
  [two-approvals]=VALID [certified-filled-signed]=VALID
  [certified-annotated]=MODIFIED [certified-visible-signature]=MODIFIED
  [foreign-token]=INVALID
)

# pdfsig: every signature's bytes intact and its signer trusted. It does
# not judge what changed after a signature, nor a SHA-1 digest.
pdfsig_intact() {
  local out
  out=$(pdfsig -nssdir "sql:$nss" "$1" 2>&1) || true
  grep -c 'Signature Validation: Signature is Valid' <<<"$out" |
    { read -r valid; test "$valid" -ge 1 && test "$valid" -eq "$(grep -c 'Signature Validation:' <<<"$out")"; }
}
# pyHanko: INTACT and TRUSTED for every signature, and no modification
# beyond what the certification allows.
pyhanko_valid() {
  local out
  out=$(pyhanko sign validate --no-revocation-check --trust "$root" --trust-replace "$1" 2>/dev/null) || return 1
  ! grep -Eqv 'INTACT:TRUSTED' <<<"$out" || return 1
  ! grep -Eq 'NONCOMPLIANT|MODIFIED|UNTOUCHED,INVALID' <<<"$out"
}
verdict() { "$gazette" verify --trust "$root" "$1" 2>/dev/null | head -n 1 | cut -d: -f1 || true; }

for name in "${!expected[@]}"; do
  file=$files/$name.pdf
  want=${expected[$name]}
  got=$(verdict "$file")
  check "$name: gazette says $want ($got)" test "$got" = "$want"
  if [ "$want" = VALID ]; then
    check "$name: pyHanko agrees it is valid" pyhanko_valid "$file"
    check "$name: pdfsig agrees every signature is intact" pdfsig_intact "$file"
  elif [ "$want" = MODIFIED ]; then
    check "$name: pyHanko agrees it is not valid" quiet_not pyhanko_valid "$file"
    check "$name: pdfsig agrees the signatures themselves are intact" pdfsig_intact "$file"
  else # pdfsig checks neither digest strength nor time-stamp tokens
    check "$name: pyHanko agrees it is not valid" quiet_not pyhanko_valid "$file"
  fi
  tampered=$files/$name.tampered.pdf
  got=$(verdict "$tampered")
  check "$name, one byte flipped: gazette says INVALID ($got)" test "$got" = INVALID
  check "$name, one byte flipped: pyHanko agrees it is not valid" quiet_not pyhanko_valid "$tampered"
  check "$name, one byte flipped: pdfsig agrees a signature is broken" quiet_not pdfsig_intact "$tampered"
done

finish
