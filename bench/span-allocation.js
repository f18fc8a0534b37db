#!/usr/bin/env node
'use strict';
// Bytes allocated per span, by the function that allocated them.
//
//   node bench/span-allocation.js [--profiler spanprof] [--spans 20000]
//
// Allocation, not retention (bench/span-retention.js measures that): every
// byte allocated brings the next scavenge closer, and what survives one
// makes V8 grow the young generation. Five windows of 5,000 spans warm the
// code up, then V8's sampling heap profiler, told to keep the objects both
// collectors freed, records `--spans` more: a root span made active and
// ended, an event-loop turn every 20. Run it with `--profiler none` for the
// OTel SDK alone; the difference is the profiler's.
const { intOption } = require('./lib/int-option');
const { startProfiled, shortSpans, stringOption } = require('./lib/child-setup');
const { startHeapSampling, totalBytes } = require('./lib/heap-sampling');

const profilerName = stringOption('profiler', 'spanprof');
const spans = intOption('spans', 20000);

(async () => {
  const { profiler, tracer, finish } = startProfiled({ profiler: profilerName, window: 600_000 });
  for (let w = 0; w < 5; w++) {
    await shortSpans(tracer, 5000);
    await profiler.rotateNow();
  }
  const sampling = await startHeapSampling();
  await shortSpans(tracer, spans);
  const byFunction = await sampling.stop();
  const total = totalBytes(byFunction);
  console.log(`Node ${process.version}, ${profilerName}: ${(total / spans).toFixed(0)} bytes allocated per span`);
  for (const [key, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`${(bytes / spans).toFixed(0).padStart(7)}  ${key}`);
  }
  await finish();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
