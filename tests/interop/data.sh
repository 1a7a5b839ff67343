#!/usr/bin/env bash
# The sample's published data as a third party's tools see it: Python's
# jsonschema validates every JSON data file of the edition folder and of the
# package against the schemas of docs/spec/ (draft 2020-12), and refuses tampered copies;
# manifest.json lists each file with its digests; the PDF edition carries the
# edition's data byte for byte as a PDF/A-3 associated file (qpdf --check,
# pdfdetach, qpdf --json); gazette verify keeps the package VALID and names a
# changed data file. Needs python3 with jsonschema (pip), poppler-utils and
# qpdf; .ci/run installs them.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
issue=samples/shanghai-gazette-2025-08
id=shanghai-gazette-2025-08
root=certs-example/root.pem
cargo run -q -- build "$issue" --out "$out/a" >/dev/null 2>&1
edition="$out/a/$id"
payload="$edition/$id.bag/data"

python3 -c 'import jsonschema, referencing' 2>/dev/null || {
  echo "python3 with jsonschema is needed: python3 -m pip install jsonschema" >&2
  exit 1
}

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh

# validate KIND FILE...: each FILE is valid against docs/spec/KIND.schema.json
validate() {
  python3 - "$@" <<'PY'
import json, sys
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
schemas = {name: json.load(open(f"docs/spec/{name}.schema.json")) for name in ("document", "edition")}
for schema in schemas.values():
    Draft202012Validator.check_schema(schema)
registry = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
)
validator = Draft202012Validator(schemas[sys.argv[1]], registry=registry)
bad = 0
for path in sys.argv[2:]:
    errors = list(validator.iter_errors(json.load(open(path, encoding="utf-8"))))
    for error in errors[:3]:
        print(f"  jsonschema: {path.rsplit('/', 1)[-1]}: {error.json_path}: {error.message[:160]}")
    bad += bool(errors)
print(f"  jsonschema: {len(sys.argv) - 2 - bad} of {len(sys.argv) - 2} valid ({sys.argv[1]})")
sys.exit(1 if bad else 0)
PY
}
documents=("$edition"/documents/*.json)
check "jsonschema: ${#documents[@]} document files of the edition folder are valid" \
  validate document "${documents[@]}"
check "jsonschema: the edition file of the edition folder is valid" validate edition "$edition/$id.json"
check "jsonschema: the package's document files are valid" validate document "$payload"/documents/*.json
check "jsonschema: the package's edition file is valid" validate edition "$payload/edition/$id.json"
check "the edition folder's edition file is the package's" cmp "$edition/$id.json" "$payload/edition/$id.json"
check "the edition folder's document files are the package's" diff -r "$edition/documents" "$payload/documents"
check "the data files end with a newline and are UTF-8 JSON, 2-space indented" python3 - \
  "$edition/$id.json" "${documents[@]}" <<'PY'
import json, sys
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    assert text.endswith("}\n"), path
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n", path
PY

# tampered NAME KIND FILE PYTHON: the file changed by PYTHON (on `data`) must
# not validate.
tampered() {
  python3 - "$3" "$out/tampered.json" "$4" <<'PY'
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
exec(sys.argv[3])
json.dump(data, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
  ! validate "$2" "$out/tampered.json" >/dev/null
}
doc="$edition/documents/$id-01.json"
check "tampered: an unknown metadata key is refused" \
  tampered unknown document "$doc" 'data["metadata"]["subject"] = "x"'
check "tampered: a disclosure outside the enum is refused" \
  tampered disclosure document "$doc" 'data["metadata"]["disclosure"] = "secret"'
check "tampered: a block of an unknown kind is refused" \
  tampered block document "$doc" 'data["body"][0]["kind"] = "image"'
check "tampered: a heading level 5 is refused" tampered level document "$doc" '
data["body"].append({"kind": "heading", "level": 5, "face": "hei", "chapter": False, "text": "x"})'
check "tampered: a face outside the enum is refused" tampered face document "$doc" '
data["body"].append({"kind": "heading", "level": 1, "face": "song", "chapter": False, "text": "x"})'
check "tampered: a document without its position is refused" \
  tampered position document "$doc" 'del data["position"]'
check "tampered: an interpretation that names no document is refused" tampered interprets document \
  "$(grep -l '"interprets"' "${documents[@]}" | head -1)" 'del data["interpretation"]["interprets"]'
check "tampered: another schema's document is refused" \
  tampered schema document "$doc" 'data["schema"] = "urn:gazette:schema:document:2"'
check "tampered: an edition whose document has an extra key is refused" tampered nested edition \
  "$edition/$id.json" 'data["sections"][0]["documents"][0]["extra"] = 1'
check "tampered: an edition without sections is refused" \
  tampered sections edition "$edition/$id.json" 'del data["sections"]'

check "manifest.json lists every data file with its digests" python3 - "$payload" "$id" <<'PY'
import hashlib, json, pathlib, sys
data, id = pathlib.Path(sys.argv[1]), sys.argv[2]
manifest = json.loads((data / "manifest.json").read_text())
listed = [a for a in manifest["artifacts"] if a["path"] == f"edition/{id}.json"]
for position, document in enumerate(manifest["documents"], 1):
    files = [f for f in document["files"] if f["media_type"] == "application/json"]
    assert [f["path"] for f in files] == [f"documents/{id}-{position:02}.json"], document["files"]
    listed += files
assert len(listed) == len(manifest["documents"]) + 1
for artifact in listed:
    blob = (data / artifact["path"]).read_bytes()
    assert artifact["media_type"] == "application/json", artifact
    assert artifact["size"] == len(blob), artifact["path"]
    assert artifact["sha256"] == hashlib.sha256(blob).hexdigest(), artifact["path"]
    assert artifact["sha512"] == hashlib.sha512(blob).hexdigest(), artifact["path"]
    entry = json.loads(blob)
    if "position" in entry:
        assert entry["uri"] == manifest["documents"][entry["position"] - 1]["uri"]
print(f"  {len(listed)} data files listed and matching")
PY

pdf="$edition/$id.pdf"
check "qpdf --check: the sealed PDF with its attached data" qpdf --check "$pdf"
check "pdfdetach lists the edition's data as $id.json" \
  bash -c "pdfdetach -list '$pdf' | grep -qx '[0-9]*: $id.json'"
number=$(pdfdetach -list "$pdf" | sed -n "s/^\([0-9]*\): $id\.json\$/\1/p")
pdfdetach -save "${number:-0}" -o "$out/attached.json" "$pdf" >/dev/null 2>&1 || true
check "the attached file is the published edition data, byte for byte" cmp "$out/attached.json" "$edition/$id.json"
check "the attachment is an associated file: /AF, /AFRelationship /Data, application/json" \
  python3 - "$pdf" <<'PY'
import json, subprocess, sys
objects = json.loads(subprocess.run(["qpdf", "--json", "--json-key=qpdf", sys.argv[1]],
                                    capture_output=True, check=True).stdout)["qpdf"][1]
values = [o.get("value", o.get("stream", {}).get("dict", {})) for o in objects.values()]
specs = [v for v in values if isinstance(v, dict) and v.get("/Type") == "/Filespec"
         and v.get("/AFRelationship") == "/Data"]
assert len(specs) == 1, specs
catalog = next(v for v in values if isinstance(v, dict) and v.get("/Type") == "/Catalog")
assert "/AF" in catalog, catalog.keys()
streams = [v for v in values if isinstance(v, dict) and v.get("/Type") == "/EmbeddedFile"]
assert "/application/json" in [s["/Subtype"] for s in streams], streams
PY

gazette_verify() { # gazette_verify PATH EXPECTED-EXIT FIRST-WORD [TEXT]
  local said code=0
  said=$(cargo run -q -- verify "$1" --trust "$root" 2>&1) || code=$?
  echo "  gazette verify: ${said%%$'\n'*}"
  test "$code" -eq "$2" && [[ ${said%%$'\n'*} == "$3"* ]] &&
    { test -z "${4:-}" || grep -qF -- "$4" <<<"$said"; }
}
check "gazette verify: the package with its data is VALID" gazette_verify "$edition/$id.bag" 0 VALID
changed="documents/$id-03.json"
mkdir -p "$out/t1" "$out/t2"
cp -r "$edition/$id.bag" "$out/t1/" && cp -r "$edition/$id.bag" "$out/t2/"
for bag in "$out/t1/$id.bag" "$out/t2/$id.bag"; do
  python3 - "$bag/data/$changed" <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
at = data.index("通知".encode())
data[at:at + 6] = "通告".encode()
open(path, "wb").write(bytes(data))
PY
done
check "gazette verify: a changed data file breaks the bag's fixity, named" \
  gazette_verify "$out/t1/$id.bag" 1 INVALID "data/$changed does not match its SHA-256"
# The bag made again around the change: the signed manifest still catches it.
python3 -c 'import bagit, sys; bagit.Bag(sys.argv[1]).save(manifests=True)' "$out/t2/$id.bag"
check "gazette verify: a re-bagged changed data file is MODIFIED, named" \
  gazette_verify "$out/t2/$id.bag" 1 MODIFIED "data/$changed"
# Merged cells: a table's header_rows and spans are valid data, and a span
# of the wrong form is not.
merged=$(merged_table_build "$out/merged")
check "the merged-table issue's data has spans" grep -q '"spans"' "$merged"/documents/*.json
check "jsonschema: the merged-table issue's document file is valid" validate document "$merged"/documents/*.json
check "jsonschema: the merged-table issue's edition file is valid" validate edition "$merged/merged-table-2025-06.json"
check "jsonschema: a span without its columns is refused" tampered "spans" document "$merged"/documents/merged-table-2025-06-01.json \
  'del data["attachments"][0]["body"][0]["spans"][0]["columns"]'

finish
