'use strict';
// What a profiled process loads that it would not otherwise: pages of the
// node binary count in its RSS like any other memory.
// - No Intl: one toLocaleString makes V8 read ICU's data (5.6 MiB resident
//   for one number formatted, on Node 20).
// - No node:worker_threads until the helper thread starts (about 0.4 MiB).
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

test('start() and windows written load no node:worker_threads while no helper thread is needed', () => {
  const { spawnSync } = require('node:child_process');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-footprint-'));
  const script = `
    const { trace } = require('@opentelemetry/api');
    const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
    const spanprof = require(${JSON.stringify(path.join(__dirname, '..', 'dist'))});
    new NodeTracerProvider({ spanProcessors: [new spanprof.ProfilingSpanProcessor()] }).register();
    const handle = spanprof.start({ serviceName: 'footprint', outputDir: ${JSON.stringify(out)}, windowSeconds: 0.3, logLevel: 'error' });
    const tracer = trace.getTracer('t');
    const until = Date.now() + 1200;
    const tick = () => {
      tracer.startActiveSpan('work', (span) => { let x = 0; for (let i = 0; i < 2e5; i++) x += i; span.end(); });
      if (Date.now() < until) setTimeout(tick, 5);
      else handle.flush().then(() => {
        const loaded = process.moduleLoadList.includes('NativeModule worker_threads');
        return handle.stop().then(() => console.log(JSON.stringify({ enabled: handle.enabled, loaded })));
      });
    };
    tick();
  `;
  try {
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000, cwd: path.join(__dirname, '..') });
    assert.equal(r.status, 0, r.stderr);
    const { enabled, loaded } = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.equal(enabled, true, r.stderr);
    const windows = fs.readdirSync(out).filter((n) => n.endsWith('.cpu.pb.gz'));
    assert.ok(windows.length >= 2, `${windows.length} windows written`);
    assert.equal(loaded, false, 'node:worker_threads was loaded');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
