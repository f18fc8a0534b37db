'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { readCpuSamples } = require('./support/profiles-dir');

const register = path.join(__dirname, '..', 'dist', 'register.js');
const service = path.join(__dirname, 'fixtures', 'busy-service.js');

/** Runs the service under the preload; sends `signal` once it is ready. */
function run(mode, signal) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-exit-'));
  const child = spawn(process.execPath, ['--require', register, service, mode], {
    env: { ...process.env, SPANPROF_OUTPUT_DIR: out, SPANPROF_WINDOW_SECONDS: '60' },
  });
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

test('process.exit(5) keeps its code', async () => {
  const r = await run('exit');
  assert.equal(r.code, 5, r.stderr);
  assert.equal(r.stderr, '');
});
