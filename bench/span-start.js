#!/usr/bin/env node
'use strict';
// What spanprof adds to starting and ending a span.
//
//   node bench/span-start.js [--runs 6] [--requests 20000] [--batch N] [--retain N]
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
// The table gives ids back every 100 ms, as its sweep does in the profiler:
// at the bench's 100,000+ requests/s that keeps 10,000+ requests' entries
// alive at once, so a scavenge copies and promotes them all. With
// `--retain N` it gives them back every N requests instead: 100 is a
// service's 100 ms at 1,000 requests/s, so what GC costs per span is what
// it costs such a service.
// Reported: median CPU ns per request and per span over the runs (each run
// the median of its rounds), and what each configuration adds per span: the
// median over runs of its difference from the SDK alone in the same run.
// The machine's speed can change from one minute to the next (here it was
// seen to switch between two levels 1.8 times apart), and a difference taken
// within one run, between processes seconds apart, is the one that holds.
// Run `npm run build:ts` first.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { intOption } = require('./lib/int-option');
const { median } = require('./lib/stats');

const dist = path.join(__dirname, '..', 'dist');

const shapeOptions = { batch: intOption('batch', 0), retain: intOption('retain', 0) };
if (process.argv[2] === '--child') child(process.argv[3], intOption('requests', 20000), shapeOptions);
else parent(intOption('runs', 6), intOption('requests', 20000), shapeOptions);

function parent(runs, requests, { batch, retain }) {
  const { asyncContextFacts } = require(path.join(dist, 'internal'));
  const configs = asyncContextFacts().contextFrame
    ? ['sdk', 'wrapped', 'processor', 'hooks', 'labels']
    : ['sdk', 'wrapped', 'processor', 'labels'];
  const results = Object.fromEntries(configs.map((c) => [c, []]));
  const mechanisms = {};
  for (let run = 0; run < runs; run++) {
    for (const config of configs) {
      const r = spawnSync(process.execPath, [__filename, '--child', config, '--requests', String(requests), ...(batch > 0 ? ['--batch', String(batch)] : []), ...(retain > 0 ? ['--retain', String(retain)] : [])], {
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
  const pairedMedian = (a, b) => median(results[a].map((v, i) => v - results[b][i]));
  const shape = (batch > 0 ? `, a turn every ${batch}` : ', back to back') + (retain > 0 ? `, ids back every ${retain}` : ', ids back every 100 ms');
  console.log(`Node ${process.version}; ${runs} runs x ${requests} requests (2 spans each${shape})`);
  console.log('config    tracker         CPU ns/request   ns/span   added ns/span | runs');
  const summary = { node: process.version, batch, retain, configs: {} };
  for (const config of configs) {
    const m = median(results[config]);
    const added = pairedMedian(config, 'sdk') / 2;
    summary.configs[config] = { mechanism: mechanisms[config] ?? null, nsPerRequest: m, addedNsPerSpan: added, runs: results[config] };
    console.log(
      `${config.padEnd(9)} ${(mechanisms[config] ?? '-').padEnd(15)} ${m.toFixed(0).padStart(14)} ${(m / 2).toFixed(0).padStart(9)} ${added.toFixed(0).padStart(15)} | ` +
        results[config].map((v) => v.toFixed(0)).join(' '),
    );
  }
  if (summary.configs.labels && summary.configs.wrapped) {
    summary.withLabelsNs = pairedMedian('labels', 'wrapped');
    console.log(`withLabels adds ${summary.withLabelsNs.toFixed(0)} ns per request (labels - wrapped)`);
  }
  console.log(JSON.stringify(summary));
}

function child(config, requests, { batch, retain }) {
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
  let giveBack = () => {};
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
    if (retain > 0) giveBack = () => slots.windowClosed();
    else setInterval(() => slots.windowClosed(), 100).unref();
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
      if (retain > 0 && (i + 1) % retain === 0) giveBack();
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
