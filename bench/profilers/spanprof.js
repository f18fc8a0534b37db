'use strict';
// spanprof's default setup: the span processor labels spans, start() samples
// with span labels and writes windows to a local directory. Samples carry the
// labels an upload carries (span_id, span_name): trace_id, which only the
// local report reads, is left out as it is when a server is set.
const { dist } = require('../lib/paths');
const spanprof = require(dist);
const { WindowLog } = require('./window-log');
const { timeWindows, onEncoded, withOwnPause } = require('./spanprof-windows');

module.exports = {
  create({ windowMs, outputDir }) {
    const log = new WindowLog();
    timeWindows(log);
    let handle;
    return {
      spanProcessors: [new spanprof.ProfilingSpanProcessor()],
      start() {
        handle = spanprof.start({ serviceName: 'bench', outputDir, windowMs, traceIdLabel: false, logLevel: 'error', onWindow: onEncoded(log) });
        if (!handle.enabled) throw new Error('spanprof did not start (no addon for this Node?)');
      },
      rotateNow: () => handle.flush(),
      resetWindows: () => log.reset(),
      windows: () => withOwnPause(log.summary(), handle.stats().profiler.pause),
      /** Each window's main-thread time, one entry a window (bench/window-cost.js). */
      windowLog: log,
      stop: () => handle.stop(),
    };
  },
};
