#!/usr/bin/env bash
# `gazette import` on Word files made by python-docx (PyPI) in the shapes
# offices send (tests/interop/docx_shapes.py: 通知, 批复, 办法 with 章/条,
# 意见 with four levels and run-in leads, a 40-row table attachment with
# merged cells over two pages, two attachments, a personnel list, a
# Traditional-script circular, 通报, 函, 决定, 公告), on three of them saved
# by LibreOffice as .doc, .odt and .rtf, and on the sample
# issue's documents exported to .docx. Each is imported into a new issue,
# given its disclosure (import never guesses it), built, and checked: the
# front matter is what the Word file says, the document's data file holds
# the Word file's text exactly (whitespace aside), and its own PDF
# (pdftotext) prints every character of it in order. Needs python3 with
# python-docx, poppler-utils and LibreOffice; .ci/run installs them.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/interop/lib.sh

command -v pdftotext >/dev/null || { echo "pdftotext not found: install poppler-utils" >&2; exit 1; }
python3 -c 'import docx' 2>/dev/null || {
  echo "python3 with python-docx is needed: python3 -m pip install python-docx" >&2
  exit 1
}

cargo build -q
gazette=target/debug/gazette
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/word"
python3 tests/interop/docx_shapes.py shapes "$work/word"
python3 tests/interop/docx_shapes.py sample samples/shanghai-gazette-2025-08 "$work/word"

imported() { # imported NAME: import, build and compare one Word file
  imported_from "$1" docx
}

imported_from() { # imported_from NAME EXTENSION: import NAME.EXTENSION, build and compare
  local name=$1 issue=$work/issues/$1 id document data
  id=$("$gazette" new "$issue" --date 2025-12-31 | sed -n 's/^made .*, issue \(.*\) dated .*/\1/p')
  "$gazette" import "$work/word/$name.$2" --into "$issue" >"$work/$name.log" 2>&1 ||
    { cat "$work/$name.log"; return 1; }
  document=$issue/documents/$name.md
  sed -i 's/^# disclosure = "主动公开".*/disclosure = "主动公开"/' "$document"
  "$gazette" build "$issue" --out "$work/out" --no-seal -q >"$work/$name.build" 2>&1 ||
    { cat "$work/$name.build"; return 1; }
  # The imported document is listed last: its files have the highest number.
  data=$(ls "$work/out/$id/documents/"*.json | sort | tail -1)
  pdftotext "${data%.json}.pdf" "$work/$name.txt"
  cp "$data" "$work/$name.data.json"
  python3 tests/interop/docx_shapes.py check "$work/word/$name.json" "$document" "$data" "$work/$name.txt"
}

for docx in "$work"/word/*.docx; do
  name=$(basename "$docx" .docx)
  check "import $name: front matter, data text and PDF text as in the Word file" imported "$name"
done

check "import 05-fengongbiao: merged cells kept, the header row repeated on each page" \
  python3 tests/interop/docx_shapes.py merged "$work/05-fengongbiao.data.json" "$work/05-fengongbiao.txt"

# The formats before .docx go through LibreOffice: three of the shapes saved
# by it as Word 97 (.doc), OpenDocument (.odt) and RTF, then imported as
# above. LibreOffice (Debian libreoffice-writer-nogui) is required here.
command -v soffice >/dev/null || { echo "soffice not found: install libreoffice-writer-nogui" >&2; exit 1; }
legacy() { # legacy NAME FORMAT: NAME.docx saved as FORMAT by LibreOffice, imported
  local name=$1 format=$2 converted=$work/legacy-$2
  mkdir -p "$converted"
  soffice --headless --convert-to "$format" --outdir "$converted" "$work/word/$name.docx" >/dev/null 2>&1
  mv "$converted/$name.$format" "$work/word/$name-$format.$format"
  cp "$work/word/$name.json" "$work/word/$name-$format.json"
  imported_from "$name-$format" "$format"
}
for pair in 01-tongzhi:doc 04-yijian:odt 02-pifu:rtf; do
  check "import ${pair%%:*} saved as .${pair##*:} by LibreOffice" legacy "${pair%%:*}" "${pair##*:}"
done
finish
