#!/usr/bin/env node
'use strict';
// The test runs CI adds, after `npm test` on the host's Node, for the other
// pinned Node versions:
//
//   node scripts/ci-versions.js            the whole suite on 22, 24 and 26, and
//                                          attribution on 22 with AsyncContextFrame
//   node scripts/ci-versions.js --smoke    prebuilds, attribution and install only
//   node scripts/ci-versions.js 24 26      only these majors' runs
//
// Each run goes through scripts/with-node.js (fetching that Node into
// .cache/node/ if needed) with PREBUILDS_ONLY=1: the addon is loaded from
// prebuilds/, the binaries the tarball ships, and build/Release stays the
// host's source build for whatever CI runs next. No run compiles anything.
//
// Sized on a 2-core machine shared with other work: the whole suite took
// 110–170 s per version (22, 24, 26), the smoke set 45–60 s; the full plan
// added 8 minutes to CI, the smoke plan 3. Both fit well within CI's 90
// minutes, so the full plan is the default.
//
// Prints one line per run, "<node> <what> <seconds> s <result>", and a
// summary; exits 1 if any run failed, after running them all.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { pinned } = require('./node-versions');

const root = path.resolve(__dirname, '..');
const SMOKE = ['test/prebuilds.test.js', 'test/otel-attribution.test.js', 'test/install-tarball.test.js'];

function plan(smoke) {
  const suite = smoke ? { what: 'smoke', tests: SMOKE } : { what: 'full suite', tests: [] };
  return [
    { major: 22, ...suite },
    // Node 22 carries AsyncLocalStorage on AsyncContextFrame only behind a
    // flag; context tracking must be right in that mode too (on the hook
    // mechanisms: frame reads start at Node 24).
    {
      major: 22,
      what: 'context tracking, --experimental-async-context-frame',
      tests: [
        'test/otel-attribution.test.js',
        'test/otel-context-tracker.test.js',
        'test/property-slot-tracking.test.js',
        'test/sampler-frames.test.js',
      ],
      nodeOptions: '--experimental-async-context-frame',
    },
    { major: 24, ...suite },
    { major: 26, ...suite },
  ];
}

function runOne(step) {
  const version = pinned(step.major).version;
  // with-node.js runs on the host's Node, which may not know the option:
  // `env` sets it for the pinned Node's process alone.
  const prefix = step.nodeOptions ? ['env', `NODE_OPTIONS=${step.nodeOptions}`] : [];
  const args = [
    path.join(root, 'scripts', 'with-node.js'), String(step.major), '--',
    ...prefix, 'node', path.join(root, 'scripts', 'run-tests.js'), ...step.tests,
  ];
  console.log(`\n=== Node ${version}: ${step.what}`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PREBUILDS_ONLY: '1' },
  });
  const seconds = (performance.now() - t0) / 1000;
  const ok = r.status === 0;
  const line = `Node ${version}  ${step.what}  ${seconds.toFixed(1)} s  ${ok ? 'pass' : `FAIL (${r.signal ?? r.status})`}`;
  console.log(`=== ${line}`);
  return { ok, line, seconds };
}

function main() {
  const argv = process.argv.slice(2);
  const smoke = argv.includes('--smoke');
  const majors = argv.filter((a) => !a.startsWith('--')).map(Number);
  const steps = plan(smoke).filter((s) => majors.length === 0 || majors.includes(s.major));
  if (steps.length === 0) {
    console.error(`no runs for Node ${majors.join(', ')}; majors in the plan: 22, 24, 26`);
    return 2;
  }
  // Binaries that match the sources: a no-op after `npm test`, which builds them.
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'prebuild.js')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) {
    console.error('building the prebuilds failed');
    return 1;
  }
  const results = steps.map(runOne);
  const total = results.reduce((sum, r) => sum + r.seconds, 0);
  console.log('\n=== Node versions');
  for (const r of results) console.log(`    ${r.line}`);
  console.log(`    total ${(total / 60).toFixed(1)} min`);
  return results.every((r) => r.ok) ? 0 : 1;
}

process.exitCode = main();
