'use strict';
// Load from a separate process: `concurrency` keep-alive connections, each
// sending the next request as soon as the previous answers. After a warm-up
// it measures for `duration` seconds: throughput and latency from here, the
// rest from the server's /_bench/end.
const http = require('node:http');
const { parseArgs } = require('../lib/child-setup');
const { quantile } = require('../lib/stats');

const args = parseArgs();
const agent = new http.Agent({ keepAlive: true, maxSockets: args.concurrency });

function get(path) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: args.port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
  });
}

(async () => {
  let phase = 'warmup';
  const latenciesMs = [];
  let errors = 0;
  async function worker() {
    while (phase !== 'done') {
      const t0 = process.hrtime.bigint();
      const counted = phase === 'measure';
      try {
        await get('/work');
        if (counted && phase === 'measure') latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch {
        errors++;
      }
    }
  }
  const workers = Array.from({ length: args.concurrency }, worker);
  await new Promise((r) => setTimeout(r, (args.warmup * 1000) / 2));
  await get('/_bench/rotate');
  await new Promise((r) => setTimeout(r, (args.warmup * 1000) / 2));
  await get('/_bench/begin');
  phase = 'measure';
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, args.duration * 1000));
  phase = 'done';
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const server = JSON.parse(await get('/_bench/end'));
  await Promise.all(workers);
  await get('/_bench/exit').catch(() => {});
  agent.destroy();
  const sorted = Float64Array.from(latenciesMs).sort();
  console.log(
    JSON.stringify({
      requests: latenciesMs.length,
      errors,
      throughput: latenciesMs.length / seconds,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      cpuUsPerRequest: server.cpuUs / server.served,
      server,
    }),
  );
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
