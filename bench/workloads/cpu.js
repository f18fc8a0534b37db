'use strict';
// Fixed deterministic work in batches, each batch a span; the event loop
// turns between batches so window timers fire. Reports the process CPU
// time (all threads) and wall time of the fixed work.
const { parseArgs, startProfiled, peakRssMiB, cpuUs, nextTurn } = require('../lib/child-setup');
const { parse } = require('./work');
const { threadCpu, threadCpuDeltaMs } = require('../lib/thread-cpu');

const args = parseArgs();
const STEPS = 4000; // one parse() call: ~32 000 LCG steps
const CALLS_PER_BATCH = 100;

async function run(batches, tracer, calls = CALLS_PER_BATCH) {
  let sink = 0;
  for (let b = 0; b < batches; b++) {
    sink += tracer.startActiveSpan('batch', (span) => {
      let s = 0;
      for (let i = 0; i < calls; i++) s += parse(STEPS, b * calls + i);
      span.end();
      return s;
    });
    await nextTurn();
  }
  return sink;
}

(async () => {
  const { profiler, tracer, finish } = startProfiled(args);
  // The first windows pay one-time costs (lazy loading, JIT of the encoder
  // and of the span path): a long-running service pays them once, so the
  // warm-up closes `--warmup-windows` windows (default 1) of
  // `--warmup-window-batches` batches each (default a tenth of the work).
  const warmupBatches = args['warmup-window-batches'] ?? Math.ceil(args.batches / 10);
  for (let w = 0; w < (args['warmup-windows'] ?? 1); w++) {
    await run(warmupBatches, tracer);
    await profiler.rotateNow();
  }
  // V8 optimizes a function once it has run enough, counted in calls and
  // loop turns, not in time. At this workload's ~220 spans/s the span path
  // takes tens of seconds to get there, so `--warmup-spans` short spans
  // (one unit of work each), over four more windows, bring it to where a
  // service that has run a minute is.
  const spans = args['warmup-spans'] ?? 0;
  for (let w = 0; w < 4 && spans > 0; w++) {
    await run(Math.ceil(spans / 4), tracer, 1);
    await profiler.rotateNow();
  }
  await run(Math.ceil(args.batches / 20), tracer);
  profiler.resetWindows();
  const threads0 = threadCpu();
  const c0 = process.cpuUsage();
  // Everything before the measured work: start-up, loading and the warm-up.
  const startCpuMs = (c0.user + c0.system) / 1000;
  const t0 = process.hrtime.bigint();
  const sink = await run(args.batches, tracer);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpuMs = cpuUs(c0) / 1000;
  const threadsMs = threadCpuDeltaMs(threads0, threadCpu());
  const windows = profiler.windows();
  const rssMiB = peakRssMiB();
  await finish();
  console.log(JSON.stringify({ cpuMs, startCpuMs, wallMs, rssMiB, threadsMs, windows, sink: sink > 0 }));
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
