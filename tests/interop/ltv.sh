#!/usr/bin/env bash
# The long-term seal as third-party validators see it. The sample is built with
# the test PKI's seal key and its real time-stamp authority, OCSP responder and
# CRL server (tests/pki, certomancer on localhost), so the PDF seal is PAdES
# B-LTA; then `gazette extend` renews it. While the responders run: pdfsig says
# the signature is valid and trusted, qpdf finds the file clean, pyHanko finds
# it intact and trusted with its timestamps, and the extended file starts with
# every byte of the built one. With the responders STOPPED, pyHanko's ETSI EN
# 319 102-1 process (adesverify) and `gazette verify` must judge both files
# valid from the evidence embedded in them alone. A time-stamp authority that
# does not answer fails the build, and nothing is written.
#
# Renewal years later: a seal made on 2026-03-01 (the responders' clock set
# back) with a certificate revoked since 2026-06-01 is extended today: the
# revocation is a note, kept as evidence, and the seal stays valid. The same
# PKI served again on another port stands for a later TSA: once the seal's CA
# is gone, extend still succeeds with notes while the newest timestamp's TSA
# answers, and fails, the file unchanged, once that one is gone too.
#
# The sample is dated 2026 here, when the test PKI's seal certificate is valid.
#
# Needs poppler-utils, qpdf, libnss3-tools, openssl, python3 with the PyPI
# packages pyhanko, pyhanko-cli and certomancer[web-api].
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in pdfsig certutil qpdf openssl python3 pyhanko; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool not found: install poppler-utils qpdf libnss3-tools openssl, and pip install pyhanko pyhanko-cli 'certomancer[web-api]'" >&2
    exit 1
  fi
done

work=$(mktemp -d)
# The sample, dated in a year the test PKI's seal certificate covers
# (2026-2030): the seal's claimed time must fall inside its validity.
issue=$work/issue
edition=shanghai-gazette-2026-08
cp -r samples/shanghai-gazette-2025-08 "$issue"
sed -i -e 's/^year    = 2025 /year    = 2026 /' -e 's/^date    = 2025-08-15 /date    = 2026-08-15 /' "$issue/issue.toml"
pki=$work/pki
later=$work/pki-later
stop_responders() { bash tests/pki/responders.sh stop "$pki" || true; }
trap 'stop_responders; bash tests/pki/responders.sh stop "$later" || true; rm -rf "$work"' EXIT

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh
lacks() { ! grep -q "$@"; }
quiet() { "$@" >/dev/null 2>&1; }
show() { # show TOOL PATTERN TEXT: TEXT's lines that match, labelled, for the CI log
  grep -E -- "$2" <<<"$3" | sed "s/^/    $1: /" || true
}

bash tests/pki/responders.sh start "$pki"
# shellcheck disable=SC1091 # written by responders.sh
source "$pki/env"
root=$PKI_CERTS/root.cert.pem
cat "$PKI_CERTS/seal.cert.pem" "$PKI_CERTS/interm.cert.pem" "$root" >"$work/chain.pem"

mkdir "$work/nss"
certutil -N -d "sql:$work/nss" --empty-password
certutil -A -d "sql:$work/nss" -n test-root -t "C,C,C" -i "$root"

cargo build -q
gazette() { cargo run -q -- "$@"; }
gazette_says() {
  local status=0 out
  out=$(gazette verify "$1" --trust "$root" 2>&1) || status=$?
  printf '%s\nexit status %s\n' "$out" "$status"
}
pyhanko_says() { # the one-line status of each signature
  pyhanko sign validate --no-revocation-check --trust "$root" --trust-replace "$1" 2>/dev/null || true
}
adesverify_says() { # the ETSI process at the present time, from the embedded evidence
  pyhanko sign adesverify --trust "$root" --trust-replace \
    --validation-time "$(date -u +%Y-%m-%dT%H:%M:%S+00:00)" --executive-summary "$1" 2>/dev/null || true
}

echo "== build: the sample sealed with the test PKI and its TSA (B-LTA)"
sealed=$work/out/$edition/$edition.pdf
if gazette build "$issue" --out "$work/out" --seal-cert "$work/chain.pem" \
  --seal-key "$pki/keys/seal.key.pem" --tsa "$TSA_URL" >"$work/build.log" 2>&1; then
  check "build with --tsa" true
else
  sed 's/^/    build: /' "$work/build.log"
  check "build with --tsa" false
fi

echo "== build: a time-stamp authority that does not answer"
if gazette build "$issue" --out "$work/down" --seal-cert "$work/chain.pem" \
  --seal-key "$pki/keys/seal.key.pem" --tsa "$PKI_URL/gazette/tsa/no-such-tsa" >"$work/down.log" 2>&1; then
  check "a build whose TSA fails fails" false
else
  show build 'error|time-stamp|nothing' "$(cat "$work/down.log")"
  check "a build whose TSA fails fails" true
  check "... and writes nothing" test ! -e "$work/down/$edition"
fi

extended=$work/extended.pdf
if [ -f "$sealed" ]; then
  out=$(pdfsig -nssdir "sql:$work/nss" "$sealed" 2>/dev/null || true)
  show pdfsig 'Signature #|Signature Type|Signature Validation|Certificate Validation' "$out"
  check "pdfsig: the seal's signature is valid" grep -q 'Signature Validation: Signature is Valid' <<<"$out"
  check "pdfsig: the seal's certificate is trusted" grep -q 'Certificate is Trusted' <<<"$out"
  check "qpdf --check is clean" quiet qpdf --check "$sealed"
  out=$(pyhanko_says "$sealed")
  show pyHanko . "$out"
  check "pyHanko: intact, trusted, its timestamp token too" \
    grep -q 'INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>' <<<"$out"
  check "pyHanko: the updates after it are LTA updates" grep -q 'EXTENDED_WITH_LTA_UPDATES' <<<"$out"

  echo "== extend: fresh evidence and a new document timestamp"
  cp "$sealed" "$extended"
  if out=$(gazette extend "$extended" --tsa "$TSA_URL" --trust "$root" 2>&1); then
    show extend . "$out"
    check "gazette extend" true
  else
    show extend . "$out"
    check "gazette extend" false
  fi
  check "the built file is a byte prefix of the extended one" \
    cmp -s "$sealed" <(head -c "$(stat -c %s "$sealed")" "$extended")
  check "extend appended something" test "$(stat -c %s "$extended")" -gt "$(stat -c %s "$sealed")"
  out=$(pdfsig -nssdir "sql:$work/nss" "$extended" 2>/dev/null || true)
  check "extended: pdfsig: the seal's signature is valid" grep -q 'Signature Validation: Signature is Valid' <<<"$out"
  check "extended: qpdf --check is clean" quiet qpdf --check "$extended"
  out=$(pyhanko_says "$extended")
  show pyHanko . "$out"
  check "extended: pyHanko: intact and trusted, LTA updates only" \
    grep -q 'INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES' <<<"$out"
  out=$(gazette extend "$work/out/$edition/$edition.bag.zip" --tsa "$TSA_URL" 2>&1 || true)
  check "extend renews the package's zip too (tests/interop/package.sh checks it)" grep -q 'archive timestamp 2' <<<"$out"
else
  check "the built PDF" false
fi

echo "== extend years later: the seal's certificate revoked since its timestamp"
cat "$PKI_CERTS/seal-revoked.cert.pem" "$PKI_CERTS/interm.cert.pem" "$root" >"$work/revoked-chain.pem"
bash tests/pki/responders.sh clock "$pki" 2026-03-01T00:00:00+00:00
quiet gazette build "$issue" --out "$work/revoked" --seal-cert "$work/revoked-chain.pem" \
  --seal-key "$pki/keys/seal-revoked.key.pem" --tsa "$TSA_URL" --seal-level B-T || true
bash tests/pki/responders.sh clock "$pki"
revoked=$work/revoked/$edition/$edition.pdf
if [ -f "$revoked" ]; then
  out=$(gazette extend "$revoked" --tsa "$TSA_URL" --trust "$root" 2>&1) && status=0 || status=$?
  show extend . "$out"
  check "extend succeeds" test "$status" -eq 0
  check "... with a note of the revocation, kept as evidence" \
    grep -q 'note: the certificate of Gazette Test Seal (revoked) is revoked since 2026-06-01.*kept as evidence' <<<"$out"
  out=$(gazette_says "$revoked")
  show "gazette verify" '^[A-Z]|revoked|exit status' "$out"
  check "gazette verify: VALID" grep -q '^VALID' <<<"$out"
  check "... with a note: revoked after the attested time" grep -q 'revoked on 2026-06-01.*after 2026-03-01' <<<"$out"
  out=$(pdfsig -nssdir "sql:$work/nss" "$revoked" 2>/dev/null || true)
  check "pdfsig: the seal's signature is valid" grep -q 'Signature Validation: Signature is Valid' <<<"$out"
  out=$(pyhanko_says "$revoked")
  show pyHanko . "$out"
  check "pyHanko: intact, LTA updates only" grep -q 'INTACT:.*EXTENDED_WITH_LTA_UPDATES' <<<"$out"
  out=$(gazette extend "$work/revoked/$edition/$edition.bag.zip" --tsa "$TSA_URL" --trust "$root" 2>&1) || true
  check "the package: extend succeeds with the same note" \
    grep -q 'note: the certificate of Gazette Test Seal (revoked) is revoked since' <<<"$out"
else
  check "the PDF sealed on 2026-03-01" false
fi

echo "== the same PKI served again elsewhere: a later TSA"
bash tests/pki/responders.sh start "$later"
later_tsa=$(grep '^TSA_URL=' "$later/env" | cut -d= -f2-)
renewed=$work/renewed.pdf
cp "$extended" "$renewed"
out=$(gazette extend "$renewed" --tsa "$later_tsa" --trust "$root" 2>&1) && status=0 || status=$?
check "extend with the later TSA" test "$status" -eq 0
check "... without a note while every responder answers" lacks 'note:' <<<"$out"

echo "== the responders stopped: only the embedded evidence"
stop_responders
echo "== the seal's CA gone: notes, while the newest timestamp's TSA answers"
out=$(gazette extend "$renewed" --tsa "$later_tsa" --trust "$root" 2>&1) && status=0 || status=$?
show extend . "$out"
check "extend succeeds" test "$status" -eq 0
check "... noting the seal's certificate" \
  grep -q 'note: no current revocation evidence for the certificate of Gazette Test Seal ' <<<"$out"
stale=$work/stale.pdf
cp "$extended" "$stale"
out=$(gazette extend "$stale" --tsa "$later_tsa" --trust "$root" 2>&1) && status=0 || status=$?
show extend . "$out"
check "the newest timestamp's TSA gone too: extend fails" test "$status" -ne 0
check "... naming its certificate and URL" grep -q "Gazette Test TSA: .*${PKI_URL}" <<<"$out"
check "... and the file is unchanged" cmp -s "$extended" "$stale"
bash tests/pki/responders.sh stop "$later"

for file in "$sealed" "$extended" "$renewed"; do
  name=$(basename "$file")
  [ -f "$file" ] || { check "$name exists" false; continue; }
  out=$(adesverify_says "$file")
  show adesverify . "$out"
  check "$name: pyHanko adesverify: VALID" grep -q ':VALID$' <<<"$out"
  check "$name: pyHanko adesverify: nothing else" lacks -E ':(INVALID|INDETERMINATE)' <<<"$out"
  out=$(gazette_says "$file")
  show "gazette verify" '^[A-Z]|exit status' "$out"
  check "$name: gazette verify: VALID" grep -q '^VALID' <<<"$out"
done

finish
