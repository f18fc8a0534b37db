'use strict';
// Heap that spanprof keeps per ended span inside one window: spans run and
// end while a 60 s window stays open, then the heap is measured after a
// full collection, right away and again after `--settle` ms. The same run
// without spanprof is the baseline; fresh processes, alternating, medians.
//
//   node bench/span-retention.js [--runs 5] [--spans 20000] [--settle 400] [--dist path/to/dist]
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { intOption } = require('./lib/int-option');
const { median } = require('./lib/stats');

const CHILD = `
const [dist, mode, spans, settleMs] = process.argv.slice(1).map((v, i) => (i < 2 ? v : Number(v)));
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { trace } = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const spanprof = require(dist);
const provider = new NodeTracerProvider({ spanProcessors: mode === 'on' ? [new spanprof.ProfilingSpanProcessor()] : [] });
provider.register();
const tracer = trace.getTracer('retention');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-retention-'));
const handle = mode === 'on' ? spanprof.start({ serviceName: 'retention', outputDir: out, windowMs: 60_000, logLevel: 'error' }) : undefined;
const one = () =>
  tracer.startActiveSpan('GET /item', async (span) => {
    await null;
    await new Promise((resolve) => setImmediate(resolve));
    span.end();
  });
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
(async () => {
  for (let i = 0; i < 2000; i++) await one();
  await pause(settleMs);
  const before = heap();
  for (let b = 0; b < spans / 100; b++) await Promise.all(Array.from({ length: 100 }, one));
  const ended = heap();
  await pause(settleMs);
  const settled = heap();
  const slots = handle === undefined ? undefined : handle.stats().slots;
  await handle?.stop();
  fs.rmSync(out, { recursive: true, force: true });
  console.log(JSON.stringify({ ended: (ended - before) / spans, settled: (settled - before) / spans, slots }));
})();
`;

const runs = intOption('runs', 5);
const spans = intOption('spans', 20000);
const settle = intOption('settle', 400);
const distAt = process.argv.indexOf('--dist');
const dist = path.resolve(distAt >= 0 ? process.argv[distAt + 1] : path.join(__dirname, '..', 'dist'));
const got = { off: { ended: [], settled: [] }, on: { ended: [], settled: [] } };
let lastSlots;
for (let r = 0; r < runs; r++) {
  for (const mode of r % 2 === 0 ? ['off', 'on'] : ['on', 'off']) {
    const p = spawnSync(process.execPath, ['--expose-gc', '-e', CHILD, dist, mode, String(spans), String(settle)], {
      encoding: 'utf8',
      cwd: path.join(__dirname, '..'),
    });
    if (p.status !== 0) throw new Error(p.stderr);
    const res = JSON.parse(p.stdout.trim().split('\n').pop());
    got[mode].ended.push(res.ended);
    got[mode].settled.push(res.settled);
    if (res.slots !== undefined) lastSlots = res.slots;
  }
}
const fmt = (xs) => xs.map((v) => v.toFixed(0)).join(' ');
console.log(`${process.version}, ${spans} spans ended inside one open window, ${runs} runs`);
for (const mode of ['off', 'on']) {
  const name = mode === 'on' ? 'with spanprof   ' : 'without spanprof';
  console.log(
    `${name}: heap bytes per ended span: right after ${median(got[mode].ended).toFixed(0)} (${fmt(got[mode].ended)}), ` +
      `${settle} ms later ${median(got[mode].settled).toFixed(0)} (${fmt(got[mode].settled)})`,
  );
}
console.log(`slot table after the last run: ${JSON.stringify(lastSlots)}`);
