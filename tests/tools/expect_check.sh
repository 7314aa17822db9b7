#!/bin/sh
# Runs nativejmx-check and holds it to an exit status and to an extended regex that its output
# (stdout and stderr together) must contain.
# usage: expect_check.sh EXPECTED_STATUS REGEX CHECKER ARGS...
expected=$1 pattern=$2
shift 2
output=$("$@" 2>&1)
status=$?
printf '%s\n' "$output"
if [ "$status" -ne "$expected" ]; then
    echo "expect_check: exit status $status, expected $expected" >&2
    exit 1
fi
if ! printf '%s\n' "$output" | grep -Eq -- "$pattern"; then
    echo "expect_check: the output does not match: $pattern" >&2
    exit 1
fi
