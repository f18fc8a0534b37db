'use strict';
// The id index that finds spans and local roots by id: the same answers as
// an insertion-ordered Map with the oldest entry going past a bound.
const test = require('node:test');
const assert = require('node:assert/strict');
const { BoundedIdIndex } = require('../dist/internal');

/** A deterministic generator (LCG), so a failure replays. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** What the index must answer: a Map, evicting its oldest past `bound`. */
function modelSet(map, bound, id, value) {
  if (map.has(id)) {
    map.set(id, value);
    return undefined;
  }
  let evicted;
  if (map.size >= bound) {
    const [oldest, v] = map.entries().next().value;
    map.delete(oldest);
    evicted = v;
  }
  map.set(id, value);
  return evicted;
}

function sameContents(index, map, ids, label) {
  assert.equal(index.size, map.size, `${label}: size`);
  for (const id of ids) assert.equal(index.get(id), map.get(id), `${label}: ${id}`);
}

for (const [bound, minCapacity, idCount] of [
  [1_000, 2, 300], // a tiny table: long probe runs that wrap around, and many resizes
  [40, 2, 120], // the bound reached again and again
  [100_000, 256, 5_000],
]) {
  test(`answers as an ordered Map under random churn (bound ${bound}, start ${minCapacity}, ${idCount} ids)`, () => {
    const next = random(bound + idCount);
    const ids = Array.from({ length: idCount }, (_, i) => (i * 2654435761 >>> 0).toString(16).padStart(16, '0'));
    const index = new BoundedIdIndex(bound, minCapacity);
    const map = new Map();
    for (let step = 0; step < 20_000; step++) {
      const id = ids[Math.floor(next() * ids.length)];
      const r = next();
      if (r < 0.5) {
        assert.equal(index.set(id, step), modelSet(map, bound, id, step), `set ${id} at step ${step}: evicted`);
      } else if (r < 0.8) {
        index.delete(id);
        map.delete(id);
      } else if (r < 0.9) {
        // Only while the id still maps to that value.
        const value = map.get(id) ?? -1;
        const given = next() < 0.5 ? value : value + 1;
        index.delete(id, given);
        if (map.get(id) === given) map.delete(id);
      } else {
        assert.equal(index.get(id), map.get(id), `get ${id} at step ${step}`);
      }
      if (step % 2_500 === 0) sameContents(index, map, ids, `step ${step}`);
    }
    sameContents(index, map, ids, 'end');
    // Emptied, it shrinks back and still works.
    for (const id of ids) index.delete(id);
    assert.equal(index.size, 0);
    assert.equal(index.set('a'.repeat(16), 1), undefined);
    assert.equal(index.get('a'.repeat(16)), 1);
  });
}

test('past the bound the oldest entry goes, and replacing a value keeps its place', () => {
  const index = new BoundedIdIndex(3);
  assert.equal(index.set('a', 1), undefined);
  assert.equal(index.set('b', 2), undefined);
  assert.equal(index.set('c', 3), undefined);
  assert.equal(index.set('a', 10), undefined, 'replaced, not added');
  assert.equal(index.set('d', 4), 10, 'a is still the oldest');
  assert.equal(index.get('a'), undefined);
  index.delete('b');
  assert.equal(index.set('e', 5), undefined, 'room again after a delete');
  assert.equal(index.set('f', 6), 3, 'then c, the oldest left');
  assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => index.get(id)), [undefined, undefined, undefined, 4, 5, 6]);
  assert.equal(index.add('d', 40), undefined, 'add leaves a present id alone');
  assert.equal(index.get('d'), 4);
  assert.equal(index.add('g', 7), 4, 'and past the bound evicts as set does');
  assert.equal(index.get('g'), 7);
});

test('a bound that is not a positive integer is refused, naming it', () => {
  for (const bad of [0, -1, 1.5, NaN]) {
    assert.throws(() => new BoundedIdIndex(bad), /bound must be a positive integer; got/);
  }
});
