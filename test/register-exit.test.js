'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { readCpuSamples } = require('./support/profiles-dir');
const { startIngestServer } = require('./support/ingest-server');

const register = path.join(__dirname, '..', 'dist', 'register.js');
const service = path.join(__dirname, 'fixtures', 'busy-service.js');

/**
 * Runs the service under the preload, one window for its whole life; sends
 * `signal` once it is ready. `env` adds to (or, with undefined, removes
 * from) the environment.
 */
function run(mode, signal, env = {}) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-exit-'));
  const childEnv = { ...process.env, SPANPROF_OUTPUT_DIR: out, SPANPROF_WINDOW_SECONDS: '60', ...env };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  const child = spawn(process.execPath, ['--require', register, service, mode], { env: childEnv });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.once('data', () => {
    if (signal) setTimeout(() => child.kill(signal), 500);
  });
  return new Promise((resolve) => {
    child.on('exit', (code, sig) => resolve({ code, signal: sig, stderr, out }));
  });
}

function tickSamples(out) {
  return readCpuSamples(out)
    .filter((s) => s.labels.span_name === 'tick')
    .reduce((n, s) => n + s.values[0], 0);
}

/** The window records in `dir` (the index must list the same ones). */
function records(dir) {
  const names = fs.readdirSync(dir).filter((n) => n.endsWith('.json') && n !== 'index.json' && !n.startsWith('.'));
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
  assert.deepEqual(index.windows.map((w) => w.startEpochNs).sort(), names.map((n) => JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')).startEpochNs).sort());
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.')), [], 'no temporary file left');
  return names;
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  test(`${signal} with no handler of the app's: profiles flushed, and the process still dies by ${signal}`, async () => {
    const r = await run('default', signal);
    assert.equal(r.code, null, r.stderr);
    assert.equal(r.signal, signal);
    assert.ok(tickSamples(r.out) > 10, 'the last window was flushed');
  });
}

test("SIGTERM with the app's own handler: the app decides the exit code, profiles flushed", async () => {
  const r = await run('handler', 'SIGTERM');
  assert.equal(r.signal, null, r.stderr);
  assert.equal(r.code, 3);
  assert.ok(tickSamples(r.out) > 10);
});

test("SIGTERM with an app handler that exits at once: the last window is written during exit", async () => {
  const r = await run('handler-now', 'SIGTERM');
  assert.equal(r.signal, null, r.stderr);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(records(r.out).length, 1, 'one window, written once');
  // 300 ms of CPU time in spans before ready, and more until the signal: tens of samples.
  assert.ok(tickSamples(r.out) > 10, `tick samples: ${tickSamples(r.out)}`);
});

test('process.exit(5) from busy code keeps its code and writes the open window', async () => {
  const r = await run('exit');
  assert.equal(r.code, 5, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(records(r.out).length, 1);
  assert.ok(tickSamples(r.out) > 10, `tick samples: ${tickSamples(r.out)}`);
});

test('a quick exit with a Pyroscope server too: the directory gets the window, the server count is reported', async () => {
  const ingest = await startIngestServer();
  try {
    const r = await run('handler-now', 'SIGTERM', { PYROSCOPE_SERVER_ADDRESS: ingest.url });
    assert.equal(r.code, 3, r.stderr);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0],
      /^spanprof: warn: 1 profile window\(s\) not delivered to http:\/\/127\.0\.0\.1:\d+: the process exited before they could be sent/,
    );
    assert.ok(tickSamples(r.out) > 10);
    assert.equal(ingest.uploads.length, 0);
  } finally {
    await ingest.close();
  }
});

test('a quick exit with only a Pyroscope server: the undelivered windows are counted, and the process exits', async () => {
  const ingest = await startIngestServer();
  try {
    const r = await run('handler-now', 'SIGTERM', { PYROSCOPE_SERVER_ADDRESS: ingest.url, SPANPROF_OUTPUT_DIR: undefined });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^spanprof: warn: 1 profile window\(s\) not delivered to http:\/\/127\.0\.0\.1:\d+: /m);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.deepEqual(fs.readdirSync(r.out), [], 'nothing written to a directory nobody asked for');
    assert.deepEqual(ingest.invalid, []);
  } finally {
    await ingest.close();
  }
});

test('an unwritable output directory at exit: one clear error, and the app keeps its exit code', async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-exit-'));
  const file = path.join(base, 'a-file');
  fs.writeFileSync(file, 'not a directory');
  const r = await run('handler-now', 'SIGTERM', { SPANPROF_OUTPUT_DIR: path.join(file, 'profiles') });
  assert.equal(r.signal, null, r.stderr);
  assert.equal(r.code, 3, r.stderr);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(
    lines[0],
    /^spanprof: error: could not write 1 profile window\(s\) to .*a-file\/profiles \(SPANPROF_OUTPUT_DIR\) as the process exited: ENOTDIR/,
  );
  fs.rmSync(base, { recursive: true, force: true });
});
