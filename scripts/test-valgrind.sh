#!/usr/bin/env bash
# Runs complete native sampler sessions (listed below) under valgrind
# memcheck. Fails on any memory error or any definite leak. spanprof needs no
# suppression: Node's own process-lifetime allocations show only as "still
# reachable" or, for the inspector thread's TLS, "possibly lost", which do
# not fail the run. The one suppression file, scripts/valgrind-coexist.supp,
# hides errors inside the Datadog profiler's own binary, which the
# coexistence session loads; it says why.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# native-smoke: windows, idle, restart, a worker terminated while sampling.
# reliability-native-smoke: deep stacks, a 1 MB name, the inspector's
# profiler, and the Datadog profiler bypassing our handler (when
# scripts/install-coexist.sh has installed it).
for fixture in native-smoke reliability-native-smoke; do
  # V8 writes its own machine code: --smc-check makes valgrind notice.
  valgrind --error-exitcode=9 --smc-check=all-non-file --leak-check=full \
    --suppressions=scripts/valgrind-coexist.supp \
    --errors-for-leak-kinds=definite node "test/fixtures/$fixture.js" >"$log" 2>&1 || {
    cat "$log" >&2
    echo "valgrind: memory errors or definite leaks in $fixture (exit $?)" >&2
    exit 1
  }
  grep -E '"samples":[1-9]' "$log" >/dev/null || { cat "$log" >&2; echo "$fixture: no samples under valgrind" >&2; exit 1; }
  echo "$fixture: $(grep -E '^\{' "$log")"
  grep -E 'ERROR SUMMARY|definitely lost' "$log"
done
echo "valgrind: clean"
