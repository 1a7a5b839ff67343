#!/usr/bin/env bash
# The conformance vectors (tests/vectors) judged by independent tools:
# pdfsig, pyHanko, qpdf, EPUBCheck, xmlsec1, bagit, openssl cms, Python's
# jsonschema and the site's verify page in Debian's chromium (a site written
# from the vectors' valid package, each vector dropped on the page by
# tests/site/vectors.mjs), each only on the rules it can judge
# (tests/interop/agreement.py). The long-term vectors (tests/vectors/long-term,
# made while the test PKI's responders run, then judged with them stopped)
# by pyHanko's validate and adesverify, bagit and openssl ts.
# The table must be the one published in docs/spec/agreement.md, whose every
# disagreement is explained there: a new disagreement, or one that went
# away, fails until the spec's notes say why.
set -euo pipefail
cd "$(dirname "$0")/../.."

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh
if ! browser_ready; then
  echo "FAIL: tests/interop/agreement.sh needs chromium and npm for the verify page, and they could not be installed"
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/vectors" "$work/editions"
GAZETTE_VECTORS_OUT="$work/vectors" cargo test -q --test integration vectors >/dev/null
if [ ! -f "$work/vectors/long-term/root.pem" ]; then
  echo "FAIL: the long-term vectors were not made: install certomancer (pip install 'certomancer[web-api]')"
  exit 1
fi
# The site publishes the valid package's files: a vector is authentic to
# the page only when it is that package or one of its files, unchanged.
cp "$work/vectors/package-valid.zip" "$work/editions/shanghai-gazette-2025-08.bag.zip"
cargo run -q -- site "$work/editions" --out "$work/site" --trust certs-example/root.pem >/dev/null 2>&1
(cd tests/site && SITE="$work/site" VECTORS="$work/vectors" OUT="$work/verify-page.json" node vectors.mjs >/dev/null)
GAZETTE_VERIFY_PAGE="$work/verify-page.json" \
  python3 tests/interop/agreement.py "$work/vectors" "$work/agreement.md" >/dev/null

table() { sed -n '/^| vector |/,/^| \*\*agree/p' "$1"; }
if diff <(table docs/spec/agreement.md) <(table "$work/agreement.md"); then
  echo "ok: every tool's judgement is the one docs/spec/agreement.md publishes"
else
  echo "FAIL: the tools' judgements differ from docs/spec/agreement.md (the diff above)"
  exit 1
fi
