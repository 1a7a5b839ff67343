# Shared by the interop scripts: count checks, report them, fail at the end.
# Source it, call `check NAME COMMAND...` for each check, then `finish`.
#
# A check reads a command's output from a variable (`grep -q P <<<"$said"`,
# `[[ ${said%%$'\n'*} == VALID* ]]`), never through `echo "$said" | grep -q`
# or `| head -1`: under pipefail, the reader's early exit can kill the writer
# with SIGPIPE now and then, and fail a check that held.

passed=0
failures=0
interop=$(dirname "${BASH_SOURCE[0]}")

check() { # check NAME COMMAND...: runs COMMAND, counts and prints the outcome
  if "${@:2}"; then
    echo "ok: $1"
    passed=$((passed + 1))
  else
    echo "FAILED: $1"
    failures=$((failures + 1))
  fi
}

finish() { # the tally, and a failing status when any check failed
  echo "$passed passed, $failures failed"
  test "$failures" -eq 0
}

# EPUBCheck prints nothing for a clean book; any line is a finding.
epubcheck_clean() { # epubcheck_clean EPUB: EPUBCheck finds no error or warning
  local report
  report=$("$interop/epubcheck.sh" "$1" 2>&1) || { echo "$report"; return 1; }
  test -z "$report" || echo "$report" | sed "s/^/  epubcheck: /"
  ! grep -Eq '^(FATAL|ERROR|WARNING)' <<<"$report"
}

# The test issue of tests/fixtures/merged-table: a 任务分工表 with a two-row
# header and merged cells over several pages.
merged_table_build() { # merged_table_build OUT: builds it unsealed in OUT, prints its edition folder
  cargo run -q -- build tests/fixtures/merged-table --out "$1" --no-seal >/dev/null 2>&1
  echo "$1/merged-table-2025-06"
}

bag_valid() { # bag_valid FOLDER: bagit.py validates it as BagIt 1.0
  python3 - "$1" <<'PY'
import sys, bagit
bag = bagit.Bag(sys.argv[1])
bag.validate()
print(f"  bagit: {sys.argv[1].rsplit('/', 1)[-1]} is valid, BagIt-Version {bag.version}")
assert bag.version == "1.0", bag.version
PY
}

apt_install() { # apt_install PACKAGE...: quietly, when apt-get is there
  command -v apt-get >/dev/null || return 1
  local sudo=
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Debian's chromium (never a downloaded browser) and tests/site's pinned node
# packages (playwright-core, axe-core), installed when missing. Sets and
# exports CHROMIUM; fails when they cannot be had.
browser_ready() {
  local chromium=${CHROMIUM:-$(command -v chromium || true)}
  if [ -z "$chromium" ]; then
    apt_install chromium || true
    chromium=$(command -v chromium || true)
  fi
  if ! command -v npm >/dev/null; then
    apt_install nodejs npm || true
  fi
  if [ -z "$chromium" ] || ! command -v npm >/dev/null; then
    return 1
  fi
  if [ ! -d tests/site/node_modules/playwright-core ] || [ ! -d tests/site/node_modules/axe-core ]; then
    (cd tests/site && npm ci --no-audit --no-fund >/dev/null) || return 1
  fi
  export CHROMIUM=$chromium
}
