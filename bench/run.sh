#!/usr/bin/env bash
# make bench: what the agent costs. Usage: bench/run.sh path/to/libnativejmx.so
set -euo pipefail
agent=$(realpath "${1:?usage: $0 path/to/libnativejmx.so}")
here=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$agent")/../bench
mkdir -p "$out/classes"
javac --release 11 -d "$out/classes" "$here"/src/*.java
NJ_AGENT=$agent NJ_BENCH_CLASSES=$out/classes NJ_BENCH_DIR=$out /usr/bin/python3 "$here/startup_and_scrape.py"
