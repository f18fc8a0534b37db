'use strict';
// Shared by the test/otel-*.test.js files: a real OTel SDK setup and a
// tracker publishing into a plain Int32Array or the native sampler's cell.
const { context, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} = require('@opentelemetry/sdk-trace-base');
const otel = require('../../dist/otel');
const { asyncContextFacts } = require('../../dist/otel/async-context-frame');

/** Mechanisms this Node offers: both where AsyncContextFrame allows it. */
function availableMechanisms() {
  const facts = asyncContextFacts();
  return facts.contextFrame && facts.hooksWithoutPromises ? ['async-hooks', 'context-frame'] : ['async-hooks'];
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
function newTracing({ spanIdScope, spanNameScope, sampler, processor = false } = {}) {
  const exporter = new InMemorySpanExporter();
  const scopes = {};
  if (spanIdScope !== undefined) scopes.spanIdScope = spanIdScope;
  if (spanNameScope !== undefined) scopes.spanNameScope = spanNameScope;
  const spanProcessors = [new SimpleSpanProcessor(exporter)];
  if (processor) spanProcessors.unshift(new otel.ProfilingSpanProcessor(scopes));
  const inner = new BasicTracerProvider({ spanProcessors, ...(sampler ? { sampler } : {}) });
  const provider = processor ? inner : new otel.ProfilingTracerProvider(inner, scopes);
  return { inner, provider, tracer: provider.getTracer('test'), exporter };
}

/** A tracker writing into a plain cell; `read()` gives the labels published now. */
function newTracker({ capacity, mechanism } = {}) {
  const slots = new otel.SlotTable(capacity === undefined ? {} : { capacity });
  const cell = new Int32Array(1);
  const tracker = new otel.ContextTracker({ slots, mechanism });
  tracker.enable(cell);
  return {
    slots,
    cell,
    tracker,
    /** Labels of the slot published now; null when the cell holds 0. */
    read() {
      const slot = cell[0];
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

function idOf(span) {
  return span.spanContext().spanId;
}

module.exports = { availableMechanisms, registerContextManager, resetGlobals, newTracing, newTracker, idOf, otel };
