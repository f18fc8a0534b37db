#!/usr/bin/env node
'use strict';
// Where a profiler's CPU goes in the bench server at a fixed request rate:
//
//   node bench/breakdown.js [--kind http|async-heavy] [--profiler spanprof]
//                           [--rate 800] [--duration 10] [--cpu-prof 0]
//                           [--keep server.cpuprofile]
//
// One server process, run with V8's --cpu-prof beside the profiler under
// test, and one load client. Prints two breakdowns, as shares of the
// server's CPU while the client ran:
// - by thread, from /proc/<pid>/task (Linux): the main thread, the
//   profiler's helper thread, V8's profiler and platform threads;
// - by code on the main thread, from the --cpu-prof profile: spanprof's own
//   modules (file by file), the OTel SDK, Node's async_hooks and
//   AsyncLocalStorage, GC, and the rest.
// --cpu-prof costs CPU of its own, and its profiler has a thread of its own
// too, so the shares are what to read, not the totals (bench/run.js
// measures those); `--cpu-prof 0` leaves it out, for the threads alone.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startChild, runJson } = require('./lib/child');
const { parseArgs } = require('./lib/child-setup');
const { root } = require('./lib/paths');
const { ensureAddon } = require('./lib/addon');
const { threadCpu } = require('./lib/thread-cpu');

const DIST = path.join(root, 'dist') + path.sep;

const args = parseArgs();
const kind = args.kind ?? 'http';
const profiler = args.profiler ?? 'spanprof';
const rate = Number(args.rate ?? 800);
const duration = Number(args.duration ?? 10);
const withCpuProf = args['cpu-prof'] !== 0;
// --keep <file>: also keep the server's .cpuprofile there, to compare functions between runs.
const keep = args.keep === undefined ? undefined : String(args.keep);

/** What each of Node's thread names is (Linux truncates them to 15 bytes). */
const THREADS = {
  node: 'unnamed ("node"): a Worker such as the profiler\'s helper thread, and on Node 20 V8\'s platform workers',
  WorkerThread: 'a Worker: the profiler\'s helper thread',
  'v8:ProfEvntProc': 'V8 profiler: sends the ticks, symbolizes',
  'V8 DefaultWorke': 'V8 platform workers: GC, compilers',
  V8Worker: 'V8 platform workers: GC, compilers',
  'libuv-worker': 'libuv thread pool: fs, zlib',
};

/** Which part of the process a call-tree node's code belongs to. */
function category(frame) {
  const { functionName: fn, url } = frame;
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return '(program): V8 and native code outside JS';
  if (fn === '(idle)') return null;
  const file = url.replace(/^file:\/\//, '');
  if (file.startsWith(DIST)) return `spanprof: ${path.relative(path.join(root, 'dist'), file)}`;
  if (url.includes('@opentelemetry')) return 'OTel SDK and API';
  if (/node:(internal\/)?async_hooks|async_local_storage|async_context_frame|promise_hooks/.test(url)) {
    return 'Node: async_hooks, AsyncLocalStorage';
  }
  if (file.startsWith(path.join(root, 'bench', 'workloads'))) return 'the workload';
  if (file.startsWith(path.join(root, 'bench'))) return 'the bench harness (profiler adapters, OTel setup)';
  if (url.startsWith('node:')) return 'Node: other internals';
  if (url === '') return '(native and builtins)';
  return `other: ${url.includes('node_modules') ? url.slice(url.lastIndexOf('node_modules') + 13).split('/').slice(0, 2).join('/') : path.basename(file)}`;
}

function codeBreakdown(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const totals = new Map();
  let all = 0;
  for (const [id, n] of counts) {
    const c = category(byId.get(id).callFrame);
    if (c === null) continue;
    totals.set(c, (totals.get(c) ?? 0) + n);
    all += n;
  }
  return { all, rows: [...totals].sort((a, b) => b[1] - a[1]) };
}

async function main() {
  const addon = ensureAddon();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-breakdown-'));
  const server = startChild(
    path.join(__dirname, 'workloads', 'http-server.js'),
    ['--profiler', profiler, '--kind', kind, '--window', '10000'],
    { execArgv: withCpuProf ? ['--cpu-prof', '--cpu-prof-dir', dir] : [] },
  );
  try {
    const { port } = await server.line((m) => m.ready === true, 30_000);
    const before = threadCpu(server.proc.pid);
    // The client ends the server when it is done: keep the last reading.
    let after = before;
    const reading = setInterval(() => {
      try {
        after = threadCpu(server.proc.pid);
      } catch {
        // Exited.
      }
    }, 200);
    const t0 = process.hrtime.bigint();
    const client = await runJson(
      path.join(__dirname, 'workloads', 'http-client.js'),
      ['--port', String(port), '--concurrency', '256', '--warmup', '1', '--duration', String(duration), '--rate', String(rate)],
      { timeoutMs: (duration + 60) * 1000 },
    );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    clearInterval(reading);
    await server.result(30_000);

    console.log(`Node ${process.version}, ${profiler}, ${kind} at ${rate} req/s for ${seconds.toFixed(1)} s (binary: ${addon}); ` +
      `load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.log(`served ${client.server.served} in the measured ${duration} s (${client.skipped} skipped); CPU per request ${client.cpuUsPerRequest.toFixed(0)} µs${withCpuProf ? ', --cpu-prof included' : ''}\n`);
    const threads = new Map();
    let total = 0;
    for (const [tid, a] of after) {
      const used = a.s - (before.get(tid)?.s ?? 0);
      const name = tid === String(server.proc.pid) ? 'main: JS, and the signal handler' : THREADS[a.name] ?? a.name;
      threads.set(name, (threads.get(name) ?? 0) + used);
      total += used;
    }
    console.log('| thread | CPU s | share |\n| --- | --- | --- |');
    for (const [name, s] of [...threads].sort((a, b) => b[1] - a[1])) {
      if (s > 0) console.log(`| ${name} | ${s.toFixed(2)} | ${((s / total) * 100).toFixed(1)}% |`);
    }
    if (!withCpuProf) return;
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('the server wrote no .cpuprofile');
    const { all, rows } = codeBreakdown(path.join(dir, file));
    console.log(`\nMain thread, by code (${all} samples of --cpu-prof, idle left out):\n`);
    console.log('| code | samples | share |\n| --- | --- | --- |');
    for (const [c, n] of rows) console.log(`| ${c} | ${n} | ${((n / all) * 100).toFixed(1)}% |`);
    if (keep !== undefined) fs.copyFileSync(path.join(dir, file), keep);
  } finally {
    server.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err.stack || err);
  process.exit(1);
});
