#!/usr/bin/env node
'use strict';
// Bytes the main thread allocates to close, build and encode one window,
// by the function that allocated them.
//
//   node bench/window-allocation.js [--runs 3] [--seconds 6] [--warmup 5]
//
// Each run is a fresh process: requests back to back on the main thread,
// each a local root span ('GET /r<n>', 40 routes, each with its own handler
// function) doing about 1 ms of work around a child span, an event-loop
// turn every 5 requests. So nearly every sample of the window carries a
// span of its own, as in a service whose requests are shorter than the
// 10 ms sampling interval. `--warmup` windows of 3 s come first: until V8
// has optimized pprof-format's encoder, its loops allocate an iterator
// result per element and an array per number, more than the window's own
// data, and that would hide the rest. The next window is measured with
// V8's sampling heap profiler from the flush to the window's gzip bytes. Allocation, not retention: a scavenge that falls inside the
// window's build copies whatever of it is still reachable, and those bytes
// are what grows V8's young generation (bench/scavenge-survivors.js).
// Reported: the median run's MiB per window and bytes per sample, and its
// top allocating functions. Run `npm run build:ts` first.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { intOption } = require('./lib/int-option');
const { dist } = require('./lib/paths');
const { startHeapSampling, totalBytes } = require('./lib/heap-sampling');

const runs = intOption('runs', 3);
const seconds = intOption('seconds', 6);
const warmup = intOption('warmup', 5);

if (process.argv[2] === '--child') child();
else parent();

function parent() {
  const results = [];
  for (let run = 0; run < runs; run++) {
    const r = spawnSync(process.execPath, [__filename, '--child', '--seconds', String(seconds), '--warmup', String(warmup)], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.error(`child failed:\n${r.stderr}`);
      process.exit(1);
    }
    results.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
  results.sort((a, b) => a.bytesPerSample - b.bytesPerSample);
  const mid = results[Math.floor(results.length / 2)];
  console.log(`Node ${process.version}; ${runs} runs, one window of ${seconds} s each after ${warmup} of 3 s`);
  console.log(
    `runs (samples, MiB, bytes/sample): ${results.map((r) => `${r.samples} ${(r.bytes / 1048576).toFixed(2)} ${r.bytesPerSample.toFixed(0)}`).join(' | ')}`,
  );
  console.log(`median run: ${(mid.bytes / 1048576).toFixed(2)} MiB per window, ${mid.bytesPerSample.toFixed(0)} bytes per sample, ${mid.labelled} labelled`);
  for (const [key, bytes] of mid.top) console.log(`${(bytes / 1024).toFixed(0).padStart(7)} KiB  ${key}`);
}

function child() {
  const { trace, context } = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
  const spanprof = require(dist);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new BasicTracerProvider({ spanProcessors: [new spanprof.ProfilingSpanProcessor()] });
  trace.setGlobalTracerProvider(provider);
  const tracer = trace.getTracer('bench');
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-bench-'));
  const summaries = [];
  const handle = spanprof.start({
    serviceName: 'bench',
    outputDir,
    windowMs: 600_000,
    logLevel: 'error',
    onWindow: (w) => summaries.push(w.summary),
  });
  if (!handle.enabled) throw new Error('spanprof did not start (no addon for this Node?)');
  const work = (ms) => {
    const end = performance.now() + ms;
    let x = 0;
    while (performance.now() < end) x += Math.sqrt(x + 1);
    return x;
  };
  const handlers = Array.from({ length: 40 }, (_, i) => new Function('work', `return function handler_${i}(ms) { return work(ms); }`)(work));
  async function load(s) {
    const end = performance.now() + s * 1000;
    for (let i = 0; performance.now() < end; i++) {
      tracer.startActiveSpan(`GET /r${i % 40}`, (span) => {
        handlers[i % 40](0.5);
        const inner = tracer.startSpan('query');
        work(0.5);
        inner.end();
        span.end();
      });
      if (i % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  (async () => {
    for (let w = 0; w < warmup; w++) {
      await load(3);
      await handle.flush();
    }
    await load(seconds);
    const sampling = await startHeapSampling(1024);
    await handle.flush();
    const byFunction = await sampling.stop();
    const summary = summaries[warmup];
    await handle.stop();
    fs.rmSync(outputDir, { recursive: true, force: true });
    const bytes = totalBytes(byFunction);
    const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15);
    console.log(
      JSON.stringify({ bytes, samples: summary.samples, labelled: summary.labelledSamples, bytesPerSample: bytes / summary.samples, top }),
    );
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
