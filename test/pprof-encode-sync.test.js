'use strict';
// The encode used while the process exits: no yielding, the same profiles as
// the asynchronous encode, and frames only from what the mapper already holds.
const test = require('node:test');
const assert = require('node:assert/strict');
const { InThreadEncoder, encodeWindowSync, createFrameMapper } = require('../dist/internal');
const { decodeProfile, readSamples } = require('./support/read-pprof');
const { realWindow, CHECKOUT } = require('./support/exporter-fixtures.js');
const { stopSampler } = require('./support/profile-windows.js');

test.after(() => stopSampler());

async function decoded(encoded) {
  const out = [];
  for (const p of encoded.profiles) {
    const samples = readSamples(await decodeProfile(p.gzip)).map((s) => JSON.stringify([s.stack, s.labels, s.values]));
    out.push({ kind: p.kind, seriesName: p.seriesName, samples: samples.sort() });
  }
  return out;
}

test('the synchronous encode gives the same profiles as the asynchronous one', async () => {
  const window = await realWindow();
  const frames = createFrameMapper({ enabled: false });
  const encoder = new InThreadEncoder({ wall: true, frames });
  const sync = encoder.encodeSync(window);
  const later = await encoder.encode(window);
  assert.deepEqual(sync.summary, later.summary);
  assert.deepEqual(await decoded(sync), await decoded(later));
  assert.equal(sync.profiles.length, 2);
  assert.ok((await decoded(sync))[0].samples.some((s) => s.includes(CHECKOUT.spanId)));
});

test('at exit, a mapper that can tell what it holds is never asked to load a map', async () => {
  const window = await realWindow();
  const known = { name: 'checkoutAsWritten', file: 'src/checkout.ts', line: 7, mapped: true };
  const asked = [];
  const frames = {
    mapKnown(frame) {
      asked.push(frame.name);
      return frame.name === 'hotCheckout' ? known : undefined;
    },
    map() {
      throw new Error('map() loads maps; not during exit');
    },
    close: async () => {},
  };
  const encoded = encodeWindowSync(window, { frames });
  assert.ok(asked.includes('hotCheckout'));
  const stacks = readSamples(await decodeProfile(encoded.profiles[0].gzip)).map((s) => s.stack.join(' < '));
  assert.ok(stacks.some((s) => s.includes('checkoutAsWritten')), 'the held answer is used');
  assert.ok(!stacks.some((s) => s.includes('hotCheckout')), 'in place of the generated name');
  assert.ok(stacks.some((s) => s.includes('hotSearch')), 'frames it does not hold keep their generated names');
});
