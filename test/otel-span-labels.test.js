'use strict';
// Which labels code in a span publishes, and which spans carry
// pyroscope.profile.id, for the tracer wrapper and the span processor alike.
const { describe, test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { context, trace, ROOT_CONTEXT, TraceFlags } = require('@opentelemetry/api');
const { W3CTraceContextPropagator } = require('@opentelemetry/core');
const { AlwaysOffSampler, SamplingDecision } = require('@opentelemetry/sdk-trace-base');
const { registerContextManager, resetGlobals, newTracing, newTracker, idOf, otel } = require('./support/otel');

const ATTRIBUTE = 'pyroscope.profile.id';

/** Samples by span name: names starting with "drop" are not sampled (recorded or not). */
function samplerByName(dropDecision) {
  return {
    shouldSample: (_ctx, _traceId, name) => ({
      decision: name.startsWith('drop') ? dropDecision : SamplingDecision.RECORD_AND_SAMPLED,
    }),
    toString: () => 'by-name',
  };
}

let t;
afterEach(() => {
  t?.tracker.disable();
  t = undefined;
  resetGlobals();
});

function setup(options) {
  registerContextManager();
  t = newTracker();
  return newTracing(options);
}

for (const form of ['wrapper', 'processor']) {
  describe(`span labels through the ${form}`, () => {
    const processor = form === 'processor';

    test('default scopes: code in a child publishes the local root’s id, trace id and name', () => {
      const { tracer } = setup({ processor });
      let root;
      let child;
      let inChild;
      tracer.startActiveSpan('GET /orders', (span) => {
        root = span;
        tracer.startActiveSpan('db query', (c) => {
          child = c;
          inChild = t.read();
          c.end();
        });
        span.end();
      });
      assert.deepEqual(inChild, {
        spanId: idOf(root),
        traceId: root.spanContext().traceId,
        spanName: 'GET /orders',
      });
      assert.notEqual(idOf(child), idOf(root));
    });

    test('spanIdScope all: each span publishes its own id; span name stays the root’s', () => {
      const { tracer } = setup({ processor, spanIdScope: 'all' });
      const seen = [];
      tracer.startActiveSpan('root', (root) => {
        seen.push([t.read(), idOf(root)]);
        tracer.startActiveSpan('child', (child) => {
          seen.push([t.read(), idOf(child)]);
          child.end();
        });
        seen.push([t.read(), idOf(root)]);
        root.end();
      });
      for (const [labels, id] of seen) {
        assert.equal(labels.spanId, id);
        assert.equal(labels.spanName, 'root');
      }
    });

    test('spanNameScope all and none; spanIdScope none', () => {
      let r = setup({ processor, spanNameScope: 'all' });
      r.tracer.startActiveSpan('root', (root) => {
        r.tracer.startActiveSpan('child', (child) => {
          assert.deepEqual(t.read(), { spanId: idOf(root), traceId: root.spanContext().traceId, spanName: 'child' });
          child.end();
        });
        root.end();
      });
      t.tracker.disable();
      resetGlobals();
      r = setup({ processor, spanNameScope: 'none' });
      r.tracer.startActiveSpan('root', (root) => {
        assert.deepEqual(t.read(), { spanId: idOf(root), traceId: root.spanContext().traceId });
        root.end();
      });
      t.tracker.disable();
      resetGlobals();
      r = setup({ processor, spanIdScope: 'none' });
      r.tracer.startActiveSpan('root', (root) => {
        assert.deepEqual(t.read(), { spanName: 'root' });
        root.end();
      });
      t.tracker.disable();
      resetGlobals();
      r = setup({ processor, spanIdScope: 'none', spanNameScope: 'none' });
      r.tracer.startActiveSpan('root', (root) => {
        assert.equal(t.cell[0], 0);
        root.end();
      });
    });

    test('pyroscope.profile.id is set on exactly the sampled spans in span-id scope', async () => {
      for (const [scope, expected] of [
        ['root', ['root']],
        ['all', ['root', 'child', 'grandchild']],
        ['none', []],
      ]) {
        const { tracer, exporter } = setup({ processor, spanIdScope: scope });
        tracer.startActiveSpan('root', (root) => {
          tracer.startActiveSpan('child', (child) => {
            tracer.startSpan('grandchild').end();
            child.end();
          });
          root.end();
        });
        const spans = exporter.getFinishedSpans();
        assert.equal(spans.length, 3);
        const marked = spans.filter((s) => ATTRIBUTE in s.attributes).map((s) => s.name).sort();
        assert.deepEqual(marked, [...expected].sort(), `scope ${scope}`);
        for (const s of spans) {
          if (ATTRIBUTE in s.attributes) assert.equal(s.attributes[ATTRIBUTE], s.spanContext().spanId);
        }
        t.tracker.disable();
        resetGlobals();
      }
    });

    test('unsampled spans (recorded or not) publish no span id and get no attribute', () => {
      const decisions = processor ? [SamplingDecision.RECORD] : [SamplingDecision.RECORD, SamplingDecision.NOT_RECORD];
      for (const decision of decisions) {
        const { tracer, exporter } = setup({ processor, sampler: samplerByName(decision), spanIdScope: 'all' });
        tracer.startActiveSpan('drop-root', (root) => {
          assert.equal(root.spanContext().traceFlags & TraceFlags.SAMPLED, 0);
          const labels = t.read();
          assert.equal(labels?.spanId, undefined);
          assert.equal(labels?.traceId, undefined);
          assert.deepEqual(labels, { spanName: 'drop-root' }, 'the name scope does not depend on sampling');
          root.end();
        });
        tracer.startActiveSpan('kept', (root) => {
          assert.equal(t.read().spanId, idOf(root));
          root.end();
        });
        const recorded = exporter.getFinishedSpans();
        for (const s of recorded) {
          assert.equal(ATTRIBUTE in s.attributes, s.name === 'kept', s.name);
        }
        t.tracker.disable();
        resetGlobals();
      }
    });

    test('a remote parent makes the first local span the root', () => {
      const { tracer } = setup({ processor });
      const carrier = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
      const remote = new W3CTraceContextPropagator().extract(ROOT_CONTEXT, carrier, {
        get: (c, k) => c[k],
        keys: (c) => Object.keys(c),
      });
      assert.equal(trace.getSpan(remote).spanContext().isRemote, true);
      context.with(remote, () => {
        assert.equal(t.cell[0], 0, 'a remote span context is no span of this process');
        tracer.startActiveSpan('server', (server) => {
          tracer.startActiveSpan('inner', (inner) => {
            assert.equal(t.read().spanId, idOf(server));
            assert.equal(t.read().traceId, '0af7651916cd43dd8448eb211c80319c');
            inner.end();
          });
          server.end();
        });
      });
    });

    test('root: true starts a new local root inside another span', () => {
      const { tracer } = setup({ processor });
      tracer.startActiveSpan('outer', (outer) => {
        tracer.startActiveSpan('detached', { root: true }, (detached) => {
          assert.equal(t.read().spanId, idOf(detached));
          detached.end();
        });
        outer.end();
      });
    });

    test('spans from another, unwrapped tracer map to their local root', () => {
      const { tracer } = setup({ processor });
      // An instrumentation's own provider, not known to spanprof.
      const foreign = newTracing({}).inner.getTracer('instrumentation');
      tracer.startActiveSpan('request', (root) => {
        const span = foreign.startSpan('middleware');
        context.with(trace.setSpan(context.active(), span), () => {
          assert.equal(t.read().spanId, idOf(root));
          const deeper = foreign.startSpan('handler');
          context.with(trace.setSpan(context.active(), deeper), () => assert.equal(t.read().spanId, idOf(root)));
          deeper.end();
        });
        span.end();
        root.end();
      });
      // A foreign span with no parent is a local root of its own and gets the attribute.
      const lone = foreign.startSpan('lone');
      context.with(trace.setSpan(ROOT_CONTEXT, lone), () => assert.equal(t.read().spanId, idOf(lone)));
      assert.equal(lone.attributes[ATTRIBUTE], idOf(lone));
      lone.end();
    });

    test("a foreign local root takes the tracker's options, whatever a wrapper was made with", () => {
      // A wrapper made with other scopes, after the tracker: it no longer decides for spans it never saw.
      setup({ processor, spanIdScope: 'all', spanNameScope: 'all' });
      const foreign = newTracing({}).inner.getTracer('instrumentation');
      const lone = foreign.startSpan('lone');
      context.with(trace.setSpan(ROOT_CONTEXT, lone), () => {
        const child = foreign.startSpan('child');
        // Scope `root`: the child's code carries its local root, not itself as `all` would have it.
        context.with(trace.setSpan(context.active(), child), () =>
          assert.deepEqual(t.read(), { spanId: idOf(lone), traceId: lone.spanContext().traceId, spanName: 'lone' }));
        child.end();
      });
      lone.end();
      // A tracker told to leave names out, as start() is by SPANPROF_SPAN_NAME_SCOPE=none.
      t.tracker.disable();
      t = newTracker({ adoptOptions: otel.resolveLabelOptions({ spanNameScope: 'none' }) });
      const quiet = foreign.startSpan('quiet');
      context.with(trace.setSpan(ROOT_CONTEXT, quiet), () => assert.deepEqual(t.read(), { spanId: idOf(quiet), traceId: quiet.spanContext().traceId }));
      quiet.end();
    });

    test('a span renamed after start is labelled with its name as it is when the window closes', () => {
      const { tracer } = setup({ processor });
      tracer.startActiveSpan('GET', (span) => {
        const slot = t.cell[0];
        span.updateName('GET /users/:id');
        assert.equal(t.slots.labelsFor([slot]).get(slot).spanName, 'GET /users/:id');
        span.end();
      });
    });
  });
}

test('the processor form works under NodeSDK({ spanProcessors })', async () => {
  const { NodeSDK } = require('@opentelemetry/sdk-node');
  const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const exporter = new InMemorySpanExporter();
  const sdk = new NodeSDK({
    spanProcessors: [new otel.ProfilingSpanProcessor(), new SimpleSpanProcessor(exporter)],
    instrumentations: [],
    metricReaders: [],
    resourceDetectors: [],
  });
  sdk.start();
  t = newTracker();
  try {
    const tracer = trace.getTracer('sdk-node');
    await tracer.startActiveSpan('handler', async (span) => {
      await null;
      assert.equal(t.read().spanId, idOf(span));
      span.end();
    });
    assert.equal(exporter.getFinishedSpans()[0].attributes[ATTRIBUTE], exporter.getFinishedSpans()[0].spanContext().spanId);
  } finally {
    t.tracker.disable();
    await sdk.shutdown();
  }
});

test('wrapping a provider whose sampler drops everything publishes nothing', () => {
  const { tracer } = setup({ sampler: new AlwaysOffSampler() });
  tracer.startActiveSpan('x', (span) => {
    assert.deepEqual(t.read(), { spanName: 'x' });
    span.end();
  });
});

test('the wrapper forwards forceFlush and shutdown, and caches tracers', async () => {
  const { provider, exporter } = setup({});
  assert.equal(provider.getTracer('a', '1'), provider.getTracer('a', '1'));
  assert.notEqual(provider.getTracer('a', '1'), provider.getTracer('a', '2'));
  provider.getTracer('a').startSpan('s').end();
  await provider.forceFlush();
  assert.equal(exporter.getFinishedSpans().length, 1);
  await provider.shutdown();
  provider.getTracer('a').startSpan('after shutdown').end();
  assert.equal(exporter.getFinishedSpans().length, 0, 'the wrapped provider was shut down');
});
