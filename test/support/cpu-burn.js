'use strict';
// Hot loops measured in this thread's CPU time. A loop that runs for a wall
// time gets, on a loaded machine, a fraction of the CPU and of the samples it
// gets on an idle one; a loop that runs for a CPU time runs longer instead,
// and gets at least as many samples.
const { binding } = require('./native');

/** Wall time between reads of the CPU clock. */
const CHECK_EVERY_MS = 10;

/** This thread's CPU time, in nanoseconds. */
function threadCpuNs() {
  return binding().threadCpuNs();
}

/**
 * Calls `fn`, a named hot function, until this thread has spent `ms` of CPU
 * time here. The CPU clock is a system call, where a busy scheduler likes to
 * preempt the thread, and a sample taken while it waited lands where it
 * stopped: read often, the clock would be the leaf of many samples.
 */
function burnCpu(ms, fn) {
  const until = threadCpuNs() + ms * 1e6;
  let sink = 0;
  let checked = Date.now();
  for (;;) {
    sink += fn();
    const now = Date.now();
    if (now - checked >= CHECK_EVERY_MS) {
      checked = now;
      if (threadCpuNs() >= until) return sink;
    }
  }
}

module.exports = { burnCpu, threadCpuNs };
