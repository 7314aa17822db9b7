#!/usr/bin/env bash
# Runs each fuzzer for a bounded time: tests/fuzz/run.sh FUZZ_BUILD_DIR SECONDS [TARGET...]
# The corpus in tests/fuzz/corpus/<target> seeds the run and is never written to: what the run
# finds goes to FUZZ_BUILD_DIR/corpus/<target>. A crash leaves its input in
# FUZZ_BUILD_DIR/artifacts/ and fails the run. To keep new finds, after a long run:
#   FUZZER -merge=1 tests/fuzz/corpus/<target> FUZZ_BUILD_DIR/corpus/<target>
set -euo pipefail
build=$1 seconds=$2
shift 2
targets=("$@")
(( ${#targets[@]} )) || targets=(request config)
here=$(cd "$(dirname "$0")" && pwd)
for target in "${targets[@]}"; do
  work=$build/corpus/$target
  mkdir -p "$work" "$build/artifacts"
  echo "fuzzing $target for ${seconds}s"
  log=$build/fuzz-$target.log
  # -rss_limit_mb: a config may legitimately be large, but never a gigabyte.
  if ! "$build/tests/fuzz/nj_fuzz_$target" -max_total_time="$seconds" -print_final_stats=1 \
      -dict="$here/$target.dict" -max_len=65536 -rss_limit_mb=2048 -timeout=20 \
      -artifact_prefix="$build/artifacts/$target-" "$work" "$here/corpus/$target" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "fuzzer $target failed (log: $log; input: $build/artifacts/)" >&2
    exit 1
  fi
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$log"
done
