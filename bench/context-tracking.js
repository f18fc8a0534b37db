#!/usr/bin/env node
'use strict';
// What keeping the span-label slot current costs a promise-heavy service.
//
//   node bench/context-tracking.js [--runs 6] [--requests 20] [--awaits 4000] [--floor]
//
// Each configuration runs in a fresh child process of this same `node`
// (with its flags, e.g. --experimental-async-context-frame), alternating
// A B A B so drift on a shared machine hits all of them alike. Every child
// sets up the same OTel SDK (AsyncLocalStorageContextManager registered,
// tracer wrapped by ProfilingTracerProvider) and runs concurrent requests,
// each a root span doing thousands of awaits; only the tracker differs:
//   off            no context tracking
//   async-hooks    tracker on async_hooks before/after
//   context-frame  tracker on V8 promise hooks + async_hooks without promise
//                  tracking (where AsyncLocalStorage runs on AsyncContextFrame)
//   frame-slot     no hooks: the slot rides in the async context frame and
//                  the native sampler reads it (where its self-test passes)
// With --floor, each mechanism also runs as `<mechanism> hooks`: the same
// hooks installed with empty functions, which is what Node and V8 charge
// for calling them at all; the rest of the `added` figure is the tracker's.
// Reported: median CPU ns per await over the runs (each run: the median of
// its rounds), the ratio to `off` and the ns added; also the best run.
// Run `npm run build:ts` first.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { intOption } = require('./lib/int-option');
const { median } = require('./lib/stats');

const floor = process.argv.includes('--floor');

const internal = path.join(__dirname, '..', 'dist', 'internal');

if (process.argv[2] === '--child') {
  child(process.argv[3], intOption('requests', 20), intOption('awaits', 4000));
} else {
  parent(intOption('runs', 6), intOption('requests', 20), intOption('awaits', 4000));
}

function parent(runs, requests, awaits) {
  const { asyncContextFacts } = require(internal);
  const facts = asyncContextFacts();
  const configs = ['off', 'async-hooks'];
  if (facts.contextFrame && facts.hooksWithoutPromises) configs.push('context-frame');
  if (floor) configs.push(...configs.slice(1).map((c) => `${c} hooks`));
  if (facts.contextFrame) configs.push('frame-slot');
  const results = Object.fromEntries(configs.map((c) => [c, []]));
  for (let run = 0; run < runs; run++) {
    for (const config of configs) {
      const r = spawnSync(
        process.execPath,
        [...process.execArgv, __filename, '--child', config.replace(' ', '+'), '--requests', String(requests), '--awaits', String(awaits)],
        { encoding: 'utf8' },
      );
      if (r.status !== 0) {
        console.error(`child ${config} failed:\n${r.stderr}`);
        process.exit(1);
      }
      results[config].push(JSON.parse(r.stdout.trim().split('\n').pop()).nsPerAwait);
    }
  }
  const base = median(results.off);
  const flags = process.execArgv.join(' ');
  console.log(
    `Node ${process.version}${flags ? ` (${flags})` : ''}, AsyncLocalStorage on ` +
      `${facts.contextFrame ? 'AsyncContextFrame' : 'async_hooks'}; ${runs} runs x ${requests} requests x ${awaits} awaits`,
  );
  // Noise from other processes only ever adds time: the best run is shown
  // beside the median as the figure least disturbed by it.
  const bestBase = Math.min(...results.off);
  console.log('config               CPU ns/await: median   ratio   added |  best   ratio   added | runs');
  const summary = { node: process.version, flags, contextFrame: facts.contextFrame, configs: {} };
  for (const config of configs) {
    const m = median(results[config]);
    const best = Math.min(...results[config]);
    summary.configs[config] = {
      nsPerAwait: m,
      ratio: m / base,
      addedNs: m - base,
      bestNsPerAwait: best,
      bestRatio: best / bestBase,
      runs: results[config],
    };
    console.log(
      `${config.padEnd(20)} ${m.toFixed(1).padStart(20)} ${(m / base).toFixed(2).padStart(7)} ${(m - base).toFixed(1).padStart(7)} | ` +
        `${best.toFixed(1).padStart(5)} ${(best / bestBase).toFixed(2).padStart(7)} ${(best - bestBase).toFixed(1).padStart(7)} | ` +
        results[config].map((v) => v.toFixed(0)).join(' '),
    );
  }
  console.log(JSON.stringify(summary));
}

function child(config, requests, awaits) {
  const { context, trace } = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
  const { ContextTracker, ProfilingTracerProvider, SlotTable } = require(internal);

  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  const provider = new ProfilingTracerProvider(new BasicTracerProvider());
  trace.setGlobalTracerProvider(provider);
  const tracer = trace.getTracer('bench');
  const cell = new Int32Array(1);
  if (config.endsWith('+hooks')) {
    const { installContinuationHooks } = require(internal);
    const empty = () => {};
    installContinuationHooks(config.slice(0, -'+hooks'.length), { enterCallback: empty, enterContinuation: empty, exit: empty });
  } else if (config !== 'off') {
    const slots = new SlotTable();
    // The native sampler reads frames (it need not run for the tracker's cost).
    const { loadNative } = require(internal);
    const native = loadNative();
    const frames = config === 'frame-slot' && native.ok ? new native.binding.Sampler(10_000) : undefined;
    new ContextTracker({ slots, mechanism: config }).enable(cell, 0, frames);
    // Windows close as in the profiler, so slots are lent again and again.
    setInterval(() => slots.windowClosed(), 100).unref();
  }

  async function leaf(i) {
    await null;
    return i + 1;
  }
  // Two awaits per iteration: the caller's and the leaf's.
  const iterations = Math.max(1, Math.floor(awaits / 2));
  async function handle() {
    let sum = 0;
    for (let i = 0; i < iterations; i++) sum += await leaf(i);
    return sum;
  }
  const request = () =>
    tracer.startActiveSpan('request', async (span) => {
      const r = await handle();
      span.end();
      return r;
    });
  // CPU time of the process, not wall time: on a shared machine a child that
  // is preempted would otherwise be charged for the other process's work.
  async function round() {
    const c0 = process.cpuUsage();
    await Promise.all(Array.from({ length: requests }, request));
    const c = process.cpuUsage(c0);
    return ((c.user + c.system) * 1000) / (requests * iterations * 2);
  }
  (async () => {
    for (let i = 0; i < 5; i++) await round();
    const samples = [];
    for (let i = 0; i < 25; i++) {
      samples.push(await round());
      // A macrotask between rounds, as a service's event loop would turn.
      await new Promise((resolve) => setImmediate(resolve));
    }
    samples.sort((a, b) => a - b);
    console.log(JSON.stringify({ config, nsPerAwait: samples[samples.length >> 1] }));
  })();
}
