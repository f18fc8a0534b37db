'use strict';
// Wrong options fail at construction with a message naming the option and
// what it accepts.
const test = require('node:test');
const assert = require('node:assert/strict');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const { ContextTracker, ProfilingSpanProcessor, ProfilingTracerProvider, SlotTable } = require('../dist/internal');

const provider = new BasicTracerProvider();

function throwsNaming(fn, ErrorType, pattern) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof ErrorType, `${err.constructor.name}: ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  });
}

test('span-id and span-name scopes accept root, all, none', () => {
  for (const make of [(o) => new ProfilingTracerProvider(provider, o), (o) => new ProfilingSpanProcessor(o)]) {
    for (const bad of ['roots', 'ALL', '', 1, null, true]) {
      throwsNaming(() => make({ spanIdScope: bad }), RangeError, /^spanIdScope must be one of 'root', 'all', 'none' \(default 'root'\); got /);
      throwsNaming(() => make({ spanNameScope: bad }), RangeError, /^spanNameScope must be one of 'root', 'all', 'none' \(default 'root'\); got /);
    }
    throwsNaming(() => make({ spanIDScope: 'all' }), TypeError, /unknown span label option spanIDScope; accepted: spanIdScope, spanNameScope/);
    throwsNaming(() => make('root'), TypeError, /span label options must be an object/);
    for (const scope of ['root', 'all', 'none']) {
      assert.equal(make({ spanIdScope: scope, spanNameScope: scope }).options.spanIdScope, scope);
    }
    assert.deepEqual({ ...make(undefined).options }, { spanIdScope: 'root', spanNameScope: 'root' });
  }
});

test('the provider wrapper needs a TracerProvider', () => {
  for (const bad of [undefined, null, {}, 'provider']) {
    throwsNaming(() => new ProfilingTracerProvider(bad), TypeError, /^provider must be an OpenTelemetry TracerProvider/);
  }
});

test('slot table capacity is an integer from 1 to 1048576', () => {
  for (const bad of [0, -1, 1.5, 2 ** 20 + 1, '10', NaN]) {
    throwsNaming(() => new SlotTable({ capacity: bad }), RangeError, /^capacity must be an integer from 1 to 1048576 \(default 1048576\); got /);
  }
  assert.equal(new SlotTable({ capacity: 2 ** 20 }).capacity, 2 ** 20);
});

test('context tracker options and enable() arguments', () => {
  const slots = new SlotTable();
  throwsNaming(() => new ContextTracker(), TypeError, /context tracker options must be an object with slots/);
  throwsNaming(() => new ContextTracker({}), TypeError, /^slots must be a SlotTable/);
  throwsNaming(() => new ContextTracker({ slots, mechanism: 'promise' }), RangeError, /^mechanism must be one of 'auto', 'frame-slot', 'async-hooks', 'context-frame' \(default 'auto'\); got promise/);
  throwsNaming(() => new ContextTracker({ slots, recheckMs: -1 }), RangeError, /^recheckMs must be an integer of 0 or more/);
  const tracker = new ContextTracker({ slots });
  throwsNaming(() => tracker.enable([0]), TypeError, /^target must be an Int32Array/);
  throwsNaming(() => tracker.enable(new Int32Array(2), 2), RangeError, /^index must be an integer from 0 to 1; got 2/);
  assert.equal(tracker.isEnabled, false);
});

test('context-frame where this Node cannot do it is refused with the reason', () => {
  const { asyncContextFacts } = require('../dist/internal');
  const facts = asyncContextFacts();
  const slots = new SlotTable();
  if (facts.contextFrame && facts.hooksWithoutPromises) {
    assert.equal(new ContextTracker({ slots, mechanism: 'context-frame' }).mechanism, 'context-frame');
    assert.equal(new ContextTracker({ slots }).mechanism, 'context-frame');
  } else {
    throwsNaming(() => new ContextTracker({ slots, mechanism: 'context-frame' }), Error, /^mechanism 'context-frame' needs AsyncLocalStorage on AsyncContextFrame/);
    assert.equal(new ContextTracker({ slots }).mechanism, 'async-hooks');
  }
});

test('frame-slot: refused with the reason where it cannot run; auto falls back to hooks', () => {
  const { asyncContextFacts } = require('../dist/internal');
  const slots = new SlotTable();
  if (!asyncContextFacts().contextFrame) {
    throwsNaming(() => new ContextTracker({ slots, mechanism: 'frame-slot' }), Error, /^mechanism 'frame-slot' needs AsyncLocalStorage on AsyncContextFrame/);
    return;
  }
  // No reader, or one whose self-test reads the wrong slot.
  throwsNaming(() => new ContextTracker({ slots, mechanism: 'frame-slot' }).enable(new Int32Array(1)), Error, /^mechanism 'frame-slot' needs the native sampler to read the async context frame, and enable\(\) was given no frame reader/);
  const stopped = [];
  const wrongReader = { readFrames: (key) => (stopped.push(key), key !== null), frameSlot: () => 7 };
  throwsNaming(() => new ContextTracker({ slots, mechanism: 'frame-slot' }).enable(new Int32Array(1), 0, wrongReader), Error, /its self-test failed on Node/);
  const auto = new ContextTracker({ slots });
  auto.enable(new Int32Array(1), 0, wrongReader);
  assert.notEqual(auto.mechanism, 'frame-slot', 'auto does not trust a reader that fails its self-test');
  assert.equal(stopped.at(-1), null, 'and told the reader to stop');
  auto.disable();
});
