#!/usr/bin/env node
'use strict';
// What a sampling tick costs, thread by thread, for profilers built on V8's
// CpuProfiler at 100 Hz:
//
//   node bench/tick-cost.js [--runs 3] [--seconds 4] [--configs none,spanprof-sampler,datadog,inspector]
//
// Each configuration runs in a fresh child process, alternating A B A B,
// under two loads: `idle` (a 1 ms timer and nothing else) and `busy` (a
// five-level call tree computing, with a turn of the event loop every few
// milliseconds). Windows are 10 s, so no window closes while it measures: the
// figures are the ticks' alone. Reported per second of wall time, medians
// over runs: CPU of the main thread and of V8's profiler thread
// (`v8:ProfEvntProc`: it wakes every interval, sends SIGPROF and symbolizes
// the last sample), that thread's CPU per tick, and its context switches.
// The main thread's CPU is printed but not set against `none`: between runs
// here it moved more than a hundred ticks a second could add to it.
const { runJson } = require('./lib/child');
const { parseArgs } = require('./lib/child-setup');
const { median } = require('./lib/stats');
const { ensureAddon } = require('./lib/addon');
const { threadCpu, threadDeltas } = require('./lib/thread-cpu');

const LOADS = ['idle', 'busy'];
const INTERVAL_US = 10_000;

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4], Number(process.argv[5])).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  parent().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

async function parent() {
  const args = parseArgs();
  const runs = Number(args.runs ?? 3);
  const seconds = Number(args.seconds ?? 4);
  const configs = String(args.configs ?? 'none,spanprof-sampler,datadog,inspector').split(',');
  ensureAddon();
  const results = {};
  for (let run = 0; run < runs; run++) {
    for (const load of LOADS) {
      for (const config of configs) {
        const r = await runJson(__filename, ['--child', config, load, String(seconds)]);
        ((results[load] ??= {})[config] ??= []).push(r);
      }
    }
  }
  console.log(`Node ${process.version}, ${runs} runs of ${seconds} s per configuration and load; load average ${require('node:os').loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('');
  console.log('| load | configuration | main thread ms/s | V8 profiler thread ms/s | its µs per tick | its context switches/s |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const summary = { node: process.version, runs, seconds, loads: {} };
  for (const load of LOADS) {
    for (const config of configs) {
      const rs = results[load][config];
      const main = median(rs.map((r) => r.mainMsPerS));
      const prof = median(rs.map((r) => r.profilerMsPerS));
      const switches = median(rs.map((r) => r.profilerSwitchesPerS));
      const ticksPerS = 1e6 / INTERVAL_US;
      ((summary.loads[load] ??= {})[config] = { mainMsPerS: main, profilerMsPerS: prof, profilerSwitchesPerS: switches });
      console.log(
        `| ${load} | ${config} | ${main.toFixed(1)} | ` +
          `${config === 'none' ? '—' : prof.toFixed(2)} | ${config === 'none' ? '—' : ((prof * 1000) / ticksPerS).toFixed(1)} | ` +
          `${config === 'none' ? '—' : switches.toFixed(0)} |`,
      );
    }
  }
  console.log('');
  console.log(JSON.stringify(summary));
}

async function child(config, load, seconds) {
  const { startProfiled } = require('./lib/child-setup');
  const { finish } = startProfiled({ profiler: config, window: 10_000 });
  const level = (n, x) => (n === 0 ? spin(x) : level(n - 1, x + 1) + 1);
  const spin = (x) => {
    let s = 0;
    for (let i = 0; i < 20_000; i++) s += Math.sqrt(i + x);
    return s;
  };
  const turn = () => new Promise((resolve) => (load === 'idle' ? setTimeout(resolve, 1) : setImmediate(resolve)));
  let sink = 0;
  const runFor = async (ms) => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      if (load === 'busy') for (let i = 0; i < 20; i++) sink += level(5, i);
      await turn();
    }
  };
  await runFor(1500);
  const before = threadCpu();
  const t0 = performance.now();
  await runFor(seconds * 1000);
  const wallS = (performance.now() - t0) / 1000;
  const used = threadDeltas(before, threadCpu());
  const delta = (name, key) => used[name][key] / wallS;
  const profilerName = Object.keys(used).find((n) => n.startsWith('v8:ProfEvnt'));
  const result = {
    mainMsPerS: delta('main', 'ms'),
    profilerMsPerS: profilerName ? delta(profilerName, 'ms') : 0,
    profilerSwitchesPerS: profilerName ? delta(profilerName, 'switches') : 0,
    sink,
  };
  await finish();
  console.log(JSON.stringify(result));
  process.exit(0);
}
