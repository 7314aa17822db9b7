#!/usr/bin/env bash
# make bench: what the agent costs (bench/README.md). Usage: bench/run.sh path/to/libnativejmx.so
# BENCH_QUICK=1: smaller sizes and fewer repetitions.
set -euo pipefail
agent=$(realpath "${1:?usage: $0 path/to/libnativejmx.so}")
here=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$agent")/../bench
mkdir -p "$out/classes"
javac --release 11 -Xlint:all -Werror -d "$out/classes" "$here"/src/*.java "$here"/src/nativejmx/bench/*.java
NJ_AGENT=$agent NJ_BENCH_CLASSES=$out/classes NJ_BENCH_DIR=$out /usr/bin/python3 "$here/benchmark.py"
