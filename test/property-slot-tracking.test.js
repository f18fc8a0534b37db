'use strict';
// Random programs of span starts, ends and activations (nested context.with,
// awaits, timers, immediates, promise callbacks) run against the real OTel SDK
// and the context tracker. Ground truth is OpenTelemetry's own active span:
// at every sample point the Int32 cell must hold a slot whose labels, read
// when the window closes (as the profiler does), are that span's. At the
// end nothing holds a slot.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fc = require('fast-check');
const { context, trace, ROOT_CONTEXT } = require('@opentelemetry/api');
const {
  availableMechanisms,
  registerContextManager,
  resetGlobals,
  newTracing,
  newTracker,
} = require('./support/otel');
const { spanRegistry } = require('../dist/internal');

const WAITS = ['await', 'immediate', 'timeout', 'tick'];
/** Samples taken inside a span, and ones that found the table full: the properties must meet both. */
const counts = { inSpan: 0, overflowed: 0 };

/** A program: a list of steps; `with` and `later` carry a nested program. */
const program = fc.letrec((tie) => ({
  step: fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('start'), name: fc.constantFrom('GET /a', 'db', 'render', 'job'), root: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('end'), pick: fc.nat() }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('sample') }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('close') }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('wait'), how: fc.constantFrom(...WAITS) }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('with'), pick: fc.nat(), body: tie('body') }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('withRoot'), body: tie('body') }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('later'), how: fc.constantFrom(...WAITS), body: tie('body') }) },
  ),
  body: fc.array(tie('step'), { minLength: 1, maxLength: 5 }),
  top: fc.array(tie('step'), { minLength: 1, maxLength: 25 }),
})).top;

function waitFor(how) {
  switch (how) {
    case 'await':
      return Promise.resolve();
    case 'immediate':
      return new Promise((resolve) => setImmediate(resolve));
    case 'timeout':
      return new Promise((resolve) => setTimeout(resolve, 0));
    default:
      return new Promise((resolve) => process.nextTick(resolve));
  }
}

/**
 * Runs `steps` against a tracker; returns the problems found. `capacity`
 * small enough makes the slot table overflow: then a sample in a span may
 * carry no label (counted as an overflow), but never another span's.
 */
async function play(steps, { mechanism, capacity }) {
  registerContextManager();
  const { tracer } = newTracing({ spanIdScope: 'all', spanNameScope: 'all' });
  const t = newTracker({ mechanism, capacity });
  const problems = [];
  const spans = [];
  const pending = [];
  let window = [];

  const expectedNow = () => {
    const span = trace.getSpan(context.active());
    if (span === undefined) return null;
    const { spanId, traceId } = span.spanContext();
    return { spanId, traceId, spanName: span.name };
  };

  // Under frame-slot a span's frames read "no span" from the first window
  // close after it ended: samples may then carry none, never another's.
  const endedAtClose = new Map();
  let closes = 0;
  const closeWindow = () => {
    const labels = t.slots.labelsFor(window.map((s) => s.slot));
    t.slots.windowClosed();
    closes++;
    for (const s of window) {
      const got = s.slot === 0 ? null : labels.get(s.slot) ?? 'no labels';
      if (got === null && s.expected !== null && (s.overflowed || s.afterEnd)) continue;
      try {
        assert.deepEqual(got, s.expected);
      } catch {
        problems.push(`sample ${s.where}: slot ${s.slot} read ${JSON.stringify(got)}, expected ${JSON.stringify(s.expected)}`);
      }
    }
    window = [];
  };

  const run = async (list, where) => {
    for (const [i, step] of list.entries()) {
      const here = `${where}.${i}`;
      switch (step.op) {
        case 'start':
          spans.push(step.root ? tracer.startSpan(step.name, {}, ROOT_CONTEXT) : tracer.startSpan(step.name));
          break;
        case 'end':
          if (spans.length > 0) {
            const span = spans[step.pick % spans.length];
            if (!endedAtClose.has(span)) endedAtClose.set(span, closes);
            span.end();
          }
          break;
        case 'sample': {
          const slot = t.slotNow();
          const expected = expectedNow();
          // The entry of this context got no slot: the table was full, and said so.
          const entry = spanRegistry.entryOf(context.active());
          const overflowed = slot === 0 && entry !== null && entry.slot === 0 && t.slots.stats().overflows > 0;
          const span = trace.getSpan(context.active());
          const afterEnd = mechanism === 'frame-slot' && endedAtClose.has(span) && closes > endedAtClose.get(span);
          if (expected !== null) counts.inSpan++;
          if (overflowed) counts.overflowed++;
          window.push({ slot, expected, where: here, overflowed, afterEnd });
          break;
        }
        case 'close':
          closeWindow();
          break;
        case 'wait':
          await waitFor(step.how);
          break;
        case 'with':
          if (spans.length > 0) {
            const span = spans[step.pick % spans.length];
            await context.with(trace.setSpan(context.active(), span), () => run(step.body, here));
          }
          break;
        case 'withRoot':
          await context.with(ROOT_CONTEXT, () => run(step.body, here));
          break;
        case 'later':
          // Runs on its own, in the context it was scheduled from.
          pending.push(waitFor(step.how).then(() => run(step.body, `${here}~`)));
          break;
      }
    }
  };

  try {
    // One span exists from the start, so that activations have one to pick.
    await run([{ op: 'start', name: 'first', root: true }, ...steps], 'top');
    while (pending.length > 0) await pending.shift();
    window.push({ slot: t.slotNow(), expected: expectedNow(), where: 'end', overflowed: false, afterEnd: false });
    // Every span ends: frame holders are given back at the next boundary.
    for (const span of spans) span.end();
    closeWindow();
    // Outside every span nothing is published, so one more boundary frees all.
    closeWindow();
    const stats = t.slots.stats();
    if (t.slotNow() !== 0) problems.push(`slot ${t.slotNow()} read outside every span`);
    if (stats.live !== 0) problems.push(`${stats.live} slot(s) still lent after the last window: ${JSON.stringify(stats)}`);
    if (stats.acquired !== stats.retired) problems.push(`acquired ${stats.acquired} != retired ${stats.retired}`);
    if (capacity === undefined && stats.overflows !== 0) problems.push(`overflows with the default capacity: ${stats.overflows}`);
    if (stats.highWater > t.slots.capacity) problems.push(`high water ${stats.highWater} over capacity`);
  } finally {
    t.tracker.disable();
    resetGlobals();
  }
  return problems;
}

for (const mechanism of availableMechanisms()) {
  test(`random span programs never leak a slot nor mislabel a sample (${mechanism})`, async () => {
    // Counted per test, so that each mechanism meets the properties on its own.
    counts.inSpan = 0;
    await fc.assert(
      fc.asyncProperty(program, async (steps) => {
        assert.deepEqual(await play(steps, { mechanism }), []);
      }),
      { numRuns: 150 },
    );
    assert.ok(counts.inSpan > 100, `only ${counts.inSpan} samples were taken inside a span`);
  });

  test(`with a tiny slot table, overflow gives no label, never a wrong one (${mechanism})`, async () => {
    counts.overflowed = 0;
    await fc.assert(
      fc.asyncProperty(program, async (steps) => {
        assert.deepEqual(await play(steps, { mechanism, capacity: 2 }), []);
      }),
      { numRuns: 100 },
    );
    assert.ok(counts.overflowed > 0, 'the tiny table never overflowed');
  });
}
