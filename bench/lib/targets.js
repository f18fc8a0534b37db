'use strict';
// The targets the package set itself (issue: overhead benchmarks), checked
// against one summary. Each says met, or missed and by how much; nothing
// here asserts: the report states.

const get = (obj, ...keys) => keys.reduce((o, k) => (o == null ? undefined : o[k]), obj);

function limitCheck(name, value, limit, unit, note) {
  if (value == null || !Number.isFinite(value)) return { name, value: null, verdict: 'not measured', note };
  const met = value <= limit;
  return {
    name,
    value,
    unit,
    verdict: met ? 'met' : `missed by ${fmt(value - limit)}${unit}`,
    met,
    note,
  };
}

/** A figure that must not exceed the peer's in the same run. */
function peerCheck(name, value, peer, unit, note) {
  if (value == null || !Number.isFinite(value) || peer == null || !Number.isFinite(peer)) {
    return { name, value: null, verdict: 'not measured', note };
  }
  const met = value <= peer;
  return { name, value, unit, verdict: met ? `met (peer ${fmt(peer)})` : `missed by ${fmt(value - peer)}${unit} (peer ${fmt(peer)})`, met, note };
}

/** A figure reported beside the targets, with no limit of its own. */
function info(name, value, unit, note) {
  if (value == null || !Number.isFinite(value)) return { name, value: null, verdict: 'not measured', note };
  return { name, value, unit, verdict: 'reported', note };
}

function fmt(x) {
  return Math.abs(x) >= 10 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(1) : x.toFixed(2);
}

/** The parts that run a server under load. */
const SERVER_PARTS = ['http', 'async-heavy', 'http-rate', 'async-rate'];

/** Figures where spanprof should be below @datadog/pprof with contexts. */
const VERSUS = [
  ['cpu: CPU overhead', ['cpu', 'CFG', 'cpuOverheadPct', 'median']],
  ['http-rate: CPU per request', ['http-rate', 'CFG', 'cpuPerRequestPct', 'median']],
  ['http-rate: peak RSS over baseline', ['http-rate', 'CFG', 'rssOverMiB', 'median']],
  ['async-rate: CPU per request', ['async-rate', 'CFG', 'cpuPerRequestPct', 'median']],
  ['async-rate: peak RSS over baseline', ['async-rate', 'CFG', 'rssOverMiB', 'median']],
  ['http: CPU per request', ['http', 'CFG', 'cpuPerRequestPct', 'median']],
  ['http: throughput loss', ['http', 'CFG', 'throughputLossPct', 'median']],
  ['http: p50 latency', ['http', 'CFG', 'p50Ratio', 'median']],
  ['http: p99 latency', ['http', 'CFG', 'p99Ratio', 'median']],
  ['http: peak RSS over baseline', ['http', 'CFG', 'rssOverMiB', 'median']],
  ['cpu: pause p50', ['cpu', 'CFG', 'windows', 'stretchP50Ms']],
  ['cpu: pause max', ['cpu', 'CFG', 'windows', 'stretchMaxMs']],
  ['http: pause p50', ['http', 'CFG', 'windows', 'stretchP50Ms']],
  ['http: pause max', ['http', 'CFG', 'windows', 'stretchMaxMs']],
  ['http: gz bytes per window', ['http', 'CFG', 'windows', 'gzBytes']],
  ['async-heavy: CPU per request', ['async-heavy', 'CFG', 'cpuPerRequestPct', 'median']],
  ['async-heavy: throughput loss', ['async-heavy', 'CFG', 'throughputLossPct', 'median']],
];

/** Node's major version of a summary, from its meta. */
function majorOf(summary) {
  const m = /^v?(\d+)/.exec(String(get(summary, 'meta', 'node') ?? ''));
  return m ? Number(m[1]) : NaN;
}

function evaluate(summary) {
  const sp = (...k) => get(summary, k[0], 'spanprof', ...k.slice(1));
  // Node 24 and later carry the async context in V8 (AsyncContextFrame): absolute targets there;
  // on 20 and 22, at or below the peer's in the same run.
  const framed = majorOf(summary) >= 24;
  const paused = ['cpu', ...SERVER_PARTS].filter((k) => get(summary, k, 'spanprof', 'windows'));
  const pauseNote = `longest stretch the main thread is held per window, worst of ${paused.join(', ') || 'the parts'}`;
  const pauses = paused.map((k) => get(summary, k, 'spanprof', 'windows'));
  const worst = (key, fallback) => {
    const values = pauses.map((w) => (Number.isFinite(w[key]) ? w[key] : w[fallback])).filter(Number.isFinite);
    return values.length ? Math.max(...values) : null;
  };
  const rss = SERVER_PARTS.map((k) => sp(k, 'rssOverMiB', 'median')).filter(Number.isFinite);
  const retained = SERVER_PARTS.map((k) => sp(k, 'rssLessNewSpaceOverMiB', 'median')).filter(Number.isFinite);
  // CPU per request at a fixed rate is the figure of record; saturated load where that part did not run.
  const perRequest = (who, rate, saturated) => {
    const atRate = get(summary, rate, who, 'cpuPerRequestPct', 'median');
    return Number.isFinite(atRate) ? [atRate, 'fixed rate'] : [get(summary, saturated, who, 'cpuPerRequestPct', 'median'), 'saturated'];
  };
  // One name per row whatever the Node: the table has a column per Node.
  const requestCheck = (name, limit, rate, saturated) => {
    const [ours, how] = perRequest('spanprof', rate, saturated);
    const full = `${name}: ≤ +${limit}% on Node 24+, ≤ @datadog/pprof with contexts on 20 and 22`;
    if (framed) return limitCheck(full, ours, limit, ' pts', how);
    return peerCheck(full, ours, perRequest('datadog', rate, saturated)[0], ' pts', how);
  };
  const cpuName = 'cpu: process CPU overhead ≤ 0.5% on Node 24+, ≤ 1% on 20 and 22';
  const rows = [
    limitCheck(cpuName, sp('cpu', 'cpuOverheadPct', 'median'), framed ? 0.5 : 1, ' pts'),
    requestCheck('http: CPU per request', 1.5, 'http-rate', 'http'),
    limitCheck('http: throughput loss ≤ 1%', sp('http', 'throughputLossPct', 'median'), 1, ' pts'),
    requestCheck('async-heavy: CPU per request', 3, 'async-rate', 'async-heavy'),
    limitCheck('main-thread pause p50 ≤ 5 ms', worst('stretchP50Ms', 'pauseP50Ms'), 5, ' ms', pauseNote),
    limitCheck('main-thread pause max ≤ 20 ms', worst('stretchMaxMs', 'pauseMaxMs'), 20, ' ms', pauseNote),
    info('main-thread time per window, all stretches, p50', worst('pauseP50Ms'), ' ms', 'wall'),
    info('the same in CPU time, p50', worst('pauseCpuP50Ms'), ' ms', 'free of descheduling on a busy machine'),
    info('the same in CPU time, max', worst('pauseCpuMaxMs'), ' ms'),
    limitCheck('peak RSS ≤ 12 MiB over baseline', rss.length ? Math.max(...rss) : null, 12, ' MiB', 'worst http part, median of rounds'),
    limitCheck(
      'the same less V8’s new space ≤ 12 MiB',
      retained.length ? Math.max(...retained) : null,
      12,
      ' MiB',
      'young generation sized by V8 from the allocation rate, left out',
    ),
    limitCheck(
      'RSS flat across rotations (≤ 1 MiB growth per 1000 over the baseline’s)',
      get(summary, 'rotations', 'spanprof', 'growthOverBaselinePer1000MiB'),
      1,
      ' MiB',
      'from rotation 1000 to the last, windows written',
    ),
    limitCheck(
      'the same less V8’s new space',
      get(summary, 'rotations', 'spanprof', 'retainedGrowthOverBaselinePer1000MiB'),
      1,
      ' MiB',
      'what is retained, whatever size V8 gave the young generation',
    ),
  ];
  const worse = [];
  let compared = 0;
  for (const [label, path] of VERSUS) {
    const ours = get(summary, ...path.map((k) => (k === 'CFG' ? 'spanprof' : k)));
    const theirs = get(summary, ...path.map((k) => (k === 'CFG' ? 'datadog' : k)));
    if (!Number.isFinite(ours) || !Number.isFinite(theirs)) continue;
    compared++;
    if (ours >= theirs) worse.push(`${label} (${fmt(ours)} vs ${fmt(theirs)})`);
  }
  rows.push({
    name: 'every figure lower than @datadog/pprof with contexts',
    verdict: compared === 0 ? 'not measured' : worse.length === 0 ? `met (${compared} figures)` : `missed on ${worse.length} of ${compared}: ${worse.join('; ')}`,
    met: compared > 0 && worse.length === 0,
  });
  return rows;
}

module.exports = { evaluate };
