#!/usr/bin/env bash
# The conformance vectors (tests/vectors) judged by independent tools:
# pdfsig, pyHanko, qpdf, EPUBCheck, xmlsec1, bagit, openssl cms and Python's
# jsonschema, each only on the rules it can judge (tests/interop/agreement.py).
# The table must be the one published in docs/spec/agreement.md, whose every
# disagreement is explained there: a new disagreement, or one that went
# away, fails until the spec's notes say why.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/vectors"
GAZETTE_VECTORS_OUT="$work/vectors" cargo test -q --test integration vectors >/dev/null
python3 tests/interop/agreement.py "$work/vectors" "$work/agreement.md" >/dev/null

table() { sed -n '/^| vector |/,/^| \*\*agree/p' "$1"; }
if diff <(table docs/spec/agreement.md) <(table "$work/agreement.md"); then
  echo "ok: every tool's judgement is the one docs/spec/agreement.md publishes"
else
  echo "FAIL: the tools' judgements differ from docs/spec/agreement.md (the diff above)"
  exit 1
fi
