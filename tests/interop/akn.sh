#!/usr/bin/env bash
# The sample's Akoma Ntoso as third parties see it: every file the build
# writes (the edition's officialGazette and each document's statement, in the
# edition folder and in the bag) validates against the OASIS Akoma Ntoso 3.0
# schema with xmllint and with Python's xmlschema, and a broken copy fails
# both. The edition PDF carries the edition's file as a PDF/A-3 associated
# file (pdfdetach, qpdf), byte for byte; gazette verify finds the package
# VALID, and a changed byte in a document's file breaks it. Needs xmllint
# (apt libxml2-utils), python3 with xmlschema (pip), pdfdetach (poppler-utils)
# and qpdf.
set -euo pipefail
cd "$(dirname "$0")/../.."

schema=tests/interop/schemas/akomantoso30/akomantoso30.xsd
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
issue=samples/shanghai-gazette-2025-08
id=shanghai-gazette-2025-08
root=certs-example/root.pem
cargo run -q -- build "$issue" --out "$out" \
  --seal-key certs-example/seal-rsa.key.pem --seal-cert certs-example/seal-rsa-chain.pem >/dev/null 2>&1
edition=$out/$id
bag=$edition/$id.bag

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh
fails() { ! "$@"; } # fails COMMAND...: COMMAND exits non-zero

mapfile -t files < <(find "$edition" -name '*.akn.xml' | sort)
documents=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["documents"]))' "$edition/manifest.json")
# The edition's file and one a document, in the folder and in the bag.
check "the build wrote $((2 * (documents + 1))) Akoma Ntoso files" test "${#files[@]}" -eq $((2 * (documents + 1)))

xmllint_valid() { # xmllint_valid FILE...: every file validates
  xmllint --noout --schema "$schema" "$@" 2>&1 | grep -v ' validates$' | sed 's/^/  xmllint: /'
  xmllint --noout --schema "$schema" "$@" 2>/dev/null
}
xmlschema_valid() { # xmlschema_valid FILE...: every file validates
  python3 - "$schema" "$@" <<'PY'
import sys, xmlschema
schema = xmlschema.XMLSchema(sys.argv[1])
for path in sys.argv[2:]:
    errors = list(schema.iter_errors(path))
    for error in errors[:3]:
        print(f"  xmlschema: {path.rsplit('/', 1)[-1]}: {error.reason} at {error.path}")
    if errors:
        sys.exit(1)
print(f"  xmlschema: {len(sys.argv) - 2} files valid")
PY
}
check "xmllint validates every file against the OASIS schema" xmllint_valid "${files[@]}"
check "xmlschema validates every file against the OASIS schema" xmlschema_valid "${files[@]}"

# A broken copy: an element the schema does not have, inside the body.
broken=$out/broken.akn.xml
sed '0,/<mainBody>/s//<mainBody><notAkomaNtoso\/>/' "$edition/$id.akn.xml" >"$broken"
check "the broken copy differs" fails cmp -s "$broken" "$edition/$id.akn.xml"
check "xmllint rejects the broken copy" fails xmllint --noout --schema "$schema" "$broken" 2>/dev/null
xmlschema_rejects() { ! xmlschema_valid "$1"; }
check "xmlschema rejects the broken copy" xmlschema_rejects "$broken"

check "the folder's files are the bag's" diff -r "$edition/documents" "$bag/data/documents"
check "the edition's file is the bag's" cmp "$edition/$id.akn.xml" "$bag/data/edition/$id.akn.xml"

attached_akn() { # the PDF's associated file is the edition's Akoma Ntoso
  local list
  list=$(pdfdetach -list "$edition/$id.pdf")
  echo "$list" | sed 's/^/  pdfdetach: /'
  grep -q "$id.akn.xml\$" <<<"$list" || return 1
  pdfdetach -savefile "$id.akn.xml" -o "$out/attached.akn.xml" "$edition/$id.pdf" &&
    cmp "$out/attached.akn.xml" "$edition/$id.akn.xml"
}
check "the PDF carries the edition's Akoma Ntoso" attached_akn
qpdf_clean() { qpdf --check "$1" >"$out/qpdf.txt" 2>&1 && grep -q '^No syntax or stream encoding errors' "$out/qpdf.txt"; }
check "qpdf finds no error in the PDF" qpdf_clean "$edition/$id.pdf"
af_relationship() { # the file specification says what the file is (PDF/A-3)
  qpdf --qdf --object-streams=disable "$edition/$id.pdf" "$out/qdf.pdf"
  # qpdf writes each dictionary's keys in order: /AFRelationship before /F.
  grep -a -B12 "/F ($id.akn.xml)" "$out/qdf.pdf" | grep -aq '/AFRelationship /Alternative' &&
    grep -aq '/Subtype /application#2fakn+xml' "$out/qdf.pdf"
}
check "its file specification says Alternative, application/akn+xml" af_relationship

gazette_verify() { # gazette_verify PATH EXPECTED-EXIT FIRST-WORD
  local said code=0
  said=$(cargo run -q -- verify "$1" --trust "$root" 2>&1) || code=$?
  echo "  gazette verify: ${said%%$'\n'*}"
  test "$code" -eq "$2" && [[ ${said%%$'\n'*} == "$3"* ]]
}
check "gazette verify finds the package VALID" gazette_verify "$bag" 0 VALID
cp -r "$bag" "$out/tampered.bag"
first=$(find "$out/tampered.bag/data/documents" -name '*.akn.xml' | sort | head -1)
python3 - "$first" <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
data[len(data) // 2] ^= 1
open(path, "wb").write(data)
PY
check "a changed byte in a document's Akoma Ntoso is INVALID" gazette_verify "$out/tampered.bag" 1 INVALID

# Merged cells: rowspan/colspan on <th> and <td>, as the schema allows them.
merged=$(merged_table_build "$out/merged")
check "a table with merged cells writes rowspan and colspan" grep -q '<td rowspan="2" colspan="2">' "$merged/merged-table-2025-06.akn.xml"
check "xmllint validates the merged-table issue's files" xmllint_valid "$merged"/*.akn.xml "$merged"/documents/*.akn.xml
check "xmlschema validates the merged-table issue's files" xmlschema_valid "$merged"/*.akn.xml "$merged"/documents/*.akn.xml

finish
