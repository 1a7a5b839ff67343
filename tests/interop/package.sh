#!/usr/bin/env bash
# The sample's archival package as an archive's own tools see it: Python's
# bagit validates the bag (folder and zip) as BagIt 1.0, `openssl cms` verifies
# the manifest's signature, every digest in manifest.json matches, and the
# same issue gives the same zip. Then gazette verify on the package and on
# tampered copies. Needs python3 with bagit (pip) and openssl.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
issue=samples/shanghai-gazette-2025-08
id=shanghai-gazette-2025-08
root=certs-example/root.pem
build() { cargo run -q -- build "$issue" --out "$out/$1" "${@:2}" >/dev/null 2>&1; }
build a
# RSA PKCS#1 v1.5 signatures are deterministic, so whole sealed builds repeat.
build r1 --seal-key certs-example/seal-rsa.key.pem --seal-cert certs-example/seal-rsa-chain.pem
build r2 --seal-key certs-example/seal-rsa.key.pem --seal-cert certs-example/seal-rsa-chain.pem
edition() { echo "$out/$1/$id"; }

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh

check "bagit validates the bag folder (BagIt 1.0)" bag_valid "$(edition a)/$id.bag"
mkdir "$out/unzipped"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
  "$(edition a)/$id.bag.zip" "$out/unzipped"
check "bagit validates the unzipped bag.zip (BagIt 1.0)" bag_valid "$out/unzipped/$id.bag"
check "the zip holds the same files as the folder" diff -r "$(edition a)/$id.bag" "$out/unzipped/$id.bag"

cms_verifies() { # cms_verify FOLDER: the issue's own openssl command
  (cd "$1" && openssl cms -verify -binary -inform DER -content manifest.json \
    -in manifest.json.p7s -CAfile "$OLDPWD/$root" -purpose any -out /dev/null 2>&1) |
    sed 's/^/  openssl: /'
  (cd "$1" && openssl cms -verify -binary -inform DER -content manifest.json \
    -in manifest.json.p7s -CAfile "$OLDPWD/$root" -purpose any -out /dev/null >/dev/null 2>&1)
}
check "openssl cms verifies manifest.json.p7s" cms_verifies "$(edition a)"
check "openssl cms verifies the bag's copy" cms_verifies "$(edition a)/$id.bag/data"

digests_match() { # every artifact and source digest in manifest.json
  python3 - "$1" <<'PY'
import hashlib, json, pathlib, sys
data = pathlib.Path(sys.argv[1])
manifest = json.loads((data / "manifest.json").read_text())
checked = 0
for artifact in manifest["artifacts"]:
    blob = (data / artifact["path"]).read_bytes()
    assert len(blob) == artifact["size"], artifact["path"]
    assert hashlib.sha256(blob).hexdigest() == artifact["sha256"], artifact["path"]
    assert hashlib.sha512(blob).hexdigest() == artifact["sha512"], artifact["path"]
    checked += 1
build = manifest["build"]
for source in [build["manifest"], *build["sources"]]:
    blob = (data / "source" / source["path"]).read_bytes()
    assert hashlib.sha256(blob).hexdigest() == source["sha256"], source["path"]
    checked += 1
for document in manifest["documents"]:
    assert document["pdf_pages"]["first"] <= document["pdf_pages"]["last"], document["title"]
print(f"  {checked} digests match, {len(manifest['documents'])} documents")
PY
}
check "every digest in manifest.json matches" digests_match "$(edition a)/$id.bag/data"
check "two RSA-sealed builds give the same bag.zip" cmp "$(edition r1)/$id.bag.zip" "$(edition r2)/$id.bag.zip"

gazette_verify() { # gazette_verify PATH EXPECTED-EXIT FIRST-WORD
  local said code=0
  said=$(cargo run -q -- verify "$1" --trust "$root" 2>&1) || code=$?
  echo "$said" | head -1 | sed 's/^/  gazette verify: /'
  test "$code" -eq "$2" && echo "$said" | head -1 | grep -q "^$3"
}
check "gazette verify: the bag folder is VALID" gazette_verify "$(edition a)/$id.bag" 0 VALID
check "gazette verify: the bag zip is VALID" gazette_verify "$(edition a)/$id.bag.zip" 0 VALID

# One byte of the archived PDF changed: bagit and gazette must both refuse it.
tampered="$out/tampered/$id.bag"
mkdir -p "$out/tampered"
cp -r "$(edition a)/$id.bag" "$tampered"
python3 - "$tampered/data/edition/$id.pdf" <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
at = data.index(b"/Lang(zh-CN)") + 9
data[at] = ord("X")
open(path, "wb").write(bytes(data))
PY
check "bagit refuses the bag with a changed PDF" bash -c "! python3 -c 'import bagit, sys; bagit.Bag(sys.argv[1]).validate()' '$tampered' 2>/dev/null"
check "gazette verify: the bag with a changed PDF is INVALID" gazette_verify "$tampered" 1 INVALID

# A zip that tries to write outside its folder.
python3 - "$(edition a)/$id.bag.zip" "$out/evil.bag.zip" <<'PY'
import sys, zipfile
src, dst = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2], "w")
for info in src.infolist():
    dst.writestr(info, src.read(info))
dst.writestr("../evil.txt", b"outside")
dst.close()
PY
check "gazette verify: a zip with ../ is INVALID" gazette_verify "$out/evil.bag.zip" 1 INVALID
check "nothing was written outside" test ! -e "$out/evil.txt"

finish
