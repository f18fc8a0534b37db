'use strict';
// How long and how often each part of the suite runs. `full` is the suite of
// record (about 40 minutes on a 2-core machine); `quick` keeps the same
// shape at a fraction of the cost (about 4 minutes), for CI.
const { CONFIGS } = require('../profilers');

// The headline comparison: spanprof, its sampler alone, and the peer with span contexts.
const HEADLINE = ['none', 'spanprof', 'spanprof-sampler', 'datadog'];

const FULL = {
  mode: 'full',
  // ~5 s of work (1100 batches of ~4.7 ms) with windows every 4 s: one
  // window closes inside the measured work, so its cost is counted about
  // twice as often as with the default 10 s windows. Ten windows close in
  // the warm-up first, four of them over 20,000 short spans: the span path
  // is optimized by then, as in a service that has run for a minute (three
  // windows alone left about 40 of spanprof's functions to be optimized for
  // the first time inside the measured work: `--trace-opt`). What the
  // start-up and the warm-up cost is reported on its own.
  // A window's path (pprof-format's encoder above all) gets hot by the
  // samples it encodes, not by time: after 3 warm-up windows of 110 batches
  // (about 55 samples each), V8 still optimized 8 to 11 of its functions
  // for the first time inside the measured work, 40 to 50 ms on its compiler
  // threads, about 1% of the work (Node 20, `--trace-opt`). After 6 windows
  // of 370 batches (about 170 samples each, some 1,500 in all, where a busy
  // service at 10 s windows encodes 6,000 in its first minute): 0 to 2.
  cpu: { rounds: 9, batches: 1100, window: 4000, warmupWindows: 6, warmupWindowBatches: 370, warmupSpans: 20_000, configs: CONFIGS },
  // The saturated parts warm up as long as the fixed-rate parts (see below):
  // after 1.5 s, V8 was still compiling inside the measured time.
  http: { rounds: 4, warmup: 7.5, duration: 10, window: 10_000, concurrency: 32, configs: CONFIGS },
  'async-heavy': { rounds: 4, warmup: 7.5, duration: 10, window: 10_000, concurrency: 32, configs: CONFIGS },
  // The headline figures: a fixed request rate (open loop), `load` times the
  // baseline's saturated throughput measured at the start of the run, so the
  // server is busy but never saturated; up to `concurrency` requests in
  // flight. Many short rounds: drift cancels better than over a few long ones.
  // Windows every 3 s: after the one closed in the warm-up (one-time costs),
  // two close inside the measured 6 s, so window costs count 3.3 times as
  // often as with the default 10 s windows, for every profiler alike.
  // A 7.5 s warm-up (a window closed by hand, two by the timer): after only
  // 1.5 s, V8 was still compiling the server's code, the SDK's and each
  // profiler's inside the measured 6 s. CPU per request on threads other
  // than the main one and V8's profiler thread (compiler and GC workers),
  // Node 20 at 1,100 req/s, 3 rounds: no profiler 13.0 µs after 1.5 s,
  // 2.8 after 7.5; spanprof 25.6 and 6.1; the peer 20.5 and 8.4.
  'http-rate': { rounds: 9, warmup: 7.5, duration: 6, window: 3000, concurrency: 256, load: 0.7, configs: [...HEADLINE, 'spanprof-labels'] },
  'async-rate': { rounds: 9, warmup: 7.5, duration: 6, window: 3000, concurrency: 256, load: 0.7, configs: [...HEADLINE, 'spanprof-labels'] },
  scaling: {
    rounds: 2,
    warmup: 1,
    duration: 4,
    window: 2000,
    configs: ['none', 'spanprof', 'datadog'],
    points: { spans: [1, 100, 10_000], depth: [10, 100, 1000], functions: [1000, 10_000, 100_000] },
  },
  // 10 ms windows; @datadog/pprof rotates far slower than that, so it stops
  // at the time limit with fewer rotations.
  rotations: { rotations: 3000, window: 10, timeout: 75, configs: ['none', 'spanprof', 'spanprof-no-export', 'datadog'] },
  // bench/context-tracking.js: CPU per await with and without span tracking.
  context: { runs: 6 },
};

const QUICK = {
  mode: 'quick',
  cpu: { rounds: 2, batches: 300, window: 1000, warmupWindows: 1, warmupSpans: 2000, configs: CONFIGS },
  http: { rounds: 2, warmup: 0.5, duration: 3, window: 1000, concurrency: 32, configs: CONFIGS },
  'async-heavy': { rounds: 1, warmup: 0.5, duration: 3, window: 1000, concurrency: 32, configs: CONFIGS },
  'http-rate': { rounds: 2, warmup: 0.5, duration: 3, window: 1000, concurrency: 256, load: 0.7, configs: [...HEADLINE, 'spanprof-labels'] },
  'async-rate': { rounds: 1, warmup: 0.5, duration: 3, window: 1000, concurrency: 256, load: 0.7, configs: [...HEADLINE, 'spanprof-labels'] },
  scaling: {
    rounds: 1,
    warmup: 0.5,
    duration: 2,
    window: 1000,
    configs: ['none', 'spanprof'],
    points: { spans: [10_000], depth: [1000], functions: [100_000] },
  },
  rotations: { rotations: 300, window: 10, timeout: 30, configs: ['none', 'spanprof', 'spanprof-no-export'] },
  context: { runs: 2 },
};

module.exports = { FULL, QUICK };
