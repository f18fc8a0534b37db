// Clocks read inside the SIGPROF handler. clock_gettime is async-signal-safe
// (POSIX.1-2008), and CLOCK_MONOTONIC is the clock V8's TimeTicks uses on
// Linux and macOS, so our tick times line up with CpuProfile sample times.
#pragma once

#include <cstdint>
#include <ctime>

namespace spanprof {

inline int64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

inline int64_t ThreadCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

}  // namespace spanprof
