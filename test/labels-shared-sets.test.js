'use strict';
// While a profiler runs, calls of withLabels with the same labels in one
// window share one label set, and so one slot entry. Read from the published
// cell (or frame) inside the calls: the slot and the labels it stands for.
const { describe, test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { availableMechanisms, registerContextManager, resetGlobals, newTracing, newTracker } = require('./support/otel');
const { withLabels, LabelSetBudget, useLabelSetBudget } = require('../dist/internal');

const immediate = () => new Promise((resolve) => setImmediate(resolve));

for (const mechanism of availableMechanisms()) {
  describe(`label sets shared within a window (${mechanism})`, () => {
    let t;
    let budget;

    function setup() {
      registerContextManager();
      const tracing = newTracing({ spanIdScope: 'all' });
      t = newTracker({ mechanism });
      budget = new LabelSetBudget(100, () => {});
      useLabelSetBudget(budget);
      t.slots.onWindowClosed(() => budget.windowClosed());
      return tracing.tracer;
    }

    /** The slot published inside `withLabels(labels, ...)`, and its labels. */
    function inside(labels) {
      return withLabels(labels, () => ({ slot: t.slotNow(), labels: t.read() }));
    }

    afterEach(() => {
      useLabelSetBudget(undefined);
      t?.tracker.disable();
      t = undefined;
      resetGlobals();
    });

    test('the same labels in one window publish one slot; other labels another', () => {
      setup();
      const a1 = inside({ tenant: 'a' });
      const a2 = inside({ tenant: 'a' });
      const b = inside({ tenant: 'b' });
      assert.notEqual(a1.slot, 0);
      assert.equal(a2.slot, a1.slot);
      assert.notEqual(b.slot, a1.slot);
      assert.deepEqual(a2.labels, { custom: [['tenant', 'a']] });
      assert.deepEqual(b.labels, { custom: [['tenant', 'b']] });
      // Keys in another order are the same set.
      assert.equal(inside({ region: 'eu', tenant: 'a' }).slot, inside({ tenant: 'a', region: 'eu' }).slot);
      assert.deepEqual(budget.stats(), { admitted: 3, dropped: 0, maxPerWindow: 100 });
    });

    test('a set with profile_id is never shared, and never lends its id to the same labels without one', () => {
      setup();
      const x = inside({ tenant: 'a', profile_id: '00000000000000aa' });
      const y = inside({ tenant: 'a', profile_id: '00000000000000bb' });
      const plain = inside({ tenant: 'a' });
      const plainAgain = inside({ tenant: 'a' });
      assert.deepEqual(x.labels, { spanId: '00000000000000aa', custom: [['tenant', 'a']] });
      assert.deepEqual(y.labels, { spanId: '00000000000000bb', custom: [['tenant', 'a']] });
      assert.deepEqual(plain.labels, { custom: [['tenant', 'a']] });
      assert.notEqual(x.slot, y.slot);
      assert.notEqual(plain.slot, x.slot);
      assert.equal(plainAgain.slot, plain.slot);
      // One series key: tenant=a, counted once.
      assert.equal(budget.stats().admitted, 1);
    });

    test('a span under two label sets publishes each pair, and the first pair again when it comes back', () => {
      const tracer = setup();
      tracer.startActiveSpan('request', (span) => {
        const id = span.spanContext().spanId;
        const a = inside({ tenant: 'a' });
        const b = inside({ tenant: 'b' });
        const aAgain = inside({ tenant: 'a' });
        const nested = withLabels({ tenant: 'a' }, () => inside({ region: 'eu' }));
        assert.equal(a.labels.spanId, id);
        assert.deepEqual(a.labels.custom, [['tenant', 'a']]);
        assert.equal(b.labels.spanId, id);
        assert.deepEqual(b.labels.custom, [['tenant', 'b']]);
        assert.equal(aAgain.slot, a.slot);
        assert.notEqual(b.slot, a.slot);
        assert.equal(nested.labels.spanId, id);
        assert.deepEqual(nested.labels.custom, [['region', 'eu'], ['tenant', 'a']]);
        span.end();
      });
    });

    test('two spans under the same labels publish their own ids', () => {
      const tracer = setup();
      const seen = [];
      for (const name of ['first', 'second']) {
        tracer.startActiveSpan(name, (span) => {
          seen.push({ id: span.spanContext().spanId, ...inside({ tenant: 'a' }) });
          span.end();
        });
      }
      assert.notEqual(seen[0].slot, seen[1].slot);
      for (const s of seen) {
        assert.equal(s.labels.spanId, s.id);
        assert.deepEqual(s.labels.custom, [['tenant', 'a']]);
      }
    });

    test('concurrent calls with the same labels keep them across awaits, and a new window starts a new set', async () => {
      setup();
      const seen = [];
      const call = (n) =>
        withLabels({ tenant: 'a' }, async () => {
          for (let i = 0; i < 3; i++) {
            await immediate();
            seen.push([n, t.read()]);
          }
        });
      await Promise.all([call(1), call(2)]);
      assert.equal(seen.length, 6);
      for (const [, labels] of seen) assert.deepEqual(labels, { custom: [['tenant', 'a']] });
      assert.equal(budget.stats().admitted, 1);
      t.slots.windowClosed();
      const next = inside({ tenant: 'a' });
      assert.deepEqual(next.labels, { custom: [['tenant', 'a']] });
      // Counted again: each window counts its own sets.
      assert.equal(budget.stats().admitted, 2);
    });
  });
}
