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
