'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { encodeWindow } = require('../dist/internal');
const { decodeProfile, decodeProfileSync, readSamples, sampleTypesOf } = require('./support/read-pprof');
const { sampleWindow, handWindow, stopSampler, busyFor, Kind, PERIOD_NS } = require('./support/profile-windows.js');
const { burnCpu } = require('./support/cpu-burn.js');
const { goMissingReason, goPprofRaw, parseRaw, labelCounts, decodedLabelCounts } = require('./support/go-pprof.js');

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
function hotGamma() {
  let x = 0;
  for (let i = 0; i < 2e4; i++) x += Math.log1p(i);
  return x;
}

const ALPHA = { spanId: 'a1a1a1a1a1a1a1a1', traceId: '0123456789abcdef0123456789abcdef', spanName: 'GET /alpha' };
const BETA = { spanId: 'b2b2b2b2b2b2b2b2', traceId: 'fedcba9876543210fedcba9876543210' };

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-pprof-'));
test.after(() => {
  stopSampler();
  fs.rmSync(outDir, { recursive: true, force: true });
});

/** 1-based line of `file` that first contains `text`. */
function lineOf(file, text) {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} not in ${file}`);
  return i + 1;
}

/** Checks what Pyroscope and go tool pprof both need of any profile. */
function assertWellFormed(profile, valueType) {
  assert.deepEqual(sampleTypesOf(profile), [
    { type: 'samples', unit: 'count' },
    { type: valueType, unit: 'nanoseconds' },
  ]);
  const text = (i) => profile.stringTable.strings[Number(i)];
  assert.equal(text(profile.periodType.type), valueType);
  assert.equal(text(profile.periodType.unit), 'nanoseconds');
  assert.equal(Number(profile.period), PERIOD_NS);
  for (const f of profile.function) assert.notEqual(Number(f.id), 0, 'function id 0');
  for (const l of profile.location) {
    assert.notEqual(Number(l.id), 0, 'location id 0');
    for (const line of l.line) assert.notEqual(Number(line.functionId), 0, 'line with function id 0');
  }
  const locationIds = new Set(profile.location.map((l) => Number(l.id)));
  for (const s of profile.sample) {
    assert.equal(s.value.length, 2, 'one value per sample type');
    assert.ok(s.locationId.length > 0, 'empty stack');
    for (const id of s.locationId) assert.ok(locationIds.has(Number(id)), `unknown location ${id}`);
  }
}

/**
 * Writes the profile and compares go tool pprof's view with pprof-format's,
 * as a subtest of its own, skipped (with the reason) only when go is absent.
 */
function assertGoReadsSame(t, name, gz, profile) {
  const file = path.join(outDir, name);
  fs.writeFileSync(file, gz);
  return t.test(`go tool pprof reads ${name} as pprof-format does`, (st) => {
    const missing = goMissingReason();
    if (missing) return st.skip(missing);
    const parsed = parseRaw(goPprofRaw(file));
    const decoded = readSamples(profile);
    assert.equal(parsed.samples.length, decoded.length);
    assert.deepEqual(labelCounts(parsed.samples), decodedLabelCounts(profile));
    const total = (rows) => rows.reduce((sum, s) => sum + s.values[1], 0);
    assert.equal(total(parsed.samples), total(decoded));
  });
}

test('a real window: spans, functions, idle and go tool pprof agree', async (t) => {
  const labels = new Map([
    [1, ALPHA],
    [2, BETA],
  ]);
  // CPU time, not wall time: each hot function is sampled however busy the machine.
  const window = await sampleWindow({
    phases: [
      { slot: 1, run: () => burnCpu(400, hotAlpha) },
      { slot: 2, run: () => burnCpu(400, hotBeta) },
      { slot: 0, run: () => burnCpu(200, hotGamma) },
    ],
    idleMs: 300,
    labels,
  });
  const encoded = await encodeWindow(window, { wall: true });
  assert.deepEqual(encoded.profiles.map((p) => [p.kind, p.seriesName]), [
    ['cpu', 'process_cpu'],
    ['wall', 'wall'],
  ]);
  for (const p of encoded.profiles) assert.equal(p.gzip[0], 0x1f, 'gzip magic');

  const cpu = await decodeProfile(encoded.profiles[0].gzip);
  const wall = decodeProfileSync(encoded.profiles[1].gzip);
  assertWellFormed(cpu, 'cpu');
  assertWellFormed(wall, 'wall');
  assert.equal(BigInt(cpu.timeNanos), window.startEpochNs);
  assert.equal(BigInt(cpu.durationNanos), window.endEpochNs - window.startEpochNs);

  const samples = readSamples(cpu);
  const labelOf = (fn) => {
    const found = new Set(samples.filter((s) => s.stack[0] === fn).map((s) => s.labels.span_id ?? 'none'));
    return [...found];
  };
  assert.deepEqual(labelOf('hotAlpha'), [ALPHA.spanId]);
  assert.deepEqual(labelOf('hotBeta'), [BETA.spanId]);
  assert.deepEqual(labelOf('hotGamma'), ['none']);
  // V8 now and then names an inlined function twice in one stack: look for
  // the plain stack rather than take the first sample's.
  const alpha = samples.find((s) => s.stack[0] === 'hotAlpha' && s.stack[1] === 'burnCpu');
  assert.ok(alpha, `no hotAlpha under burnCpu in ${JSON.stringify(samples.map((s) => s.stack.slice(0, 3)))}`);
  assert.deepEqual(alpha.labels, { span_id: ALPHA.spanId, trace_id: ALPHA.traceId, span_name: ALPHA.spanName });
  assert.deepEqual(samples.find((s) => s.stack[0] === 'hotBeta').labels, {
    span_id: BETA.spanId,
    trace_id: BETA.traceId,
  });
  // Each frame carries its function's start line.
  assert.equal(alpha.lines[0], lineOf(__filename, 'function hotAlpha('));
  assert.equal(alpha.lines[1], lineOf(require.resolve('./support/cpu-burn.js'), 'function burnCpu('));
  for (const s of samples) {
    assert.ok(!s.stack.includes('(root)'), 'root is not a frame');
    assert.ok(!s.stack.includes('(idle)'), 'idle is not CPU');
  }

  const count = (rows) => rows.reduce((n, s) => n + s.values[0], 0);
  const nanos = (rows) => rows.reduce((n, s) => n + s.values[1], 0);
  assert.equal(count(samples), encoded.summary.cpuSamples);
  assert.equal(nanos(samples), encoded.summary.cpuNs);
  assert.equal(encoded.summary.spans, 2);
  assert.ok(encoded.summary.idleSamples > 0, 'the wait was sampled as idle');
  assert.equal(encoded.summary.samples, encoded.summary.cpuSamples + encoded.summary.idleSamples);

  const wallSamples = readSamples(wall);
  const idle = wallSamples.filter((s) => s.stack[0] === '(idle)');
  assert.equal(count(idle), encoded.summary.idleSamples);
  for (const s of idle) assert.deepEqual(s.labels, {}, 'idle carries no span');
  assert.equal(count(wallSamples), encoded.summary.samples);
  assert.equal(nanos(wallSamples), encoded.summary.wallNs);

  await assertGoReadsSame(t, 'real-cpu.pb.gz', encoded.profiles[0].gzip, cpu);
  await assertGoReadsSame(t, 'real-wall.pb.gz', encoded.profiles[1].gzip, wall);
});

test('no wall profile unless asked', async () => {
  const window = await sampleWindow({ phases: [{ slot: 0, run: () => busyFor(50, hotGamma) }] });
  const encoded = await encodeWindow(window);
  assert.deepEqual(encoded.profiles.map((p) => p.kind), ['cpu']);
});

test('hand-built window: special frames, anonymous names, lines, aggregation', async (t) => {
  const nodes = [
    [-1, '(root)', '', 0, 0, Kind.Root], // 0
    [0, 'main', '/srv/app.js', 1, 1, Kind.Js], // 1
    [1, '', '/srv/app.js', 12, 20, Kind.Js], // 2: anonymous, starts at line 12
    [2, 'leaf', 'file:///srv/lib/util.mjs', 40, 5, Kind.Js], // 3: starts at line 40
    [0, '(program)', '', 0, 0, Kind.Program], // 4
    [0, '(garbage collector)', '', 0, 0, Kind.Gc], // 5
    [0, '(idle)', '', 0, 0, Kind.Idle], // 6
    [1, '', '', 7, 0, Kind.Js], // 7: a native callback
  ];
  const samples = [
    [3, 1, 1_000_000, 10_000_000],
    [3, 1, 2_000_000, 10_000_000], // same stack and labels: merged
    [3, 0, 500_000, 10_000_000],
    [4, 1, 3_000_000, 10_000_000],
    [5, 2, 4_000_000, 10_000_000],
    [6, 1, 100_000, 50_000_000], // idle: no CPU profile, no label in wall
    [7, 3, 1_000, 10_000_000],
    [99, 1, 1, 1], // a node outside the table is ignored
  ];
  const labels = new Map([
    [1, { spanId: '00000000000000aa', traceId: '000000000000000000000000000000aa', spanName: 'job' }],
    [2, { spanId: 'NOT-HEX', traceId: 'short', spanName: 'x'.repeat(3000) }],
    // slot 3 has no entry: no labels
  ]);
  const window = handWindow({ nodes, samples, labels });
  const encoded = await encodeWindow(window, { wall: true });
  const cpu = await decodeProfile(encoded.profiles[0].gzip);
  const wall = await decodeProfile(encoded.profiles[1].gzip);
  assertWellFormed(cpu, 'cpu');
  assertWellFormed(wall, 'wall');

  const rows = readSamples(cpu);
  const byStack = new Map(rows.map((r) => [`${r.stack.join(';')}|${r.labels.span_id ?? ''}`, r]));
  const leaf = byStack.get('leaf;(anonymous app.js:12);main|00000000000000aa');
  assert.ok(leaf, `missing leaf stack in ${[...byStack.keys()]}`);
  assert.deepEqual(leaf.values, [2, 3_000_000]);
  assert.deepEqual(leaf.lines, [40, 12, 1]);
  assert.deepEqual(byStack.get('leaf;(anonymous app.js:12);main|').values, [1, 500_000]);
  assert.deepEqual(byStack.get('(program)|00000000000000aa').values, [1, 3_000_000]);
  const gc = byStack.get('(garbage collector)|');
  assert.deepEqual(gc.values, [1, 4_000_000]);
  assert.deepEqual(gc.labels, {}, 'invalid label values are left out');
  assert.deepEqual(byStack.get('(native);main|').labels, {});
  assert.equal(rows.length, 5);
  assert.equal(encoded.summary.invalidLabels, 3);
  assert.equal(encoded.summary.spans, 1);
  assert.equal(encoded.summary.idleSamples, 1);
  assert.equal(encoded.summary.idleCpuNs, 100_000);
  assert.equal(encoded.summary.cpuSamples, 6);

  const functions = cpu.function.map((f) => [
    cpu.stringTable.strings[Number(f.name)],
    cpu.stringTable.strings[Number(f.filename)],
  ]);
  assert.deepEqual(
    functions.find(([name]) => name === 'leaf'),
    ['leaf', 'file:///srv/lib/util.mjs'],
  );

  const idle = readSamples(wall).find((r) => r.stack[0] === '(idle)');
  assert.deepEqual(idle.values, [1, 50_000_000]);
  assert.deepEqual(idle.labels, {});

  await assertGoReadsSame(t, 'hand-cpu.pb.gz', encoded.profiles[0].gzip, cpu);
  await assertGoReadsSame(t, 'hand-wall.pb.gz', encoded.profiles[1].gzip, wall);
});

test('an empty window is still a valid profile', async (t) => {
  const window = handWindow({ nodes: [[-1, '(root)', '', 0, 0, Kind.Root]], samples: [] });
  const encoded = await encodeWindow(window);
  const cpu = await decodeProfile(encoded.profiles[0].gzip);
  assertWellFormed(cpu, 'cpu');
  assert.equal(cpu.sample.length, 0);
  assert.equal(encoded.summary.samples, 0);
  await assertGoReadsSame(t, 'empty-cpu.pb.gz', encoded.profiles[0].gzip, cpu);
});

test('decodeProfile reads raw pprof too, and rejects what is not pprof', async () => {
  const window = handWindow({
    nodes: [
      [-1, '(root)', '', 0, 0, Kind.Root],
      [0, 'f', '/a.js', 1, 1, Kind.Js],
    ],
    samples: [[1, 0, 10, 10]],
  });
  const encoded = await encodeWindow(window);
  const raw = zlib.gunzipSync(encoded.profiles[0].gzip);
  assert.equal((await decodeProfile(raw)).sample.length, 1);
  await assert.rejects(decodeProfile(Buffer.from([0x1f, 0x8b, 1, 2, 3])));
});
