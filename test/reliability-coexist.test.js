'use strict';
// spanprof beside other users of SIGPROF and of V8's CPU profiler. Each case
// runs in its own process (test/fixtures/reliability-coexist.js). In every
// case both profilers keep working: none crashes or hangs, spanprof matches
// most of V8's samples in every phase, and the other profiler records
// samples too. The Datadog cases need scripts/install-coexist.sh.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { datadogPprof } = require('./coexistence/peers');

const FIXTURE = path.join(__dirname, 'fixtures', 'reliability-coexist.js');
/** Far above the ~8 s a case takes: a child still running then has hung. */
const HANG_MS = 90_000;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-coexist-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function runCase(name, nodeArgs = []) {
  const r = spawnSync(process.execPath, [...nodeArgs, FIXTURE, name], {
    encoding: 'utf8',
    timeout: HANG_MS,
    env: { ...process.env, SPANPROF_OUTPUT_DIR: path.join(tmp, name) },
  });
  assert.equal(r.error?.code, undefined, `${name}: ${r.error?.message} (a hang?)`);
  assert.equal(r.signal, null, `${name} died by ${r.signal}\n${r.stderr}`);
  assert.equal(r.status, 0, `${name} exited ${r.status}\n${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  return out;
}

/**
 * spanprof kept working in a phase: it matched samples, and most of V8's.
 * Losses are counted as unmatched samples, never hidden.
 */
function assertSampled(name, phase, p) {
  assert.ok(p.matched > 0, `${name}/${phase}: spanprof matched no sample ${JSON.stringify(p)}`);
  const share = p.matched / (p.matched + p.unmatched);
  // V8's samples taken at a deoptimization come with no signal and are
  // counted apart (untimed), so they do not lower this share.
  assert.ok(share >= 0.5, `${name}/${phase}: spanprof matched only ${(share * 100).toFixed(0)}% ${JSON.stringify(p)}`);
}

for (const name of ['inspector-during', 'inspector-before']) {
  test(`node:inspector CPU profiler (${name}): both keep sampling`, () => {
    const out = runCase(name);
    for (const [phase, p] of Object.entries(out.phases)) assertSampled(name, phase, p);
    assert.ok(out.peerSamples > 0, 'the inspector profile has no sample');
    assert.equal(out.phases.afterPeerStopped.rechains, 0, 'the inspector never bypasses the chain');
  });
}

test('a fast second profiler fills no tick ring within a window', (t) => {
  // Every SIGPROF is a tick of ours, the other profiler's too: at 4 kHz a
  // 3 s window holds about 12 000 ticks, and none may be dropped.
  const out = runCase('inspector-fast');
  t.diagnostic(`${out.ticks} ticks, ${out.droppedTicks} dropped, inspector ${out.peerSamples} samples`);
  assertSampled('inspector-fast', 'both', out.phases.both);
  assert.equal(out.droppedTicks, 0, `${out.droppedTicks} of ${out.ticks} ticks dropped`);
  assert.ok(out.peerSamples > 0, 'the inspector profile has no sample');
});

test('--cpu-prof: both keep sampling, and the .cpuprofile is written at exit', () => {
  const dir = path.join(tmp, 'cpu-prof-files');
  const out = runCase('cpu-prof', ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  assertSampled('cpu-prof', 'both', out.phases.both);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  assert.equal(files.length, 1);
  const profile = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8'));
  assert.ok(profile.samples.length > 0, '--cpu-prof wrote a profile with no sample');
  assert.ok(
    profile.nodes.some((n) => n.callFrame.functionName === 'coexistHotLoop'),
    "--cpu-prof's profile lacks the hot function",
  );
});

const dd = datadogPprof();
const ddSkip = dd.missing ? `skipped: ${dd.missing}` : false;

for (const name of ['datadog-first', 'datadog-after', 'datadog-first-contexts']) {
  test(`@datadog/pprof time profiler (${name}): both keep sampling`, { skip: ddSkip }, () => {
    const out = runCase(name);
    for (const [phase, p] of Object.entries(out.phases)) assertSampled(name, phase, p);
    // Counts are distinct stacks per Datadog profile; on a loaded machine one
    // short period may hold none, so three of the four must have samples.
    assert.ok(
      out.peerSamples.length === 4 && out.peerSamples.filter((n) => n > 0).length >= 3,
      `Datadog profiles: ${out.peerSamples.join(' ')}`,
    );
    if (name.startsWith('datadog-first')) {
      // Its handler replaces ours at every period; spanprof chains again.
      assert.ok(out.phases.both.rechains >= 1, 'spanprof never chained itself back');
    } else {
      // Started after spanprof, it calls our handler: nothing to repair.
      assert.equal(out.phases.afterPeerStopped.rechains, 0);
    }
  });
}
