#!/usr/bin/env bash
# The sample edition as third-party tools see it: every font embedded, PDF/A
# metadata, the pages, the circular's text, a clean structure, and the same
# bytes from a second build (unsealed; sealed, all but the ECDSA signature
# value, whose nonce is random). Needs poppler-utils and qpdf. The seal itself
# is checked by seal.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
issue=samples/shanghai-gazette-2025-08
pdf="$out/a/shanghai-gazette-2025-08/shanghai-gazette-2025-08.pdf"
cargo run -q -- build "$issue" --out "$out/a" 2>/dev/null
cargo run -q -- build "$issue" --out "$out/b" 2>/dev/null
cargo run -q -- build "$issue" --out "$out/u" --no-seal 2>/dev/null
cargo run -q -- build "$issue" --out "$out/v" --no-seal 2>/dev/null

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh
# only_signature_differs A B: same length, and every differing byte lies in
# the gap between A's signed byte ranges, the signature value. (cmp exits 1
# when the files differ, which is expected here.)
only_signature_differs() {
  local range
  read -r -a range <<<"$(grep -a -o -m 1 '/ByteRange *\[[0-9 ]*\]' "$1" | tr -c '0-9\n' ' ')"
  test "${#range[@]}" -eq 4 && test "$(stat -c %s "$1")" -eq "$(stat -c %s "$2")" &&
    { cmp -l "$1" "$2" || test $? -eq 1; } | awk -v from="${range[1]}" -v to="${range[2]}" \
      '$1 - 1 < from || $1 - 1 >= to { outside = 1 } END { exit outside }'
}
edition() { echo "$out/$1/shanghai-gazette-2025-08/shanghai-gazette-2025-08.pdf"; }

check "two unsealed builds are byte-identical" cmp -s "$(edition u)" "$(edition v)"
check "two sealed builds differ only inside the signature value" only_signature_differs "$pdf" "$(edition b)"
fonts=$(pdffonts "$pdf" | tail -n +3)
check "pdffonts lists fonts" test -n "$fonts"
check "pdffonts: every font embedded" test -z "$(awk '{ if ($(NF-4) != "yes") print }' <<<"$fonts")"
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
check "pdfinfo: at least 30 pages ($pages)" test "$pages" -ge 30
check "pdfinfo: PDF/A metadata stream" grep -q '^Metadata Stream: *yes' <(pdfinfo "$pdf")
check "PDF/A-3B identification" grep -q 'pdfaid:part>3<' <(pdfinfo -meta "$pdf")
check "pdfinfo: tagged" grep -q '^Tagged: *yes' <(pdfinfo "$pdf")
text=$(pdftotext "$pdf" - | tr -d ' \n')
check "pdftotext finds the circular's number" grep -q '滬府辦字〔2025〕5號' <<<"$text"
check "pdftotext finds item 29 of the circular" grep -q '深入推進政府公報數字化轉型試點' <<<"$text"
qpdf_clean() { qpdf --check "$pdf" >/dev/null; }
check "qpdf --check is clean" qpdf_clean

# Merged cells over several pages: still PDF/A-3B and tagged, and the header
# rows printed on every page the table runs onto.
merged=$(merged_table_build "$out/merged")
merged_pdf="$merged/merged-table-2025-06.pdf"
check "the merged-table issue's PDF: PDF/A-3B identification" grep -q 'pdfaid:part>3<' <(pdfinfo -meta "$merged_pdf")
check "the merged-table issue's PDF: tagged" grep -q '^Tagged: *yes' <(pdfinfo "$merged_pdf" 2>/dev/null)
header_on_every_table_page() {
  local pages status=0
  pages=$(pdftotext -layout "$merged_pdf" - | python3 -c '
import sys
pages = [p for p in sys.stdin.read().split("\f") if "整改：" in p]
print(len(pages))
sys.exit(0 if len(pages) >= 2 and all("牵头单位" in p and "具体措施" in p for p in pages) else 1)') || status=$?
  echo "  pdftotext: the table runs over $pages pages"
  return "$status"
}
check "pdftotext: both header rows on every page of the table" header_on_every_table_page

finish
