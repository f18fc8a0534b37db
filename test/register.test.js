'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { readCpuSamples } = require('./support/profiles-dir');

const root = path.join(__dirname, '..');
const app = path.join(__dirname, 'fixtures', 'otel-app.js');
const register = path.join(root, 'dist', 'register.js');

function runApp(preloadFlag, setup, env = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-register-'));
  const out = path.join(dir, 'profiles');
  const spansOut = path.join(dir, 'spans.json');
  const r = spawnSync(process.execPath, [preloadFlag, register, app, setup], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      SPANPROF_OUTPUT_DIR: out,
      OTEL_SERVICE_NAME: 'register-test',
      SPANS_OUT: spansOut,
      ...env,
    },
  });
  return { r, out, spans: fs.existsSync(spansOut) ? JSON.parse(fs.readFileSync(spansOut, 'utf8')) : [] };
}

for (const [flag, setup] of [
  ['--require', 'provider-register'],
  ['--import', 'provider-register'],
  ['--require', 'node-sdk'],
  ['--import', 'set-global'],
]) {
  test(`${flag} spanprof/register with ${setup}: span-labelled profiles match the exported spans`, (t) => {
    const { r, out, spans } = runApp(flag, setup);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'a preload prints nothing on a good run');
    const roots = spans.filter((s) => s.root);
    assert.equal(roots.length, 6);
    // Tempo's link: the attribute is on every local root, and only there.
    for (const s of spans) assert.equal(s.profileId, s.root ? s.spanId : undefined, s.name);
    const samples = readCpuSamples(out);
    // Rows are aggregated: values[0] is the sample count of the row.
    const count = (rows) => rows.reduce((n, s) => n + s.values[0], 0);
    const inApp = samples.filter((s) => s.stack.includes('handleOrder'));
    const rootIds = new Set(roots.map((s) => s.spanId));
    const labelled = inApp.filter((s) => rootIds.has(s.labels.span_id));
    t.diagnostic(`${count(inApp)} samples in handleOrder, ${count(labelled)} with a root span id`);
    // handleOrder burns 960 ms of CPU time in all: about 96 samples, loaded or not.
    assert.ok(count(inApp) >= 50, `${count(inApp)} samples`);
    assert.ok(count(labelled) / count(inApp) >= 0.95, `${count(labelled)}/${count(inApp)} labelled`);
    const byId = new Map(roots.map((s) => [s.spanId, s]));
    for (const s of labelled) {
      assert.equal(s.labels.trace_id, byId.get(s.labels.span_id).traceId);
      assert.equal(s.labels.span_name, byId.get(s.labels.span_id).name);
    }
    const index = JSON.parse(fs.readFileSync(path.join(out, 'index.json'), 'utf8'));
    assert.ok(JSON.stringify(index).includes('register-test'));
  });
}

for (const env of [{ OTEL_SDK_DISABLED: 'true' }, { SPANPROF_ENABLED: 'false' }]) {
  test(`${Object.keys(env)[0]} turns profiling off completely`, () => {
    const { r, out, spans } = runApp('--require', 'provider-register', env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(spans.length, 12);
    assert.equal(fs.existsSync(out), false, 'no output directory is created');
    assert.equal(spans.some((s) => s.profileId !== undefined), false);
  });
}

test('a bad variable is one clear warning and the app runs unprofiled', () => {
  const { r, out } = runApp('--require', 'provider-register', { SPANPROF_WINDOW_SECONDS: 'soon' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /SPANPROF_WINDOW_SECONDS/);
  assert.equal(r.stderr.match(/spanprof/g).length, 1, r.stderr);
  assert.equal(fs.existsSync(out), false);
});

test('with no server and no folder chosen, the preload says once where profiles go and how to upload', (t) => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-default-dir-'));
  t.after(() => fs.rmSync(cwd, { recursive: true, force: true }));
  const env = { ...process.env, OTEL_SERVICE_NAME: 'register-test', SPANS_OUT: path.join(cwd, 'spans.json') };
  delete env.SPANPROF_OUTPUT_DIR;
  delete env.PYROSCOPE_SERVER_ADDRESS;
  const r = spawnSync(process.execPath, ['--require', register, app, 'provider-register'], { cwd, encoding: 'utf8', timeout: 60_000, env });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('spanprof'));
  assert.equal(lines.length, 1, r.stderr);
  const dir = path.join(fs.realpathSync(cwd), 'spanprof-profiles');
  assert.ok(lines[0].includes(`profiles go to ${dir} (at most 256MiB and 10000 windows, oldest removed first`), lines[0]);
  assert.match(lines[0], /To upload to Pyroscope instead, set PYROSCOPE_SERVER_ADDRESS\.$/);
  assert.ok(fs.readdirSync(dir).some((f) => f.endsWith('.cpu.pb.gz')), 'and they are there');
});
