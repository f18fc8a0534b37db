'use strict';
// Random call trees, label sets and samples, encoded as gzip'd pprof and read
// back with pprof-format's own decoder: every sample comes back with its
// stack, its labels (or without the ones Pyroscope would refuse, counted) and
// its values, and the totals add up.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const fc = require('fast-check');
const { Profile } = require('pprof-format');
const { encodeWindow, functionDisplayName } = require('../dist/internal');
const { handWindow, Kind, PERIOD_NS } = require('./support/profile-windows');

const MAX_LABEL_BYTES = 2048;
const SPAN_ID = /^[0-9a-f]{16}$/;
const TRACE_ID = /^[0-9a-f]{32}$/;

/** Any UTF-16 text: every code point, control characters, lone surrogates. */
const anyChar = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
);
const text = (maxLength) => fc.array(anyChar, { maxLength }).map((a) => a.join(''));
/** Mostly short, sometimes around and past Pyroscope's bound. */
const spanName = fc.oneof(
  { weight: 6, arbitrary: text(24) },
  { weight: 1, arbitrary: fc.integer({ min: 600, max: 800 }).map((n) => '\u20ac'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 2040, max: 2060 }).map((n) => 'n'.repeat(n)) },
);
const hex = (length) => fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: length, maxLength: length }).map((a) => a.join(''));
const spanId = fc.oneof({ weight: 5, arbitrary: hex(16) }, { weight: 1, arbitrary: text(20) });
const traceId = fc.oneof({ weight: 5, arbitrary: hex(32) }, { weight: 1, arbitrary: text(36) });

const labelSet = fc.record(
  { spanId, traceId, spanName },
  { requiredKeys: [] },
);

const kind = fc.oneof(
  { weight: 8, arbitrary: fc.constant(Kind.Js) },
  { weight: 1, arbitrary: fc.constantFrom(Kind.Program, Kind.Gc, Kind.Idle) },
);

/** A window: node 0 is the root, every other node hangs under an earlier one. */
const windowSpec = fc
  .record({
    nodes: fc.array(
      fc.record({
        parentPick: fc.nat(),
        name: fc.oneof(text(12), fc.constantFrom('', 'handler', 'handler')),
        url: fc.constantFrom('', 'file:///srv/app.js', 'node:internal/timers', 'https://x/y.js?v=1#h'),
        line: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100_000 })),
        column: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500 })),
        kind,
      }),
      { minLength: 1, maxLength: 30 },
    ),
    labels: fc.array(labelSet, { maxLength: 6 }),
    samples: fc.array(
      fc.record({
        nodePick: fc.nat(),
        slotPick: fc.nat({ max: 9 }),
        cpuNs: fc.integer({ min: 0, max: 50_000_000 }),
        wallNs: fc.integer({ min: 0, max: 50_000_000 }),
      }),
      { maxLength: 80 },
    ),
    startEpochNs: fc.bigInt({ min: 1_600_000_000_000_000_000n, max: 1_900_000_000_000_000_000n }),
    durationNs: fc.bigInt({ min: 1n, max: 60_000_000_000n }),
  })
  .map((spec) => {
    const rows = [[-1, '(root)', '', 0, 0, Kind.Root]];
    spec.nodes.forEach((n, i) => rows.push([n.parentPick % (i + 1), n.name, n.url, n.line, n.column, n.kind]));
    // Slots 1..labels.length have labels; higher ones name nobody (retired).
    const labels = new Map(spec.labels.map((l, i) => [i + 1, l]));
    const samples = spec.samples.map((s) => [s.nodePick % rows.length, s.slotPick, s.cpuNs, s.wallNs]);
    return { rows, labels, samples, startEpochNs: spec.startEpochNs, durationNs: spec.durationNs };
  });

/** What pprof-format writes for a string: UTF-8, lone surrogates as U+FFFD. */
function asDecoded(s) {
  return Buffer.from(s, 'utf8').toString('utf8');
}

/** The frame name the encoder documents for a node (build-profiles.ts). */
function frameName([, name, url, line, column, k]) {
  if (k === Kind.Program) return '(program)';
  if (k === Kind.Gc) return '(garbage collector)';
  if (k === Kind.Idle) return '(idle)';
  return functionDisplayName(name, url, line, column);
}

function expectedStack(rows, node) {
  const names = [];
  for (let n = node; n >= 0; n = rows[n][0]) if (rows[n][5] !== Kind.Root) names.push(asDecoded(frameName(rows[n])));
  return names;
}

/** Labels Pyroscope accepts, as the decoder gives them back; and how many values were refused. */
function expectedLabels(l) {
  const out = {};
  let invalid = 0;
  if (!l) return { out, invalid };
  if (l.spanId !== undefined) SPAN_ID.test(l.spanId) ? (out.span_id = l.spanId) : invalid++;
  if (l.traceId !== undefined) TRACE_ID.test(l.traceId) ? (out.trace_id = l.traceId) : invalid++;
  if (l.spanName !== undefined) {
    const bytes = Buffer.byteLength(l.spanName, 'utf8');
    bytes > 0 && bytes <= MAX_LABEL_BYTES ? (out.span_name = asDecoded(l.spanName)) : invalid++;
  }
  return { out, invalid };
}

/** stack + labels → [count, value], summed. */
function addTo(map, stack, labels, count, value) {
  const key = JSON.stringify([stack, Object.entries(labels).sort()]);
  const prev = map.get(key) ?? [0, 0];
  map.set(key, [prev[0] + count, prev[1] + value]);
}

function decodedTotals(gzip) {
  const profile = Profile.decode(zlib.gunzipSync(gzip));
  const str = (i) => profile.stringTable.strings[Number(i)];
  const fnName = new Map(profile.function.map((f) => [Number(f.id), str(f.name)]));
  const locName = new Map(profile.location.map((l) => [Number(l.id), fnName.get(Number(l.line[0].functionId))]));
  const totals = new Map();
  for (const s of profile.sample) {
    const labels = {};
    for (const l of s.label) labels[str(l.key)] = str(l.str);
    assert.equal(s.value.length, 2);
    addTo(totals, s.locationId.map((id) => locName.get(Number(id))), labels, Number(s.value[0]), Number(s.value[1]));
  }
  return { profile, totals };
}

test('random windows round-trip through the encoder and pprof-format', async () => {
  await fc.assert(
    fc.asyncProperty(windowSpec, async (spec) => {
      const window = handWindow({
        nodes: spec.rows,
        samples: spec.samples,
        labels: spec.labels,
        startEpochNs: spec.startEpochNs,
        durationNs: spec.durationNs,
      });
      const encoded = await encodeWindow(window, { wall: true });
      assert.deepEqual(encoded.profiles.map((p) => p.kind), ['cpu', 'wall']);

      const cpu = new Map();
      const wall = new Map();
      let invalid = 0;
      const slotsSeen = new Set();
      let cpuSamples = 0;
      for (const [node, slot, cpuNs, wallNs] of spec.samples) {
        const stack = expectedStack(spec.rows, node);
        if (spec.rows[node][5] === Kind.Idle) {
          // Idle: wall only, and no span owns the wait.
          if (stack.length > 0) addTo(wall, stack, {}, 1, wallNs);
          continue;
        }
        cpuSamples++;
        const { out, invalid: bad } = expectedLabels(slot === 0 ? undefined : spec.labels.get(slot));
        if (slot !== 0 && !slotsSeen.has(slot)) {
          slotsSeen.add(slot);
          invalid += bad;
        }
        // A sample on the root alone has no frame to show.
        if (stack.length === 0) continue;
        addTo(cpu, stack, out, 1, cpuNs);
        addTo(wall, stack, out, 1, wallNs);
      }

      const got = decodedTotals(encoded.profiles[0].gzip);
      assert.deepEqual(got.totals, cpu);
      assert.deepEqual(decodedTotals(encoded.profiles[1].gzip).totals, wall);
      const p = got.profile;
      const str = (i) => p.stringTable.strings[Number(i)];
      assert.deepEqual(p.sampleType.map((t) => [str(t.type), str(t.unit)]), [['samples', 'count'], ['cpu', 'nanoseconds']]);
      assert.equal(BigInt(p.timeNanos), spec.startEpochNs);
      assert.equal(BigInt(p.durationNanos), spec.durationNs);
      assert.equal(Number(p.period), PERIOD_NS);
      // Pyroscope refuses id 0 and dangling references.
      for (const f of p.function) assert.notEqual(Number(f.id), 0);
      for (const l of p.location) assert.ok(p.function.some((f) => f.id === l.line[0].functionId));
      assert.equal(encoded.summary.samples, spec.samples.length);
      assert.equal(encoded.summary.cpuSamples, cpuSamples);
      assert.equal(encoded.summary.invalidLabels, invalid);
    }),
    { numRuns: 300 },
  );
});
