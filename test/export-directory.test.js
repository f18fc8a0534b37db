'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { DirectoryExporter, readOutputIndex } = require('../dist/internal');
const { decodeProfileSync, readSamples } = require('./support/read-pprof');
const { stopSampler } = require('./support/profile-windows.js');
const { encodedWindows, capturingLogger, cutShortWrites, CHECKOUT, SEARCH } = require('./support/exporter-fixtures.js');
const { goMissingReason, labelCountsBothWays } = require('./support/go-pprof.js');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-dir-'));
let dirCount = 0;
test.after(() => {
  stopSampler();
  fs.rmSync(root, { recursive: true, force: true });
});

function freshDir() {
  return path.join(root, `out-${++dirCount}`);
}

function exporterIn(directory, { maxBytes = 64 << 20, maxWindows = 10_000, logger } = {}) {
  return new DirectoryExporter({
    directory,
    maxBytes,
    maxWindows,
    maxQueueBytes: 16 << 20,
    serviceName: 'checkout-service',
    logger: logger ?? capturingLogger().logger,
  });
}

test('windows become valid profiles, records and an index', async () => {
  const dir = freshDir();
  const windows = await encodedWindows(4, { wall: true });
  const exporter = exporterIn(dir);
  for (const w of windows) exporter.export(w);
  assert.equal(await exporter.flush(10_000), true);
  await exporter.shutdown(1000);
  assert.deepEqual(exporter.stats(), {
    sent: 4, failed: 0, dropped: 0, retried: 0, removed: 0, pending: 0, pendingBytes: 0,
  });

  const names = fs.readdirSync(dir).sort();
  assert.equal(names.filter((n) => n.endsWith('.cpu.pb.gz')).length, 4);
  assert.equal(names.filter((n) => n.endsWith('.wall.pb.gz')).length, 4);
  assert.ok(names.includes('index.json'));
  assert.deepEqual(names.filter((n) => n.startsWith('.')), [], 'no temporary file left');

  const index = await readOutputIndex(dir);
  assert.equal(index.version, 1);
  assert.equal(index.windows.length, 4);
  index.windows.forEach((record, i) => {
    assert.equal(record.startEpochNs, windows[i].startEpochNs.toString(), 'oldest first');
    assert.equal(record.from, new Date(Number(windows[i].startEpochNs / 1_000_000n)).toISOString());
    assert.equal(record.until, new Date(Number(windows[i].endEpochNs / 1_000_000n)).toISOString());
    assert.equal(record.service, 'checkout-service');
    assert.equal(record.samples, windows[i].summary.samples);
    assert.equal(record.spans, 2);
    assert.ok(record.files.cpu && record.files.wall);
  });

  for (const record of index.windows) {
    for (const file of Object.values(record.files)) {
      const counts = labelCountsBothWays(path.join(dir, file));
      assert.deepEqual(Object.keys(counts.span_id).sort(), [CHECKOUT.spanId, SEARCH.spanId].sort());
      const profile = decodeProfileSync(fs.readFileSync(path.join(dir, file)));
      assert.ok(readSamples(profile).some((s) => s.stack[0] === 'hotCheckout'), `hotCheckout in ${file}`);
    }
  }
});

test('no partial file is ever visible to a reader', async (t) => {
  const dir = freshDir();
  const poller = new Worker(path.join(__dirname, 'support', 'partial-file-poller.js'), { workerData: { dir } });
  t.after(() => poller.terminate());
  const result = new Promise((resolve, reject) => {
    poller.once('message', resolve);
    poller.once('error', reject);
  });
  const windows = await encodedWindows(30, { wall: true });
  // A tight bound so that pruning runs alongside the writes and the reads.
  const exporter = exporterIn(dir, { maxBytes: 12 * (windows[0].profiles[0].gzip.length * 2 + 600) });
  for (const w of windows) {
    exporter.export(w);
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(await exporter.flush(30_000), true);
  await exporter.shutdown(1000);
  poller.postMessage('stop');
  const { reads, partial } = await result;
  await poller.terminate();
  t.diagnostic(`the reader decoded ${reads} files while ${windows.length} windows were written`);
  assert.deepEqual(partial, []);
  assert.ok(reads > 30, `the reader read only ${reads} files`);
  assert.ok(exporter.stats().removed > 0, 'pruning ran during the reads');
});

test('the reader does catch a partial file', async (t) => {
  const dir = freshDir();
  fs.mkdirSync(dir);
  const [window] = await encodedWindows(1);
  const gz = window.profiles[0].gzip;
  fs.writeFileSync(path.join(dir, 'torn.cpu.pb.gz'), gz.subarray(0, gz.length >> 1));
  const poller = new Worker(path.join(__dirname, 'support', 'partial-file-poller.js'), { workerData: { dir } });
  t.after(() => poller.terminate());
  const result = new Promise((resolve) => poller.once('message', resolve));
  await new Promise((resolve) => setTimeout(resolve, 200));
  poller.postMessage('stop');
  const { partial } = await result;
  await poller.terminate();
  assert.ok(partial.some((p) => p.startsWith('torn.cpu.pb.gz')), JSON.stringify(partial));
});

test('the size bound removes the oldest windows and counts them', async () => {
  const dir = freshDir();
  const windows = await encodedWindows(10);
  const perWindow = windows[0].profiles[0].gzip.length + 600;
  const maxBytes = perWindow * 3;
  const { logger, lines } = capturingLogger();
  const exporter = exporterIn(dir, { maxBytes, logger });
  for (const w of windows) exporter.export(w);
  assert.equal(await exporter.flush(10_000), true);
  await exporter.shutdown(1000);

  const index = await readOutputIndex(dir);
  const total = index.windows.reduce((sum, r) => sum + r.bytes, 0);
  assert.ok(total <= maxBytes, `${total} bytes kept for a bound of ${maxBytes}`);
  const kept = index.windows.map((r) => r.startEpochNs);
  assert.deepEqual(kept, windows.slice(10 - kept.length).map((w) => w.startEpochNs.toString()), 'the newest are kept');
  assert.equal(exporter.stats().removed, 10 - kept.length);
  assert.equal(exporter.stats().sent, 10);
  const onDisk = fs.readdirSync(dir).filter((n) => n.endsWith('.pb.gz'));
  assert.equal(onDisk.length, kept.length, 'removed windows leave no profile behind');
  assert.equal(lines.filter((l) => l.includes(': info:') && l.includes('SPANPROF_OUTPUT_MAX_BYTES')).length, 1, lines.join(''));
});

test('the window bound keeps the newest windows, whatever their size', async () => {
  const dir = freshDir();
  const windows = await encodedWindows(7);
  const { logger, lines } = capturingLogger();
  const exporter = exporterIn(dir, { maxWindows: 3, logger });
  for (const w of windows) exporter.export(w);
  assert.equal(await exporter.flush(10_000), true);
  await exporter.shutdown(1000);

  const index = await readOutputIndex(dir);
  assert.deepEqual(index.windows.map((r) => r.startEpochNs), windows.slice(4).map((w) => w.startEpochNs.toString()));
  assert.equal(exporter.stats().removed, 4);
  const names = fs.readdirSync(dir);
  assert.equal(names.filter((n) => n.endsWith('.pb.gz')).length, 3, names.join(' '));
  assert.equal(names.filter((n) => n.endsWith('.json') && n !== 'index.json').length, 3, names.join(' '));
  assert.equal(lines.filter((l) => l.includes(': info:') && l.includes('3 windows, SPANPROF_OUTPUT_MAX_WINDOWS')).length, 1, lines.join(''));
});

test('an unwritable directory: one clear error, the app runs on, and writing resumes', async () => {
  const blocker = path.join(root, `blocker-${++dirCount}`);
  fs.writeFileSync(blocker, 'a file where the directory should be');
  const dir = path.join(blocker, 'profiles');
  const { logger, lines } = capturingLogger();
  const exporter = exporterIn(dir, { logger });
  const windows = await encodedWindows(4);
  for (const w of windows.slice(0, 3)) exporter.export(w);
  assert.equal(await exporter.flush(10_000), true);
  assert.equal(exporter.stats().failed, 3);
  const errors = lines.filter((l) => l.includes(': error:'));
  assert.equal(errors.length, 1, lines.join(''));
  assert.match(errors[0], /cannot write profiles to .*SPANPROF_OUTPUT_DIR.*ENOTDIR/);

  fs.rmSync(blocker);
  exporter.export(windows[3]);
  assert.equal(await exporter.flush(10_000), true);
  await exporter.shutdown(1000);
  assert.equal(exporter.stats().sent, 1);
  assert.ok(lines.some((l) => l.includes(': info:') && l.includes('again')), lines.join(''));
  assert.equal((await readOutputIndex(dir)).windows.length, 1);
});

test('a second process sharing the directory sees every window; a broken index is rebuilt', async () => {
  const dir = freshDir();
  const windows = await encodedWindows(4);
  const first = exporterIn(dir);
  first.export(windows[0]);
  first.export(windows[1]);
  await first.shutdown(5000);
  const second = exporterIn(dir);
  second.export(windows[2]);
  second.export(windows[3]);
  await second.shutdown(5000);
  assert.equal((await readOutputIndex(dir)).windows.length, 4);

  fs.writeFileSync(path.join(dir, 'index.json'), '{"version": 1, "wind');
  const rebuilt = await readOutputIndex(dir);
  assert.deepEqual(
    rebuilt.windows.map((r) => r.startEpochNs),
    windows.map((w) => w.startEpochNs.toString()),
  );
});

test('shutdown keeps its deadline and counts what it could not write', async () => {
  const dir = freshDir();
  const exporter = exporterIn(dir);
  const windows = await encodedWindows(3);
  await exporter.shutdown(1000);
  for (const w of windows) exporter.export(w);
  assert.equal(exporter.stats().dropped, 3);
  assert.equal(fs.existsSync(dir), false);
});

test('every profile file these tests left is read alike by go tool pprof and pprof-format', (t) => {
  const missing = goMissingReason();
  if (missing) t.diagnostic(missing);
  let files = 0;
  // Each test writes into its own folder of root; the torn file is made partial on purpose.
  for (const dir of fs.readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const name of fs.readdirSync(path.join(root, dir.name))) {
      if (!name.endsWith('.pb.gz') || name.startsWith('torn.')) continue;
      labelCountsBothWays(path.join(root, dir.name, name));
      files++;
    }
  }
  assert.ok(files >= 30, `only ${files} files checked`);
  t.diagnostic(`${files} files read by ${missing ? 'pprof-format only' : 'go tool pprof and pprof-format'}`);
  if (missing) t.skip(missing);
});

test('windows closer together than the index interval: each flush leaves an index listing all of them', async () => {
  const dir = freshDir();
  const windows = await encodedWindows(6);
  const exporter = exporterIn(dir);
  const listed = async () => (await readOutputIndex(dir)).windows.length;
  // Three rounds well inside one index interval: the first rewrites the index
  // at once, the later ones only when flushed.
  for (let round = 1; round <= 3; round++) {
    exporter.export(windows[2 * round - 2]);
    exporter.export(windows[2 * round - 1]);
    assert.equal(await exporter.flush(10_000), true);
    assert.equal(await listed(), 2 * round, `after flush ${round}`);
  }
  await exporter.shutdown(1000);
  assert.equal(await listed(), 6);
  assert.equal(exporter.stats().sent, 6);
});

test("temporary files of this process's cut-short writes are removed while writing too, other processes' are left", async () => {
  const dir = freshDir();
  const { theirs } = cutShortWrites(dir);
  const exporter = exporterIn(dir);
  exporter.export((await encodedWindows(1))[0]);
  assert.equal(await exporter.flush(10_000), true);
  await exporter.shutdown(1000);
  assert.equal(exporter.stats().sent, 1);
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.')), [theirs]);
});
