'use strict';
// Windows are built and encoded on a worker thread: the same profiles as on
// the calling thread, none of the building on it, and none lost when the
// worker is gone.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const buildModule = require('../dist/pprof/build-profiles.js');
const { InThreadEncoder, BackgroundEncoder } = require('../dist/internal');
const { decodeProfile, readSamples } = require('./support/read-pprof');
const { sampleWindow, stopSampler } = require('./support/profile-windows.js');
const { burnCpu } = require('./support/cpu-burn.js');

const LABELS = new Map([
  [1, { spanId: 'a1a1a1a1a1a1a1a1', traceId: '0123456789abcdef0123456789abcdef', spanName: 'GET /alpha' }],
  [2, { spanId: 'b2b2b2b2b2b2b2b2', traceId: 'fedcba9876543210fedcba9876543210' }],
]);

function hotAlpha() {
  let x = 0;
  for (let i = 0; i < 2e4; i++) x += Math.sqrt(i);
  return x;
}
function hotBeta() {
  let x = 0;
  for (let i = 0; i < 2e4; i++) x += Math.cbrt(i);
  return x;
}

let window;
test.before(async () => {
  // CPU time, not wall time: labelled samples however busy the machine.
  window = await sampleWindow({
    phases: [
      { slot: 1, run: () => burnCpu(150, hotAlpha) },
      { slot: 2, run: () => burnCpu(150, hotBeta) },
    ],
    idleMs: 50,
    labels: LABELS,
  });
});
test.after(() => stopSampler());

/** Every profile of an encoded window, decoded to comparable samples. */
async function decoded(encoded) {
  const out = [];
  for (const p of encoded.profiles) {
    const profile = await decodeProfile(p.gzip);
    const samples = readSamples(profile).map((s) => JSON.stringify([s.stack, s.labels, s.values]));
    out.push({ kind: p.kind, seriesName: p.seriesName, samples: samples.sort() });
  }
  return out;
}

/** Counts the window builds finished on this thread while `fn` runs. */
async function buildsOnThisThread(fn) {
  const proto = buildModule.WindowBuild.prototype;
  const original = proto.finish;
  let calls = 0;
  proto.finish = function () {
    calls++;
    return original.call(this);
  };
  try {
    const result = await fn();
    return { calls, result };
  } finally {
    proto.finish = original;
  }
}

test('the worker gives the same profiles and summary as the calling thread', async () => {
  assert.ok(window.raw.samples.node.length > 0, 'the window holds samples');
  const inThread = await new InThreadEncoder({ wall: true }).encode(window);
  const background = new BackgroundEncoder({ wall: true });
  try {
    const fromWorker = await background.encode(window);
    assert.equal(background.usesWorker, true);
    assert.equal(fromWorker.startEpochNs, inThread.startEpochNs);
    assert.equal(fromWorker.endEpochNs, inThread.endEpochNs);
    assert.deepEqual(fromWorker.summary, inThread.summary);
    assert.ok(fromWorker.summary.labelledSamples > 0, 'labels crossed to the worker');
    assert.ok(Buffer.isBuffer(fromWorker.profiles[0].gzip));
    assert.deepEqual(await decoded(fromWorker), await decoded(inThread));
  } finally {
    await background.close();
  }
});

test('profiles are built on the worker, not on the calling thread', async () => {
  const background = new BackgroundEncoder({ wall: false });
  try {
    const off = await buildsOnThisThread(() => background.encode(window));
    assert.equal(off.calls, 0);
    assert.ok(off.result.profiles[0].gzip.byteLength > 0);
    // The control: the calling-thread encoder is seen building.
    const on = await buildsOnThisThread(() => new InThreadEncoder({ wall: false }).encode(window));
    assert.equal(on.calls, 1);
  } finally {
    await background.close();
  }
});

test('a worker that dies loses no window: it and later ones are encoded on the calling thread', async () => {
  const reasons = [];
  const background = new BackgroundEncoder({ wall: false }, (reason) => reasons.push(reason));
  await background.encode(window);
  // The worker goes away as if it crashed.
  await background.worker.terminate();
  const after = await buildsOnThisThread(() => background.encode(window));
  assert.equal(after.calls, 1);
  assert.equal(background.usesWorker, false);
  assert.equal(reasons.length, 1);
  assert.match(reasons[0], /exited/);
  assert.deepEqual(await decoded(after.result), await decoded(await new InThreadEncoder({ wall: false }).encode(window)));
  await background.close();
});

test('an idle encoder does not keep the process alive', () => {
  const script =
    `const { BackgroundEncoder } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'helper-thread'))});` +
    'globalThis.keep = new BackgroundEncoder({ wall: false });';
  const r = spawnSync(process.execPath, ['-e', script], { timeout: 60_000, encoding: 'utf8' });
  assert.equal(r.signal, null, 'exited by itself');
  assert.equal(r.status, 0, r.stderr);
});
