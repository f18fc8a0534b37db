#!/usr/bin/env node
'use strict';
// Loads the addon the way the package does (node-gyp-build from the package
// root: build/Release first, then prebuilds/; PREBUILDS_ONLY=1 skips build/),
// samples a loop that burns a second of the thread's CPU time (longer in wall
// time on a busy machine) and prints one JSON line:
//
//   node scripts/native-smoke.js [--root <installed spanprof>] [cpu seconds]
//
//   {"node":"24.21.0","abi":"137","file":"prebuilds/linux-x64/node.abi137.glibc.node",
//    "samples":98,"seconds":1.0,"rateHz":98,"cpuSeconds":0.99,"perCpuSecond":99,...}
//
// Run it under another version with scripts/with-node.js. Exits non-zero if
// the addon does not load or yields no samples.
const path = require('node:path');

const argv = process.argv.slice(2);
const rootAt = argv.indexOf('--root');
// Default: this clone. With --root, an installed copy and its own
// node-gyp-build, as an application would load it.
const root = rootAt >= 0 ? path.resolve(argv.splice(rootAt, 2)[1]) : path.resolve(__dirname, '..');
const seconds = Number(argv[0] ?? 1);

const nodeGypBuild = require(require.resolve('node-gyp-build', { paths: [root] }));
const file = nodeGypBuild.resolve(root);
const binding = require(file);

const sampler = new binding.Sampler(10_000);
sampler.start();
const cpu0 = binding.threadCpuNs();
const t0 = process.hrtime.bigint();
// CPU time, not wall time: a thread that is not running is not sampled, so
// on a busy machine a wall-time loop would get a fraction of its samples.
const end = cpu0 + seconds * 1e9;
let x = 0;
while (binding.threadCpuNs() < end) {
  for (let i = 0; i < 1000; i++) x += Math.sqrt(i + x);
}
const w = sampler.collect();
const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
const cpuSeconds = (binding.threadCpuNs() - cpu0) / 1e9;
sampler.stop();

const samples = w.samples.node.length;
console.log(JSON.stringify({
  node: process.versions.node,
  abi: process.versions.modules,
  file: path.relative(root, file),
  samples,
  seconds: Number(elapsed.toFixed(3)),
  rateHz: Number((samples / elapsed).toFixed(1)),
  cpuSeconds: Number(cpuSeconds.toFixed(3)),
  perCpuSecond: Number((samples / cpuSeconds).toFixed(1)),
  v8Samples: w.stats.v8Samples,
  // Taken at deoptimizations, with no signal: not periodic samples.
  untimedSamples: w.stats.untimedSamples ?? 0,
  unmatchedSamples: w.stats.unmatchedSamples,
  unmatchedTicks: w.stats.unmatchedTicks,
}));
process.exitCode = samples > 0 ? 0 : 1;
