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
  ['http: pause p50', ['http', 'CFG', 'windows', 'pauseP50Ms']],
  ['http: pause max', ['http', 'CFG', 'windows', 'pauseMaxMs']],
  ['http: pause CPU p50', ['http', 'CFG', 'windows', 'pauseCpuP50Ms']],
  ['http: pause CPU max', ['http', 'CFG', 'windows', 'pauseCpuMaxMs']],
  ['http: gz bytes per window', ['http', 'CFG', 'windows', 'gzBytes']],
  ['async-heavy: CPU per request', ['async-heavy', 'CFG', 'cpuPerRequestPct', 'median']],
  ['async-heavy: throughput loss', ['async-heavy', 'CFG', 'throughputLossPct', 'median']],
];

function evaluate(summary) {
  const sp = (...k) => get(summary, k[0], 'spanprof', ...k.slice(1));
  const windowMs = get(summary, 'meta', 'plan', 'http', 'window');
  const served = SERVER_PARTS.filter((k) => get(summary, k, 'spanprof', 'windows'));
  const pauseNote = `per ${windowMs / 1000} s window, worst of ${served.join(', ') || 'the server parts'}`;
  const pauses = served.map((k) => get(summary, k, 'spanprof', 'windows'));
  const rss = SERVER_PARTS.map((k) => sp(k, 'rssOverMiB', 'median')).filter(Number.isFinite);
  const retained = SERVER_PARTS.map((k) => sp(k, 'rssLessNewSpaceOverMiB', 'median')).filter(Number.isFinite);
  // CPU per request at a fixed rate is the figure of record; saturated load where that part did not run.
  const perRequest = (rate, saturated) => {
    const atRate = sp(rate, 'cpuPerRequestPct', 'median');
    return Number.isFinite(atRate) ? [atRate, 'fixed rate'] : [sp(saturated, 'cpuPerRequestPct', 'median'), 'saturated'];
  };
  const rows = [
    limitCheck('cpu: process CPU overhead ≤ 0.5%', sp('cpu', 'cpuOverheadPct', 'median'), 0.5, ' pts'),
    limitCheck('http: CPU per request ≤ +1.5%', perRequest('http-rate', 'http')[0], 1.5, ' pts', perRequest('http-rate', 'http')[1]),
    limitCheck('http: throughput loss ≤ 1%', sp('http', 'throughputLossPct', 'median'), 1, ' pts'),
    limitCheck('async-heavy: CPU per request ≤ +3%', perRequest('async-rate', 'async-heavy')[0], 3, ' pts', perRequest('async-rate', 'async-heavy')[1]),
    limitCheck('main-thread pause p50 ≤ 5 ms', pauses.length ? Math.max(...pauses.map((w) => w.pauseP50Ms)) : null, 5, ' ms', pauseNote),
    limitCheck('main-thread pause max ≤ 20 ms', pauses.length ? Math.max(...pauses.map((w) => w.pauseMaxMs)) : null, 20, ' ms', pauseNote),
    limitCheck('the same pause p50 in CPU time ≤ 5 ms', pauses.length ? Math.max(...pauses.map((w) => w.pauseCpuP50Ms)) : null, 5, ' ms', 'free of descheduling on a busy machine'),
    limitCheck('the same pause max in CPU time ≤ 20 ms', pauses.length ? Math.max(...pauses.map((w) => w.pauseCpuMaxMs)) : null, 20, ' ms'),
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
