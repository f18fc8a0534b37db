#!/usr/bin/env node
'use strict';
// What the output directory's bookkeeping costs as it fills: the heap kept
// per window written, and what one maintenance pass (the bound and the
// index rewrite, once per window at the default 10 s windows) holds the
// thread for, with thousands of windows in the directory.
//
//   node --expose-gc bench/directory-index.js [--windows 10000] [--passes 5]
//
// Windows carry a 2 KiB profile; the exporter is the one start() builds.
// Reported: heap after a full GC per window held, and per pass the longest
// stretch the thread was held (wall), the pass's wall time, and the index's
// size. Run `npm run build:ts` first.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { intOption } = require('./lib/int-option');
const { median } = require('./lib/stats');

const { DirectoryExporter } = require(path.join(__dirname, '..', 'dist', 'internal'));

if (typeof global.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(2);
}

const WINDOW_NS = 10_000_000_000n;
const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

function windowAt(i) {
  const start = 1_700_000_000_000_000_000n + BigInt(i) * WINDOW_NS;
  return {
    startEpochNs: start,
    endEpochNs: start + WINDOW_NS,
    profiles: [{ kind: 'cpu', seriesName: 'process_cpu', gzip: Buffer.alloc(2048, i & 0xff) }],
    summary: { samples: 1000, cpuSamples: 900, idleSamples: 100, labelledSamples: 800, spans: 120, cpuNs: 9e9, wallNs: 1e10, idleCpuNs: 0, invalidLabels: 0 },
  };
}

/** The longest gap between turns of the event loop while `work` runs. */
async function longestStretch(work) {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const t0 = performance.now();
  await work();
  const wallMs = performance.now() - t0;
  running = false;
  return { longestMs: longest, wallMs };
}

async function main() {
  const windows = intOption('windows', 10000);
  const passes = intOption('passes', 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-dir-bench-'));
  try {
    global.gc();
    const heap0 = process.memoryUsage().heapUsed;
    const exporter = new DirectoryExporter({ directory: dir, maxBytes: 1024 ** 4, maxWindows: 1_000_000, maxQueueBytes: 64 << 20, serviceName: 'bench', logger: quietLogger });
    for (let i = 0; i < windows; i++) {
      exporter.export(windowAt(i));
      if (i % 200 === 199 && !(await exporter.flush(60_000))) throw new Error('flush timed out');
    }
    if (!(await exporter.flush(60_000))) throw new Error('flush timed out');
    global.gc();
    const keptPerWindow = (process.memoryUsage().heapUsed - heap0) / windows;
    const stretches = [];
    const walls = [];
    for (let p = 0; p < passes; p++) {
      exporter.export(windowAt(windows + p));
      // A flush writes the window, then brings the index up to date: one pass.
      const { longestMs, wallMs } = await longestStretch(() => exporter.flush(60_000));
      stretches.push(longestMs);
      walls.push(wallMs);
    }
    const indexBytes = fs.statSync(path.join(dir, 'index.json')).size;
    await exporter.shutdown(10_000);
    const f = (x) => x.toFixed(1);
    console.log(`node ${process.version}, ${windows} windows in the directory, ${passes} passes`);
    console.log(`heap kept per window (after a full GC): ${Math.round(keptPerWindow)} bytes`);
    console.log(`index: ${f(indexBytes / 1024 ** 2)} MiB`);
    console.log(`one pass (write a window, rewrite the index): longest stretch median ${f(median(stretches))} ms (max ${f(Math.max(...stretches))}), wall median ${f(median(walls))} ms`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
