'use strict';
// One trial = one configuration of one workload in fresh processes.
const path = require('node:path');
const { runJson, startChild } = require('./child');

const workloads = path.join(__dirname, '..', 'workloads');
const script = (name) => path.join(workloads, `${name}.js`);

function flags(obj) {
  return Object.entries(obj).flatMap(([k, v]) => (v === undefined ? [] : [`--${k}`, String(v)]));
}

function cpuTrial(config, p, ingest) {
  return runJson(script('cpu'), flags({ profiler: config, batches: p.batches, window: p.window, 'warmup-windows': p.warmupWindows, 'warmup-window-batches': p.warmupWindowBatches, 'warmup-spans': p.warmupSpans, ingest }));
}

/** The server in one process, the load client in another; open loop when `p.rate` is set. */
async function httpTrial(kind, config, p, ingest) {
  const server = startChild(script('http-server'), flags({ profiler: config, kind, window: p.window, ingest }));
  try {
    const { port } = await server.line((m) => m.ready === true, 30_000);
    const client = await runJson(
      script('http-client'),
      flags({ port, concurrency: p.concurrency, warmup: p.warmup, duration: p.duration, rate: p.rate }),
      { timeoutMs: (p.warmup + p.duration + 60) * 1000 },
    );
    await server.result(30_000);
    return client;
  } catch (err) {
    server.kill();
    throw err;
  }
}

function scalingTrial(axis, n, config, p, ingest) {
  return runJson(
    script('scaling'),
    flags({ axis, n, profiler: config, window: p.window, warmup: p.warmup, duration: p.duration, ingest }),
    { timeoutMs: (p.warmup + p.duration + 120) * 1000 },
  );
}

function rotationsTrial(config, p, ingest) {
  return runJson(
    script('rotations'),
    flags({ profiler: config, window: p.window, rotations: p.rotations, timeout: p.timeout, ingest }),
    { timeoutMs: (p.timeout + 60) * 1000 },
  );
}

module.exports = { cpuTrial, httpTrial, scalingTrial, rotationsTrial };
