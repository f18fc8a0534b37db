'use strict';
// The profile's string table encoded when the profile is: the same bytes
// as pprof-format's own table, for every kind of string a window holds.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Profile, StringTable, ValueType } = require('pprof-format');
const { DeferredStringTable } = require('../dist/internal');

const STRINGS = [
  'samples',
  'span_id',
  '0123456789abcdef',
  'GET /checkout',
  'café ünïcödé',
  '日本語のスパン',
  'emoji 🚀 pair',
  'lone \ud800 high',
  'lone \udc00 low',
  'x'.repeat(127),
  'y'.repeat(128),
  'é'.repeat(64),
  'z'.repeat(16384),
  'nul \u0000 inside',
];

function fill(table) {
  return [...STRINGS, ...STRINGS.slice(0, 5)].map((s) => table.dedup(s));
}

test('the deferred table gives the ids and the bytes of the stock table', () => {
  const stock = new StringTable();
  const deferred = new DeferredStringTable();
  assert.deepEqual(fill(deferred), fill(stock));
  assert.deepEqual(deferred.strings, stock.strings);
  assert.equal(deferred.encodedLength, stock.encodedLength);
  assert.deepEqual(Buffer.from(deferred.encode()), Buffer.from(stock.encode()));
});

test('an empty deferred table holds only "" and encodes as the stock one does', () => {
  const deferred = new DeferredStringTable();
  assert.deepEqual(deferred.strings, ['']);
  assert.deepEqual(Buffer.from(deferred.encode()), Buffer.from(new StringTable().encode()));
});

test('a profile with a deferred table decodes to the same strings', () => {
  const make = (table) => {
    const type = new ValueType({ type: table.dedup('cpu'), unit: table.dedup('nanoseconds') });
    fill(table);
    return new Profile({ sampleType: [type], periodType: type, period: 10_000_000, stringTable: table }).encode();
  };
  const bytes = make(new DeferredStringTable());
  assert.deepEqual(Buffer.from(bytes), Buffer.from(make(new StringTable())));
  const decoded = Profile.decode(bytes);
  // Lone surrogates come back as U+FFFD, as from any UTF-8 encoder.
  const strings = decoded.stringTable.strings;
  assert.ok(strings.includes('lone \ufffd high'));
  assert.ok(strings.includes('z'.repeat(16384)));
  assert.equal(strings.length, STRINGS.length + 3);
});
