'use strict';
// The frame mapper on real tsc and esbuild output, with frames placed where
// V8's profiler puts a function: at the start of its parameter list.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const v8 = require('node:v8');
const { createFrameMapper, BackgroundEncoder } = require('../dist/internal');
const { copyApp, compileTsc, bundle, lineOf } = require('./fixtures/sourcemap-harness/build-app');
const { gc } = require('./support/otel');

const root = copyApp('spanprof-sourcemap-mapper-');
test.after(() => fs.rmSync(root, { recursive: true, force: true }));

/** The frame V8 reports for the function declared by `declaration` in the generated `file`. */
function frameOf(file, name, declaration) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(declaration));
  assert.ok(i >= 0, `${declaration} not in ${file}`);
  const column = lines[i].indexOf('(', lines[i].indexOf(declaration)) + 1;
  return { name, url: file, line: i + 1, column };
}

function recorder() {
  const notes = [];
  return { notes, logger: { debug: (msg) => notes.push(msg) } };
}

const SHIPPING = { name: 'computeShippingCost', file: 'src/shipping.ts', line: lineOf('src/shipping.ts', 'export function computeShippingCost('), mapped: true };
const ZONE = { name: 'zoneFactor', file: 'src/shipping.ts', line: lineOf('src/shipping.ts', 'function zoneFactor('), mapped: true };

test("a script's map is read once and kept", () => {
  const out = compileTsc(root, 'out-cache');
  const script = path.join(out, 'shipping.js');
  const { notes, logger } = recorder();
  const mapper = createFrameMapper({ root, logger });
  assert.deepEqual(mapper.map(frameOf(script, 'computeShippingCost', 'function computeShippingCost(')), SHIPPING);
  fs.rmSync(`${script}.map`);
  assert.deepEqual(mapper.map(frameOf(script, 'zoneFactor', 'function zoneFactor(')), ZONE);
  assert.deepEqual(notes, []);
});

test('a script whose map is missing is looked at once, and noted once', () => {
  const out = compileTsc(root, 'out-missing');
  const script = path.join(out, 'shipping.js');
  fs.renameSync(`${script}.map`, `${script}.map.away`);
  const { notes, logger } = recorder();
  const mapper = createFrameMapper({ root, logger });
  const frame = frameOf(script, 'computeShippingCost', 'function computeShippingCost(');
  const generated = { name: frame.name, file: 'out-missing/shipping.js', line: frame.line, mapped: false };
  assert.deepEqual(mapper.map(frame), generated);
  assert.deepEqual(mapper.map(frame), generated);
  fs.renameSync(`${script}.map.away`, `${script}.map`);
  assert.deepEqual(mapper.map(frame), generated, 'the missing map was looked for again');
  assert.equal(notes.length, 1);
  assert.match(notes[0], /out-missing\/shipping\.js/);
});

/** Bytes on V8's heap after full collections. */
function liveHeapBytes() {
  gc();
  gc();
  return v8.getHeapStatistics().used_heap_size;
}

/**
 * Writes the script's map again with 16 MiB of embedded source, as a bundle's
 * map carries its inputs. In a function of its own, so that no temporary of
 * it is still on the stack when the heap is measured.
 */
function embedSources(script, sectioned) {
  const plain = JSON.parse(fs.readFileSync(`${script}.map`, 'utf8'));
  delete plain.sourcesContent;
  const embedded = Array.from({ length: 1 << 16 }, (_, i) => `// line ${i} ${'x'.repeat(240)}`).join('\n');
  const map = { ...plain, sourcesContent: [embedded] };
  const written = sectioned ? { version: 3, sections: [{ offset: { line: 0, column: 0 }, map }] } : map;
  fs.writeFileSync(`${script}.map`, JSON.stringify(written));
}

for (const sectioned of [false, true]) {
  test(`the sources a map embeds are not kept with it (${sectioned ? 'sectioned' : 'plain'} map)`, () => {
    const out = compileTsc(root, `out-embedded-${sectioned}`);
    const script = path.join(out, 'shipping.js');
    embedSources(script, sectioned);
    const before = liveHeapBytes();
    const mapper = createFrameMapper({ root, logger: recorder().logger });
    assert.deepEqual(mapper.map(frameOf(script, 'computeShippingCost', 'function computeShippingCost(')), SHIPPING);
    const kept = liveHeapBytes() - before;
    assert.ok(kept < 4 * 1048576, `the mapper keeps ${(kept / 1048576).toFixed(1)} MiB after reading a map with 16 MiB of sources`);
    // Still in use, so its maps are live when the heap is measured.
    assert.deepEqual(mapper.map(frameOf(script, 'zoneFactor', 'function zoneFactor(')), ZONE);
  });
}

test('disabled: generated locations, paths still shortened, nothing read', () => {
  const out = compileTsc(root, 'out-disabled');
  // With the map gone, a mapper that looked for it would note it.
  fs.rmSync(path.join(out, 'shipping.js.map'));
  const { notes, logger } = recorder();
  const mapper = createFrameMapper({ enabled: false, root, logger });
  const frame = frameOf(path.join(out, 'shipping.js'), 'computeShippingCost', 'function computeShippingCost(');
  assert.deepEqual(mapper.map(frame), { name: frame.name, file: 'out-disabled/shipping.js', line: frame.line, mapped: false });
  assert.deepEqual(notes, []);
});

test('frames with no script file of their own pass through, without notes', () => {
  const { notes, logger } = recorder();
  const mapper = createFrameMapper({ root, logger });
  const frames = [
    { name: 'listOnTimeout', url: 'node:internal/timers', line: 512, column: 25 },
    { name: '(garbage collector)', url: '', line: 0, column: 0 },
    { name: 'evaluated', url: 'evalmachine.<anonymous>', line: 3, column: 10 },
  ];
  for (const f of frames) {
    assert.deepEqual(mapper.map(f), { name: f.name, file: f.url, line: f.line, mapped: false });
  }
  assert.deepEqual(notes, []);
});

test('a position the map does not cover keeps its generated location, without a note', () => {
  const out = compileTsc(root, 'out-uncovered');
  const { notes, logger } = recorder();
  const mapper = createFrameMapper({ root, logger });
  // Line 1 of tsc's output is its "use strict", which maps to nothing.
  const frame = { name: '', url: path.join(out, 'shipping.js'), line: 1, column: 1 };
  assert.deepEqual(mapper.map(frame), { name: '', file: 'out-uncovered/shipping.js', line: 1, mapped: false });
  assert.deepEqual(notes, []);
});

test('an inline map far longer than the tail first read is found', () => {
  const big = copyApp('spanprof-sourcemap-big-');
  try {
    // Padding in a source ends up in the map's sourcesContent.
    fs.appendFileSync(path.join(big, 'src', 'shipping.ts'), `/*\n${'shipping notes '.repeat(40_000)}\n*/\n`);
    const entry = bundle(big, 'dist/server.js', { sourcemap: 'inline' });
    const lastLine = fs.readFileSync(entry, 'utf8').trimEnd().split('\n').pop();
    assert.ok(lastLine.length > 500_000, `inline map of ${lastLine.length} chars`);
    const { notes, logger } = recorder();
    const mapper = createFrameMapper({ root: big, logger });
    assert.deepEqual(mapper.map(frameOf(entry, 'computeShippingCost', 'function computeShippingCost(')), SHIPPING);
    assert.deepEqual(notes, []);
  } finally {
    fs.rmSync(big, { recursive: true, force: true });
  }
});

test('a logger that throws does not break mapping', () => {
  const dir = fs.mkdtempSync(path.join(root, 'throwing-logger-'));
  const script = path.join(dir, 'x.js');
  fs.writeFileSync(script, 'function f(a) { return a; }\n//# sourceMappingURL=x.js.map\n');
  fs.writeFileSync(`${script}.map`, '{');
  const mapper = createFrameMapper({ root, logger: { debug: () => { throw new Error('logger down'); } } });
  const frame = { name: 'f', url: script, line: 1, column: 11 };
  assert.equal(mapper.map(frame).mapped, false);
  assert.equal(mapper.map(frame).mapped, false);
});

test('the default root is the working directory', (t) => {
  const out = compileTsc(root, 'out-cwd');
  const before = process.cwd();
  process.chdir(root);
  t.after(() => process.chdir(before));
  const mapper = createFrameMapper();
  assert.deepEqual(mapper.map(frameOf(path.join(out, 'shipping.js'), 'computeShippingCost', 'function computeShippingCost(')), SHIPPING);
  assert.equal(createFrameMapper({ enabled: false }).map({ name: 'f', url: path.join(out, 'server.js'), line: 3, column: 4 }).file,
    'out-cwd/server.js');
});

/** spanprof's helper thread, mapping with `mapper`'s setup; `reasons` get its failures. */
function helperFor(mapper, reasons = []) {
  return new BackgroundEncoder({ wall: false, frames: mapper }, (reason) => reasons.push(reason));
}

test('on the helper thread: maps are read there once and kept', async (t) => {
  const out = compileTsc(root, 'out-helper');
  const script = path.join(out, 'shipping.js');
  const { notes, logger } = recorder();
  const reasons = [];
  const helper = helperFor(createFrameMapper({ root, logger }), reasons);
  t.after(() => helper.close());
  const shipping = frameOf(script, 'computeShippingCost', 'function computeShippingCost(');
  const zone = frameOf(script, 'zoneFactor', 'function zoneFactor(');
  assert.deepEqual(await helper.mapFrames([shipping, zone, shipping]), [SHIPPING, ZONE, SHIPPING]);
  // Had the helper to read the map again, it would now find none.
  fs.rmSync(`${script}.map`);
  const other = { ...zone, line: zone.line + 1 };
  const [again, near] = await helper.mapFrames([shipping, other]);
  assert.deepEqual(again, SHIPPING);
  assert.equal(near.file, 'src/shipping.ts', 'a new frame of the script is traced through the kept map');
  assert.equal(helper.usesWorker, true);
  assert.deepEqual(reasons, []);
  assert.deepEqual(notes, []);
});

test('a missing map is noted once, across windows and threads', async (t) => {
  const out = compileTsc(root, 'out-helper-missing');
  const script = path.join(out, 'shipping.js');
  fs.rmSync(`${script}.map`);
  const { notes, logger } = recorder();
  const mapper = createFrameMapper({ root, logger });
  const helper = helperFor(mapper);
  t.after(() => helper.close());
  const shipping = frameOf(script, 'computeShippingCost', 'function computeShippingCost(');
  const zone = frameOf(script, 'zoneFactor', 'function zoneFactor(');
  const generated = { name: shipping.name, file: 'out-helper-missing/shipping.js', line: shipping.line, mapped: false };
  assert.deepEqual(await helper.mapFrames([shipping]), [generated]);
  await helper.mapFrames([shipping, zone]);
  // The same script on the calling thread, as after the helper failed.
  assert.equal(mapper.map({ ...zone, line: zone.line + 1 }).mapped, false);
  assert.equal(notes.length, 1, notes.join('\n'));
  assert.match(notes[0], /out-helper-missing\/shipping\.js/);
});

test('after close, frames are mapped on the calling thread', async () => {
  const out = compileTsc(root, 'out-closed');
  const reasons = [];
  const helper = helperFor(createFrameMapper({ root }), reasons);
  await helper.close();
  const frame = frameOf(path.join(out, 'shipping.js'), 'computeShippingCost', 'function computeShippingCost(');
  assert.deepEqual(await helper.mapFrames([frame]), [SHIPPING]);
  assert.equal(helper.usesWorker, false);
  assert.deepEqual(reasons, [], 'closing is not a failure');
});

test('source maps off: the helper reads no map and only shortens paths', async (t) => {
  const out = compileTsc(root, 'out-helper-off');
  fs.writeFileSync(path.join(out, 'shipping.js.map'), '{');
  const { notes, logger } = recorder();
  const helper = helperFor(createFrameMapper({ enabled: false, root, logger }));
  t.after(() => helper.close());
  const frame = frameOf(path.join(out, 'shipping.js'), 'computeShippingCost', 'function computeShippingCost(');
  assert.deepEqual(await helper.mapFrames([frame]),
    [{ name: frame.name, file: 'out-helper-off/shipping.js', line: frame.line, mapped: false }]);
  // A corrupt map that was read would have been noted.
  assert.deepEqual(notes, []);
});

test('a helper nobody closes does not keep the process alive', () => {
  const { spawnSync } = require('node:child_process');
  const out = compileTsc(root, 'out-exit');
  const frame = frameOf(path.join(out, 'shipping.js'), 'computeShippingCost', 'function computeShippingCost(');
  const script = `
    const { createFrameMapper } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'sourcemap'))});
    const { BackgroundEncoder } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'helper-thread'))});
    const helper = new BackgroundEncoder({ wall: false, frames: createFrameMapper({ root: ${JSON.stringify(root)} }) });
    helper.mapFrames([${JSON.stringify(frame)}]).then((m) => console.log(JSON.stringify({ m, worker: helper.usesWorker })));
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.signal, null, 'the process did not exit by itself');
  assert.equal(r.status, 0, r.stderr);
  // The answer came before the exit: the worker kept the process up while it was owed one.
  assert.deepEqual(JSON.parse(r.stdout), { m: [SHIPPING], worker: true });
});

test('a script with CRLF line endings', () => {
  const out = compileTsc(root, 'out-crlf');
  const script = path.join(out, 'shipping.js');
  fs.writeFileSync(script, fs.readFileSync(script, 'utf8').replace(/\n/g, '\r\n'));
  const mapper = createFrameMapper({ root });
  const frame = frameOf(script, 'computeShippingCost', 'function computeShippingCost(');
  // Without the comment the map would still be found next to the script: name it elsewhere.
  fs.renameSync(`${script}.map`, path.join(out, 'elsewhere.map'));
  fs.writeFileSync(script, fs.readFileSync(script, 'utf8').replace('sourceMappingURL=shipping.js.map', 'sourceMappingURL=elsewhere.map'));
  assert.deepEqual(mapper.map(frame), SHIPPING);
});

test('without its worker file, frames are mapped on the calling thread', (t) => {
  const { spawnSync } = require('node:child_process');
  const out = compileTsc(root, 'out-no-worker');
  const frame = frameOf(path.join(out, 'shipping.js'), 'computeShippingCost', 'function computeShippingCost(');
  // A copy of the package with the worker's file missing (with no package.json
  // beside it, the copy would count as bundled and take the installed package's).
  const copy = path.join(fs.mkdtempSync(path.join(root, 'no-worker-')), 'dist');
  fs.cpSync(path.join(__dirname, '..', 'dist'), copy, { recursive: true });
  fs.copyFileSync(path.join(__dirname, '..', 'package.json'), path.join(copy, '..', 'package.json'));
  fs.rmSync(path.join(copy, 'helper-thread', 'encode-worker.js'));
  const script = `
    const { createFrameMapper } = require(${JSON.stringify(path.join(copy, 'sourcemap'))});
    const { BackgroundEncoder } = require(${JSON.stringify(path.join(copy, 'helper-thread'))});
    const notes = [];
    const reasons = [];
    const mapper = createFrameMapper({ root: ${JSON.stringify(root)}, logger: { debug: (m) => notes.push(m) } });
    const helper = new BackgroundEncoder({ wall: false, frames: mapper }, (r) => reasons.push(r));
    helper.mapFrames([${JSON.stringify(frame)}]).then((answer) =>
      console.log(JSON.stringify({ answer, notes, reasons, worker: helper.usesWorker })));
  `;
  const r = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8', timeout: 20_000, env: { ...process.env, NODE_PATH: path.join(__dirname, '..', 'node_modules') },
  });
  assert.equal(r.status, 0, r.stderr);
  const { answer, notes, reasons, worker } = JSON.parse(r.stdout);
  t.diagnostic(reasons.join('\n'));
  assert.deepEqual(answer, [SHIPPING]);
  assert.deepEqual(notes, []);
  assert.equal(worker, false);
  assert.equal(reasons.length, 1);
  assert.match(reasons[0], /encode-worker/);
});

test("spanprof's own scripts and the packages it encodes with keep generated locations; the app's and other packages' are mapped", () => {
  const pprofFormat = require.resolve('pprof-format');
  const traceMapping = require.resolve('@jridgewell/trace-mapping');
  const otelCore = require.resolve('@opentelemetry/core');
  for (const file of [pprofFormat, traceMapping, otelCore]) assert.ok(fs.existsSync(`${file}.map`), `${file} ships a map`);
  const readMaps = [];
  const { readFileSync } = fs;
  fs.readFileSync = (file, ...rest) => {
    if (String(file).endsWith('.map')) readMaps.push(String(file));
    return readFileSync(file, ...rest);
  };
  try {
    const mapper = createFrameMapper({ root });
    const encoderFrames = [
      { name: 'encode', url: pprofFormat, line: 10, column: 5 },
      { name: 'decode', url: pathToFileURL(traceMapping).href, line: 20, column: 3 },
      { name: 'encodeWindow', url: path.join(__dirname, '..', 'dist', 'pprof', 'encode-window.js'), line: 3, column: 1 },
    ];
    for (const frame of encoderFrames) assert.equal(mapper.map(frame).mapped, false, frame.url);
    assert.deepEqual(readMaps, [], 'no map of the encoder was read');
    // Another package with a map, and the app's own build, are mapped as ever.
    const otel = mapper.map({ name: 'f', url: otelCore, line: 18, column: 1 });
    assert.match(otel.file, /\.ts$/);
    const out = compileTsc(root, 'out-encoder-scripts');
    assert.deepEqual(mapper.map(frameOf(path.join(out, 'shipping.js'), 'computeShippingCost', 'function computeShippingCost(')), SHIPPING);
  } finally {
    fs.readFileSync = readFileSync;
  }
});
