'use strict';
// Shared by the test/otel-*.test.js files: a real OTel SDK setup and a
// tracker publishing into a plain Int32Array or the native sampler's cell.
const { context, trace, ROOT_CONTEXT } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} = require('@opentelemetry/sdk-trace-base');
const v8 = require('node:v8');
const http = require('node:http');
const vm = require('node:vm');
const otel = require('../../dist/internal');
const { asyncContextFacts } = require('../../dist/internal');

/** The native binding, or a thrown reason. */
function nativeBinding() {
  const { loadNative } = require('../../dist/internal');
  const native = loadNative();
  if (!native.ok) throw new Error(native.reason);
  return native.binding;
}

/** True when a tracker given a native sampler here settles on `frame-slot`. */
function frameSlotsWork() {
  if (!asyncContextFacts().contextFrame) return false;
  const sampler = new (nativeBinding().Sampler)(10_000);
  const tracker = new otel.ContextTracker({ slots: new otel.SlotTable() });
  tracker.enable(new Int32Array(sampler.shared), 0, sampler);
  const works = tracker.mechanism === 'frame-slot';
  tracker.disable();
  return works;
}

v8.setFlagsFromString('--expose-gc');
/** A full garbage collection, as `--expose-gc` gives it. */
const gc = vm.runInNewContext('gc');

/** Mechanisms this Node offers: the hook ones AsyncContextFrame allows, and `frame-slot` where it reads. */
function availableMechanisms() {
  const facts = asyncContextFacts();
  const hooks = facts.contextFrame && facts.hooksWithoutPromises ? ['async-hooks', 'context-frame'] : ['async-hooks'];
  return frameSlotsWork() ? [...hooks, 'frame-slot'] : hooks;
}

/** Registers the stock context manager, as NodeTracerProvider.register() does. */
function registerContextManager() {
  const manager = new AsyncLocalStorageContextManager();
  context.setGlobalContextManager(manager);
  return manager;
}

function resetGlobals() {
  context.disable();
  trace.disable();
}

/**
 * An SDK provider that records finished spans, and the spanprof wrapper
 * around it. `sampler` decides sampling; `processor: true` uses the span
 * processor form instead of the wrapper.
 */
function newTracing({ spanIdScope, spanNameScope, sampler, processor = false, record = true } = {}) {
  const exporter = new InMemorySpanExporter();
  const scopes = {};
  if (spanIdScope !== undefined) scopes.spanIdScope = spanIdScope;
  if (spanNameScope !== undefined) scopes.spanNameScope = spanNameScope;
  const spanProcessors = record ? [new SimpleSpanProcessor(exporter)] : [];
  if (processor) spanProcessors.unshift(new otel.ProfilingSpanProcessor(scopes));
  const inner = new BasicTracerProvider({ spanProcessors, ...(sampler ? { sampler } : {}) });
  const provider = processor ? inner : new otel.ProfilingTracerProvider(inner, scopes);
  return { inner, provider, tracer: provider.getTracer('test'), exporter };
}

/**
 * A tracker writing into a plain cell, or under `frame-slot` into the frame
 * a native sampler (never started) reads; `read()` gives the labels of the
 * slot the signal handler would record now.
 */
function newTracker({ capacity, mechanism, adoptOptions } = {}) {
  const slots = new otel.SlotTable(capacity === undefined ? {} : { capacity });
  const cell = new Int32Array(1);
  const tracker = new otel.ContextTracker({ slots, mechanism, ...(adoptOptions ? { adoptOptions } : {}) });
  const frames = mechanism === 'frame-slot' ? new (nativeBinding().Sampler)(10_000) : undefined;
  tracker.enable(cell, 0, frames);
  const slotNow = frames === undefined ? () => cell[0] : () => frames.frameSlot();
  return {
    slots,
    cell,
    tracker,
    frames,
    slotNow,
    /** enable() again after disable(), with the same cell and reader. */
    enable() {
      tracker.enable(cell, 0, frames);
    },
    /** Labels of the slot published now; null when it is 0. */
    read() {
      const slot = slotNow();
      if (slot === 0) return null;
      const labels = slots.labelsFor([slot]).get(slot);
      if (labels === undefined) throw new Error(`published slot ${slot} has no labels`);
      return labels;
    },
    /** Span id published now, or null. */
    spanId() {
      const labels = this.read();
      return labels === null ? null : labels.spanId ?? null;
    },
  };
}

/**
 * The real native sampler (100 Hz unless `intervalMicros` says otherwise)
 * with a tracker publishing into its cell, or into the frame it reads.
 * Windows close every `windowMs` (labels captured, then windowClosed, as the
 * profiler does). Each sample keeps its stack (function names, leaf first),
 * its leaf's NodeKind, V8's time (µs) and the labels of its slot: null for
 * slot 0, 'missing' for a slot with no labels.
 */
function startSampling({ capacity, mechanism, windowMs = 500, intervalMicros = 10_000, sweepMs = 100 } = {}) {
  const sampler = new otel.ThreadSampler(nativeBinding(), { intervalMicros });
  const slots = new otel.SlotTable(capacity === undefined ? {} : { capacity });
  // As start() does: ended spans' slots that no tick took go back between windows.
  const stopFollowing = slots.followSamples(sampler, sweepMs);
  const tracker = new otel.ContextTracker({ slots, mechanism });
  // Before start(), as the profiler does: the frame reader's self-test runs here.
  tracker.enable(sampler.slotView, 0, sampler.frames);
  const samples = [];
  // Where samples went, summed over windows: for diagnostics.
  const accounting = { v8Samples: 0, unmatchedSamples: 0, untimedSamples: 0, unmatchedTicks: 0, recovered: 0 };
  const collect = () => {
    const raw = sampler.collect();
    const { stats } = raw;
    accounting.v8Samples += stats.v8Samples;
    accounting.unmatchedSamples += stats.unmatchedSamples;
    accounting.untimedSamples += stats.untimedSamples;
    accounting.unmatchedTicks += stats.unmatchedTicks;
    if (stats.recovered) accounting.recovered++;
    const labels = slots.labelsFor(raw.samples.slot);
    slots.windowClosed();
    const stacks = new Map();
    const stackOf = (node) => {
      let stack = stacks.get(node);
      if (stack === undefined) {
        const parent = raw.nodes.parent[node];
        stack = [raw.strings[raw.nodes.name[node]], ...(parent >= 0 ? stackOf(parent) : [])];
        stacks.set(node, stack);
      }
      return stack;
    };
    for (let i = 0; i < raw.samples.node.length; i++) {
      const slot = raw.samples.slot[i];
      samples.push({
        stack: stackOf(raw.samples.node[i]),
        kind: raw.nodes.kind[raw.samples.node[i]],
        timeUs: raw.samples.timeUs[i],
        slot,
        labels: slot === 0 ? null : labels.get(slot) ?? 'missing',
      });
    }
  };
  sampler.start();
  // Created outside every span, as the profiler's own timer is.
  const timer = context.with(ROOT_CONTEXT, () => setInterval(collect, windowMs));
  let stopped = false;
  return {
    slots,
    tracker,
    samples,
    /** Ticks the handler took and where V8's samples went (see collect()), for diagnostics. */
    health: () => ({ ticks: sampler.counters().ticks, ...accounting }),
    /** Closes the last window and stops; idempotent. */
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      collect();
      sampler.stop();
      tracker.disable();
      stopFollowing();
    },
  };
}

/** One GET to 127.0.0.1:`port`, resolved when its body has been read. */
function httpRoundTrip(port) {
  return new Promise((resolve, reject) => {
    // agent: false: a socket per request, created in the request's context.
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
}

let burnersMade = 0;

/**
 * A CPU burner named `name` (its own code, so V8's profile names it). It
 * burns `ms` of this thread's CPU time, not wall time.
 *
 * Each call compiles new code, even for a name made before: V8 reuses the
 * compiled function for the same source text, and burners reused from an
 * earlier sampler's run were seen under a later sampler as "(anonymous)"
 * (Node 20), which takes their samples out of request code. Make burners
 * after startSampling.
 */
function burner(name) {
  burnersMade++;
  return new Function(
    'cpuNs',
    `// burner ${burnersMade}
    return function ${name}(ms) {
      const end = cpuNs() + ms * 1e6;
      let x = 0;
      do { for (let i = 0; i < 2000; i++) x += Math.sqrt(x + i); } while (cpuNs() < end);
      return x;
    }`,
  )(nativeBinding().threadCpuNs);
}

/** The first name on a sample's stack (leaf first) that matches `pattern`, as its match. */
function findOnStack(sample, pattern) {
  for (const name of sample.stack) {
    const m = pattern.exec(name);
    if (m) return m;
  }
  return null;
}

function idOf(span) {
  return span.spanContext().spanId;
}

module.exports = {
  availableMechanisms,
  gc,
  nativeBinding,
  registerContextManager,
  resetGlobals,
  newTracing,
  newTracker,
  startSampling,
  burner,
  httpRoundTrip,
  findOnStack,
  idOf,
  otel,
};
