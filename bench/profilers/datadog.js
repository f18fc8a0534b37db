'use strict';
// @datadog/pprof's time profiler at 100 Hz with contexts, fed the way
// dd-trace feeds it: each span gets a context object (its span id and its
// local root's), and the profiler's current context follows the active span.
// Where AsyncLocalStorage runs on AsyncContextFrame the profiler keeps the
// context in the frame (useCPED), so setting it when a span is entered is
// enough; elsewhere it is one global, so an async_hooks `before` hook sets it
// again on every continuation, as dd-trace does.
const { createHook } = require('node:async_hooks');
const path = require('node:path');
const { context, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { time, encode } = require('@datadog/pprof');
const { dist } = require('../lib/paths');
const { asyncContextFacts } = require(path.join(dist, 'internal'));
const { WindowLog, elapsedMs } = require('./window-log');

const NO_SPAN = {};

/** Context objects by span, made at span start. */
const contexts = new WeakMap();

class ContextProcessor {
  onStart(span, parentContext) {
    const parent = trace.getSpan(parentContext);
    const local = parent && !parent.spanContext().isRemote ? contexts.get(parent) : undefined;
    const spanId = span.spanContext().spanId;
    contexts.set(span, { spanId, rootSpanId: local ? local.rootSpanId : spanId });
  }
  onEnd() {}
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

function contextOf(ctx) {
  const span = trace.getSpan(ctx);
  return (span && contexts.get(span)) || NO_SPAN;
}

/** Sets the profiler's context when a span's context is entered (and, without frames, restores it on exit). */
function contextManager(useCPED) {
  return new (class extends AsyncLocalStorageContextManager {
    with(ctx, fn, thisArg, ...args) {
      const inner = function (...a) {
        time.setContext(contextOf(ctx));
        return fn.apply(this, a);
      };
      if (useCPED) return super.with(ctx, inner, thisArg, ...args);
      try {
        return super.with(ctx, inner, thisArg, ...args);
      } finally {
        time.setContext(contextOf(context.active()));
      }
    }
  })();
}

function generateLabels({ context: sampleContext }) {
  const c = sampleContext && sampleContext.context;
  if (!c || c === NO_SPAN) return {};
  return { 'span id': c.spanId, 'local root span id': c.rootSpanId };
}

module.exports = {
  create({ windowMs }) {
    const log = new WindowLog();
    const useCPED = asyncContextFacts().contextFrame;
    let timer;
    let hook;
    /** One window, as dd-trace closes one: stop with restart, then encode. */
    function rotate() {
      const mark = log.begin();
      const profile = time.stop(true, generateLabels);
      log.end(mark);
      return encode(profile).then((buf) => log.encoded(buf.byteLength, elapsedMs(mark.t)));
    }
    return {
      spanProcessors: [new ContextProcessor()],
      contextManager: contextManager(useCPED),
      start() {
        time.start({
          intervalMicros: 10_000,
          durationMillis: windowMs,
          withContexts: true,
          // spanprof weights samples by thread CPU time; this is the peer's equivalent.
          collectCpuTime: true,
          useCPED,
          lineNumbers: false,
          workaroundV8Bug: true,
        });
        if (!useCPED) {
          hook = createHook({ before: () => time.setContext(contextOf(context.active())) });
          hook.enable();
        }
        timer = setInterval(rotate, windowMs);
        timer.unref();
      },
      rotateNow: () => rotate(),
      resetWindows: () => log.reset(),
      windows: () => log.summary(),
      async stop() {
        clearInterval(timer);
        if (hook) hook.disable();
        time.stop(false);
      },
    };
  },
};
