'use strict';
// spanprof's span and context tracking with no sampling: the span processor,
// the context tracker and the slot table wired as start() wires them, but
// the sampler never starts. Slots are swept as if no tick ever took one, and
// windows close on a timer (labels captured for no slot, nothing encoded).
// Beside `spanprof-sampler` (sampling, no tracking) it tells which half of
// spanprof a cost belongs to.
const path = require('node:path');
const { context, ROOT_CONTEXT } = require('@opentelemetry/api');
const { dist } = require('../lib/paths');
const {
  loadNative,
  ContextTracker,
  ProfilingSpanProcessor,
  SlotTable,
  LabelSetBudget,
  useLabelSetBudget,
} = require(path.join(dist, 'internal'));

/** A sampler's marker whose ticks never come: every ended span's slot goes back at the next sweep. */
const NO_TICKS = { markSlots() {}, generation: () => 1 };

module.exports = {
  create({ windowMs }) {
    let stop;
    return {
      spanProcessors: [new ProfilingSpanProcessor()],
      start() {
        const native = loadNative();
        if (!native.ok) throw new Error(native.reason);
        // Constructed, never started: under `frame-slot` the tracker reads frames through it.
        const sampler = new native.binding.Sampler(10_000);
        const slots = new SlotTable();
        const budget = new LabelSetBudget(100, () => {});
        const stopCounting = slots.onWindowClosed(() => budget.windowClosed());
        useLabelSetBudget(budget);
        const stopFollowing = slots.followSamples(NO_TICKS);
        const tracker = new ContextTracker({ slots });
        tracker.enable(new Int32Array(sampler.shared), 0, sampler);
        const close = () => {
          slots.labelsFor([]);
          slots.windowClosed();
        };
        // Outside every span, as the profiler's own timer is.
        const timer = context.with(ROOT_CONTEXT, () => setInterval(close, windowMs));
        timer.unref();
        stop = () => {
          clearInterval(timer);
          tracker.disable();
          useLabelSetBudget(undefined);
          stopCounting();
          stopFollowing();
        };
      },
      rotateNow: async () => {},
      resetWindows: () => {},
      windows: () => ({ count: 0 }),
      stop: async () => stop?.(),
    };
  },
};
