#!/usr/bin/env bash
# Puts a private key on a fresh SoftHSM2 token, for tests that seal with a
# PKCS#11 key. Prints the SOFTHSM2_CONF path to export before using the token.
#
#   softhsm-setup.sh DIR KEY.pem [TOKEN_LABEL] [KEY_LABEL]
#
# DIR holds the configuration and the token store; run again with the same DIR
# to add another token. KEY.pem is plain PKCS#8 PEM (certs-example/seal.key.pem).
# The token's user PIN is $GAZETTE_PIN, its SO PIN $GAZETTE_SO_PIN; both default
# to test values. Labels default to "gazette" and "seal"; the key's CKA_ID is 01.
# Then: pkcs11:token=TOKEN_LABEL;object=KEY_LABEL?module-path=/usr/lib/softhsm/libsofthsm2.so
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 4 ]; then
  echo "usage: $0 DIR KEY.pem [TOKEN_LABEL] [KEY_LABEL]" >&2
  exit 2
fi
dir=$1
key=$2
token=${3:-gazette}
label=${4:-seal}
pin=${GAZETTE_PIN:-gazette-test-pin}
so_pin=${GAZETTE_SO_PIN:-gazette-test-so-pin}

command -v softhsm2-util >/dev/null || { echo "softhsm2-util not found (apt install softhsm2)" >&2; exit 1; }
mkdir -p "$dir/tokens"
dir=$(cd "$dir" && pwd)
conf="$dir/softhsm2.conf"
if [ ! -f "$conf" ]; then
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
    "$dir/tokens" >"$conf"
fi
export SOFTHSM2_CONF=$conf

softhsm2-util --init-token --free --label "$token" --pin "$pin" --so-pin "$so_pin" >/dev/null
softhsm2-util --import "$key" --token "$token" --label "$label" --id 01 --pin "$pin" >/dev/null
echo "$conf"
