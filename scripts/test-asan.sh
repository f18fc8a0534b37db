#!/usr/bin/env bash
# Runs the native sampler tests against an ASan+UBSan build of the addon.
# Node itself is not instrumented, so ASan's runtime is preloaded. Leak
# detection is off: at exit LSan reports V8's and Node's own process-lifetime
# allocations, which are not ours; use scripts/test-valgrind.sh for leaks in
# the addon.
#
# With no arguments: the node on PATH, then Node 24 for the async context
# frame reader (it exists from Node 22). With test patterns: just those, on
# the node on PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ $# -eq 0 ]; then
  # The sampler tests, then spanprof beside other profilers (their child
  # processes inherit this environment, so they load the sanitized addon too;
  # the Datadog cases need scripts/install-coexist.sh, else they skip) and the
  # hostile-input tests (deep stacks, 1 MB names, odd strings through the
  # translator).
  bash scripts/test-asan.sh sampler- reliability-coexist reliability-hostile
  # The frame reader: GC, racing writes and workers, then the tracker's
  # context cases and the attribution run, all reading frames in the handler.
  node scripts/with-node.js 24 -- bash scripts/test-asan.sh sampler-frames otel-context-tracker otel-attribution
  exit 0
fi
version=$(node -p process.versions.node)
addon=$(bash scripts/build-native-variant.sh "asan-$version" -Dsanitize=1)
libasan=$(g++ -print-file-name=libasan.so)
export SPANPROF_ADDON="$addon"
export LD_PRELOAD="$libasan"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:allow_user_segv_handler=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
echo "ASan+UBSan on Node $version: $*"
node scripts/run-tests.js "$@"
