'use strict';
// spanprof encodes windows on the profiled thread, and starts one helper
// thread, which reads source maps and encodes windows, when a large map
// makes it worth its memory; the profiled thread's share of a window's work
// is counted in the window's pause.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { LARGE_MAP_BYTES, InThreadEncoder, BackgroundEncoder, createFrameMapper, SpanProfiler, ExportingSink, PauseRecorder, UNLABELLED_SOURCE } = require('../dist/internal');
const { decodeProfileSync } = require('./support/read-pprof');
const { binding, spinCpu } = require('./support/native');
const { sampleWindow, stopSampler, busyFor } = require('./support/profile-windows.js');
const { countTurns, costLog } = require('./support/thread-stretches');
const { copyApp, compileTsc, lineOf } = require('./fixtures/sourcemap-harness/build-app');

const root = copyApp('spanprof-helper-thread-');
test.after(() => {
  fs.rmSync(root, { recursive: true, force: true });
  stopSampler();
});

/** Function name → file of every function in a gzip'd pprof profile. */
function functionFiles(gzip) {
  const profile = decodeProfileSync(gzip);
  const strings = profile.stringTable.strings;
  return profile.function.map((f) => ({ name: strings[Number(f.name)], file: strings[Number(f.filename)], line: Number(f.startLine) }));
}

/**
 * Profiles the tsc-built app in a child process; returns the thread id a
 * probe worker got (spanprof's workers come first), the files under `out`
 * the profiled thread opened or read synchronously, and the functions of
 * the written windows.
 */
function profileTscApp(out) {
  const dir = fs.mkdtempSync(path.join(root, 'profiles-'));
  const script = `
    const fs = require('node:fs');
    const { Worker } = require('node:worker_threads');
    // Every map file or script tail this thread reads, from here on.
    const mapReads = [];
    const { readFileSync, openSync } = fs;
    fs.readFileSync = function (file, ...rest) {
      if (String(file).endsWith('.map')) mapReads.push(String(file));
      return readFileSync.call(this, file, ...rest);
    };
    fs.openSync = function (file, ...rest) {
      if (String(file).startsWith(${JSON.stringify(out)})) mapReads.push(String(file));
      return openSync.call(this, file, ...rest);
    };
    const spanprof = require(${JSON.stringify(path.join(__dirname, '..', 'dist'))});
    const handle = spanprof.start({ serviceName: 'one-thread', outputDir: ${JSON.stringify(dir)}, windowMs: 60000, sourceMaps: true, logLevel: 'error' });
    const app = require(${JSON.stringify(path.join(out, 'server.js'))});
    // 300 ms of this thread's CPU time, however busy the machine, so the window holds samples.
    const { threadCpuNs } = require(${JSON.stringify(require.resolve('./support/cpu-burn.js'))});
    const until = threadCpuNs() + 300e6;
    while (threadCpuNs() < until) app.serve(20);
    handle.flush().then(async () => {
      // Thread ids count every worker this process started: spanprof's come first.
      const probe = new Worker('0', { eval: true });
      const probeId = probe.threadId;
      await probe.terminate();
      await handle.stop();
      console.log(JSON.stringify({ probeId, mapReads }));
    });
  `;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpu.pb.gz'));
  assert.ok(files.length >= 1, 'a window was written');
  const functions = files.flatMap((f) => functionFiles(fs.readFileSync(path.join(dir, f))));
  return { ...JSON.parse(r.stdout), functions };
}

function assertShippingMapped(functions) {
  assert.ok(
    functions.some((f) => f.name === 'computeShippingCost' && f.file === 'src/shipping.ts' &&
      f.line === lineOf('src/shipping.ts', 'export function computeShippingCost(')),
    `no mapped computeShippingCost among ${JSON.stringify(functions.filter((f) => f.file.includes('shipping')))}`,
  );
}

test('small source maps (a tsc build\'s per-file maps) are read on the profiled thread: no helper thread', () => {
  const out = compileTsc(root, 'out-small-maps');
  const result = profileTscApp(out);
  assert.equal(result.probeId, 1, 'spanprof started no worker thread');
  assert.ok(result.mapReads.some((f) => f.endsWith('shipping.js.map')), JSON.stringify(result.mapReads));
  assertShippingMapped(result.functions);
});

test('a large source map starts one helper thread, and the maps are read on it, not on the profiled thread', () => {
  const out = compileTsc(root, 'out-large-map');
  // The same map with its sources embedded, padded past the size worth a thread.
  const mapFile = path.join(out, 'shipping.js.map');
  const map = JSON.parse(fs.readFileSync(mapFile, 'utf8'));
  map.sourcesContent = map.sources.map(() => `// ${'x'.repeat(LARGE_MAP_BYTES)}\n`);
  fs.writeFileSync(mapFile, JSON.stringify(map));
  const result = profileTscApp(out);
  assert.equal(result.probeId, 2, 'spanprof started exactly one worker thread');
  assert.deepEqual(result.mapReads, []);
  assertShippingMapped(result.functions);
});

test("a window's pause includes what the encoder later spends on the profiled thread", async () => {
  const exported = [];
  const exporter = {
    export: (w) => exported.push(w),
    flush: async () => true,
    shutdown: async () => {},
    stats: () => ({ sent: exported.length, failed: 0, dropped: 0, retried: 0, pending: 0, pendingBytes: 0 }),
  };
  // An encoder whose work on the profiled thread is known: 7 s in two stretches, after the window closed.
  const inThread = new InThreadEncoder({ wall: false });
  const encoder = {
    async encode(window, cost) {
      await new Promise((resolve) => setImmediate(resolve));
      cost.add(3e9);
      const encoded = await inThread.encode(window);
      cost.add(4e9);
      return encoded;
    },
    close: async () => {},
  };
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  const sink = new ExportingSink({ exporter, logger, wall: false, encoder });
  const profiler = new SpanProfiler(binding(), { windowMs: 60_000, labels: UNLABELLED_SOURCE, sink });
  profiler.start();
  try {
    spinCpu(50);
    await profiler.flush(10_000);
  } finally {
    await profiler.stop(10_000);
  }
  assert.equal(exported.length, 2);
  const pause = profiler.stats().pause;
  assert.equal(pause.count, 2);
  // Closing a window alone never takes seconds.
  assert.ok(pause.p50Ms >= 7000 && pause.p50Ms < 8000, `p50 ${pause.p50Ms} ms`);
  assert.ok(pause.maxMs >= 7000 && pause.maxMs < 8000, `max ${pause.maxMs} ms`);
});

test('the encoders report their profiled-thread time per window', async () => {
  const window = await sampleWindow({ phases: [{ slot: 0, run: () => busyFor(100, () => Math.sqrt(Math.random())) }] });
  const frames = createFrameMapper({ root });

  const background = new BackgroundEncoder({ wall: true, frames });
  const onWorker = costLog();
  try {
    await background.encode(window, onWorker);
    assert.equal(background.usesWorker, true);
  } finally {
    await background.close();
  }
  // Posting the window and taking the bytes back, at least.
  assert.ok(onWorker.stretches.length >= 2, `${onWorker.stretches.length} stretches`);
  assert.ok(onWorker.total() > 0);

  const here = costLog();
  await new InThreadEncoder({ wall: true, frames }).encode(window, here);
  assert.equal(here.stretches.length, 1);
  assert.ok(here.total() > 0);

  // Sliced: several stretches, each about the slice long, their sum the work.
  const sliced = costLog();
  const turns = countTurns();
  await new InThreadEncoder({ wall: true, frames, sliceMs: 0.001 }).encode(window, sliced);
  const seen = turns.stop();
  assert.ok(sliced.stretches.length > 3, `${sliced.stretches.length} stretches`);
  assert.ok(seen >= sliced.stretches.length - 1, `${seen} event-loop turns between ${sliced.stretches.length} stretches`);
  assert.ok(sliced.total() > 0);

  // After the worker died, the calling thread's encoding is what is counted.
  const reasons = [];
  const dying = new BackgroundEncoder({ wall: false, frames }, (r) => reasons.push(r));
  await dying.worker.terminate();
  const fallback = costLog();
  const encoded = await dying.encode(window, fallback);
  assert.equal(dying.usesWorker, false);
  assert.equal(reasons.length, 1);
  assert.ok(encoded.profiles[0].gzip.byteLength > 0);
  assert.ok(fallback.total() > 0);
});

test('pause recorder: a window is the sum of its stretches, its longest stretch kept beside; old windows are not revived', () => {
  const r = new PauseRecorder(2);
  const a = r.begin();
  a.add(1e6);
  a.add(2e6);
  r.add(5e6);
  assert.deepEqual(r.summary(), { count: 2, p50Ms: 5, p99Ms: 5, maxMs: 5, stretchP50Ms: 5, stretchMaxMs: 5 });
  const b = r.begin();
  b.add(1e6);
  // `a`'s slot now holds `b`: late work for `a` is dropped, not added to `b`.
  a.add(50e6);
  assert.deepEqual(r.summary(), { count: 3, p50Ms: 5, p99Ms: 5, maxMs: 5, stretchP50Ms: 5, stretchMaxMs: 5 });
  b.add(3e6);
  b.add(3e6);
  b.add(3e6);
  // Sum 10 ms, longest stretch 3 ms.
  assert.deepEqual(r.summary(), { count: 3, p50Ms: 10, p99Ms: 10, maxMs: 10, stretchP50Ms: 5, stretchMaxMs: 5 });
  const c = r.begin();
  c.add(0.5e6);
  c.add(0.5e6);
  assert.deepEqual(r.summary(), { count: 4, p50Ms: 10, p99Ms: 10, maxMs: 10, stretchP50Ms: 3, stretchMaxMs: 5 });
});
