#!/usr/bin/env bash
# Each document's own PDF as third-party tools see it. For every file that
# manifest.json lists under a document: poppler's pdfsig and pyHanko find its
# seal valid and trusted, qpdf finds it clean, its page labels are the printed
# page numbers, and each page's text (pdftotext) is that of the same printed
# page of the edition PDF: same page breaks, same running header naming the
# edition, same printed number in the footer; each page drawn by poppler
# (pdftoppm) has the pixels of the edition's page, although each carries
# only the glyphs of its own pages. Unsealed, two builds give the
# same bytes. Then, sealed with the test PKI and its time-stamp authority,
# each is at B-LTA like the edition.
#
# Needs poppler-utils, qpdf, libnss3-tools, python3 with the PyPI packages
# pyhanko, pyhanko-cli and certomancer[web-api]. Uses the TEST ONLY example
# PKI in certs-example/ and the test PKI of tests/pki/.
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in pdfsig pdftotext pdfinfo pdftoppm pdffonts certutil qpdf python3 pyhanko; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool not found: install poppler-utils qpdf libnss3-tools, and pip install pyhanko pyhanko-cli" >&2
    exit 1
  fi
done

issue=samples/shanghai-gazette-2025-08
id=shanghai-gazette-2025-08
root=certs-example/root.pem
work=$(mktemp -d)
pki=$work/pki
stop_responders() { bash tests/pki/responders.sh stop "$pki" || true; }
trap 'stop_responders; rm -rf "$work"' EXIT

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh
quiet() { "$@" >/dev/null 2>&1; }
show() { # show TOOL PATTERN TEXT: TEXT's lines that match, labelled, for the CI log
  grep -E -- "$2" <<<"$3" | sed "s/^/    $1: /" || true
}

mkdir "$work/nss"
certutil -N -d "sql:$work/nss" --empty-password
certutil -A -d "sql:$work/nss" -n example-root -t "C,C,C" -i "$root"

cargo build -q
cargo run -q -- build "$issue" --out "$work/out" >/dev/null 2>&1
folder=$work/out/$id
edition=$folder/$id.pdf

# One line per document: its PDF's path, first and last printed page.
python3 - "$folder/manifest.json" >"$work/documents" <<'PY'
import json, sys
for document in json.load(open(sys.argv[1]))["documents"]:
    pages = document["pdf_pages"]
    for file in document.get("files", []):
        if file["media_type"] == "application/pdf":
            print(file["path"], pages["first"], pages["last"])
PY
documents=$(wc -l <"$work/documents")
check "manifest.json lists a PDF for each of the sample's documents ($documents)" test "$documents" -ge 2

edition_pages=$(pdfinfo "$edition" 2>/dev/null | awk '/^Pages:/ { print $2 }')
last_printed=$(tail -n 1 "$work/documents" | awk '{ print $3 }')
# The printed pages end with the edition; the pages before printed page 1
# are the cover and the contents.
front=$((edition_pages - last_printed))
page_text() { pdftotext -layout -f "$2" -l "$2" "$1" - 2>/dev/null; }

same_pages() { # same_pages PDF FIRST LAST: each page's text is the edition's
  local pdf=$1 first=$2 last=$3 page
  for ((page = 1; page <= last - first + 1; page++)); do
    if ! cmp -s <(page_text "$pdf" "$page") <(page_text "$edition" $((front + first + page - 1))); then
      echo "    page $page (printed $((first + page - 1))) differs from the edition's"
      return 1
    fi
  done
}
# Every page of the edition drawn once, to compare each document's with.
mkdir "$work/drawn"
pdftoppm -r 50 -gray "$edition" "$work/drawn/edition"
drawn_page() { # drawn_page N: the edition's page N as pdftoppm drew it
  printf '%s/drawn/edition-%0*d.pgm' "$work" "${#edition_pages}" "$1"
}
same_pixels() { # same_pixels PDF FIRST: each page drawn as the edition's
  local pdf=$1 first=$2 page=0 drawn
  pdftoppm -r 50 -gray "$pdf" "$work/drawn/piece"
  for drawn in "$work"/drawn/piece-*.pgm; do
    page=$((page + 1))
    if ! cmp -s "$drawn" "$(drawn_page $((front + first + page - 1)))"; then
      echo "    page $page (printed $((first + page - 1))) is not drawn as the edition's"
      rm -f "$work"/drawn/piece-*.pgm
      return 1
    fi
  done
  rm -f "$work"/drawn/piece-*.pgm
  test "$page" -gt 0
}
labels() { # labels PDF: its page labels' start numbers, one a line
  qpdf --json --json-key=pagelabels "$1" |
    python3 -c 'import json, sys; print("\n".join(str(l["label"]["/St"]) for l in json.load(sys.stdin)["pagelabels"]))'
}

while read -r path first last; do
  pdf=$folder/$path
  name=$(basename "$path")
  check "$name: in the package too" cmp -s "$pdf" "$folder/$id.bag/data/$path"
  pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
  check "$name: $pages pages, printed $first to $last" test "$pages" -eq $((last - first + 1))
  check "$name: every page's text is the edition's" same_pages "$pdf" "$first" "$last"
  check "$name: every page drawn as the edition's (pdftoppm)" same_pixels "$pdf" "$first"
  check "$name: every font embedded (pdffonts)" \
    test -z "$(pdffonts "$pdf" 2>/dev/null | awk 'NR > 2 && $(NF-4) != "yes"')"
  check "$name: its page labels are the printed numbers" \
    test "$(labels "$pdf" | tr '\n' ' ')" = "$(seq -s ' ' "$first" "$last") "
  text=$(page_text "$pdf" 1 | tr -d ' ')
  check "$name: page 1's footer prints —${first}—" grep -q -- "—${first}—" <<<"$text"
  check "$name: page 1's header names the edition" grep -q '上海市人民政府公报.*2025年第8期' <<<"$text"
  check "$name: PDF/A-3B" grep -q 'pdfaid:part>3<' <(pdfinfo -meta "$pdf" 2>/dev/null)

  out=$(pdfsig -nssdir "sql:$work/nss" "$pdf" 2>/dev/null || true)
  show pdfsig 'Signature Type|document signed|Validation' "$out"
  check "$name: pdfsig: Signature is Valid" grep -q 'Signature is Valid' <<<"$out"
  check "$name: pdfsig: Certificate is Trusted" grep -q 'Certificate is Trusted' <<<"$out"
  check "$name: pdfsig: Total document signed" grep -q 'Total document signed' <<<"$out"

  status=0
  out=$(pyhanko sign validate --trust "$root" --trust-replace --pretty-print "$pdf" 2>&1) || status=$?
  show pyHanko 'is trusted|cryptographically|covers|judged' "$out"
  check "$name: pyHanko: exit status 0" test "$status" -eq 0
  check "$name: pyHanko: signer trusted" grep -q "The signer's certificate is trusted" <<<"$out"
  check "$name: pyHanko: covers the entire file" grep -q 'The signature covers the entire file' <<<"$out"
  check "$name: pyHanko: judged VALID" grep -q 'The signature is judged VALID' <<<"$out"

  check "$name: qpdf --check is clean" quiet qpdf --check "$pdf"
  check "$name: gazette verify says VALID" quiet cargo run -q -- verify "$pdf" --trust "$root"
done <"$work/documents"

# One changed byte in the signed range of a document's PDF.
read -r path _ <"$work/documents"
flipped=$work/flipped.pdf
python3 - "$folder/$path" "$flipped" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 3] ^= 1
open(sys.argv[2], "wb").write(data)
PY
out=$(pdfsig -nssdir "sql:$work/nss" "$flipped" 2>/dev/null || true)
check "flipped: pdfsig no longer says Signature is Valid" test -z "$(grep 'Signature is Valid' <<<"$out")"
check "flipped: gazette verify fails" test "$(cargo run -q -- verify "$flipped" --trust "$root" >/dev/null 2>&1; echo $?)" -ne 0

cargo run -q -- build "$issue" --out "$work/u" --no-seal >/dev/null 2>&1
cargo run -q -- build "$issue" --out "$work/v" --no-seal >/dev/null 2>&1
check "two unsealed builds give byte-identical documents' PDFs" \
  diff -r "$work/u/$id/documents" "$work/v/$id/documents"

echo "== B-LTA: the sample sealed with the test PKI and its time-stamp authority"
# The test PKI's certificates begin today, so the issue is dated after them.
lta_issue=$work/issue-2026
lta_id=shanghai-gazette-2026-08
cp -r "$issue" "$lta_issue"
sed -i -e 's/^year    = 2025 /year    = 2026 /' -e 's/^date    = 2025-08-15 /date    = 2026-08-15 /' "$lta_issue/issue.toml"
bash tests/pki/responders.sh start "$pki"
# shellcheck disable=SC1091 # written by responders.sh
source "$pki/env"
lta_root=$PKI_CERTS/root.cert.pem
cat "$PKI_CERTS/seal.cert.pem" "$PKI_CERTS/interm.cert.pem" "$lta_root" >"$work/chain.pem"
cargo run -q -- build "$lta_issue" --out "$work/lta" --seal-cert "$work/chain.pem" \
  --seal-key "$pki/keys/seal.key.pem" --tsa "$TSA_URL" >"$work/lta.log" 2>&1 ||
  sed 's/^/    build: /' "$work/lta.log"
lta_pdfs=("$work/lta/$lta_id/documents/"*.pdf)
check "B-LTA: a PDF for each document (${#lta_pdfs[@]})" test "${#lta_pdfs[@]}" -eq "$documents"
for pdf in "${lta_pdfs[@]}"; do
  name=$(basename "$pdf")
  [ -f "$pdf" ] || continue
  out=$(pyhanko sign validate --no-revocation-check --trust "$lta_root" --trust-replace "$pdf" 2>/dev/null || true)
  show pyHanko . "$out"
  check "$name: pyHanko: intact, trusted, its timestamp token too" \
    grep -q 'INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>' <<<"$out"
  check "$name: pyHanko: the updates after it are LTA updates" grep -q 'EXTENDED_WITH_LTA_UPDATES' <<<"$out"
  out=$(cargo run -q -- verify "$pdf" --trust "$lta_root" 2>&1 || true)
  check "$name: gazette verify: VALID at level B-LTA" \
    test "$(grep -c -e '^VALID' -e 'level: B-LTA' <<<"$out")" -eq 2
done

finish
