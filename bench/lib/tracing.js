'use strict';
// The same real OTel SDK setup in every configuration: a NodeTracerProvider
// with the stock AsyncLocalStorage context manager. Spans are recorded but
// not exported, so span export costs nothing in any configuration; a
// profiler adds its own span processors.
const { trace } = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');

function setupTracing({ spanProcessors = [], contextManager } = {}) {
  const provider = new NodeTracerProvider({ spanProcessors });
  provider.register(contextManager ? { contextManager } : undefined);
  return trace.getTracer('bench');
}

module.exports = { setupTracing };
