#!/usr/bin/env bash
# Checks that the agent is one self-contained .so that loads on any glibc >= 2.34 system:
#   1. it exports exactly the three JVMTI entry points (nothing of the bundled libraries leaks,
#      so it can share a JVM with other native code using other versions of them);
#   2. it needs nothing beyond glibc at run time (libstdc++, OpenSSL, re2 ... are inside);
#   3. no symbol it imports needs a glibc newer than 2.34 (design.md: "glibc >= 2.34").
# Usage: tests/build/check_so.sh path/to/libnativejmx.so
set -euo pipefail

MAX_GLIBC=2.34
EXPECTED_EXPORTS="Agent_OnAttach Agent_OnLoad Agent_OnUnload"
GLIBC_LIBS='^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|/lib64/ld-linux-x86-64\.so\.2|ld-linux-x86-64\.so\.2)$'

lib=${1:?usage: $0 LIB.so}
[[ -f $lib ]] || { echo "FAIL: $lib: no such file" >&2; exit 1; }
for tool in nm ldd objdump; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found (install binutils/libc-bin)" >&2; exit 1; }
done
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# 1. Exported (defined, dynamic) symbols.
exports=$(nm -D --defined-only "$lib" | awk '{print $NF}' | sort | tr '\n' ' ' | sed 's/ $//')
echo "exports: $exports"
[[ $exports == "$EXPECTED_EXPORTS" ]] || fail "exports must be exactly: $EXPECTED_EXPORTS"

# 2. Run-time dependencies: first word of each ldd line ("libc.so.6 => /lib/..."); a .so
#    with none at all makes ldd say "statically linked", which is fine.
ldd_out=$(ldd "$lib") || fail "ldd failed: $ldd_out"
deps=$(awk '!/statically linked/ {print $1}' <<<"$ldd_out" | sort | tr '\n' ' ' | sed 's/ $//')
echo "ldd: ${deps:-none}"
for dep in $deps; do
  [[ $dep =~ $GLIBC_LIBS ]] || fail "needs $dep, which is not part of glibc"
done

# 3. Highest glibc symbol version among imported symbols ("... (GLIBC_2.14) memcpy").
newer_than_max() { [[ $1 != "$MAX_GLIBC" && $(printf '%s\n' "$MAX_GLIBC" "$1" | sort -V | tail -n1) == "$1" ]]; }
versioned=$(objdump -T "$lib" | awk '{ for (i = 1; i < NF; i++) if ($i ~ /GLIBC_[0-9]/) {
  v = $i; gsub(/[()]|GLIBC_/, "", v); print v, $NF } }' | sort -V)
max=$(tail -n1 <<<"$versioned" | cut -d' ' -f1)
echo "highest GLIBC version needed: ${max:-none} (allowed: <= $MAX_GLIBC)"
# Name each offending symbol, so the fix can target its origin (ld -Wl,-Map says which
# archive member pulled it in).
while read -r ver sym; do
  if [[ -n $ver ]] && newer_than_max "$ver"; then fail "$sym needs GLIBC_$ver > $MAX_GLIBC"; fi
done <<<"$versioned"

if (( failures )); then
  echo "check_so: $lib: $failures problem(s)"
  exit 1
fi
echo "check_so: $lib: OK"
