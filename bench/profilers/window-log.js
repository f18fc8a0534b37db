'use strict';
// Per-window costs of a profiler, measured and summarised the same way for
// all of them. A pause is timed twice: wall time (what the event loop
// waits, including any time the thread is descheduled on a busy machine)
// and process CPU time over the same stretch (what the work itself costs;
// on a synchronous main-thread call other threads add little to it).
const { median } = require('../lib/stats');

class WindowLog {
  constructor() {
    this.reset();
  }

  /** Forgets the windows so far: the warm-up's are not measured. */
  reset() {
    this.pausesMs = [];
    /** Each window's longest single stretch on the main thread. */
    this.stretchesMs = [];
    this.pausesCpuMs = [];
    this.encodeMs = [];
    this.gzBytes = [];
  }

  begin() {
    return { t: process.hrtime.bigint(), cpu: process.cpuUsage() };
  }

  /** The window's main-thread collection, begun with begin(), is over. */
  end(mark) {
    const ms = elapsedMs(mark.t);
    this.pausesMs.push(ms);
    this.stretchesMs.push(ms);
    const c = process.cpuUsage(mark.cpu);
    this.pausesCpuMs.push((c.user + c.system) / 1000);
  }

  /** The window was encoded: its gzip size and the wall time since it closed. */
  encoded(bytes, ms) {
    this.gzBytes.push(bytes);
    this.encodeMs.push(ms);
  }

  summary() {
    return {
      count: this.pausesMs.length,
      pauseP50Ms: median(this.pausesMs),
      pauseMaxMs: this.pausesMs.length ? Math.max(...this.pausesMs) : NaN,
      stretchP50Ms: median(this.stretchesMs),
      stretchMaxMs: this.stretchesMs.length ? Math.max(...this.stretchesMs) : NaN,
      pauseCpuP50Ms: median(this.pausesCpuMs),
      pauseCpuMaxMs: this.pausesCpuMs.length ? Math.max(...this.pausesCpuMs) : NaN,
      encodeMs: median(this.encodeMs),
      gzBytes: median(this.gzBytes),
    };
  }
}

function elapsedMs(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

module.exports = { WindowLog, elapsedMs };
