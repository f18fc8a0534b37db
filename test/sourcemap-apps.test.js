'use strict';
// A TypeScript app built the ways users ship it, profiled with the real
// sampler: the hot functions must come out under their .ts files, lines and
// names.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { originalPositionFor } = require('@jridgewell/trace-mapping');
const { copyApp, compileTsc, bundle, profile, lineOf } = require('./fixtures/sourcemap-harness/build-app');
const { loadScriptMap } = require('../dist/sourcemap/load-script-map');

const SHIPPING = {
  name: 'computeShippingCost',
  file: 'src/shipping.ts',
  line: lineOf('src/shipping.ts', 'export function computeShippingCost('),
};
const INSURANCE = {
  name: 'insurancePremium',
  file: 'src/insurance.ts',
  line: lineOf('src/insurance.ts', 'export const insurancePremium'),
};
const SERVE = { name: 'serve', file: 'src/server.ts', line: lineOf('src/server.ts', 'export function serve(') };

const root = copyApp('spanprof-sourcemap-apps-');
test.after(() => fs.rmSync(root, { recursive: true, force: true }));

/** Frames of the app's own scripts (not the harness, not Node's). */
function appFrames(report) {
  return report.frames.filter((f) => f.generated.url.includes(path.basename(root)) && f.generated.url !== '');
}

/** Samples that ran in (or under) frames mapped exactly to `expected`. */
function samplesOf(report, expected, kind = 'total') {
  return report.frames
    .filter((f) => f.mapped.mapped && f.mapped.name === expected.name && f.mapped.file === expected.file &&
      f.mapped.line === expected.line)
    .reduce((sum, f) => sum + f[kind], 0);
}

/**
 * The generated position has no source in its script's map (found as the
 * profiler finds it): code the compiler or bundler added, such as esbuild's
 * export getters. False when no map can be read.
 */
function generatedOnly({ url, line, column }) {
  const found = loadScriptMap(url);
  if (found.kind !== 'map') return false;
  return originalPositionFor(found.map, { line, column: Math.max(0, column - 1) }).source === null;
}

function assertMapped(t, report) {
  const hot = appFrames(report).filter((f) => f.self > 0).sort((a, b) => b.self - a.self);
  t.diagnostic(`${report.samples} samples; hottest app frames: ` +
    hot.slice(0, 4).map((f) => `${f.generated.name}@${f.generated.line}:${f.generated.column} → ` +
      `${f.mapped.name} ${f.mapped.file}:${f.mapped.line} (${f.self})`).join('; '));
  const shipping = samplesOf(report, SHIPPING);
  // The app splits its time between two hot functions, sized so that each
  // usually holds 30-70% of 100-300 samples on Node 20 to 26; how V8
  // optimizes in a given run moves the split (12% was seen once on Node 24
  // under load). A frame that stops mapping gets 0, so the bound is 5%.
  assert.ok(shipping >= report.samples * 0.05,
    `only ${shipping} of ${report.samples} samples under ${SHIPPING.name} ${SHIPPING.file}:${SHIPPING.line}`);
  assert.ok(samplesOf(report, SHIPPING, 'self') > 0);
  assert.ok(samplesOf(report, INSURANCE, 'self') >= 5,
    `${INSURANCE.name} ${INSURANCE.file}:${INSURANCE.line} has too few samples`);
  assert.ok(samplesOf(report, SERVE) >= report.samples * 0.5, `${SERVE.name} does not hold the app's samples`);
  // No app frame that ran is left at its generated location, but for code
  // the map itself gives no source, such as a bundler's runtime helpers.
  const unmapped = hot.filter((f) => (!f.mapped.mapped || !f.mapped.file.endsWith('.ts')) && !generatedOnly(f.generated));
  assert.deepEqual(unmapped.map((f) => f.generated), []);
  assert.deepEqual(report.notes, []);
}

test('tsc output: per-file maps found through relative sourceMappingURL comments', (t) => {
  const out = compileTsc(root);
  assertMapped(t, profile({ entry: path.join(out, 'server.js'), root }));
});

test('esbuild bundle with an external map', (t) => {
  const entry = bundle(root, 'dist-external/server.js', { sourcemap: true });
  assertMapped(t, profile({ entry, root }));
});

test('esbuild bundle with an inline data: map', (t) => {
  const entry = bundle(root, 'dist-inline/server.js', { sourcemap: 'inline' });
  assert.ok(!fs.existsSync(`${entry}.map`));
  assertMapped(t, profile({ entry, root }));
});

test('minified esbuild bundle: original names come from the map, not the short aliases', (t) => {
  const entry = bundle(root, 'dist-min/server.js', { sourcemap: true, minify: true });
  const report = profile({ entry, root });
  assertMapped(t, report);
  const aliases = appFrames(report).filter((f) => f.mapped.name === SHIPPING.name).map((f) => f.generated.name);
  assert.ok(aliases.length > 0 && aliases.every((n) => n !== SHIPPING.name), `generated names: ${aliases}`);
});

test('ESM bundle: file:// script URLs', (t) => {
  const entry = bundle(root, 'dist-esm/server.mjs', { sourcemap: true, format: 'esm' });
  const report = profile({ entry, root });
  assert.ok(appFrames(report).some((f) => f.generated.url.startsWith('file://')));
  assertMapped(t, report);
});

test('a sourceMappingURL that is an absolute path to a map not named after the script', (t) => {
  const entry = bundle(root, 'dist-abs/server.js', { sourcemap: 'external' });
  const mapFile = path.join(root, 'dist-abs', 'server-map.json');
  fs.renameSync(`${entry}.map`, mapFile);
  fs.appendFileSync(entry, `//# sourceMappingURL=${mapFile}\n`);
  assertMapped(t, profile({ entry, root }));
});

test('a map next to the script with no comment naming it', (t) => {
  const entry = bundle(root, 'dist-hidden/server.js', { sourcemap: 'external' });
  assert.doesNotMatch(fs.readFileSync(entry, 'utf8'), /sourceMappingURL/);
  assertMapped(t, profile({ entry, root }));
});

// From Node 26, --enable-source-maps reads a script's map only when first
// asked for it, so a map deleted after load is gone for Node too.
const NODE_KEEPS_MAPS = Number(process.versions.node.split('.')[0]) < 26;
const keptMapsSkip = NODE_KEEPS_MAPS ? false : 'Node 26 reads source maps lazily: a map deleted after load is gone';

test('--enable-source-maps: maps Node keeps are used, with the map files gone', { skip: keptMapsSkip }, (t) => {
  const out = compileTsc(root, 'out-node-kept');
  const maps = fs.readdirSync(out).filter((f) => f.endsWith('.map')).map((f) => path.join(out, f));
  assert.ok(maps.length >= 3);
  assertMapped(t, profile({
    entry: path.join(out, 'server.js'), root, nodeFlags: ['--enable-source-maps'], deleteAfterLoad: maps,
  }));
});

test('--enable-source-maps, mapped on the calling thread (no helper thread)', { skip: keptMapsSkip }, (t) => {
  const out = compileTsc(root, 'out-node-kept-local');
  const maps = fs.readdirSync(out).filter((f) => f.endsWith('.map')).map((f) => path.join(out, f));
  assertMapped(t, profile({
    entry: path.join(out, 'server.js'), root, nodeFlags: ['--enable-source-maps'], deleteAfterLoad: maps,
    helperThread: false,
  }));
});

test('tsc output mapped on the calling thread (no helper thread)', (t) => {
  const out = compileTsc(root, 'out-local');
  assertMapped(t, profile({ entry: path.join(out, 'server.js'), root, helperThread: false }));
});

test('--enable-source-maps with a minified bundle, map file gone', { skip: keptMapsSkip }, (t) => {
  const entry = bundle(root, 'dist-min-node-kept/server.js', { sourcemap: true, minify: true });
  assertMapped(t, profile({
    entry, root, nodeFlags: ['--enable-source-maps'], deleteAfterLoad: [`${entry}.map`],
  }));
});

test('control: without --enable-source-maps and with the map files gone, nothing maps', (t) => {
  const entry = bundle(root, 'dist-control/server.js', { sourcemap: true });
  const report = profile({ entry, root, deleteAfterLoad: [`${entry}.map`] });
  t.diagnostic(report.notes.join('\n'));
  assert.equal(samplesOf(report, SHIPPING), 0);
  assert.equal(report.notes.length, 1);
});
