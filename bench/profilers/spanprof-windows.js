'use strict';
// Times every spanprof window into a WindowLog, so spanprof's windows are
// summarised like the peers', warm-up excluded, with CPU time beside wall
// time. A window's pause is its close (collect, label capture, hand-off)
// plus the stretches the encoder later spends on the profiled thread for
// it: the same span as SpanProfiler's own `pause` statistic. Its longest
// stretch is kept beside: the event loop turns between stretches.
const path = require('node:path');
const { dist } = require('../lib/paths');
const { SpanProfiler, PauseRecorder, loadNative, encodedBytes } = require(path.join(dist, 'internal'));
// The module itself, not the internal entry: its `timed` is wrapped below.
const stretches = require(path.join(dist, 'pprof', 'profiled-thread-cost'));
// Its prototype: the encoder's stretches on this thread, when it cuts its work, begin and end there.
const { ThreadSlicer } = require(path.join(dist, 'pprof', 'thread-slicer'));

function timeWindows(log) {
  const close = SpanProfiler.prototype.closeWindow;
  const begin = PauseRecorder.prototype.begin;
  const timed = stretches.timed;
  const native = loadNative();
  const threadCpuNs = native.ok ? () => native.binding.threadCpuNs() : () => 0;
  // The window being closed; its stretches after the close go to its log entry.
  let closing;
  PauseRecorder.prototype.begin = function () {
    const entry = begin.call(this);
    const window = closing;
    return {
      add(ns) {
        entry.add(ns);
        // Stretches inside the close are in the close's own timing already.
        window?.extendWall?.(ns);
      },
      window,
    };
  };
  // Every stretch the encoder spends on this thread goes through `timed`:
  // its thread CPU time is taken here, beside the wall time it reports.
  stretches.timed = function (cost, fn) {
    const window = cost?.window;
    if (window === undefined) return timed(cost, fn);
    const cpu0 = threadCpuNs();
    try {
      return timed(cost, fn);
    } finally {
      window.extendCpu?.(threadCpuNs() - cpu0);
    }
  };
  // A sliced encode's stretches: thread CPU time from each start to its end.
  const startStretch = ThreadSlicer.prototype.startStretch;
  const endStretch = ThreadSlicer.prototype.end;
  ThreadSlicer.prototype.startStretch = function () {
    this.benchCpu0 = threadCpuNs();
    return startStretch.call(this);
  };
  ThreadSlicer.prototype.end = function () {
    if (this.stretchStart !== undefined && this.benchCpu0 !== undefined) this.cost?.window?.extendCpu?.(threadCpuNs() - this.benchCpu0);
    this.benchCpu0 = undefined;
    return endStretch.call(this);
  };
  SpanProfiler.prototype.closeWindow = function () {
    const window = {};
    closing = window;
    const mark = log.begin();
    let w;
    try {
      w = close.call(this);
    } finally {
      closing = undefined;
    }
    if (w) {
      log.end(mark);
      const { pausesMs, pausesCpuMs, stretchesMs } = log;
      const i = pausesMs.length - 1;
      window.extendWall = (ns) => {
        pausesMs[i] += ns / 1e6;
        stretchesMs[i] = Math.max(stretchesMs[i], ns / 1e6);
      };
      window.extendCpu = (ns) => (pausesCpuMs[i] += ns / 1e6);
    }
    return w;
  };
}

/** An onWindow callback recording the encoded size and the time since the window's end. */
function onEncoded(log) {
  return (w) => log.encoded(encodedBytes(w), Date.now() - Number(w.endEpochNs / 1_000_000n));
}

/** The figures of a run, with the profiler's own pause statistic beside the bench's. */
function withOwnPause(summary, pause) {
  return {
    ...summary,
    ownPauseP50Ms: pause.p50Ms,
    ownPauseMaxMs: pause.maxMs,
    ownPauseCount: pause.count,
    ownStretchP50Ms: pause.stretchP50Ms,
    ownStretchMaxMs: pause.stretchMaxMs,
  };
}

module.exports = { timeWindows, onEncoded, withOwnPause };
