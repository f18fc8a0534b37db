#!/usr/bin/env bash
# Builds and runs the C++ unit tests in test/native/ (the pure parts of
# native/: the sample-to-tick matcher and the tick ring), once plain, once
# under ASan+UBSan, and the two-thread ring test under TSan too where this
# machine can run TSan. Outputs go to build/native-unit/. Exits non-zero on
# any compile error, warning or failed check.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=build/native-unit
cxx=${CXX:-g++}
flags=(-std=c++20 -Wall -Wextra -Werror -O1 -g -Inative -Itest/native -pthread)
san=(-fno-omit-frame-pointer -fno-sanitize-recover=all)
tests=(tick_matcher_test tick_ring_test tick_ring_stress_test)
sources() {
  case $1 in
    tick_matcher_test) echo test/native/tick_matcher_test.cc native/tick_matcher.cc ;;
    *) echo "test/native/$1.cc" ;;
  esac
}
start=$(date +%s)
mkdir -p "$out/plain" "$out/asan" "$out/tsan"

# Every compile at once (they dominate the time), then wait for all.
pids=()
compile() {
  "$cxx" "${flags[@]}" "$@" &
  pids+=($!)
}
for t in "${tests[@]}"; do
  # shellcheck disable=SC2046 # sources() prints a word list
  compile -o "$out/plain/$t" $(sources "$t")
  # shellcheck disable=SC2046
  compile -fsanitize=address,undefined "${san[@]}" -o "$out/asan/$t" $(sources "$t")
done
compile -fsanitize=thread "${san[@]}" -o "$out/tsan/tick_ring_stress_test" \
  test/native/tick_ring_stress_test.cc
echo 'int main() { return 0; }' > "$out/tsan/probe.cc"
compile -fsanitize=thread -o "$out/tsan/probe" "$out/tsan/probe.cc"
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
if [ "$failed" -ne 0 ]; then
  echo "native unit tests: a build failed" >&2
  exit 1
fi

run() {
  echo "--- $1"
  "$1"
}
for t in "${tests[@]}"; do run "$out/plain/$t"; done
export ASAN_OPTIONS="abort_on_error=1:halt_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for t in "${tests[@]}"; do run "$out/asan/$t"; done
# TSan maps its shadow memory at fixed addresses and cannot start on a kernel
# with more address-space randomization than it expects. The probe tells that
# apart from a race found, and the skip is said out loud.
if "$out/tsan/probe" 2>/dev/null; then
  TSAN_OPTIONS="halt_on_error=1:abort_on_error=1" run "$out/tsan/tick_ring_stress_test"
else
  echo "--- TSan cannot start on this machine: the two-thread ring test ran plain and under ASan only"
fi
echo "native unit tests passed in $(($(date +%s) - start)) s"
