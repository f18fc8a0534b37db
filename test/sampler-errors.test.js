'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { binding, newSampler } = require('./support/native');

test('interval out of range is a RangeError naming the option and range', () => {
  for (const bad of [0, -5, 999, 1_000_001, 10.5, NaN, '10000']) {
    assert.throws(() => newSampler({ intervalMicros: bad }), (err) => {
      assert.ok(err instanceof RangeError);
      assert.match(err.message, /intervalMicros must be an integer from 1000 to 1000000/);
      return true;
    });
  }
  // The native layer holds the same line for callers that bypass TypeScript.
  assert.throws(() => new (binding().Sampler)(0), RangeError);
  assert.throws(() => new (binding().Sampler)(), TypeError);
});

test('starting twice, and a second sampler on one thread, are errors', () => {
  const s = newSampler();
  s.start();
  try {
    assert.throws(() => s.start(), /already started/);
    const other = newSampler();
    assert.throws(() => other.start(), /another sampler is already running on this thread/);
  } finally {
    s.stop();
  }
});

test('collect before start, and after stop, is an error; stop is idempotent', () => {
  const s = newSampler();
  assert.throws(() => s.collect(), /collect\(\) called before start\(\)/);
  s.start();
  s.collect();
  s.stop();
  s.stop();
  assert.throws(() => s.collect(), /before start/);
  // A stopped sampler can start again.
  s.start();
  assert.equal(s.running, true);
  s.stop();
  assert.equal(s.running, false);
});
