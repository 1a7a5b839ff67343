#!/usr/bin/env bash
# The verification code and QR code on every page, as a reader's phone sees
# them: each page of the edition PDF and of every document's own PDF,
# rendered by poppler's pdftoppm at 150 dpi, decodes with ZXing-C++ (PyPI
# zxing-cpp) to exactly one QR code, the verify_url manifest.json gives for that page's
# document (the edition's for the cover and contents), which holds the
# verification_code recomputed here from the document's data file
# (docs/data.md), and the page's text (pdftotext) prints that code. Then with
# [gazette] verify-url set, the QR codes hold that URL. Needs poppler-utils
# and python3 with zxing-cpp and pillow (pip); .ci/run installs them. (ZBar's
# zbarimg needs about 2.7 pixels a module, 17 mm of QR code at 150 dpi: the
# 14 mm code a page prints reads at 175 dpi and up.)
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in pdftoppm pdftotext pdfinfo python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool not found: install poppler-utils python3" >&2
    exit 1
  fi
done
python3 -c 'import zxingcpp, PIL' 2>/dev/null || {
  echo "python3 with zxing-cpp and pillow is needed: python3 -m pip install zxing-cpp pillow" >&2
  exit 1
}

issue=samples/shanghai-gazette-2025-08
id=shanghai-gazette-2025-08
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh

cargo build -q
cargo run -q -- build --no-seal "$issue" --out "$work/out" >/dev/null 2>&1
folder=$work/out/$id

# expected FOLDER: one line a page of the edition PDF, "PDF PAGE URL CODE",
# then one for each page of each document's PDF, from manifest.json; each
# code recomputed from its data file as docs/data.md says, and checked
# against the manifest's.
expected() {
  python3 - "$1" <<'PY'
import hashlib, json, subprocess, sys
folder = sys.argv[1]
manifest = json.load(open(f"{folder}/manifest.json"))
edition_id = manifest["edition"]["id"]

def code(data):
    bits = int.from_bytes(hashlib.sha256(data).digest()[:8], "big") >> 4
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    chars = "".join(alphabet[(bits >> (5 * (11 - i))) & 31] for i in range(12))
    return "-".join(chars[i:i + 4] for i in range(0, 12, 4))

def pages(pdf):
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    return int(next(l.split()[1] for l in info.splitlines() if l.startswith("Pages:")))

edition_code = code(open(f"{folder}/{edition_id}.json", "rb").read())
assert edition_code == manifest["verification_code"], (edition_code, manifest["verification_code"])
assert edition_code in manifest["verify_url"], manifest["verify_url"]
edition_pdf = f"{folder}/{edition_id}.pdf"
owner = {}  # the document printed on each printed page
for position, document in enumerate(manifest["documents"], 1):
    data = open(f"{folder}/documents/{edition_id}-{position:02}.json", "rb").read()
    assert code(data) == document["verification_code"], (position, document["verification_code"])
    assert document["verification_code"] in document["verify_url"], document["verify_url"]
    for printed in range(document["pdf_pages"]["first"], document["pdf_pages"]["last"] + 1):
        owner[printed] = document
total = pages(edition_pdf)
front = total - max(owner)
for page in range(1, total + 1):
    entry = owner.get(page - front)
    url, c = (entry["verify_url"], entry["verification_code"]) if entry else (manifest["verify_url"], edition_code)
    print(edition_pdf, page, url, c)
for position, document in enumerate(manifest["documents"], 1):
    for file in document.get("files", []):
        if file["media_type"] == "application/pdf":
            pdf = f"{folder}/{file['path']}"
            for page in range(1, pages(pdf) + 1):
                print(pdf, page, document["verify_url"], document["verification_code"])
PY
}

# decoded PDF PAGE: the QR codes ZXing-C++ reads on the page rendered at
# 150 dpi, one a line.
decoded() {
  pdftoppm -r 150 -gray -f "$2" -l "$2" -png "$1" "$work/page"
  local png
  png=$(ls "$work"/page*.png)
  python3 - "$png" <<'PY'
import sys, zxingcpp
from PIL import Image
for found in zxingcpp.read_barcodes(Image.open(sys.argv[1])):
    if found.format == zxingcpp.BarcodeFormat.QRCode:
        print(found.text)
PY
  rm -f "$png"
}

# every_page_decodes LIST: each page's only QR code is its URL, and its text
# prints its code.
every_page_decodes() {
  local pdf page url code found pages=0
  while read -r pdf page url code; do
    found=$(decoded "$pdf" "$page")
    if [ "$found" != "$url" ]; then
      echo "    ${pdf#"$work"/} page $page: decoded \"$found\", expected \"$url\""
      return 1
    fi
    if ! grep -qF -- "$code" <<<"$(pdftotext -f "$page" -l "$page" "$pdf" -)"; then
      echo "    ${pdf#"$work"/} page $page: the text does not print $code"
      return 1
    fi
    pages=$((pages + 1))
  done <"$1"
  echo "    $pages pages decoded, e.g. $(head -n 1 "$1" | cut -d' ' -f3)"
  test "$pages" -gt 0
}

check "manifest.json's codes are those recomputed from the data files (docs/data.md)" \
  eval 'expected "$folder" >"$work/pages"'
check "the edition PDF's pages and the documents' PDFs' pages are all listed" \
  test "$(grep -c "^$folder/$id.pdf " "$work/pages")" -ge 3 -a "$(grep -vc "^$folder/$id.pdf " "$work/pages")" -ge 1
grep "^$folder/$id.pdf " "$work/pages" >"$work/edition-pages"
grep -v "^$folder/$id.pdf " "$work/pages" >"$work/document-pages"
check "every page of the edition PDF decodes (ZXing-C++, 150 dpi) to its document's verify_url" \
  every_page_decodes "$work/edition-pages"
check "every page of each document's own PDF decodes to the document's verify_url" \
  every_page_decodes "$work/document-pages"

# A code that is not the page's must fail the check above.
sed -n '1{s/?=code=[0-9A-Z-]*/?=code=0000-0000-0000/;p}' "$work/edition-pages" >"$work/wrong"
wrong_fails() { ! every_page_decodes "$work/wrong" >/dev/null; }
check "a page expected to hold another code fails the check" wrong_fails

# With [gazette] verify-url, the QR codes hold that URL with the page's code.
cp -r "$issue" "$work/issue"
sed -i 's|^\[gazette\]$|[gazette]\nverify-url = "https://gazette.example.gov.cn/verify?code={code}"|' "$work/issue/issue.toml"
cargo run -q -- build --no-seal "$work/issue" --out "$work/out2" >/dev/null 2>&1
configured() {
  expected "$work/out2/$id" >"$work/all-configured" &&
    sed -n 1p "$work/all-configured" >"$work/configured" &&
    grep -q ' https://gazette.example.gov.cn/verify?code=[0-9A-Z]\{4\}-' "$work/configured" &&
    every_page_decodes "$work/configured"
}
check "with verify-url, the cover's QR code is that URL with the edition's code" configured
finish
