'use strict';
// Times every spanprof window close (collect, label capture, profile build
// and hand-off: the span SpanProfiler's own `pause` statistic covers) into a
// WindowLog, so spanprof's windows are summarised like the peers', warm-up
// excluded, with CPU time beside wall time.
const path = require('node:path');
const { dist } = require('../lib/paths');
const { SpanProfiler } = require(path.join(dist, 'profiler', 'span-profiler'));
const { encodedBytes } = require(path.join(dist, 'pprof', 'encoded-window'));

function timeWindows(log) {
  const close = SpanProfiler.prototype.closeWindow;
  SpanProfiler.prototype.closeWindow = function () {
    const mark = log.begin();
    const w = close.call(this);
    if (w) log.end(mark);
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
