'use strict';
// Writing the last windows while the process exits: synchronous calls only,
// the same files and index as the asynchronous path, and no window twice.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { DirectoryExporter, readOutputIndex, InThreadEncoder, BackgroundEncoder, ExportingSink } = require('../dist/internal');
const { decodeProfileSync, readSamples } = require('./support/read-pprof');
const { stopSampler, shiftedWindow } = require('./support/profile-windows.js');
const { encodedWindows, realWindow, capturingLogger, cutShortWrites, CHECKOUT } = require('./support/exporter-fixtures.js');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-dir-exit-'));
let dirCount = 0;
test.after(() => {
  stopSampler();
  fs.rmSync(root, { recursive: true, force: true });
});

const freshDir = () => path.join(root, `out-${++dirCount}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Windows not yet given to the exporter at exit, already encoded. */
const exitWindows = (list) => ({ count: list.length, encoded: () => list });

function exporterIn(directory, { maxBytes = 64 << 20, logger } = {}) {
  return new DirectoryExporter({
    directory,
    maxBytes,
    maxWindows: 10_000,
    maxQueueBytes: 16 << 20,
    serviceName: 'checkout-service',
    logger: logger ?? capturingLogger().logger,
  });
}

/** Records, index and profiles agree; returns the records' start times, sorted. */
async function checkedDirectory(dir) {
  const names = fs.readdirSync(dir);
  assert.deepEqual(names.filter((n) => n.startsWith('.')), [], 'no temporary file left');
  const recordNames = names.filter((n) => n.endsWith('.json') && n !== 'index.json');
  const records = recordNames.map((n) => JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')));
  const index = await readOutputIndex(dir);
  assert.deepEqual(index.windows, [...records].sort((a, b) => (BigInt(a.startEpochNs) < BigInt(b.startEpochNs) ? -1 : 1)));
  for (const r of records) {
    const samples = readSamples(decodeProfileSync(fs.readFileSync(path.join(dir, r.files.cpu))));
    assert.ok(samples.some((s) => s.labels.span_id === CHECKOUT.spanId), 'a labelled, valid profile');
  }
  assert.equal(names.filter((n) => n.endsWith('.cpu.pb.gz')).length, records.length, 'no profile without its record');
  return records.map((r) => r.startEpochNs).sort();
}

for (const stage of ['creating the directory', 'after its first profile file']) {
  test(`a window being written ${stage} is finished under the same names, once`, async () => {
    const dir = freshDir();
    const all = await encodedWindows(4);
    const exporter = exporterIn(dir);
    let windows = all.slice(0, 3);
    if (stage !== 'creating the directory') {
      // A window written whole first, so the directory exists.
      exporter.export(all[0]);
      assert.equal(await exporter.flush(10_000), true);
      windows = all.slice(1);
    }
    exporter.export(windows[0]);
    exporter.export(windows[1]);
    if (stage !== 'creating the directory') {
      const before = fs.readdirSync(dir).filter((n) => n.endsWith('.cpu.pb.gz')).length;
      while (fs.readdirSync(dir).filter((n) => n.endsWith('.cpu.pb.gz')).length === before) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const result = exporter.finishAtExit(exitWindows([windows[2]]), 1000);
    assert.equal(result.failed, 0, result.error);
    assert.equal(result.outOfTime, 0);
    // The interrupted asynchronous write may still land, on the same names: wait
    // until it has settled rather than for a time a loaded machine may overrun.
    assert.equal(await exporter.flush(10_000), true);
    const expected = (stage === 'creating the directory' ? windows : all).map((w) => w.startEpochNs.toString()).sort();
    assert.deepEqual(await checkedDirectory(dir), expected);
    assert.equal(exporter.stats().sent, expected.length);
    assert.equal(exporter.stats().pending, 0);
  });
}

test('windows already written are not written again at exit', async () => {
  const dir = freshDir();
  const exporter = exporterIn(dir);
  const windows = await encodedWindows(2);
  for (const w of windows) exporter.export(w);
  assert.equal(await exporter.flush(10_000), true);
  const before = new Map(fs.readdirSync(dir).map((n) => [n, fs.statSync(path.join(dir, n)).mtimeNs]));
  const result = exporter.finishAtExit(exitWindows([]), 1000);
  assert.deepEqual(result, { written: 0, failed: 0, outOfTime: 0, directory: path.resolve(dir), undelivered: 0 });
  const after = new Map(fs.readdirSync(dir).map((n) => [n, fs.statSync(path.join(dir, n)).mtimeNs]));
  assert.deepEqual(after, before);
  exporter.export(windows[0]);
  assert.equal(exporter.stats().dropped, 1, 'nothing is taken after exit');
});

test("temporary files of this process's cut-short writes are removed at exit, other processes' are left", async () => {
  const dir = freshDir();
  const { theirs } = cutShortWrites(dir);
  const exporter = exporterIn(dir);
  assert.equal(exporter.finishAtExit(exitWindows(await encodedWindows(1)), 1000).written, 1);
  const hidden = fs.readdirSync(dir).filter((n) => n.startsWith('.'));
  assert.deepEqual(hidden, [theirs]);
});

test('the size bound holds for windows written at exit', async () => {
  const dir = freshDir();
  const windows = await encodedWindows(4);
  const oneWindow = windows[0].profiles[0].gzip.byteLength + 400;
  const exporter = exporterIn(dir, { maxBytes: Math.floor(oneWindow * 2.5) });
  const result = exporter.finishAtExit(exitWindows(windows), 1000);
  assert.equal(result.written, 4);
  const kept = await checkedDirectory(dir);
  assert.deepEqual(kept, windows.slice(2).map((w) => w.startEpochNs.toString()), 'the newest two are kept');
  assert.equal(exporter.stats().removed, 2);
});

test('an unwritable directory at exit: counted with its error, nothing thrown or logged', async () => {
  const file = path.join(root, `file-${++dirCount}`);
  fs.writeFileSync(file, 'not a directory');
  const { logger, lines } = capturingLogger();
  const exporter = exporterIn(path.join(file, 'profiles'), { logger });
  const result = exporter.finishAtExit(exitWindows(await encodedWindows(2)), 1000);
  assert.equal(result.written, 0);
  assert.equal(result.failed, 2);
  assert.match(result.error, /ENOTDIR/);
  assert.deepEqual(lines, []);
  assert.equal(exporter.stats().failed, 2);
});

test('a spent time budget leaves windows unwritten and counted', async () => {
  const dir = freshDir();
  const exporter = exporterIn(dir);
  const result = exporter.finishAtExit(exitWindows(await encodedWindows(3)), -1);
  assert.deepEqual(result, { written: 0, failed: 0, outOfTime: 3, directory: path.resolve(dir), undelivered: 0 });
  assert.equal(exporter.stats().dropped, 3);
});

test('a fan-out asks each output: directories write, an output that cannot is counted undelivered', async () => {
  const { FanOutExporter } = require('../dist/internal');
  const [a, b] = [freshDir(), freshDir()];
  // An output with no finishAtExit, as an upload is: its pending windows and the new ones are undelivered.
  const upload = { export() {}, flush: async () => true, shutdown: async () => {}, stats: () => ({ sent: 0, failed: 0, dropped: 0, retried: 0, pending: 2, pendingBytes: 100 }) };
  let encodes = 0;
  const list = await encodedWindows(2);
  const windows = { count: 2, encoded: () => (encodes++, list) };
  const fanOut = new FanOutExporter([exporterIn(a), upload, exporterIn(b)]);
  const result = fanOut.finishAtExit(windows, 1000);
  assert.deepEqual(result, { written: 4, failed: 0, outOfTime: 0, undelivered: 4, directory: path.resolve(a) });
  assert.equal(encodes, 2, 'each directory asked for the windows');
  for (const dir of [a, b]) assert.equal(fs.readdirSync(dir).filter((n) => n.endsWith('.cpu.pb.gz')).length, 2, dir);

  // Only outputs that cannot write: the windows are never asked for.
  const asked = { count: 3, encoded: () => assert.fail('encoded with no output to write them') };
  assert.deepEqual(new FanOutExporter([upload]).finishAtExit(asked, 1000), { written: 0, failed: 0, outOfTime: 0, undelivered: 5 });
});

for (const [name, makeEncoder] of [
  ['on the worker', () => new BackgroundEncoder({ wall: true })],
  ['on this thread', () => new InThreadEncoder({ wall: true })],
]) {
  test(`the sink finishes windows still being encoded ${name}, and each reaches the directory once`, async () => {
    const dir = freshDir();
    const exporter = exporterIn(dir);
    const encoder = makeEncoder();
    const seen = [];
    const sink = new ExportingSink({
      exporter,
      logger: capturingLogger().logger,
      wall: true,
      encoder,
      onEncoded: (w) => seen.push(w.startEpochNs),
    });
    const base = await realWindow();
    const windows = [0, 1, 2].map((i) => shiftedWindow(base, BigInt(i) * 10_000_000_000n));
    for (const w of windows) sink.consume(w);
    const report = sink.finishAtExit(1000);
    assert.equal(report.written, 3);
    assert.equal(report.notWritten, 0);
    assert.equal(report.notUploaded, 0);
    assert.equal(report.directory, path.resolve(dir));
    // Whatever was in flight settles now and must not write again.
    await sleep(300);
    await sink.shutdown(1000);
    const expected = windows.map((w) => w.startEpochNs.toString()).sort();
    assert.deepEqual(await checkedDirectory(dir), expected);
    assert.equal(fs.readdirSync(dir).filter((n) => n.endsWith('.wall.pb.gz')).length, 3);
    assert.deepEqual(seen.map(String).sort(), expected, 'each window encoded once');
    assert.equal(sink.stats().encoded, 3);
    sink.consume(windows[0]);
    // A window taken now would be encoded and handed on before the flush ends.
    await sink.flush(10_000);
    assert.equal(exporter.stats().sent, 3, 'nothing is taken after exit');
  });
}
