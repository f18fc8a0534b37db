#!/usr/bin/env node
'use strict';
// Runs chosen test files many times and counts failures per test, to find
// tests that fail by accident rather than because the product broke.
//
//   node scripts/flake-hunt.js [options] [--sampling | file patterns...]
//
//   --runs N      rounds (default 10); each round runs every chosen file once,
//                 each file in a fresh process
//   --node M      a pinned Node major (20, 22, 24, 26) through with-node.js,
//                 loading the addon from prebuilds/ as ci-versions.js does;
//                 default: the Node running this script, with its own build
//   --burner      one busy thread beside the tests, for the whole hunt: a
//                 loaded machine, as CI's may be
//   --sampling    the test files that run the real sampler (the list below)
//   --log FILE    every result as JSON lines (default test-output/flake-hunt-<node>.jsonl)
//
// Prints one line per file per round, then every test that had to measure
// again, and a table of every test that failed at least once, with its
// failure count and first message. Exits 1 if any
// test failed, 2 on bad arguments.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { pinned } = require('./node-versions');

const root = path.resolve(__dirname, '..');

// Files whose tests run the native sampler, in the test process or in a child.
const SAMPLING = [
  'bundle', 'cli-demo', 'context-manager-check', 'example-grafana-tempo', 'export-directory',
  'export-directory-exit', 'export-lazy-undici', 'export-pyroscope', 'install-tarball', 'labels-api',
  'labels-attribution', 'loader-abi', 'otel-attribution', 'otel-context-tracker', 'otel-span-labels',
  'pprof-background-encoder', 'pprof-encode', 'pprof-encode-sync', 'pprof-helper-thread', 'prebuilds', 'register',
  'register-exit', 'reliability-coexist', 'reliability-exit-faults', 'reliability-hostile-input',
  'reliability-label-bytes', 'sampler-errors', 'sampler-frames', 'sampler-lifecycle', 'sampler-rate', 'sampler-slots',
  'sampler-untimed', 'sourcemap-apps', 'sourcemap-broken', 'sourcemap-mapper', 'span-profiler', 'start-footprint',
].map((name) => `test/${name}.test.js`);

function usage(message) {
  console.error(message);
  console.error('usage: node scripts/flake-hunt.js [--runs N] [--node 20|22|24|26] [--burner] [--log FILE] [--sampling | patterns...]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { runs: 10, node: undefined, burner: false, sampling: false, log: undefined, patterns: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--runs') {
      opts.runs = Number(value());
      if (!Number.isInteger(opts.runs) || opts.runs < 1) usage('--runs takes a whole number of at least 1');
    } else if (a === '--node') {
      opts.node = value();
      try {
        pinned(opts.node);
      } catch (err) {
        usage(`--node: ${err.message}`);
      }
    } else if (a === '--burner') opts.burner = true;
    else if (a === '--sampling') opts.sampling = true;
    else if (a === '--log') opts.log = value();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else opts.patterns.push(a);
  }
  return opts;
}

function chooseFiles(opts) {
  const all = fs.readdirSync(path.join(root, 'test')).filter((f) => f.endsWith('.test.js')).map((f) => `test/${f}`);
  let files = opts.sampling ? SAMPLING.filter((f) => all.includes(f)) : all;
  if (opts.patterns.length > 0) files = files.filter((f) => opts.patterns.some((p) => f.includes(p)));
  if (files.length === 0) usage('no test files matched');
  return files.sort();
}

/** Runs one test file once; resolves to its results [{file, name, ok, error}]. */
function runFile(file, opts) {
  const reporter = path.join(__dirname, 'flake-hunt-reporter.mjs');
  const testArgs = ['--test', `--test-reporter=${reporter}`, '--test-reporter-destination=stdout', file];
  const [cmd, args, env] = opts.node === undefined
    ? [process.execPath, testArgs, process.env]
    : [process.execPath, [path.join(__dirname, 'with-node.js'), opts.node, '--', 'node', ...testArgs],
      { ...process.env, PREBUILDS_ONLY: '1' }];
  const r = spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const results = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  // A run that failed with no failing test in it (a crash before any test,
  // a fetch error) is a failure of the file itself.
  if (r.status !== 0 && !results.some((x) => !x.ok)) {
    results.push({ file, name: '(the file itself)', ok: false, error: `exit ${r.signal ?? r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` });
  }
  return results.map((x) => ({ ...x, file }));
}

/** A thread of this process that spins until the hunt ends: it dies with the hunt, however that ends. */
function startBurner() {
  const burner = new Worker('for (;;) {}', { eval: true });
  burner.unref();
  return () => burner.terminate();
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const files = chooseFiles(opts);
  const nodeName = opts.node === undefined ? process.version : `v${pinned(opts.node).version}`;
  const logFile = opts.log ?? path.join(root, 'test-output', `flake-hunt-${nodeName}.jsonl`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.writeFileSync(logFile, '');
  const stopBurner = opts.burner ? startBurner() : () => {};
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`flake hunt: ${files.length} files x ${opts.runs} runs on Node ${nodeName}` +
    `${opts.burner ? ' beside a CPU burner' : ''}; load ${load()}`);

  const tally = new Map(); // "file :: name" → { runs, failures, errors }
  const t0 = performance.now();
  for (let run = 1; run <= opts.runs; run++) {
    for (const file of files) {
      const started = performance.now();
      const results = runFile(file, opts);
      fs.appendFileSync(logFile, results.map((x) => JSON.stringify({ run, ...x })).join('\n') + '\n');
      for (const x of results) {
        const key = `${x.file} :: ${x.name}`;
        const row = tally.get(key) ?? { runs: 0, failures: 0, errors: [], retried: 0, retries: [] };
        row.runs++;
        if (x.retries) {
          row.retried++;
          row.retries.push(...x.retries.map((r) => `run ${run}: ${r}`));
        }
        if (!x.ok) {
          row.failures++;
          row.errors.push(`run ${run}: ${x.error}`);
        }
        tally.set(key, row);
      }
      const failed = results.filter((x) => !x.ok);
      const retried = results.filter((x) => x.retries).length;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`run ${run}/${opts.runs}  ${file}  ${results.length} tests  ${seconds} s  ` +
        (failed.length === 0 ? 'ok' : `FAILED: ${failed.map((x) => x.name).join('; ')}`) +
        (retried > 0 ? ` (${retried} measured again)` : ''));
    }
  }
  stopBurner();

  const failing = [...tally].filter(([, row]) => row.failures > 0);
  const minutes = ((performance.now() - t0) / 60000).toFixed(1);
  console.log(`\n${tally.size} tests in ${files.length} files, ${opts.runs} runs, ${minutes} min; load ${load()}`);
  // Passes that had to measure again: the margin a flake would eat first.
  for (const [key, row] of tally) {
    if (row.retried === 0) continue;
    console.log(`measured again in ${row.retried}/${row.runs}  ${key}`);
    for (const r of row.retries.slice(0, 3)) console.log(`        ${r}`);
  }
  if (failing.length === 0) {
    console.log(`0 failures on Node ${nodeName}`);
    return 0;
  }
  console.log(`failures on Node ${nodeName}:`);
  for (const [key, row] of failing) {
    console.log(`  ${row.failures}/${row.runs}  ${key}`);
    for (const e of row.errors.slice(0, 3)) console.log(`        ${e}`);
  }
  return 1;
}

process.exitCode = main();
