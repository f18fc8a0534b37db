#!/usr/bin/env node
'use strict';
// How V8 sizes the young generation of a busy server over time, with and
// without a profiler:
//
//   node bench/young-generation.js [--rate 1300] [--duration 60] [--kind http]
//                                  [--configs none,spanprof,datadog] [--live-at-end 1]
//
// One server per configuration, one after another, at a fixed request rate
// for `--duration` seconds. V8 grows the young generation once enough bytes
// have survived scavenges since it last grew, and shrinks it only when
// allocation nearly stops, so a busy server reaches its largest size sooner
// or later. A profiler that adds survivors gets there sooner. The table says
// when each step happened and what RSS is made of at the end.
const path = require('node:path');
const os = require('node:os');
const { startChild, runJson } = require('./lib/child');
const { parseArgs } = require('./lib/child-setup');
const { ensureAddon } = require('./lib/addon');

const args = parseArgs();
const rate = Number(args.rate ?? 1300);
const duration = Number(args.duration ?? 60);
const kind = args.kind ?? 'http';
const configs = String(args.configs ?? 'none,spanprof,datadog').split(',');
// With --live-at-end 1, each server runs a full GC at the end and says what old space still holds.
const liveAtEnd = args['live-at-end'] ? ['--live-at-end', '1'] : [];

async function runOne(profiler) {
  const server = startChild(path.join(__dirname, 'workloads', 'http-server.js'), ['--profiler', profiler, '--kind', kind, '--window', '10000', ...liveAtEnd]);
  const { port } = await server.line((m) => m.ready === true, 30_000);
  const client = await runJson(
    path.join(__dirname, 'workloads', 'http-client.js'),
    ['--port', String(port), '--concurrency', '256', '--warmup', '1', '--duration', String(duration), '--rate', String(rate)],
    { timeoutMs: (duration + 60) * 1000 },
  );
  await server.result(30_000);
  return client.server;
}

(async () => {
  const addon = ensureAddon();
  console.log(`Node ${process.version}, ${kind} at ${rate} req/s for ${duration} s per configuration (binary: ${addon})`);
  const rows = [];
  const memories = [];
  for (const config of configs) {
    const s = await runOne(config);
    const steps = s.newSpaceSteps.map(([t, mib]) => `${mib} MiB at ${t} s`).join(', ');
    const m = s.memory;
    memories.push([config, m]);
    rows.push(`| ${config} | ${s.served} | ${steps} | ${m.rss} | ${(m.rss - m.new_space).toFixed(1)} | ${m.old_space} | ${m.old_space_used} | ${m.old_space_live ?? '—'} |`);
  }
  console.log('\n| configuration | requests served | young generation (new space) | RSS at the end MiB | RSS less new space MiB | old space MiB | old space used | old space live after a full GC |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
  console.log('\nWhat the rest is made of, MiB at the end (V8 spaces committed, then external and malloced):\n');
  const keys = Object.keys(memories[0][1]).filter((k) => !['rss', 'new_space', 'old_space', 'old_space_used', 'old_space_live'].includes(k));
  console.log(`| configuration | ${keys.join(' | ')} |`);
  console.log(`| --- | ${keys.map(() => '---').join(' | ')} |`);
  for (const [config, m] of memories) console.log(`| ${config} | ${keys.map((k) => m[k]).join(' | ')} |`);
  console.log(`\nload average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
