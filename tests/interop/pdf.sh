#!/usr/bin/env bash
# The sample edition as third-party tools see it: every font embedded, PDF/A
# metadata, the pages, the circular's text, a clean structure, and the same
# bytes from a second build. Needs poppler-utils and qpdf.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
issue=samples/shanghai-gazette-2025-08
pdf="$out/a/shanghai-gazette-2025-08/shanghai-gazette-2025-08.pdf"
cargo run -q -- build "$issue" --out "$out/a" 2>/dev/null
cargo run -q -- build "$issue" --out "$out/b" 2>/dev/null

failures=0
check() { # check NAME COMMAND...
  if "${@:2}"; then echo "ok: $1"; else echo "FAILED: $1"; failures=$((failures + 1)); fi
}

check "two builds are byte-identical" cmp -s "$pdf" "$out/b/shanghai-gazette-2025-08/shanghai-gazette-2025-08.pdf"
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

echo "$((10 - failures)) passed, $failures failed"
test "$failures" -eq 0
