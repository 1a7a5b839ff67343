#!/usr/bin/env bash
# gazette verify over time, against pyHanko's ETSI EN 319 102-1 process. The
# sample is built twice with the test PKI's seal key (tests/pki, certomancer on
# localhost): with its time-stamp authority (B-LTA) and without (B-B). Then,
# with the responders STOPPED: pyHanko adesverify and gazette verify both say
# VALID for the B-LTA build, gazette names level B-LTA and the evidence it
# used; past the seal certificate's notAfter (--at 2032-06-01, the certificate
# ends 2031-01-01) the B-LTA build stays VALID and the B-B one is
# INDETERMINATE, by both (nothing proves it was sealed before the expiry); and
# one byte changed in the revision only the document timestamp covers (the
# DSS update between the seal and the timestamp) is not VALID for either.
#
# Needs openssl, python3 with pyhanko, pyhanko-cli and certomancer[web-api].
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in openssl python3 pyhanko; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool not found: install openssl, and pip install pyhanko pyhanko-cli 'certomancer[web-api]'" >&2
    exit 1
  fi
done

work=$(mktemp -d)
issue=$work/issue
edition=shanghai-gazette-2026-08
cp -r samples/shanghai-gazette-2025-08 "$issue"
sed -i -e 's/^year    = 2025 /year    = 2026 /' -e 's/^date    = 2025-08-15 /date    = 2026-08-15 /' "$issue/issue.toml"
pki=$work/pki
stop_responders() { bash tests/pki/responders.sh stop "$pki" || true; }
trap 'stop_responders; rm -rf "$work"' EXIT

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh
show() { # show TOOL PATTERN TEXT: TEXT's lines that match, labelled, for the CI log
  grep -E -- "$2" <<<"$3" | sed "s/^/    $1: /" || true
}

bash tests/pki/responders.sh start "$pki"
# shellcheck disable=SC1091 # written by responders.sh
source "$pki/env"
root=$PKI_CERTS/root.cert.pem
cat "$PKI_CERTS/seal.cert.pem" "$PKI_CERTS/interm.cert.pem" "$root" >"$work/chain.pem"

cargo build -q
gazette() { cargo run -q -- "$@"; }
verify_says() { # verify_says FILE [ARGS...]: the report and the exit status
  local status=0 out
  out=$(gazette verify "$1" --trust "$root" "${@:2}" 2>&1) || status=$?
  printf '%s\nexit status %s\n' "$out" "$status"
}
json_get() { # json_get EXPRESSION: evaluates EXPRESSION on the JSON on stdin, as `r`
  python3 -c "import json, sys; r = json.load(sys.stdin); print($1)"
}
adesverify_status() { # adesverify_status FILE TIME [ARGS...]: pyHanko's status line at TIME
  pyhanko sign adesverify --trust "$root" --trust-replace \
    --validation-time "$2" "${@:3}" "$1" 2>/dev/null || true
}
adesverify_says() { # adesverify_says FILE: pyHanko's VALID or INVALID now
  adesverify_status "$1" "$(date -u +%Y-%m-%dT%H:%M:%S+00:00)" --executive-summary
}

echo "== build: B-LTA with the test PKI's TSA, and B-B without"
seal=(--seal-cert "$work/chain.pem" --seal-key "$pki/keys/seal.key.pem")
gazette build "$issue" --out "$work/lta" "${seal[@]}" --tsa "$TSA_URL" >"$work/build.log" 2>&1 ||
  { sed 's/^/    build: /' "$work/build.log"; }
gazette build "$issue" --out "$work/bb" "${seal[@]}" >>"$work/build.log" 2>&1 ||
  { sed 's/^/    build: /' "$work/build.log"; }
lta=$work/lta/$edition/$edition.pdf
bb=$work/bb/$edition/$edition.pdf
check "the B-LTA build" test -f "$lta"
check "the B-B build" test -f "$bb"

echo "== the responders stopped: only the embedded evidence"
stop_responders
out=$(adesverify_says "$lta")
show adesverify . "$out"
check "B-LTA: pyHanko adesverify: VALID" grep -q ':VALID$' <<<"$out"
out=$(verify_says "$lta")
show "gazette verify" '^[A-Z]|level|exit status' "$out"
check "B-LTA: gazette verify: VALID" grep -q '^VALID' <<<"$out"
check "B-LTA: gazette verify: level B-LTA" grep -q '^  level: B-LTA$' <<<"$out"
check "B-LTA: gazette verify: revocation checked with OCSP" grep -q 'revocation checked with OCSP' <<<"$out"
json=$(gazette verify "$lta" --trust "$root" --json || true)
check "B-LTA: JSON names the evidence used for the seal's certificate" \
  test "$(json_get 'r["signatures"][0]["revocation"][0]["status"] + " " + r["signatures"][0]["revocation"][0]["source"]' <<<"$json")" = "good ocsp"
out=$(gazette verify "$lta" --trust "$root" --online 2>&1 || true)
check "B-LTA: --online with the responders down is still VALID" grep -q '^VALID' <<<"$out"

echo "== --at 2032-06-01: the seal certificate has expired (2031-01-01)"
out=$(verify_says "$lta" --at 2032-06-01)
show "gazette verify" '^[A-Z]|exit status' "$out"
check "B-LTA at 2032: VALID" grep -q '^VALID' <<<"$out"
out=$(verify_says "$bb" --at 2032-06-01)
show "gazette verify" '^[A-Z]|exit status' "$out"
check "B-B at 2032: INDETERMINATE, expired and nothing proves the seal older" \
  grep -q '^INDETERMINATE.*expired.*nothing in the file proves' <<<"$out"
# pyHanko's executive summary says only VALID or INVALID; its status line
# tells "unchanged, but its certificate cannot be trusted then" apart.
out=$(adesverify_status "$bb" 2032-06-01T00:00:00+00:00)
show adesverify . "$out"
check "B-B at 2032: pyHanko adesverify: intact, not trusted then" grep -q ':INTACT:UNTRUSTED' <<<"$out"
out=$(verify_says "$bb")
check "B-B today: VALID, its revocation not checked" grep -q 'revocation not checked' <<<"$out"

echo "== one byte changed in the revision only the document timestamp covers"
ranges=$(json_get '"\n".join(s["kind"] + " " + str(s["byte_range"][2] + s["byte_range"][3]) for s in r["signatures"])' <<<"$json")
seal_end=$(awk '$1 != "document-timestamp" {print $2; exit}' <<<"$ranges")
stamp_end=$(awk '$1 == "document-timestamp" {print $2; exit}' <<<"$ranges")
# Inside the first stream of the DSS update that follows the seal.
offset=$(python3 -c "import sys; b=open(sys.argv[1],'rb').read(); print(b.index(b'stream', $seal_end) + 40)" "$lta")
check "the byte lies between the seal and the document timestamp" test "$offset" -lt "$stamp_end"
tampered=$work/tampered.pdf
python3 -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[int(sys.argv[2])]^=1; open(sys.argv[3],'wb').write(b)" "$lta" "$offset" "$tampered"
out=$(adesverify_says "$tampered")
show adesverify . "$out"
check "tampered: pyHanko adesverify: not VALID" bash -c '! grep -q ":VALID$" <<<"$1"' _ "$out"
out=$(verify_says "$tampered")
show "gazette verify" '^[A-Z]|exit status' "$out"
check "tampered: gazette verify: not VALID, naming the document timestamp" \
  grep -q '^INVALID.*document timestamp' <<<"$out"

finish
