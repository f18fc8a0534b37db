'use strict';
// Turns raw trials into the figures the report shows. Every ratio is taken
// against the baseline (no profiler) of the same round, then summarised as a
// median and a range over the rounds.
const { median, spread } = require('./stats');

/** Trials of a round that succeeded, by configuration. */
function byRound(trials) {
  const rounds = new Map();
  for (const t of trials) {
    if (!t.result) continue;
    if (!rounds.has(t.round)) rounds.set(t.round, new Map());
    rounds.get(t.round).set(t.config, t.result);
  }
  return [...rounds.values()];
}

/** For each configuration: per-round values of `metric(result, baseline)`. */
function perConfig(trials, configs, metrics) {
  const rounds = byRound(trials);
  const out = {};
  for (const config of configs) {
    const values = Object.fromEntries(Object.keys(metrics).map((k) => [k, []]));
    const results = [];
    for (const round of rounds) {
      const r = round.get(config);
      const base = round.get('none');
      if (!r || !base) continue;
      results.push(r);
      for (const [k, f] of Object.entries(metrics)) values[k].push(f(r, base));
    }
    if (results.length === 0) continue;
    out[config] = {
      rounds: results.length,
      ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, spread(v)])),
      windows: poolWindows(results.map((r) => r.windows ?? r.server?.windows)),
    };
  }
  return out;
}

/** Per-window costs over all runs: the median run p50, the worst max. */
function poolWindows(list) {
  const runs = list.filter((w) => w && w.count > 0);
  if (runs.length === 0) return null;
  const pick = (k) => runs.map((w) => w[k]).filter(Number.isFinite);
  const out = {
    count: runs.reduce((a, w) => a + w.count, 0),
    pauseP50Ms: median(pick('pauseP50Ms')),
    pauseMaxMs: Math.max(...pick('pauseMaxMs')),
    stretchP50Ms: median(pick('stretchP50Ms')),
    stretchMaxMs: Math.max(...pick('stretchMaxMs')),
    pauseCpuP50Ms: median(pick('pauseCpuP50Ms')),
    pauseCpuMaxMs: Math.max(...pick('pauseCpuMaxMs')),
    gzBytes: median(pick('gzBytes')),
    encodeMs: median(pick('encodeMs')),
  };
  if (runs.some((w) => 'heapPauseMaxMs' in w)) {
    out.heapPauseMaxMs = Math.max(...pick('heapPauseMaxMs'));
    out.heapGzBytes = median(pick('heapGzBytes'));
  }
  return out;
}

const pct = (a, b) => (a / b - 1) * 100;

function summarizeCpu(trials, configs) {
  return perConfig(trials, configs, {
    cpuOverheadPct: (r, b) => pct(r.cpuMs, b.cpuMs),
    wallOverheadPct: (r, b) => pct(r.wallMs, b.wallMs),
    rssOverMiB: (r, b) => r.rssMiB - b.rssMiB,
    cpuMs: (r) => r.cpuMs,
    // Start-up, loading and warm-up: what a service pays once.
    startOverMs: (r, b) => (r.startCpuMs === undefined ? NaN : r.startCpuMs - b.startCpuMs),
    // Where the extra CPU ran: the main thread, V8's profiler thread, the rest.
    mainOverMs: (r, b) => threadMs(r, 'main') - threadMs(b, 'main'),
    profilerThreadMs: (r) => threadMs(r, PROFILER_THREAD),
    otherThreadsOverMs: (r, b) => otherThreadsMs(r) - otherThreadsMs(b),
  });
}

/** V8's CpuProfiler thread: it sends the ticks and symbolizes them. */
const PROFILER_THREAD = 'v8:ProfEvntProc';

function threadMs(r, name) {
  return r.threadsMs === undefined ? NaN : (r.threadsMs[name] ?? 0);
}

function otherThreadsMs(r) {
  if (r.threadsMs === undefined) return NaN;
  let sum = 0;
  for (const [name, ms] of Object.entries(r.threadsMs)) if (name !== 'main' && name !== PROFILER_THREAD) sum += ms;
  return sum;
}

/** Thread milliseconds over the requests a server served, in µs per request. */
function perRequestUs(r, ms) {
  return r.server?.served > 0 ? (ms * 1000) / r.server.served : NaN;
}

/** µs per request a trial spent over its baseline on the threads `ms` sums from a server's figures. */
const overPerRequestUs = (ms) => (r, b) => perRequestUs(r, ms(r.server)) - perRequestUs(b, ms(b.server));

function summarizeHttp(trials, configs) {
  return perConfig(trials, configs, {
    throughputLossPct: (r, b) => (1 - r.throughput / b.throughput) * 100,
    p50Ratio: (r, b) => r.p50Ms / b.p50Ms,
    p99Ratio: (r, b) => r.p99Ms / b.p99Ms,
    cpuPerRequestPct: (r, b) => pct(r.cpuUsPerRequest, b.cpuUsPerRequest),
    rssOverMiB: (r, b) => r.server.rssMiB - b.server.rssMiB,
    // The same less V8's young generation, which it sizes by allocation rate.
    rssLessNewSpaceOverMiB: (r, b) =>
      r.server.newSpaceMaxMiB == null || b.server.newSpaceMaxMiB == null
        ? NaN
        : r.server.rssMiB - r.server.newSpaceMaxMiB - (b.server.rssMiB - b.server.newSpaceMaxMiB),
    newSpaceMaxMiB: (r) => r.server.newSpaceMaxMiB ?? NaN,
    cpuUsPerRequest: (r) => r.cpuUsPerRequest,
    // Where the extra CPU per request ran, µs: the main thread, V8's profiler thread, the rest.
    mainOverUsPerRequest: overPerRequestUs((s) => threadMs(s, 'main')),
    profilerThreadUsPerRequest: (r) => perRequestUs(r, threadMs(r.server, PROFILER_THREAD)),
    otherThreadsOverUsPerRequest: overPerRequestUs(otherThreadsMs),
    throughput: (r) => r.throughput,
    errors: (r) => r.errors,
    // Open loop: how busy the server's event loop was, and requests it could not take.
    elu: (r) => r.server.elu,
    skipped: (r) => r.skipped ?? 0,
  });
}

function summarizeScaling(trials, configs, points) {
  const out = {};
  for (const [axis, ns] of Object.entries(points)) {
    out[axis] = {};
    for (const n of ns) {
      const here = trials.filter((t) => t.axis === axis && t.n === n);
      out[axis][n] = perConfig(here, configs, {
        overheadPct: (r, b) => pct(r.cpuNsPerUnit, b.cpuNsPerUnit),
        rssOverMiB: (r, b) => r.rssMiB - b.rssMiB,
      });
    }
  }
  return out;
}

/** RSS along the rotations: early, late, peak, and the growth between. */
function summarizeRotations(trials) {
  const out = {};
  for (const t of trials) {
    if (!t.result || t.result.series.length === 0) continue;
    const s = t.result.series;
    const at = (r) => (s.find((p) => p.rotations >= r) ?? s[s.length - 1]);
    const early = at(Math.min(1000, s[s.length - 1].rotations));
    const last = s[s.length - 1];
    const spanK = (last.rotations - early.rotations) / 1000;
    out[t.config] = {
      rotations: last.rotations,
      seconds: last.seconds,
      rssFirstMiB: s[0].rssMiB,
      rssAt1000MiB: early.rssMiB,
      rssLastMiB: last.rssMiB,
      rssPeakMiB: Math.max(...s.map((p) => p.rssMiB)),
      newSpaceFirstMiB: s[0].newSpaceMiB,
      newSpaceLastMiB: last.newSpaceMiB,
      growthPer1000MiB: spanK > 0 ? (last.rssMiB - early.rssMiB) / spanK : null,
      // RSS less V8's young generation: what is retained, whatever size V8 gave new space.
      retainedGrowthPer1000MiB:
        spanK > 0 && last.newSpaceMiB != null
          ? (last.rssMiB - last.newSpaceMiB - (early.rssMiB - early.newSpaceMiB)) / spanK
          : null,
      windows: t.result.windows,
      series: s.map((p) => [p.rotations, Math.round(p.rssMiB * 10) / 10]),
    };
  }
  const base = out.none;
  if (base) {
    for (const c of Object.values(out)) {
      c.rssOverBaselineMiB = c.rssLastMiB - base.rssLastMiB;
      c.growthOverBaselinePer1000MiB = c.growthPer1000MiB == null || base.growthPer1000MiB == null ? null : c.growthPer1000MiB - base.growthPer1000MiB;
      c.retainedGrowthOverBaselinePer1000MiB =
        c.retainedGrowthPer1000MiB == null || base.retainedGrowthPer1000MiB == null
          ? null
          : c.retainedGrowthPer1000MiB - base.retainedGrowthPer1000MiB;
    }
  }
  return out;
}

/** How much the baseline itself moved between rounds: the noise floor. */
function noise(summary) {
  const rel = (s) => (s ? ((s.max - s.min) / s.median) * 100 : null);
  return {
    cpuBaselineRangePct: rel(summary.cpu?.none?.cpuMs),
    httpThroughputRangePct: rel(summary.http?.none?.throughput),
    httpCpuPerRequestRangePct: rel(summary.http?.none?.cpuUsPerRequest),
    asyncThroughputRangePct: rel(summary['async-heavy']?.none?.throughput),
    asyncCpuPerRequestRangePct: rel(summary['async-heavy']?.none?.cpuUsPerRequest),
    httpRateCpuPerRequestRangePct: rel(summary['http-rate']?.none?.cpuUsPerRequest),
    asyncRateCpuPerRequestRangePct: rel(summary['async-rate']?.none?.cpuUsPerRequest),
  };
}

module.exports = { summarizeCpu, summarizeHttp, summarizeScaling, summarizeRotations, noise };
