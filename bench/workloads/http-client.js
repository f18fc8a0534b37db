'use strict';
// Load from a separate process, after a warm-up, for `duration` seconds:
// - closed loop (no `rate`): `concurrency` keep-alive connections, each
//   sending the next request as soon as the previous answers;
// - open loop (`rate` requests per second): requests leave on a fixed
//   schedule whatever the server does, on up to `concurrency` connections.
//   A request due while all of them are busy is not sent and is counted as
//   skipped: the server was saturated. Latency runs from when a request was
//   due, so a stalled server cannot hide its queue.
// Throughput and latency come from here, the rest from the server's
// /_bench/end.
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

/** Closed loop: `concurrency` workers, each one request at a time. */
function closedLoop(state) {
  async function worker() {
    while (state.phase !== 'done') await send(state, performance.now());
  }
  return Promise.all(Array.from({ length: args.concurrency }, worker));
}

/** Open loop: one request every 1/rate s, on a schedule kept from the start. */
function openLoop(state) {
  const intervalMs = 1000 / args.rate;
  let next = performance.now();
  const inFlight = new Set();
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (state.phase === 'done') {
        clearInterval(timer);
        Promise.all(inFlight).then(() => resolve());
        return;
      }
      for (const now = performance.now(); next <= now; next += intervalMs) {
        if (inFlight.size >= args.concurrency) {
          if (state.phase === 'measure') state.skipped++;
          continue;
        }
        const p = send(state, next).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
    }, 1);
  });
}

/** One request; its latency counts when it was due and answered inside the measured interval. */
async function send(state, dueMs) {
  const counted = state.phase === 'measure';
  try {
    await get('/work');
    if (counted && state.phase === 'measure') state.latenciesMs.push(performance.now() - dueMs);
  } catch {
    state.errors++;
  }
}

(async () => {
  const state = { phase: 'warmup', latenciesMs: [], errors: 0, skipped: 0 };
  const openLoopMode = Number.isFinite(args.rate) && args.rate > 0;
  const load = openLoopMode ? openLoop(state) : closedLoop(state);
  await new Promise((r) => setTimeout(r, (args.warmup * 1000) / 2));
  await get('/_bench/rotate');
  await new Promise((r) => setTimeout(r, (args.warmup * 1000) / 2));
  await get('/_bench/begin');
  state.phase = 'measure';
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, args.duration * 1000));
  state.phase = 'done';
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const server = JSON.parse(await get('/_bench/end'));
  await load;
  await get('/_bench/exit').catch(() => {});
  agent.destroy();
  const { latenciesMs, errors, skipped } = state;
  const sorted = Float64Array.from(latenciesMs).sort();
  console.log(
    JSON.stringify({
      rate: openLoopMode ? args.rate : null,
      requests: latenciesMs.length,
      errors,
      skipped,
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
