'use strict';
// Apps bundled with esbuild (--bundle --platform=node), spanprof and
// OpenTelemetry compiled into the bundle, deployed the usual way: the
// bundle in dist/ of an app folder whose node_modules holds spanprof. The
// bundled copy must find the installed package's binary and helper thread
// and write span-labelled profiles; the preload must label a bundled app's
// spans; and a bundle with no spanprof beside it must say to mark spanprof
// as external, and run on.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const esbuild = require('esbuild');
const { LARGE_MAP_BYTES } = require('../dist/internal');
const { readCpuSamples } = require('./support/profiles-dir');

const root = path.resolve(__dirname, '..');
const otelApp = path.join(__dirname, 'fixtures', 'otel-app.js');
const NOT_INSTALLED =
  'spanprof was bundled; mark it as external (esbuild --external:spanprof, webpack externals, ' +
  'Rollup external) or install spanprof beside the bundle';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-bundle-'));
// The deployed app: dist/ holds the bundles, node_modules/spanprof the package.
const app = path.join(tmp, 'app');
// The same bundles copied where no spanprof can be resolved.
const lone = path.join(tmp, 'lone');

/** The plain OTel app, preceded by a start() of the bundled spanprof. */
const START_ENTRY = `
const spanprof = require('spanprof');
const profiler = spanprof.start({ outputDir: process.env.PROFILES_OUT, serviceName: 'bundle-test' });
console.log('started, enabled=' + profiler.enabled);
process.once('beforeExit', () => void profiler.stop());
require(${JSON.stringify(otelApp)});
`;

function bundle(entryFile, outfile, options = {}) {
  const result = esbuild.buildSync({
    ...options,
    entryPoints: [entryFile],
    bundle: true,
    platform: 'node',
    outfile,
    // The OTel packages come from this clone; they are compiled in too.
    nodePaths: [path.join(root, 'node_modules')],
    logLevel: 'silent',
  });
  assert.deepEqual(result.errors, []);
}

before(() => {
  fs.mkdirSync(path.join(app, 'src'), { recursive: true });
  fs.mkdirSync(path.join(app, 'node_modules'));
  fs.symlinkSync(root, path.join(app, 'node_modules', 'spanprof'), 'dir');
  fs.writeFileSync(path.join(app, 'src', 'start.js'), START_ENTRY);
  bundle(path.join(app, 'src', 'start.js'), path.join(app, 'dist', 'start.js'));
  bundle(otelApp, path.join(app, 'dist', 'plain.js'));
  fs.mkdirSync(path.join(lone, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(app, 'dist', 'start.js'), path.join(lone, 'dist', 'start.js'));
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs a bundle with `cwd` as the app folder; returns the run, its profiles folder and its spans. */
function runBundle(cwd, args, env = {}) {
  const out = fs.mkdtempSync(path.join(tmp, 'profiles-'));
  const spansOut = path.join(out, 'spans.json');
  const childEnv = {
    ...process.env,
    PROFILES_OUT: path.join(out, 'profiles'),
    SPANS_OUT: spansOut,
    ...env,
  };
  // Nothing but the app folder may lead to a spanprof.
  delete childEnv.NODE_PATH;
  delete childEnv.NODE_OPTIONS;
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000, env: childEnv });
  if (r.error) throw r.error;
  const spans = fs.existsSync(spansOut) ? JSON.parse(fs.readFileSync(spansOut, 'utf8')) : [];
  return { r, profiles: path.join(out, 'profiles'), spans };
}

/** The handleOrder samples, and those labelled with the root span that ran them. */
function assertLabelled(t, profiles, spans) {
  const roots = spans.filter((s) => s.root);
  assert.equal(roots.length, 6);
  const count = (rows) => rows.reduce((n, s) => n + s.values[0], 0);
  const inApp = readCpuSamples(profiles).filter((s) => s.stack.includes('handleOrder'));
  const byId = new Map(roots.map((s) => [s.spanId, s]));
  const labelled = inApp.filter((s) => byId.has(s.labels.span_id));
  t.diagnostic(`${count(inApp)} samples in handleOrder, ${count(labelled)} with a root span id`);
  // handleOrder burns 960 ms of CPU time in all: about 96 samples, loaded or not.
  assert.ok(count(inApp) >= 50, `${count(inApp)} samples`);
  assert.ok(count(labelled) / count(inApp) >= 0.95, `${count(labelled)}/${count(inApp)} labelled`);
  for (const s of labelled) assert.equal(s.labels.trace_id, byId.get(s.labels.span_id).traceId);
}

test('a bundle holding spanprof finds the installed package and writes span-labelled profiles', (t) => {
  // Debug lines would say so if windows were encoded without the helper thread.
  const { r, profiles, spans } = runBundle(app, [path.join('dist', 'start.js'), 'provider-register'], {
    SPANPROF_LOG_LEVEL: 'debug',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /started, enabled=true/);
  assert.doesNotMatch(r.stderr, /profiling is off/);
  assert.doesNotMatch(r.stderr, /encoded on the main thread/);
  assertLabelled(t, profiles, spans);
});

test('a bundled OpenTelemetry app under --import spanprof/register writes span-labelled profiles', (t) => {
  const { r, profiles, spans } = runBundle(
    app,
    ['--import', 'spanprof/register', path.join('dist', 'plain.js'), 'provider-register'],
    { SPANPROF_OUTPUT_DIR: path.join(tmp, 'register-profiles'), OTEL_SERVICE_NAME: 'bundle-test' },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'a preload prints nothing on a good run');
  assertLabelled(t, path.join(tmp, 'register-profiles'), spans);
  assert.equal(fs.existsSync(profiles), false);
});

test('a bundle with no spanprof installed beside it says to mark spanprof external and runs on', () => {
  const { r, profiles, spans } = runBundle(lone, [path.join('dist', 'start.js'), 'provider-register']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /started, enabled=false/);
  assert.ok(r.stderr.includes(`spanprof: profiling is off: ${NOT_INSTALLED}\n`), r.stderr);
  assert.doesNotMatch(r.stderr, /run in/);
  assert.equal(r.stderr.match(/spanprof: /g).length, 1, r.stderr);
  // The app did all its work, traced, unprofiled.
  assert.equal(spans.length, 12);
  assert.equal(fs.existsSync(profiles), false);
});

test('with no helper thread script in the installed package, windows are encoded on the profiled thread', (t) => {
  // An installed package whose dist/ lacks the helper thread's script, and
  // a bundle whose source map is large enough to want the helper thread.
  const partial = path.join(tmp, 'partial');
  const pkg = path.join(partial, 'node_modules', 'spanprof');
  fs.mkdirSync(pkg, { recursive: true });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
  fs.cpSync(path.join(root, 'dist'), path.join(pkg, 'dist'), { recursive: true });
  fs.rmSync(path.join(pkg, 'dist', 'helper-thread', 'encode-worker.js'));
  for (const dir of ['build', 'prebuilds', 'node_modules']) {
    if (fs.existsSync(path.join(root, dir))) fs.symlinkSync(path.join(root, dir), path.join(pkg, dir), 'dir');
  }
  bundle(path.join(app, 'src', 'start.js'), path.join(partial, 'dist', 'start.js'), { sourcemap: 'linked' });
  assert.ok(fs.statSync(path.join(partial, 'dist', 'start.js.map')).size > LARGE_MAP_BYTES);
  const { r, profiles, spans } = runBundle(partial, [path.join('dist', 'start.js'), 'provider-register'], {
    SPANPROF_LOG_LEVEL: 'debug',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /started, enabled=true/);
  assert.match(r.stderr, /encoded on the main thread: .*encode-worker\.js is missing/);
  assertLabelled(t, profiles, spans);
});

test('a bundle beside another version of spanprof does not mix the two', () => {
  const other = path.join(tmp, 'other');
  fs.mkdirSync(path.join(other, 'node_modules', 'spanprof'), { recursive: true });
  fs.mkdirSync(path.join(other, 'dist'));
  fs.writeFileSync(
    path.join(other, 'node_modules', 'spanprof', 'package.json'),
    JSON.stringify({ name: 'spanprof', version: '0.0.0-other' }),
  );
  fs.copyFileSync(path.join(app, 'dist', 'start.js'), path.join(other, 'dist', 'start.js'));
  const { r, spans } = runBundle(other, [path.join('dist', 'start.js'), 'provider-register']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /started, enabled=false/);
  assert.match(r.stderr, /spanprof was bundled at version \S+, but the spanprof installed beside the bundle \(.*\) is version 0\.0\.0-other; mark it as external/);
  assert.equal(spans.length, 12);
});

test('the version compiled into bundles is the package version', () => {
  const { VERSION } = require('../dist/internal');
  assert.equal(VERSION, JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
});
