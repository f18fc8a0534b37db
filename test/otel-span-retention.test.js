'use strict';
// A label entry lives until the window its code ran in closes; the SDK span
// behind it must not. Ended spans are collectable while their entry still
// holds a slot, and the entry still answers with the span's final labels.
const { describe, test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const v8 = require('node:v8');
const vm = require('node:vm');
const { registerContextManager, resetGlobals, newTracing, newTracker, idOf } = require('./support/otel');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/** Full collections until the heap stops shrinking (WeakRefs clear between jobs). */
async function collectGarbage() {
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

let t;
afterEach(() => {
  t?.tracker.disable();
  t = undefined;
  resetGlobals();
});

/**
 * Starts `count` root spans, runs code in each (so its entry takes a slot)
 * and ends them or not. Returns weak references to the spans and what code
 * in each published, with no strong reference to any span left behind.
 */
function runSpans(tracer, count, { end, rename }) {
  const refs = [];
  const published = [];
  for (let i = 0; i < count; i++) {
    tracer.startActiveSpan(`request ${i}`, (span) => {
      const labels = t.read();
      published.push({ slot: t.cell[0], spanId: idOf(span), labels });
      if (rename) span.updateName(`renamed ${i}`);
      refs.push(new WeakRef(span));
      if (end) span.end();
    });
  }
  return { refs, published };
}

for (const form of ['wrapper', 'processor']) {
  describe(`span retention through the ${form}`, () => {
    const processor = form === 'processor';

    test('ended spans are collectable while their entries still hold slots, and keep their final labels', async () => {
      registerContextManager();
      t = newTracker();
      const { tracer } = newTracing({ processor, record: false });
      const { refs, published } = runSpans(tracer, 200, { end: true, rename: true });
      assert.equal(t.slots.stats().live, 200, 'every entry holds its slot until the window closes');
      await collectGarbage();
      const alive = refs.filter((r) => r.deref() !== undefined).length;
      assert.equal(alive, 0, `${alive} of 200 ended spans still reachable`);
      // The window closes now: the labels captured are the final ones.
      const labels = t.slots.labelsFor(published.map((p) => p.slot));
      published.forEach((p, i) => {
        assert.ok(p.slot > 0);
        assert.deepEqual(labels.get(p.slot), { spanId: p.spanId, traceId: p.labels.traceId, spanName: `renamed ${i}` });
      });
      t.slots.windowClosed();
      assert.equal(t.slots.stats().live, 0);
    });

    test('a span that has not ended is kept: its name can still change', async () => {
      registerContextManager();
      t = newTracker();
      const { tracer } = newTracing({ processor, record: false });
      const { refs, published } = runSpans(tracer, 20, { end: false, rename: false });
      await collectGarbage();
      assert.equal(refs.filter((r) => r.deref() !== undefined).length, 20);
      refs[3].deref().updateName('late route');
      const labels = t.slots.labelsFor([published[3].slot]);
      assert.equal(labels.get(published[3].slot).spanName, 'late route');
      for (const r of refs) r.deref().end();
    });
  });
}

test('spans never seen to end are let go past the registry bound, with their entries', () => {
  const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
  const { ROOT_CONTEXT } = require('@opentelemetry/api');
  const { SpanRegistry } = require('../dist/internal');
  const { DEFAULT_LABEL_OPTIONS } = require('../dist/internal');
  const registry = new SpanRegistry(3);
  const tracer = new BasicTracerProvider().getTracer('leaky');
  const records = Array.from({ length: 5 }, (_, i) =>
    registry.started(tracer.startSpan(`never ended ${i}`), ROOT_CONTEXT, `never ended ${i}`, DEFAULT_LABEL_OPTIONS, false),
  );
  const entries = records.map((r) => r.entry());
  assert.deepEqual(
    records.map((r) => r.holdsSpan),
    [false, false, true, true, true],
    'the two oldest are no longer followed: their SDK spans are not kept',
  );
  assert.deepEqual(
    entries.map((e) => e.spansEnded()),
    [true, true, false, false, false],
    'so their entries give back what they hold',
  );
  assert.equal(entries[0].labels().spanName, 'never ended 0', 'and keep their labels');
});
