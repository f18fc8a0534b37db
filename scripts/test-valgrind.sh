#!/usr/bin/env bash
# Runs a complete native sampler session (windows, idle, restart, a worker
# terminated while sampling) under valgrind memcheck. Fails on any memory
# error or any definite leak. No suppressions are needed: Node's own
# process-lifetime allocations show only as "still reachable" or, for the
# inspector thread's TLS, "possibly lost", which do not fail the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# V8 writes its own machine code: --smc-check makes valgrind notice.
valgrind --error-exitcode=9 --smc-check=all-non-file --leak-check=full \
  --errors-for-leak-kinds=definite node test/fixtures/native-smoke.js >"$log" 2>&1 || {
  cat "$log" >&2
  echo "valgrind: memory errors or definite leaks (exit $?)" >&2
  exit 1
}
grep -E '"samples":[1-9]' "$log" >/dev/null || { cat "$log" >&2; echo "no samples under valgrind" >&2; exit 1; }
grep -E 'ERROR SUMMARY|definitely lost' "$log"
echo "valgrind: clean"
