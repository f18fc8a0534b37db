'use strict';
// The signal handler's marks of the slots its ticks take: what lets the slot
// table free an ended span's slot before the window closes.
const test = require('node:test');
const assert = require('node:assert/strict');
const { newSampler, spinCpu, flatten } = require('./support/native');

const A = 7;
const B = 12;
const UNUSED = 9;

test('each tick marks its slot with the open window\'s generation, which flips at every close', () => {
  const sampler = newSampler();
  const marks = new Uint8Array(16);
  sampler.markSlots(marks);
  assert.equal(sampler.generation(), 0, 'no window before start');
  sampler.start();
  try {
    const first = sampler.generation();
    assert.ok(first === 1 || first === 2);
    sampler.slotView[0] = A;
    spinCpu(200);
    sampler.slotView[0] = 0;
    assert.equal(marks[A], first, 'ticks of the open window marked A');
    assert.equal(marks[UNUSED], 0, 'a slot no tick took stays unmarked');
    const w1 = sampler.collect();
    assert.ok(flatten([w1]).some((s) => s.slot === A), 'the window holds ticks of A');
    const second = sampler.generation();
    assert.equal(second, 3 - first, 'the generation flips as the window closes');
    assert.notEqual(marks[A], second, 'A was taken in the closed window only');
    sampler.slotView[0] = B;
    spinCpu(200);
    sampler.slotView[0] = 0;
    assert.equal(marks[B], second);
    sampler.collect();
    assert.equal(sampler.generation(), first, 'and back');
  } finally {
    sampler.stop();
    sampler.markSlots(null);
  }
});

test('slots past the end of the marks are not written, and null stops marking', () => {
  const sampler = newSampler();
  const buffer = new ArrayBuffer(32);
  // A view on the first 8 bytes: the tick for slot 8 must not touch byte 8.
  const marks = new Uint8Array(buffer, 0, 8);
  const after = new Uint8Array(buffer, 8, 8);
  sampler.markSlots(marks);
  sampler.start();
  try {
    sampler.slotView[0] = 8;
    spinCpu(100);
    sampler.slotView[0] = 3;
    spinCpu(100);
    sampler.markSlots(null);
    sampler.slotView[0] = 5;
    spinCpu(100);
    sampler.slotView[0] = 0;
    assert.deepEqual([...after], [0, 0, 0, 0, 0, 0, 0, 0], 'nothing written past the view');
    assert.equal(marks[3], sampler.generation());
    assert.equal(marks[5], 0, 'ticks after markSlots(null) mark nothing');
  } finally {
    sampler.stop();
  }
  assert.throws(() => sampler.markSlots(new Int32Array(4)), /marks must be a Uint8Array or null/);
});
