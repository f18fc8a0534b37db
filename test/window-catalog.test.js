'use strict';
// The output directory's catalog and index: what the store keeps of each
// window, in compact form, must give back the very records it wrote, in
// time order with the records it read, and the index written in parts must
// be one JSON document listing them all.
const test = require('node:test');
const assert = require('node:assert/strict');
const { WindowCatalog, indexParts, recordOf, stemOf } = require('../dist/internal');

const SERVICE = 'checkout-service';
const T0 = 1_700_000_000_000_000_000n;
const SECOND = 1_000_000_000n;

function figures(i) {
  return { startEpochNs: T0 + BigInt(i) * 10n * SECOND, endEpochNs: T0 + BigInt(i + 1) * 10n * SECOND, samples: 100 + i, cpuSamples: 90 + i, spans: i % 7 };
}

/** Writes window `i` into the catalog as the store does; returns its name and the record written. */
function addOwn(catalog, i, { wall = false, bytes = 1000 } = {}) {
  const stem = stemOf(figures(i).startEpochNs, i + 1);
  const files = { cpu: `${stem}.cpu.pb.gz`, ...(wall ? { wall: `${stem}.wall.pb.gz` } : {}) };
  catalog.addOwn(stem, figures(i), bytes, files);
  return { name: `${stem}.json`, record: recordOf(figures(i), files, SERVICE, bytes) };
}

function readRecord(i, pid, bytes = 500) {
  const f = figures(i);
  const stem = `other-${pid}-${i}`;
  return { name: `${stem}.json`, record: { ...recordOf({ ...f, startEpochNs: f.startEpochNs + 5n * SECOND }, { cpu: `${stem}.cpu.pb.gz` }, 'other-service', bytes), pid } };
}

test('own windows come back as the records written, merged in time order with those read', () => {
  const catalog = new WindowCatalog(SERVICE);
  const own = [0, 1, 2, 3].map((i) => addOwn(catalog, i, { wall: i % 2 === 0 }));
  const read = [readRecord(1, 4242), readRecord(-1, 4243)];
  for (const r of read) catalog.addRead(r.name, r.record);
  assert.deepEqual([...catalog.records()], [read[1].record, own[0].record, own[1].record, read[0].record, own[2].record, own[3].record]);
});

test('reconcile forgets the windows gone from the directory and names the ones it has not seen', () => {
  const catalog = new WindowCatalog(SERVICE);
  const own = [0, 1, 2].map((i) => addOwn(catalog, i));
  const read = readRecord(5, 4242);
  catalog.addRead(read.name, read.record);
  const present = new Set([own[0].name, own[2].name, 'new-window.json']);
  assert.deepEqual(catalog.reconcile(present), ['new-window.json']);
  assert.deepEqual([...catalog.records()], [own[0].record, own[2].record]);
});

test('the bound removes the oldest windows first, whoever wrote them, until the rest fit', () => {
  const catalog = new WindowCatalog(SERVICE);
  const own = [0, 1, 2, 3].map((i) => addOwn(catalog, i, { bytes: 1000, wall: i === 0 }));
  const read = readRecord(0, 4242, 700); // starts 5 s after own[0]
  catalog.addRead(read.name, read.record);
  assert.deepEqual(catalog.overBound(4700, 5), [], 'at the bound: nothing to remove');
  const victims = catalog.overBound(3000, 5);
  assert.deepEqual(victims, [
    { name: own[0].name, files: [own[0].record.files.cpu, own[0].record.files.wall] },
    { name: read.name, files: [read.record.files.cpu] },
  ]);
  for (const v of victims) catalog.remove(v.name);
  assert.deepEqual([...catalog.records()], own.slice(1).map((o) => o.record));
});

test('the count bound removes the oldest windows first, however small', () => {
  const catalog = new WindowCatalog(SERVICE);
  const own = [0, 1, 2, 3, 4].map((i) => addOwn(catalog, i, { bytes: 10 }));
  assert.deepEqual(catalog.overBound(1e9, 5), []);
  assert.deepEqual(catalog.overBound(1e9, 3).map((v) => v.name), [own[0].name, own[1].name]);
  assert.deepEqual(catalog.overBound(25, 4).map((v) => v.name), [own[0].name, own[1].name, own[2].name], 'the tighter bound wins');
});

test('a window written out of order still lists in time order', () => {
  const catalog = new WindowCatalog(SERVICE);
  const later = addOwn(catalog, 5);
  const earlier = addOwn(catalog, 2);
  assert.deepEqual([...catalog.records()], [earlier.record, later.record]);
});

test('the index in parts: one JSON document, every record in order, no part much over 64 KiB', () => {
  const records = Array.from({ length: 2000 }, (_, i) => recordOf(figures(i), { cpu: `${stemOf(figures(i).startEpochNs, i)}.cpu.pb.gz` }, SERVICE, 1234));
  const parts = [...indexParts(records)];
  assert.ok(parts.length > 5, `${parts.length} parts for 2,000 records`);
  const longestRecord = Math.max(...records.map((r) => JSON.stringify(r).length));
  for (const p of parts) assert.ok(p.length <= 64 * 1024 + longestRecord + 2, `a part of ${p.length} characters`);
  assert.deepEqual(JSON.parse(parts.join('')), { version: 1, windows: records });
  assert.deepEqual(JSON.parse([...indexParts([])].join('')), { version: 1, windows: [] });
});

test('parts are made only as they are asked for', () => {
  let made = 0;
  function* counted() {
    for (let i = 0; i < 2000; i++) {
      made++;
      yield recordOf(figures(i), {}, SERVICE, 1);
    }
  }
  const parts = indexParts(counted());
  parts.next();
  assert.ok(made > 0 && made < 2000, `${made} records made for the first part`);
});
