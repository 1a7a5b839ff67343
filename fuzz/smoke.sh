#!/usr/bin/env bash
# A short fuzz run of every target, seeded with fuzz/corpus/: a smoke test
# that the targets build and that the corpus and a little mutation of it
# neither crash nor hang the verifier. Needs cargo-fuzz and a nightly
# toolchain; without either it says "skipped" and succeeds, since CI cannot
# install them. A crash or a hang fails it, with libFuzzer's report.
#
#   bash fuzz/smoke.sh [SECONDS PER TARGET, default 30]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-30}
targets=(verify_pdf cms timestamp_token verify_epub verify_package)

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz smoke run skipped: cargo-fuzz is not installed"
  exit 0
fi
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzz smoke run skipped: no nightly toolchain"
  exit 0
fi

# New inputs and crash reports go to a scratch folder, never into the corpus.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cargo +nightly fuzz build
for target in "${targets[@]}"; do
  mkdir -p "$scratch/$target"
  echo "fuzzing $target for ${seconds} s"
  log="$scratch/$target.log"
  if ! cargo +nightly fuzz run "$target" "$scratch/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
    -artifact_prefix="$scratch/" -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz target $target failed (above); the input is printed base64 here:"
    for crash in "$scratch"/crash-* "$scratch"/timeout-* "$scratch"/oom-*; do
      if [ -e "$crash" ]; then echo "$crash"; base64 -w 0 "$crash" | head -c 20000; echo; fi
    done
    exit 1
  fi
  grep -E 'stat::(number_of_executed_units|peak_rss_mb)' "$log"
done
