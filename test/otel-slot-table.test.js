'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fc = require('fast-check');
const { SlotTable, DEFAULT_SLOT_CAPACITY, FrameHolders } = require('../dist/internal');

/** A label entry as the registry makes them: a slot field and labels. */
function entry(name) {
  return { slot: 0, frameHolder: undefined, labels: () => ({ spanName: name }), spansEnded: () => true };
}

test('slots are 1..capacity, lent on demand, and stable while held', () => {
  const table = new SlotTable({ capacity: 3 });
  const a = entry('a');
  const b = entry('b');
  assert.equal(table.slotFor(a), 1);
  assert.equal(table.slotFor(a), 1);
  assert.equal(table.slotFor(b), 2);
  assert.deepEqual(table.labelsFor([1, 2, 0, 7, -1]), new Map([[1, { spanName: 'a' }], [2, { spanName: 'b' }]]));
  assert.equal(table.stats().live, 2);
  assert.equal(new SlotTable().capacity, DEFAULT_SLOT_CAPACITY);
});

test('full table: slot 0 and an overflow count, never a slot of another entry', () => {
  const table = new SlotTable({ capacity: 2 });
  table.slotFor(entry('a'));
  table.slotFor(entry('b'));
  const c = entry('c');
  assert.equal(table.slotFor(c), 0);
  assert.equal(table.slotFor(c), 0);
  assert.equal(c.slot, 0);
  assert.equal(table.stats().overflows, 2);
  // At the boundary the slots come back and c gets one.
  table.windowClosed();
  assert.ok(table.slotFor(c) > 0);
});

test('at a boundary every unpublished slot is taken back and free at once; its entry borrows anew', () => {
  const table = new SlotTable({ capacity: 1 });
  const a = entry('a');
  const b = entry('b');
  assert.equal(table.slotFor(a), 1);
  assert.equal(table.slotFor(b), 0, 'full');
  table.windowClosed();
  assert.equal(a.slot, 0);
  assert.equal(table.labelsFor([1]).size, 0, 'the id names nobody now');
  assert.equal(table.slotFor(b), 1);
  assert.deepEqual(table.labelsFor([1]).get(1), { spanName: 'b' });
  // a runs again: it needs a fresh slot; the table is full, so 0.
  assert.equal(table.slotFor(a), 0);
  assert.deepEqual(
    { ...table.stats() },
    { live: 1, held: 0, capacity: 1, overflows: 2, acquired: 2, retired: 1, freedEarly: 0, highWater: 1, windows: 1 },
  );
});

test('a slot lent until released outlives boundaries, and is free only at the boundary after its release', () => {
  const table = new SlotTable({ capacity: 2 });
  const a = entry('a');
  const first = table.lendUntilReleased(a);
  const second = table.lendUntilReleased(a);
  assert.deepEqual([first, second], [1, 2], 'one entry may hold several such slots');
  assert.equal(a.slot, 0, 'the entry’s own per-window slot is left alone');
  assert.equal(table.lendUntilReleased(entry('b')), 0, 'full: 0, never a lent id');
  table.windowClosed();
  table.windowClosed();
  assert.deepEqual(table.labelsFor([1, 2]).get(1), { spanName: 'a' }, 'boundaries do not retire it');
  table.release(first);
  assert.deepEqual(table.labelsFor([1]).get(1), { spanName: 'a' }, 'released: labels stay for the window that may hold its samples');
  assert.equal(table.lendUntilReleased(entry('c')), 0, 'and the id is not lent again yet');
  table.windowClosed();
  assert.equal(table.labelsFor([1]).size, 0, 'free after that boundary');
  assert.equal(table.lendUntilReleased(entry('d')), 1);
  const stats = table.stats();
  assert.deepEqual([stats.live, stats.held, stats.overflows, stats.retired], [2, 2, 2, 1]);
  assert.throws(() => table.release(99), /^RangeError: release: slot 99 is not lent until released$/);
  table.release(second);
  assert.throws(() => table.release(second), /not lent until released/, 'a slot released twice');
  table.release(1);
  table.windowClosed();
  assert.equal(table.stats().live, 0, 'every held slot given back, freed at the next boundary');
});

test('a close listener runs after the boundary frees ids; what it releases is freed at the next one', () => {
  const table = new SlotTable({ capacity: 2 });
  const a = table.lendUntilReleased(entry('a'));
  const seen = [];
  let releaseNow = false;
  const stop = table.onWindowClosed(() => {
    seen.push(table.stats().windows);
    if (releaseNow) table.release(a);
  });
  table.windowClosed();
  releaseNow = true;
  table.windowClosed();
  assert.deepEqual(table.labelsFor([a]).get(a), { spanName: 'a' }, 'released by the listener: labels kept for the window open now');
  stop();
  table.windowClosed();
  assert.deepEqual(seen, [1, 2], 'called once per boundary, until unregistered');
  assert.equal(table.labelsFor([a]).size, 0, 'free at the boundary after');
  assert.equal(table.stats().live, 0);
});

test('a published entry keeps its slot across boundaries', () => {
  const table = new SlotTable({ capacity: 4 });
  const a = entry('a');
  let published = a;
  const release = table.keepPublished((e) => e === published);
  const slot = table.slotFor(a);
  table.windowClosed();
  table.windowClosed();
  assert.equal(a.slot, slot);
  published = null;
  table.windowClosed();
  assert.equal(a.slot, 0);
  release();
});

/** The sampler's marks, played by hand: ticks mark their slot, and the generation flips as a window closes. */
function handMarker() {
  return {
    marks: undefined,
    gen: 1,
    markSlots(marks) {
      this.marks = marks;
    },
    generation() {
      return this.gen;
    },
    tick(slot) {
      if (slot !== 0 && this.marks !== undefined && slot < this.marks.length) this.marks[slot] = this.gen;
    },
    flip() {
      this.gen = 3 - this.gen;
    },
  };
}

function endable(name) {
  const e = entry(name);
  e.ended = false;
  e.spansEnded = () => e.ended;
  return e;
}

test('a sweep frees ended entries that nothing publishes and no tick of the open window took', () => {
  const table = new SlotTable({ capacity: 8 });
  const marker = handMarker();
  const stop = table.followSamples(marker, 60_000);
  let published = null;
  table.keepPublished((e) => e === published);
  const [running, endedUntaken, endedTaken, endedPublished] = ['running', 'untaken', 'taken', 'published'].map(endable);
  for (const e of [running, endedUntaken, endedTaken, endedPublished]) table.slotFor(e);
  endedUntaken.ended = endedTaken.ended = endedPublished.ended = true;
  marker.tick(endedTaken.slot);
  published = endedPublished;
  const takenSlot = endedTaken.slot;
  table.sweep();
  assert.equal(endedUntaken.slot, 0, 'ended, unpublished, untaken: freed');
  assert.ok(running.slot > 0, 'its spans still run: kept');
  assert.equal(endedTaken.slot, takenSlot, 'a tick of the open window took it: kept for that window');
  assert.ok(endedPublished.slot > 0, 'published now: kept');
  assert.equal(table.stats().freedEarly, 1);
  // The window closes: the taken slot's labels are read, then it goes back.
  marker.flip();
  assert.deepEqual(table.labelsFor([takenSlot]).get(takenSlot), { spanName: 'taken' });
  table.windowClosed();
  assert.equal(endedTaken.slot, 0);
  assert.equal(marker.marks[takenSlot], 0, 'a freed id carries no mark into its next loan');
  stop();
  assert.equal(marker.marks, null, 'stopping stops the marks');
  const other = endable('other');
  table.slotFor(other);
  other.ended = true;
  table.sweep();
  assert.ok(other.slot > 0, 'no longer following samples: a sweep frees nothing');
  assert.equal(table.stats().freedEarly, 1);
});

test('release frees at once an id no tick of the open window took; a taken one waits for the close', () => {
  const table = new SlotTable({ capacity: 2 });
  const marker = handMarker();
  const stop = table.followSamples(marker, 60_000);
  const a = table.lendUntilReleased(entry('a'));
  const b = table.lendUntilReleased(entry('b'));
  marker.tick(b);
  table.release(a);
  table.release(b);
  assert.equal(table.labelsFor([a]).size, 0, 'untaken: free at once');
  assert.deepEqual(table.labelsFor([b]).get(b), { spanName: 'b' }, 'taken: labels kept for the window');
  assert.equal(table.lendUntilReleased(entry('c')), a, 'the untaken id is lent again at once');
  assert.equal(table.lendUntilReleased(entry('d')), 0, 'the taken one is not');
  marker.flip();
  table.windowClosed();
  assert.equal(table.labelsFor([b]).size, 0);
  assert.deepEqual([table.stats().freedEarly, table.stats().retired], [1, 2]);
  stop();
});

test('a frame holder goes at the second sweep that finds its spans ended, or at the first close', () => {
  const table = new SlotTable({ capacity: 4 });
  const marker = handMarker();
  const stop = table.followSamples(marker, 60_000);
  const holders = new FrameHolders(table);
  const quiet = endable('quiet');
  const sampled = endable('sampled');
  const revived = endable('revived');
  const atClose = endable('at close');
  const [q, s, r] = [quiet, sampled, revived].map((e) => holders.holderFor(e));
  const qSlot = q[0];
  const sSlot = s[0];
  quiet.ended = sampled.ended = revived.ended = true;
  marker.tick(sSlot);
  table.sweep();
  assert.deepEqual([q[0], s[0], r[0]], [qSlot, sSlot, r[0]], 'the first sweep only notes that they ended');
  assert.ok(r[0] > 0);
  revived.ended = false; // a new span started under the same root
  table.sweep();
  assert.equal(q[0], 0, 'the second sweep takes the holder back');
  assert.equal(table.labelsFor([qSlot]).size, 0, 'and, with no tick on it, frees its id at once');
  assert.equal(s[0], 0);
  assert.deepEqual(table.labelsFor([sSlot]).get(sSlot), { spanName: 'sampled' }, 'a tick took it: labels kept for the window');
  assert.ok(r[0] > 0, 'running again: kept');
  const c = holders.holderFor(atClose);
  atClose.ended = true;
  marker.flip();
  table.windowClosed();
  assert.equal(c[0], 0, 'a window close takes back every ended holder, without waiting for a sweep');
  assert.equal(table.labelsFor([sSlot]).size, 0, 'and the sampled id is free after its window');
  assert.deepEqual(holders.stats(), { made: 4, released: 3, held: 1 });
  holders.close();
  stop();
});

test('followSamples refuses a second sampler and a bad sweep interval, by name', () => {
  const table = new SlotTable({ capacity: 2 });
  assert.throws(() => table.followSamples(handMarker(), 0), /^RangeError: sweepMs must be a positive integer \(default 100\); got 0$/);
  const stop = table.followSamples(handMarker(), 60_000);
  assert.throws(() => table.followSamples(handMarker(), 60_000), /already follows a sampler/);
  stop();
  table.followSamples(handMarker(), 60_000)();
});

/**
 * The tracker's contract, played at random: publish an entry (the cell gets
 * its slot, or a fresh loan), take samples of the cell, close windows. Every
 * sample of a window is resolved at that window's boundary and must name the
 * entry that was published when the sample was taken. With `early`, spans
 * also end, sweeps come at any moment, and each sample marks its slot with
 * the generation, which flips at each close before the window is resolved.
 */
function playModel({ early }) {
  const steps = [
    fc.record({ publish: fc.integer({ min: -1, max: 9 }) }),
    fc.constant({ sample: true }),
    fc.constant({ close: true }),
  ];
  if (early) steps.push(fc.record({ end: fc.integer({ min: 0, max: 9 }) }), fc.constant({ sweep: true }));
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.oneof(...steps), { minLength: 20, maxLength: 300, size: 'large' }),
      (capacity, actions) => {
        const table = new SlotTable({ capacity });
        const marker = handMarker();
        const stop = early ? table.followSamples(marker, 60_000) : () => {};
        const entries = Array.from({ length: 10 }, (_, i) => endable(`e${i}`));
        let current = null;
        let cell = 0;
        table.keepPublished((e) => e === current);
        let pending = []; // samples of the open window: [slot, name]
        try {
          for (const step of actions) {
            if (step.close) {
              marker.flip();
              const labels = table.labelsFor(pending.map(([slot]) => slot));
              for (const [slot, name] of pending) {
                assert.equal(labels.get(slot)?.spanName, name, `slot ${slot} resolved to another entry`);
              }
              table.windowClosed();
              pending = [];
            } else if (step.sample) {
              marker.tick(cell);
              if (cell !== 0) pending.push([cell, current.labels().spanName]);
            } else if (step.sweep) {
              table.sweep();
            } else if (step.end !== undefined) {
              entries[step.end].ended = true;
            } else {
              current = step.publish < 0 ? null : entries[step.publish];
              cell = current === null ? 0 : current.slot !== 0 ? current.slot : table.slotFor(current);
            }
            assert.ok(table.stats().live <= capacity);
          }
        } finally {
          stop();
        }
      },
    ),
    { numRuns: 500 },
  );
}

test('model: a sample always resolves to the entry that was published when it was taken', () => {
  playModel({ early: false });
});

test('model: with sweeps and early release, a sample still resolves to the entry published when it was taken', () => {
  playModel({ early: true });
});
