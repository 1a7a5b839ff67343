#!/usr/bin/env bash
# Starts and stops the test PKI's responders (certomancer) on localhost.
#
#   responders.sh start DIR [FAKE_TIME]   keys, certificates and a running server in DIR
#   responders.sh clock DIR [FAKE_TIME]   the running server answers as of FAKE_TIME
#                                         from now on, or of the present without it
#   responders.sh stop DIR
#
# After start, DIR/env holds shell assignments: PKI_URL (the server's base),
# TSA_URL, TSA_NOEKU_URL, TSA_REVOKED_URL, OCSP_URL, and PKI_CERTS (the
# folder of *.cert.pem, with each certificate's key under DIR/keys). Needs python3 with
# certomancer[web-api] and openssl; exits 3 when certomancer is missing, so
# callers can tell "skip" from "broken".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# The PKI's RSA keys, made once a machine and kept: an RSA key takes a while
# to make, and RSA PKCS#1 v1.5 signatures are deterministic, so the
# certificates certomancer writes and the ones it serves are the same bytes
# (ECDSA's are not). Made in a private folder, then renamed into place, so
# tests starting side by side never see half a key set.
test_keys() {
  local keys="${TMPDIR:-/tmp}/gazette-test-pki-keys-v2"
  if [ ! -d "$keys" ]; then
    local fresh name
    fresh=$(mktemp -d "${TMPDIR:-/tmp}/gazette-test-pki-keys.XXXXXX")
    for name in root interm interm-ocsp seal seal-revoked tsa tsa-noeku tsa-revoked; do
      openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$fresh/$name.key.pem" 2>/dev/null
    done
    mv -T "$fresh" "$keys" 2>/dev/null || rm -rf "$fresh"
  fi
  echo "$keys"
}

start() {
  local dir=$1 fake_time=${2:-}
  python3 -c 'import certomancer, werkzeug' 2>/dev/null || { echo "certomancer is not installed" >&2; exit 3; }
  mkdir -p "$dir"
  cp -r "$(test_keys)" "$dir/keys"
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local prefix="http://127.0.0.1:$port"
  sed "s|@PREFIX@|$prefix|" "$here/certomancer.yml" >"$dir/certomancer.yml"
  rm -rf "$dir/certs"
  PYTHONWARNINGS=ignore certomancer --config "$dir/certomancer.yml" mass-summon --flat gazette "$dir/certs" >/dev/null
  clock "$dir" "$fake_time"
  python3 "$here/serve.py" "$dir/certomancer.yml" "$port" "$dir/clock" >"$dir/server.log" 2>&1 &
  echo $! >"$dir/server.pid"
  local tries
  for tries in $(seq 100); do
    if python3 -c "import urllib.request as u; u.urlopen('$prefix/gazette/certs/root/ca.crt', timeout=1)" 2>/dev/null; then
      break
    fi
    if ! kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
      cat "$dir/server.log" >&2; echo "certomancer did not start" >&2; exit 1
    fi
    sleep 0.1
    [ "$tries" -lt 100 ] || { echo "certomancer did not answer in 10 s" >&2; exit 1; }
  done
  cat >"$dir/env" <<ENV
PKI_URL=$prefix
TSA_URL=$prefix/gazette/tsa/tsa
TSA_NOEKU_URL=$prefix/gazette/tsa/tsa-noeku
TSA_REVOKED_URL=$prefix/gazette/tsa/tsa-revoked
OCSP_URL=$prefix/gazette/ocsp/interm
PKI_CERTS=$dir/certs
ENV
}

clock() {
  printf '%s\n' "${2:-}" >"$1/clock"
}

stop() {
  local dir=$1
  if [ -e "$dir/server.pid" ]; then
    kill "$(cat "$dir/server.pid")" 2>/dev/null || true
    rm -f "$dir/server.pid"
  fi
}

case "${1:-}" in
  start) start "$2" "${3:-}" ;;
  clock) clock "$2" "${3:-}" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start DIR [FAKE_TIME] | clock DIR [FAKE_TIME] | stop DIR" >&2; exit 2 ;;
esac
