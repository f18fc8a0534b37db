#!/usr/bin/env node
'use strict';
// Bytes that survive scavenges in the bench server, per configuration:
//
//   node bench/scavenge-survivors.js [--kind async-heavy] [--rate 1000]
//        [--duration 10] [--rounds 2] [--configs none,spanprof-sampler,spanprof,datadog]
//
// V8 doubles the young generation each time the bytes that survived
// scavenges since it last grew pass its size, so what a profiler keeps alive
// past one scavenge decides how soon its server's RSS takes that step. Each
// server runs with --trace-gc-nvp at a fixed request rate; the configurations
// alternate, in fresh processes, for `--rounds` rounds. Printed: the median
// over rounds of the bytes survived per 1,000 requests served, and of the
// largest young generation.
const path = require('node:path');
const os = require('node:os');
const { startChild, runJson } = require('./lib/child');
const { parseArgs } = require('./lib/child-setup');
const { ensureAddon } = require('./lib/addon');

const args = parseArgs();
const kind = args.kind ?? 'async-heavy';
const rate = Number(args.rate ?? 1000);
const duration = Number(args.duration ?? 10);
const rounds = Number(args.rounds ?? 2);
const configs = String(args.configs ?? 'none,spanprof-sampler,spanprof,datadog').split(',');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function runOne(profiler) {
  const server = startChild(
    path.join(__dirname, 'workloads', 'http-server.js'),
    ['--profiler', profiler, '--kind', kind, '--window', '10000'],
    { execArgv: ['--trace-gc-nvp'] },
  );
  let survived = 0;
  let scavenges = 0;
  let buffered = '';
  server.proc.stdout.on('data', (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      // key=value up to Node 24; JSON from Node 26.
      if (!line.includes(' gc=s ') && !line.includes('"gc":"s"')) continue;
      const m = /[ "]new_space_survived"?[=:](\d+)/.exec(line);
      if (m !== null) {
        survived += Number(m[1]);
        scavenges++;
      }
    }
  });
  const { port } = await server.line((m) => m.ready === true, 30_000);
  // Counted from when the load starts: start-up is the same in every round.
  survived = 0;
  scavenges = 0;
  const client = await runJson(
    path.join(__dirname, 'workloads', 'http-client.js'),
    ['--port', String(port), '--concurrency', '256', '--warmup', '1', '--duration', String(duration), '--rate', String(rate)],
    { timeoutMs: (duration + 60) * 1000 },
  );
  await server.result(30_000);
  // A server under load scavenges many times a second: none read means the trace's format was not understood.
  if (scavenges === 0) throw new Error(`no scavenge read from ${profiler}'s --trace-gc-nvp output (format changed?)`);
  const served = client.server.served;
  return { perThousandMiB: (survived / 1048576 / served) * 1000, scavenges, newSpaceMaxMiB: client.server.newSpaceMaxMiB, served };
}

(async () => {
  const addon = ensureAddon();
  console.log(
    `Node ${process.version}, ${kind} at ${rate} req/s, ${duration} s per server, ${rounds} rounds (binary: ${addon}); ` +
      `load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`,
  );
  const runs = new Map(configs.map((c) => [c, []]));
  for (let r = 0; r < rounds; r++) {
    for (const config of configs) runs.get(config).push(await runOne(config));
    console.error(`round ${r + 1}/${rounds} done`);
  }
  console.log('\n| configuration | survived scavenges, MiB per 1,000 requests | scavenges | young generation max MiB |');
  console.log('| --- | --- | --- | --- |');
  for (const [config, rs] of runs) {
    const per = rs.map((x) => x.perThousandMiB);
    console.log(
      `| ${config} | ${median(per).toFixed(2)} (${Math.min(...per).toFixed(2)} … ${Math.max(...per).toFixed(2)}) | ` +
        `${median(rs.map((x) => x.scavenges))} | ${median(rs.map((x) => x.newSpaceMaxMiB))} |`,
    );
  }
  console.log(`\nload average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
