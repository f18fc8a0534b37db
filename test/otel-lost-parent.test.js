'use strict';
// A span whose parent context did not reach spanprof (two copies of the
// OTel API, a context lost on the way) while the SDK says its parent is a
// local span: it must never be taken for a local root.
const test = require('node:test');
const assert = require('node:assert/strict');
const { trace, ROOT_CONTEXT, TraceFlags } = require('@opentelemetry/api');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const { SpanRegistry, PROFILE_ID_ATTRIBUTE, DEFAULT_LABEL_OPTIONS } = require('../dist/internal');

const tracer = new BasicTracerProvider().getTracer('lost-parent');
const childOf = (parent, name) => tracer.startSpan(name, {}, trace.setSpan(ROOT_CONTEXT, parent));

test('a child of a local parent never seen is not a local root: no profile id, no root span id', () => {
  const registry = new SpanRegistry();
  const unseen = tracer.startSpan('unseen parent');
  const child = childOf(unseen, 'child');
  const record = registry.started(child, ROOT_CONTEXT, 'child', DEFAULT_LABEL_OPTIONS, false);
  assert.equal(record.isLocalRoot, false);
  assert.equal(child.attributes[PROFILE_ID_ATTRIBUTE], undefined, 'not marked as a root for Tempo');
  assert.deepEqual(record.entry().labels(), { spanName: 'child' }, 'its samples carry no span id of its own');
  const grandchild = childOf(child, 'grandchild');
  const below = registry.started(grandchild, ROOT_CONTEXT, 'grandchild', DEFAULT_LABEL_OPTIONS, false);
  assert.equal(below.isLocalRoot, false);
  assert.equal(below.root, record, 'spans under it share its tree');
});

test('when the parent was seen, the lost context still finds its local root', () => {
  const registry = new SpanRegistry();
  const root = tracer.startSpan('root');
  const rootRecord = registry.started(root, ROOT_CONTEXT, 'root', DEFAULT_LABEL_OPTIONS, false);
  const child = childOf(root, 'child');
  const record = registry.started(child, ROOT_CONTEXT, 'child', DEFAULT_LABEL_OPTIONS, false);
  assert.equal(record.root, rootRecord);
  assert.equal(record.entry().labels().spanId, root.spanContext().spanId);
  assert.equal(child.attributes[PROFILE_ID_ATTRIBUTE], undefined);
  assert.equal(root.attributes[PROFILE_ID_ATTRIBUTE], root.spanContext().spanId);
});

test('a child of a remote parent is still a local root', () => {
  const registry = new SpanRegistry();
  const remote = trace.wrapSpanContext({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  const child = childOf(remote, 'server');
  const record = registry.started(child, ROOT_CONTEXT, 'server', DEFAULT_LABEL_OPTIONS, false);
  assert.equal(record.isLocalRoot, true);
  assert.equal(child.attributes[PROFILE_ID_ATTRIBUTE], child.spanContext().spanId);
});
