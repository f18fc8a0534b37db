'use strict';
// What every workload child does first: read its options, start the
// configuration's profiler and the OTel SDK, and clean up at the end.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const v8 = require('node:v8');
const { profiler } = require('../profilers');
const { setupTracing } = require('./tracing');

/** `--key value` pairs; numbers where they parse as numbers. */
function parseArgs(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--')) throw new Error(`expected --option, got ${argv[i]}`);
    const v = argv[i + 1];
    out[argv[i].slice(2)] = v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

/**
 * Starts the profiler named by `--profiler` with `--window` ms windows and
 * returns it with a tracer. Its output goes to a fresh temp directory.
 */
function startProfiled(args) {
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-bench-'));
  const p = profiler(args.profiler).create({ windowMs: args.window, outputDir, ingestUrl: args.ingest });
  const tracer = setupTracing({ spanProcessors: p.spanProcessors, contextManager: p.contextManager });
  p.start();
  return {
    profiler: p,
    tracer,
    async finish() {
      await p.stop();
      // A profiler may still be finishing a file as it stops.
      fs.rmSync(outputDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

/** Peak resident set size of this process so far, MiB. */
function peakRssMiB() {
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * V8's young generation as committed now, MiB. V8 grows it with the
 * allocation rate, up to a cap: part of RSS that a profiler's allocations
 * can move without retaining anything.
 */
function newSpaceMiB() {
  const space = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
  return space === undefined ? 0 : space.space_size / 1048576;
}

/** Process CPU (all threads) in microseconds since `from` (a process.cpuUsage()). */
function cpuUs(from) {
  const c = process.cpuUsage(from);
  return c.user + c.system;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * `n` short root spans, each made active around `body(i)` and ended, with a
 * turn of the event loop every 20 so timers (window closes, sweeps) run.
 */
async function shortSpans(tracer, n, body = () => {}) {
  for (let i = 0; i < n; i++) {
    tracer.startActiveSpan('unit', (span) => {
      body(i);
      span.end();
    });
    if (i % 20 === 0) await nextTurn();
  }
}

/** `--name value` from the command line, else `fallback`. */
function stringOption(name, fallback, argv = process.argv) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}

module.exports = { parseArgs, startProfiled, peakRssMiB, newSpaceMiB, cpuUs, nextTurn, shortSpans, stringOption };
