'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const fixture = (name) => path.join(__dirname, 'fixtures', name);

function run(name, args = [], timeout = 120_000) {
  return spawnSync(process.execPath, [fixture(name), ...args], { encoding: 'utf8', timeout });
}

function rssCurve(mode) {
  const r = run('rotate-compile.js', ['2000', mode]);
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const done = lines.find((l) => l.done);
  assert.ok(done, 'fixture did not finish');
  return { rss: lines.filter((l) => l.rotation).map((l) => l.rssMiB), done };
}

/** RSS growth over the second half of a run. */
const secondHalfGrowth = (rss) => rss[rss.length - 1] - rss[Math.floor(rss.length / 2)];

test('2,000 window rotations while new code compiles: no crash, RSS plateaus', (t) => {
  const on = rssCurve('on');
  // The same work with no sampler: V8's heap grows with new code by itself.
  const off = rssCurve('off');
  t.diagnostic(`RSS MiB every 100 rotations, sampling: ${on.rss.map((v) => v.toFixed(1)).join(' ')}`);
  t.diagnostic(`RSS MiB every 100 rotations, no sampler: ${off.rss.map((v) => v.toFixed(1)).join(' ')}`);
  t.diagnostic(`rotation pause (collect) p50 ${on.done.pauseP50Ms.toFixed(3)} ms, max ${on.done.pauseMaxMs.toFixed(3)} ms`);
  // ASan's quarantine holds freed memory on purpose: RSS means nothing there.
  if (/asan/.test(process.env.LD_PRELOAD || '')) return;
  // Plateau: over the second half, sampling adds less than 6 MiB of growth
  // to what the same work grows without it.
  const added = secondHalfGrowth(on.rss) - secondHalfGrowth(off.rss);
  t.diagnostic(`second-half growth: ${secondHalfGrowth(on.rss).toFixed(1)} MiB sampling, ` +
    `${secondHalfGrowth(off.rss).toFixed(1)} MiB without`);
  assert.ok(added < 6, `sampling added ${added.toFixed(1)} MiB of RSS growth over the second half`);
});

test('40 sampling workers terminated mid-run: no crash, 3 runs of 3', () => {
  for (let run_ = 0; run_ < 3; run_++) {
    const r = run('workers-terminate.js', ['40']);
    assert.equal(r.signal, null, `run ${run_}: killed by ${r.signal}: ${r.stderr}`);
    assert.equal(r.status, 0, `run ${run_}: ${r.stderr}`);
    assert.match(r.stdout, /^ok$/m);
  }
});

test('process.exit() from busy code while sampling exits cleanly with its code', () => {
  for (const code of [0, 7, 42]) {
    const r = run('exit-while-busy.js', [String(code)]);
    assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`);
    assert.equal(r.status, code, r.stderr);
    assert.equal(r.stderr, '');
  }
});
