'use strict';
// spanprof never uses Intl while it profiles: one toLocaleString makes V8
// read ICU's data, and the pages of the node binary it touches stay in the
// process's RSS (5.6 MiB for one number formatted, on Node 20).
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const register = path.join(__dirname, '..', 'dist', 'register.js');
const trap = path.join(__dirname, 'fixtures', 'intl-trap.js');
const service = path.join(__dirname, 'fixtures', 'busy-service.js');

test('start, windows written to the directory, and shutdown use no Intl', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-intl-'));
  try {
    const env = { ...process.env, SPANPROF_OUTPUT_DIR: out, SPANPROF_WINDOW_SECONDS: '1', SPANPROF_LOG_LEVEL: 'info' };
    const child = spawn(process.execPath, ['--require', trap, '--require', register, service, 'handler'], { env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Ready after some work in spans; then long enough for two windows and their index.
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGTERM'), 2500));
    const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 3, stderr);
    const windows = fs.readdirSync(out).filter((n) => n.endsWith('.cpu.pb.gz'));
    assert.ok(windows.length >= 2, `${windows.length} windows written; ${stderr}`);
    const line = stderr.split('\n').find((l) => l.startsWith('intl-trap: '));
    assert.ok(line, stderr);
    const { uses, first } = JSON.parse(line.slice('intl-trap: '.length));
    assert.equal(uses, 0, first.join('\n\n'));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('the trap sees a use', () => {
  const { spawnSync } = require('node:child_process');
  const r = spawnSync(process.execPath, ['--require', trap, '-e', '(1234).toLocaleString("en-US")'], { encoding: 'utf8' });
  assert.match(r.stderr, /intl-trap: \{"uses":1,/);
});
