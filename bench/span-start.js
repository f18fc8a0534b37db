#!/usr/bin/env node
'use strict';
// What spanprof adds to starting and ending a span.
//
//   node bench/span-start.js [--runs 6] [--requests 20000] [--batch N]
//
// Each configuration runs in a fresh child process of this same `node`,
// alternating A B A B. A request is a root span made active with
// startActiveSpan, one child span started and ended inside it, then the
// root ended: the shape of an instrumented HTTP handler. Configurations:
//   sdk        the OTel SDK's BasicTracerProvider alone (no span processor)
//   wrapped    the same provider wrapped by ProfilingTracerProvider, with
//              spanprof's context tracker enabled as start() enables it
//              (frame-slot where this Node allows, else hooks)
//   processor  the SDK's provider with spanprof's ProfilingSpanProcessor
//              (the SDK calls it at span start and end) instead of the
//              wrapper, the tracker enabled as for `wrapped`
//   hooks      the same as `wrapped`, with the tracker on its hook mechanism
//              (where frame-slot is the default, to compare the two)
//   labels     `wrapped`, with each request inside withLabels({ tenant })
//              (50 tenants), label sets bounded per window as start()
//              bounds them: what custom labels add per request
// A round runs its requests back to back, or with `--batch N`, a turn of
// the event loop after every N of them, as a service's requests come: the
// slot table's timer then runs between them, and what it frees dies young
// instead of living through the whole round (its CPU is in the figure).
// Reported: median CPU ns per request and per span over the runs (each run
// the median of its rounds), and what the wrapper adds per span.
// Run `npm run build:ts` first.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { intOption } = require('./lib/int-option');
const { median } = require('./lib/stats');

const dist = path.join(__dirname, '..', 'dist');

if (process.argv[2] === '--child') child(process.argv[3], intOption('requests', 20000), intOption('batch', 0));
else parent(intOption('runs', 6), intOption('requests', 20000), intOption('batch', 0));

function parent(runs, requests, batch) {
  const { asyncContextFacts } = require(path.join(dist, 'internal'));
  const configs = asyncContextFacts().contextFrame
    ? ['sdk', 'wrapped', 'processor', 'hooks', 'labels']
    : ['sdk', 'wrapped', 'processor', 'labels'];
  const results = Object.fromEntries(configs.map((c) => [c, []]));
  const mechanisms = {};
  for (let run = 0; run < runs; run++) {
    for (const config of configs) {
      const r = spawnSync(process.execPath, [__filename, '--child', config, '--requests', String(requests), ...(batch > 0 ? ['--batch', String(batch)] : [])], {
        encoding: 'utf8',
      });
      if (r.status !== 0) {
        console.error(`child ${config} failed:\n${r.stderr}`);
        process.exit(1);
      }
      const out = JSON.parse(r.stdout.trim().split('\n').pop());
      results[config].push(out.nsPerRequest);
      if (out.mechanism) mechanisms[config] = out.mechanism;
    }
  }
  const sdk = median(results.sdk);
  const shape = batch > 0 ? `, a turn every ${batch}` : ', back to back';
  console.log(`Node ${process.version}; ${runs} runs x ${requests} requests (2 spans each${shape})`);
  console.log('config    tracker         CPU ns/request   ns/span   added ns/span | runs');
  const summary = { node: process.version, batch, configs: {} };
  for (const config of configs) {
    const m = median(results[config]);
    const added = (m - sdk) / 2;
    summary.configs[config] = { mechanism: mechanisms[config] ?? null, nsPerRequest: m, addedNsPerSpan: added, runs: results[config] };
    console.log(
      `${config.padEnd(9)} ${(mechanisms[config] ?? '-').padEnd(15)} ${m.toFixed(0).padStart(14)} ${(m / 2).toFixed(0).padStart(9)} ${added.toFixed(0).padStart(15)} | ` +
        results[config].map((v) => v.toFixed(0)).join(' '),
    );
  }
  if (summary.configs.labels && summary.configs.wrapped) {
    summary.withLabelsNs = summary.configs.labels.nsPerRequest - summary.configs.wrapped.nsPerRequest;
    console.log(`withLabels adds ${summary.withLabelsNs.toFixed(0)} ns per request (labels - wrapped)`);
  }
  console.log(JSON.stringify(summary));
}

function child(config, requests, batch) {
  const { context } = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  const internal = require(path.join(dist, 'internal'));
  let provider =
    config === 'processor'
      ? new BasicTracerProvider({ spanProcessors: [new internal.ProfilingSpanProcessor()] })
      : new BasicTracerProvider();
  let mechanism;
  if (config !== 'sdk') {
    const { ContextTracker, ProfilingTracerProvider, SlotTable, loadNative } = internal;
    if (config !== 'processor') provider = new ProfilingTracerProvider(provider);
    const slots = new SlotTable();
    const native = loadNative();
    const sampler = native.ok ? new native.binding.Sampler(10_000) : undefined;
    const tracker = new ContextTracker({ slots, mechanism: config === 'hooks' ? 'context-frame' : 'auto' });
    tracker.enable(sampler ? new Int32Array(sampler.shared) : new Int32Array(1), 0, sampler);
    mechanism = tracker.mechanism;
    if (config === 'labels') {
      const { LabelSetBudget, useLabelSetBudget } = require(path.join(dist, 'internal'));
      const budget = new LabelSetBudget(100, () => {});
      useLabelSetBudget(budget);
      slots.onWindowClosed(() => budget.windowClosed());
    }
    // Windows close as in the profiler, so ids are freed and lent again.
    setInterval(() => slots.windowClosed(), 100).unref();
  }
  const tracer = provider.getTracer('bench');
  const spans = () =>
    tracer.startActiveSpan('request', (root) => {
      const child = tracer.startSpan('child');
      child.end();
      root.end();
    });
  const { withLabels } = require(dist);
  const tenants = Array.from({ length: 50 }, (_, i) => ({ tenant: `t${i}` }));
  let n = 0;
  const request = config === 'labels' ? () => withLabels(tenants[n++ % 50], spans) : spans;
  // CPU time of the process, not wall time: on a shared machine a child that
  // is preempted would otherwise be charged for the other process's work.
  async function round() {
    const c0 = process.cpuUsage();
    for (let i = 0; i < requests; i++) {
      request();
      if (batch > 0 && (i + 1) % batch === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const c = process.cpuUsage(c0);
    // A macrotask between rounds: finalizers and timers run as in a service.
    await new Promise((resolve) => setImmediate(resolve));
    return ((c.user + c.system) * 1000) / requests;
  }
  (async () => {
    for (let i = 0; i < 3; i++) await round();
    const samples = [];
    for (let i = 0; i < 11; i++) samples.push(await round());
    console.log(JSON.stringify({ config, mechanism, nsPerRequest: median(samples) }));
  })();
}
