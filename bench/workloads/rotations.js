'use strict';
// RSS while windows rotate `rotations` times with short windows, under a
// light load of spans doing CPU work and compiling a new function now and
// then (new code is what V8's profiler has to keep track of). Samples RSS
// every 100 rotations. The baseline, with no windows, runs as long as the
// profiled run is expected to take and samples on the same clock.
const { parseArgs, startProfiled, newSpaceMiB, nextTurn } = require('../lib/child-setup');
const { parse } = require('./work');

const args = parseArgs();
const MiB = 1048576;

(async () => {
  const { profiler, tracer, finish } = startProfiled(args);
  const baseline = args.profiler === 'none';
  const rotationsNow = baseline ? (t0) => Math.floor((Date.now() - t0) / args.window) : () => profiler.windows().count;
  const series = [];
  let sink = 0;
  let units = 0;
  const t0 = Date.now();
  const deadline = t0 + args.timeout * 1000;
  let next = 100;
  while (Date.now() < deadline) {
    sink += tracer.startActiveSpan('unit', (span) => {
      let s = parse(2000, units);
      if (units % 500 === 0) s += new Function('x', `return x * ${units} + 1;`)(units);
      span.end();
      return s;
    });
    units++;
    await nextTurn();
    if (units % 50 === 0) {
      const r = rotationsNow(t0);
      if (r >= next) {
        const m = process.memoryUsage();
        series.push({
          rotations: r,
          seconds: (Date.now() - t0) / 1000,
          rssMiB: m.rss / MiB,
          heapUsedMiB: m.heapUsed / MiB,
          externalMiB: m.external / MiB,
          // V8 grows the young generation with the allocation rate, up to its
          // cap: this tells that bounded growth from a leak.
          newSpaceMiB: newSpaceMiB(),
        });
        next += 100;
        if (r >= args.rotations) break;
      }
    }
  }
  const w = profiler.windows();
  await finish();
  console.log(JSON.stringify({ series, windows: w, sink: sink !== 0 }));
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
