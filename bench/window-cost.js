'use strict';
// Main-thread time spanprof spends on each window, window after window:
// its close plus the encoder's stretches on this thread, in CPU and wall
// time, as bench/run.js's cpu part counts them. The cpu part measures a
// few windows of fresh processes; this shows how that cost moves as the
// same process runs on.
//
//   node bench/window-cost.js [--windows 25] [--spans 60]
//
// Each window holds `--spans` spans of the cpu workload's work (100 parse
// calls each), a turn of the event loop between them, and is closed with
// rotateNow. Run `npm run build:ts` first.
const { startProfiled, nextTurn } = require('./lib/child-setup');
const { intOption } = require('./lib/int-option');
const { parse } = require('./workloads/work');

const windows = intOption('windows', 25);
const spans = intOption('spans', 60);

(async () => {
  const { profiler, tracer, finish } = startProfiled({ profiler: 'spanprof', window: 3_600_000 });
  for (let w = 0; w < windows; w++) {
    for (let b = 0; b < spans; b++) {
      tracer.startActiveSpan('batch', (span) => {
        for (let i = 0; i < 100; i++) parse(4000, b * 100 + i);
        span.end();
      });
      await nextTurn();
    }
    await profiler.rotateNow();
  }
  const log = profiler.windowLog;
  console.log(`Node ${process.version}, ${windows} windows of ${spans} spans`);
  console.log(`CPU ms per window:  ${log.pausesCpuMs.map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`wall ms per window: ${log.pausesMs.map((x) => x.toFixed(1)).join(' ')}`);
  await finish();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
