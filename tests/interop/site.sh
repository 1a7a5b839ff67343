#!/usr/bin/env bash
# The web edition in a real browser: builds the sealed sample edition and a
# second one of another year (the same documents as 2026年第1期, so that the
# search's year filter has something to narrow), writes the site with the
# search index (--features search), and runs the browser tests in
# tests/site with Debian's chromium driven by playwright-core over a local
# http server: the links from home to a document's PDF (under a sub-path,
# from file:// and with JavaScript off), no URL of another host in any page,
# style sheet or script, the zh-Hant circular's lang, the keyboard, search
# for a Traditional and three Simplified phrases and its filters, axe-core
# on every kind of page, screenshots at 375 and 1280 px into $SCREENSHOTS
# (default /tmp/site-shots), and the verify page offline with the sealed
# PDF, a changed copy and the package. Installs chromium (apt) and the
# pinned node packages (npm ci) when missing; without npm or chromium and no
# way to install them it prints SKIP and passes (fails with
# GAZETTE_REQUIRE_TOOLS=1, as in CI).
set -euo pipefail
cd "$(dirname "$0")/../.."

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh

if ! browser_ready; then
  # CI sets GAZETTE_REQUIRE_TOOLS=1: there a missing browser is a failure, not a skip.
  if [ "${GAZETTE_REQUIRE_TOOLS:-}" = 1 ]; then
    echo "FAIL: tests/interop/site.sh needs chromium and npm, and they could not be installed"
    exit 1
  fi
  echo "SKIP: tests/interop/site.sh needs chromium and npm, and they could not be installed"
  exit 0
fi
# Without a CJK face the screenshots show boxes; the tests pass either way.
if [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  apt_install fonts-noto-cjk || echo "note: no CJK font; the screenshots will not show Chinese text"
fi

issue=samples/shanghai-gazette-2025-08
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build -q --features search
cargo run -q --features search -- build "$issue" --out "$work/editions" >/dev/null 2>&1
# The second edition: the same issue in 2026, its seal's files found from anywhere.
cp -r "$issue" "$work/issue-2026"
sed -i -e 's/^year *= *2025\b.*/year = 2026/' -e 's/^number *= *8\b.*/number = 1/' \
  -e 's/^running *= *512\b.*/running = 513/' -e 's/^date *= *2025-08-15\b.*/date = 2026-01-15/' \
  -e "s|\"\\.\\./\\.\\./certs-example/|\"$PWD/certs-example/|" "$work/issue-2026/issue.toml"
cargo run -q --features search -- build "$work/issue-2026" --out "$work/editions" >/dev/null 2>&1
cargo run -q --features search -- site "$work/editions" --out "$work/site" --trust certs-example/root.pem

check "the site holds both editions and the search index" \
  test -f "$work/site/2025/08/01.html" -a -f "$work/site/2026/01/01.html" -a -f "$work/site/pagefind/pagefind.js"
export SITE=$work/site SCREENSHOTS=${SCREENSHOTS:-/tmp/site-shots}
browser_tests() { # browser_tests FILE: node's test runner on one file of tests/site
  local status=0
  (cd tests/site && node --test --test-reporter=spec "$1") >"$work/$1.log" 2>&1 || status=$?
  sed 's/^/  /' "$work/$1.log"
  return "$status"
}
check "site.test.mjs: links, hosts, lang, keyboard, search, axe-core, screenshots" \
  browser_tests site.test.mjs
check "verify.test.mjs: the verify page offline with real and changed files" \
  browser_tests verify.test.mjs
echo "  screenshots in $SCREENSHOTS"
finish
