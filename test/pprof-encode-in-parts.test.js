'use strict';
// A window encoded in stretches on the profiled thread: the profile is
// encoded in parts with turns of the event loop between them, and the bytes
// are exactly those of one encode() call.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { gunzipSync } = require('node:zlib');
const { Profile } = require('pprof-format');
const { encodeInParts, encodeWindow, ThreadSlicer, buildWithFunctions, nodeFunctions } = require('../dist/internal');
const { handWindow, Kind } = require('./support/profile-windows.js');
const { costLog } = require('./support/thread-stretches');
const { goMissingReason, goPprofRaw, parseRaw, labelCounts, decodedLabelCounts } = require('./support/go-pprof.js');

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-parts-'));
test.after(() => fs.rmSync(outDir, { recursive: true, force: true }));

const hex = (n, width) => n.toString(16).padStart(width, '0');

/**
 * A window with `depth` nested functions in each of `files` files and
 * `samples` samples over `spans` spans, so that every repeated field of
 * the profile (samples, locations, functions, strings) spans many parts.
 */
function largeWindow({ files = 6, depth = 40, samples = 3000, spans = 50 }) {
  const nodes = [[-1, '(root)', '', 0, 0, Kind.Root], [0, '(program)', '', 0, 0, Kind.Program], [0, '(idle)', '', 0, 0, Kind.Idle]];
  const leaves = [];
  for (let f = 0; f < files; f++) {
    let parent = 0;
    for (let d = 0; d < depth; d++) {
      nodes.push([parent, `fn${f}_${d}`, `file:///app/src/module${f}.js`, 10 + d * 3, 4, Kind.Js]);
      parent = nodes.length - 1;
      leaves.push(parent);
    }
  }
  const labels = new Map();
  for (let s = 1; s <= spans; s++) {
    labels.set(s, { spanId: hex(s, 16), traceId: hex(s * 7, 32), spanName: `GET /route/${s % 9}` });
  }
  const rows = [];
  for (let i = 0; i < samples; i++) {
    const node = i % 17 === 0 ? 2 : i % 13 === 0 ? 1 : leaves[(i * 31) % leaves.length];
    rows.push([node, i % (spans + 1), 9_000_000 + (i % 5) * 100_000, 10_000_000]);
  }
  return handWindow({ nodes, samples: rows, labels });
}

test('encodeInParts writes the bytes of encode(), for large and empty profiles', async () => {
  const window = largeWindow({});
  const { cpu, wall } = buildWithFunctions(window, nodeFunctions(window, undefined), true);
  for (const profile of [cpu, wall, new Profile()]) {
    const cost = costLog();
    const slicer = new ThreadSlicer(0.001, cost);
    await slicer.begin();
    const parts = await encodeInParts(profile, slicer);
    slicer.end();
    assert.deepEqual(Buffer.from(parts), Buffer.from(profile.encode()));
    if (profile.sample.length > 64) assert.ok(cost.stretches.length > profile.sample.length / 64, `${cost.stretches.length} stretches`);
  }
  assert.ok(cpu.sample.length > 500 && cpu.location.length > 200 && cpu.function.length > 200, 'every field spans several parts');
});

test('a window encoded in slices: the same profiles as in one stretch, in stretches of about the slice', async (t) => {
  const window = largeWindow({ samples: 6000 });
  const whole = costLog();
  const one = await encodeWindow(window, { wall: true }, whole);
  assert.equal(whole.stretches.length, 1);

  const sliced = costLog();
  const many = await encodeWindow(window, { wall: true, sliceMs: 0.5 }, sliced);
  assert.deepEqual(many.summary, one.summary);
  assert.equal(many.profiles.length, 2);
  for (let i = 0; i < one.profiles.length; i++) {
    assert.equal(many.profiles[i].kind, one.profiles[i].kind);
    assert.deepEqual(gunzipSync(many.profiles[i].gzip), gunzipSync(one.profiles[i].gzip));
  }
  assert.ok(sliced.stretches.length >= 4, `${sliced.stretches.length} stretches`);
  // A stretch ends at the first look at the clock past the slice: one run of
  // 32 samples or nodes, or one part, later. Generous for a loaded machine.
  const longestMs = Math.max(...sliced.stretches) / 1e6;
  const totalMs = sliced.stretches.reduce((a, b) => a + b, 0) / 1e6;
  assert.ok(longestMs < totalMs, `longest ${longestMs} ms of ${totalMs} ms`);

  const file = path.join(outDir, 'sliced.pb.gz');
  fs.writeFileSync(file, many.profiles[0].gzip);
  await t.test('go tool pprof reads the sliced profile as pprof-format does', (st) => {
    const missing = goMissingReason();
    if (missing) return st.skip(missing);
    const parsed = parseRaw(goPprofRaw(file));
    const decoded = Profile.decode(gunzipSync(many.profiles[0].gzip));
    assert.equal(parsed.samples.length, decoded.sample.length);
    assert.deepEqual(labelCounts(parsed.samples), decodedLabelCounts(decoded));
  });
});

test('ThreadSlicer: no budget is one stretch; with one, a stretch is due once the budget is used, and the next comes after a turn of the event loop', async () => {
  const whole = costLog();
  const once = new ThreadSlicer(undefined, whole);
  assert.equal(once.slices, false);
  await once.begin();
  let turned = false;
  setImmediate(() => (turned = true));
  const until = process.hrtime.bigint() + 3_000_000n;
  while (process.hrtime.bigint() < until) assert.equal(once.due, false);
  once.end();
  once.end();
  assert.equal(turned, false, 'no turn of the event loop without a budget');
  assert.equal(whole.stretches.length, 1);
  assert.ok(whole.stretches[0] >= 3e6);

  const sliced = costLog();
  // A budget no descheduling on a loaded machine uses up between two lines.
  const slicer = new ThreadSlicer(500, sliced);
  assert.equal(slicer.slices, true);
  await slicer.begin();
  turned = false;
  setImmediate(() => (turned = true));
  assert.equal(slicer.due, false, 'the budget is not used yet');
  const busy = process.hrtime.bigint() + 520_000_000n;
  while (process.hrtime.bigint() < busy);
  assert.equal(slicer.due, true);
  assert.equal(turned, false);
  await slicer.next();
  assert.equal(turned, true, 'yielded to the event loop');
  assert.equal(slicer.due, false, 'a new stretch');
  slicer.end();
  assert.equal(sliced.stretches.length, 2);
  assert.ok(sliced.stretches[0] >= 520e6);
});
