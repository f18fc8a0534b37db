'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { binding, spinCpu, stackOf } = require('./support/native');
const { SpanProfiler } = require('../dist/internal');

/** A sink that keeps windows, to look at what the profiler hands on. */
function memorySink() {
  const windows = [];
  return {
    windows,
    consume: (w) => windows.push(w),
    flush: async () => {},
    shutdown: async () => {},
  };
}

/** A label source with a fixed table, that records its calls. */
function fixedLabels(table) {
  const calls = [];
  return {
    calls,
    labelsFor(slots) {
      calls.push('labelsFor');
      const out = new Map();
      for (let i = 0; i < slots.length; i++) if (table.has(slots[i])) out.set(slots[i], table.get(slots[i]));
      return out;
    },
    windowClosed() {
      calls.push('windowClosed');
    },
  };
}

test('windows close on the timer, with labels captured and counters kept', async (t) => {
  const sink = memorySink();
  const labels = fixedLabels(new Map([[7, { spanId: 'aaaaaaaaaaaaaaaa', traceId: 'b'.repeat(32) }]]));
  const p = new SpanProfiler(binding(), { windowMs: 200, labels, sink });
  const before = BigInt(Date.now()) * 1_000_000n;
  p.start();
  p.slotView[0] = 7;
  spinCpu(400);
  p.slotView[0] = 9; // a slot the source does not know
  spinCpu(400);
  p.slotView[0] = 0;
  // Waits for the timer to close two windows, however late a loaded machine
  // runs it (a fixed 250 ms could see only one); stop() closes the third.
  for (const deadline = Date.now() + 10_000; sink.windows.length < 2 && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await p.stop(1000);
  const after = BigInt(Date.now()) * 1_000_000n;

  assert.ok(sink.windows.length >= 3, `${sink.windows.length} windows`);
  // Label capture happens before the slot table may recycle anything.
  assert.deepEqual(labels.calls.slice(0, 2), ['labelsFor', 'windowClosed']);
  let labelled = 0;
  let unlabelled = 0;
  for (const w of sink.windows) {
    assert.ok(w.startEpochNs >= before - 50_000_000n && w.endEpochNs <= after + 50_000_000n);
    assert.ok(w.endEpochNs > w.startEpochNs);
    for (const slot of w.raw.samples.slot) {
      if (slot === 7) assert.equal(w.labels.get(7).spanId, 'aaaaaaaaaaaaaaaa');
      if (slot === 7) labelled++;
    }
    unlabelled += w.counters.unlabelledSamples;
  }
  t.diagnostic(`${sink.windows.length} windows, ${labelled} samples in slot 7, ${unlabelled} in an unknown slot`);
  // 400 ms of thread CPU time in each slot: about 40 samples each, loaded or not.
  assert.ok(labelled >= 20, `${labelled} labelled samples`);
  assert.ok(unlabelled >= 20, `${unlabelled} samples of an unknown slot counted`);
  const stats = p.stats();
  assert.equal(stats.windows, sink.windows.length);
  assert.equal(stats.unlabelledSamples, unlabelled);
  // Every counter a window carries adds up in the totals, the untimed samples too.
  for (const key of ['unmatchedSamples', 'untimedSamples', 'unmatchedTicks']) {
    assert.equal(stats[key], sink.windows.reduce((n, w) => n + w.counters[key], 0), key);
  }
  assert.ok(stats.ticks >= stats.samples);
  assert.equal(stats.droppedTicks, 0);
});


test('a failing sink does not stop sampling, and the error is reported', async () => {
  const errors = [];
  const sink = memorySink();
  let fail = true;
  sink.consume = (w) => {
    if (fail) {
      fail = false;
      throw new Error('sink broke');
    }
    sink.windows.push(w);
  };
  const p = new SpanProfiler(binding(), {
    windowMs: 10_000,
    labels: fixedLabels(new Map()),
    sink,
    onError: (e) => errors.push(e),
  });
  p.start();
  spinCpu(100);
  assert.equal(p.closeWindow(), undefined);
  spinCpu(100);
  const w = p.closeWindow();
  await p.stop(100);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /sink broke/);
  assert.ok(w && w.raw.samples.node.length > 0);
  assert.ok(w.raw.samples.node.length > 0 && stackOf(w.raw, 0).length > 0);
});

test('windowMs must be positive', () => {
  assert.throws(
    () => new SpanProfiler(binding(), { windowMs: 0, labels: fixedLabels(new Map()), sink: memorySink() }),
    /windowMs must be > 0/,
  );
});

test('the profiles state the interval the sampler ran at as their period', async () => {
  const { encodeWindow } = require('../dist/internal');
  const { decodeProfile } = require('./support/read-pprof');
  for (const intervalMicros of [10_000, 4_000]) {
    const sink = memorySink();
    const p = new SpanProfiler(binding(), { windowMs: 60_000, intervalMicros, labels: fixedLabels(new Map()), sink });
    p.start();
    spinCpu(100);
    await p.stop(1000);
    const window = sink.windows.at(-1);
    assert.equal(window.periodNs, intervalMicros * 1000);
    const encoded = await encodeWindow(window, { wall: true });
    for (const { gzip } of encoded.profiles) {
      assert.equal(Number((await decodeProfile(gzip)).period), intervalMicros * 1000);
    }
  }
});
