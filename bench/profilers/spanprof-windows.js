'use strict';
// Times every spanprof window into a WindowLog, so spanprof's windows are
// summarised like the peers', warm-up excluded, with CPU time beside wall
// time. A window's pause is its close (collect, label capture, hand-off)
// plus the stretches the encoder later spends on the profiled thread for
// it: the same span as SpanProfiler's own `pause` statistic.
const path = require('node:path');
const { dist } = require('../lib/paths');
const { SpanProfiler } = require(path.join(dist, 'profiler', 'span-profiler'));
const { PauseRecorder } = require(path.join(dist, 'profiler', 'pause-recorder'));
const { encodedBytes } = require(path.join(dist, 'pprof', 'encoded-window'));

function timeWindows(log) {
  const close = SpanProfiler.prototype.closeWindow;
  const begin = PauseRecorder.prototype.begin;
  // The window being closed; its stretches after the close go to its log entry.
  let closing;
  PauseRecorder.prototype.begin = function () {
    const entry = begin.call(this);
    const window = closing;
    return {
      add(ns) {
        entry.add(ns);
        // Stretches inside the close are in the close's own timing already.
        window?.extend?.(ns);
      },
    };
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
      const { pausesMs, pausesCpuMs } = log;
      const i = pausesMs.length - 1;
      // Timed as wall time by the encoder; counted in both figures (for the
      // CPU one, an upper bound of the thread's CPU over those stretches).
      window.extend = (ns) => {
        pausesMs[i] += ns / 1e6;
        pausesCpuMs[i] += ns / 1e6;
      };
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
  return { ...summary, ownPauseP50Ms: pause.p50Ms, ownPauseMaxMs: pause.maxMs, ownPauseCount: pause.count };
}

module.exports = { timeWindows, onEncoded, withOwnPause };
