#!/usr/bin/env bash
# The sample's archival package as an archive's own tools see it: Python's
# bagit validates the bag (folder and zip) as BagIt 1.0, `openssl cms` verifies
# the manifest's signature, every digest in manifest.json matches, and the
# same issue gives the same zip. Then gazette verify on the package and on
# tampered copies. Then the long-term package against the test PKI's real
# time-stamp authority, OCSP responder and CRL server (tests/pki): built at
# B-T, B-LT and B-LTA, `openssl cms -verify` takes each manifest seal and
# `openssl ts -verify` each archive timestamp; two `gazette extend`s keep every
# old file and the bag valid; a second time-stamped build differs only in the
# seal and the evidence; a time-stamp authority that is down leaves the
# package untouched. Needs python3 with bagit and certomancer[web-api] (pip),
# and openssl.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=$(mktemp -d)
pki=$out/pki
trap 'bash tests/pki/responders.sh stop "$pki" || true; rm -rf "$out"' EXIT
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
  echo "  gazette verify: ${said%%$'\n'*}"
  test "$code" -eq "$2" && [[ ${said%%$'\n'*} == "$3"* ]]
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

echo "== the long-term package, with the test PKI's time-stamp authority"
bash tests/pki/responders.sh start "$pki"
# shellcheck disable=SC1091 # written by responders.sh
source "$pki/env"
pki_root=$PKI_CERTS/root.cert.pem
cat "$PKI_CERTS/seal.cert.pem" "$PKI_CERTS/interm.cert.pem" "$pki_root" >"$out/chain.pem"
# The sample dated in 2026, which the test PKI's seal certificate covers.
lasting_issue=$out/issue-2026
lasting=shanghai-gazette-2026-08
cp -r "$issue" "$lasting_issue"
sed -i -e 's/^year    = 2025 /year    = 2026 /' -e 's/^date    = 2025-08-15 /date    = 2026-08-15 /' "$lasting_issue/issue.toml"
build_lasting() { # build_lasting NAME LEVEL [URL]
  cargo run -q -- build "$lasting_issue" --out "$out/$1" --seal-cert "$out/chain.pem" \
    --seal-key "$pki/keys/seal.key.pem" --tsa "${3:-$TSA_URL}" --seal-level "$2" >"$out/$1.log" 2>&1
}
lasting_bag() { echo "$out/$1/$lasting/$lasting.bag"; }
for level in B-T B-LT B-LTA; do
  check "build at $level" build_lasting "$level" "$level"
done
build_lasting again B-LTA || true

pki_cms_verifies() { # pki_cms_verifies BAG: openssl takes manifest.json.p7s
  (cd "$1/data" && openssl cms -verify -binary -inform DER -content manifest.json \
    -in manifest.json.p7s -CAfile "$pki_root" -purpose any -out /dev/null 2>&1) | sed 's/^/  openssl: /'
  (cd "$1/data" && openssl cms -verify -binary -inform DER -content manifest.json \
    -in manifest.json.p7s -CAfile "$pki_root" -purpose any -out /dev/null >/dev/null 2>&1)
}
ts_verifies() { # ts_verifies BAG N: openssl takes evidence/archive-N.tsr over archive-N.txt
  openssl ts -verify -token_in -in "$1/evidence/archive-$2.tsr" \
    -data "$1/evidence/archive-$2.txt" -CAfile "$pki_root" 2>/dev/null | grep -q '^Verification: OK'
}
revocation_values() { # revocation_values BAG: what the p7s's crls field holds, by OpenSSL
  openssl cms -cmsout -print -inform DER -in "$1/data/manifest.json.p7s" |
    grep -Eo 'd\.crl:|otherRevInfoFormat: .*' | sort -u | tr '\n' ' '
}
for level in B-T B-LT B-LTA; do
  check "$level: openssl cms verifies manifest.json.p7s" pki_cms_verifies "$(lasting_bag "$level")"
  check "$level: bagit validates the bag" bag_valid "$(lasting_bag "$level")"
done
check "B-T: no revocation values, no evidence/" \
  test -z "$(revocation_values "$(lasting_bag B-T)")" -a ! -e "$(lasting_bag B-T)/evidence"
values=$(revocation_values "$(lasting_bag B-LT)")
echo "  openssl: B-LT crls: $values"
has_ocsp_and_crl() { grep -q 'd\.crl:' <<<"$1" && grep -q 'otherRevInfoFormat: .*(1\.3\.6\.1\.5\.5\.7\.16\.2)' <<<"$1"; }
check "B-LT: an OCSP response (id-ri-ocsp-response) and a CRL in the crls field" has_ocsp_and_crl "$values"
check "B-LTA: openssl ts verifies archive-1" ts_verifies "$(lasting_bag B-LTA)" 1

# Point 7: two time-stamped builds differ only in the seals and the evidence.
only_seals_differ() {
  local differing
  differing=$(diff -rq "$(lasting_bag B-LTA)" "$(lasting_bag again)" | sed "s|$(lasting_bag B-LTA)/||; s|$(lasting_bag again)/||" |
    grep -Ev "^Files (data/edition/$lasting.pdf|data/documents/$lasting-[0-9]+.pdf|data/manifest.json|data/manifest.json.p7s|bag-info.txt|manifest-sha(256|512).txt|tagmanifest-sha(256|512).txt|evidence/[^ ]+) and |^Only in evidence/" || true)
  test -z "$differing" || echo "$differing" | sed 's/^/  differs: /'
  test -z "$differing"
}
check "a second B-LTA build differs only in the PDFs' seals, manifest.json, its seal and the evidence" only_seals_differ

edition_dir=$out/B-LTA/$lasting
cp -r "$edition_dir" "$out/before"
extend_edition() { cargo run -q -- extend "$edition_dir" --tsa "$TSA_URL" --trust "$pki_root" 2>&1 | sed 's/^/  gazette: /'; }
check "gazette extend the edition folder (archive-2)" extend_edition
check "gazette extend the edition folder (archive-3)" extend_edition
old_files_kept() { # every file of the built bag but the tag manifests, byte for byte
  (cd "$out/before/$lasting.bag" && find . -type f ! -name 'tagmanifest-*' -print0) |
    while IFS= read -r -d '' file; do cmp -s "$out/before/$lasting.bag/$file" "$edition_dir/$lasting.bag/$file" || { echo "  changed: $file"; return 1; }; done
}
check "every old file of the bag is kept byte for byte" old_files_kept
check "bagit validates the bag after two extends" bag_valid "$edition_dir/$lasting.bag"
mkdir "$out/unzipped-lasting"
python3 -m zipfile -e "$edition_dir/$lasting.bag.zip" "$out/unzipped-lasting"
check "bagit validates the extended zip" bag_valid "$out/unzipped-lasting/$lasting.bag"
check "the extended zip holds the extended folder" diff -r "$edition_dir/$lasting.bag" "$out/unzipped-lasting/$lasting.bag"
for n in 1 2 3; do
  check "openssl ts verifies archive-$n" ts_verifies "$edition_dir/$lasting.bag" "$n"
done
check "openssl cms still verifies manifest.json.p7s" pki_cms_verifies "$edition_dir/$lasting.bag"
lasting_verify() { # gazette verify on the extended package, VALID
  local said
  said=$(cargo run -q -- verify "$1" --trust "$pki_root" 2>&1) || { echo "$said" | head -1; return 1; }
  echo "  gazette verify: ${said%%$'\n'*}"
  [[ ${said%%$'\n'*} == VALID* ]]
}
check "gazette verify: the extended bag is VALID" lasting_verify "$edition_dir/$lasting.bag"

cp -r "$edition_dir" "$out/before-down"
extend_down() { # the TSA's port answers nothing: extend fails and says why
  local said
  if said=$(cargo run -q -- extend "$edition_dir" --tsa "$PKI_URL/gazette/tsa/no-such-tsa" 2>&1); then
    return 1
  fi
  echo "$said" | sed 's/^/  gazette: /'
  grep -q 'unchanged' <<<"$said"
}
check "gazette extend with a time-stamp authority that fails, fails" extend_down
check "... and leaves the edition folder as it was" diff -r "$out/before-down" "$edition_dir"
check "... and nothing beside it" test "$(ls -A "$out/B-LTA")" = "$lasting"

finish
