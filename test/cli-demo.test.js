'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { DEMO_ENDPOINTS } = require('../dist/internal');
const { readCpuSamples } = require('./support/profiles-dir');

const cli = path.join(__dirname, '..', 'dist', 'cli', 'main.js');

test('spanprof demo on its defaults: profiles, report.html, and each hot function under its span', (t) => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-demo-'));
  const r = spawnSync(process.execPath, [cli, 'demo'], { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = path.join(cwd, 'spanprof-demo');
  const files = fs.readdirSync(out);
  assert.ok(files.some((f) => f.endsWith('.cpu.pb.gz')), files.join(' '));
  assert.ok(files.includes('report.html'));
  assert.ok(files.includes('index.json'));
  t.diagnostic(r.stdout.split('\n').slice(0, 4).join(' | '));
  // The table prints a block per span name: the name line, then its hottest functions.
  const blocks = r.stdout.split(/\n(?=\S)/);
  for (const { path: route } of DEMO_ENDPOINTS) {
    const block = blocks.find((b) => b.startsWith(`GET ${route} `));
    assert.ok(block, `no block for GET ${route} in:\n${r.stdout}`);
    for (const other of DEMO_ENDPOINTS.filter((e) => e.path !== route)) {
      assert.doesNotMatch(block, new RegExp(`\\b${other.hot}\\b`), `GET ${route} lists ${other.hot}`);
    }
  }
  // Whether a hot function tops its block (self CPU) is V8's affair: on Node
  // 20, /image's fs calls can take as much as resizeImage. What the profiler
  // guarantees is checked in the profiles: every sample with the hot function
  // anywhere on its stack carries its endpoint's span name, and there are some.
  const samples = readCpuSamples(out);
  const count = (rows) => rows.reduce((n, s) => n + s.values[0], 0);
  for (const { path: route, hot } of DEMO_ENDPOINTS) {
    const inHot = samples.filter((s) => s.stack.includes(hot));
    const elsewhere = inHot.filter((s) => s.labels.span_name !== `GET ${route}`);
    t.diagnostic(`${hot}: ${count(inHot)} samples, ${count(elsewhere)} not under GET ${route}`);
    // 10 s of load gives tens of samples each, on a loaded machine too.
    assert.ok(count(inHot) >= 5, `${hot}: only ${count(inHot)} samples`);
    assert.deepEqual(
      elsewhere.map((s) => s.labels.span_name ?? 'no span'),
      [],
      `samples in ${hot} outside GET ${route}`,
    );
  }
  assert.match(r.stdout, /0 failed/);
  assert.match(r.stdout, /0 dropped/);
});
