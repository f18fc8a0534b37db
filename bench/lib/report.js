'use strict';
// Markdown tables from one or more summaries (one per Node version), side by
// side: each row is a configuration on one Node.
const { LABELS } = require('../profilers');
const { evaluate } = require('./targets');

const nodeOf = (s) => s.meta.node.split('.')[0].slice(1);

function num(x, digits = 1) {
  if (x == null || !Number.isFinite(x)) return '—';
  return x.toFixed(digits);
}

function signed(x, digits = 1) {
  if (x == null || !Number.isFinite(x)) return '—';
  const v = x.toFixed(digits);
  return x > 0 ? `+${v}` : v.replace('-', '−');
}

/** "median (min … max)" of a spread. */
function range(s, f, suffix = '') {
  if (!s) return '—';
  if (s.n === 1) return `${f(s.median)}${suffix}`;
  return `${f(s.median)}${suffix} (${f(s.min)} … ${f(s.max)})`;
}

const kib = (b) => (b == null || !Number.isFinite(b) ? '—' : (b / 1024).toFixed(1));
const ratio = (x) => `${num(x, 2)}×`;
// The longest stretch per window (older summaries: the whole pause), then the whole pause's p50.
const pauses = (w) =>
  w ? `${num(w.stretchP50Ms ?? w.pauseP50Ms, 2)} / ${num(w.stretchMaxMs ?? w.pauseMaxMs, 1)} (all ${num(w.pauseP50Ms, 1)})` : '—';
const cpuPauses = (w) => (w && Number.isFinite(w.pauseCpuP50Ms) ? `${num(w.pauseCpuP50Ms, 2)} / ${num(w.pauseCpuMaxMs, 1)}` : '—');

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Rows of a part for every summary, configuration by configuration. */
function rowsOf(summaries, part, cells) {
  const configs = [...new Set(summaries.flatMap((s) => Object.keys(s[part] ?? {})))];
  const rows = [];
  for (const c of configs) {
    for (const s of summaries) {
      const r = s[part]?.[c];
      if (r) rows.push([LABELS[c] ?? c, nodeOf(s), ...cells(r, c, s)]);
    }
  }
  return rows;
}

/** Medians of the CPU a configuration added, by thread; older summaries have none. */
function byThread(main, profiler, other, digits = 0) {
  const fmt = (x) => (x === undefined || Number.isNaN(x.median) ? '—' : signed(x.median, digits));
  return main === undefined || Number.isNaN(main.median) ? '—' : `${fmt(main)} / ${fmt(profiler)} / ${fmt(other)}`;
}

function cpuSection(summaries) {
  const p = summaries[0].meta.plan.cpu;
  return [
    `### cpu: fixed work through a five-level call tree (${p.batches} batches of spans), windows every ${p.window / 1000} s`,
    '',
    'Process CPU time (all threads) and wall time of the same fixed work, against the baseline of the same round. ' +
      `The warm-up before it closes ${perNode(summaries, 'cpu', (q) => `${q.warmupWindows + (q.warmupSpans ? 4 : 0)} windows`)}` +
      (p.warmupSpans ? `, four of them over ${p.warmupSpans} short spans, so that V8 has optimized the span path` : '') +
      '; "start-up and warm-up" is the process CPU before the measured work, over the baseline\'s: what a service pays once.' +
      (p.warmupSpans ? ' Peak RSS is the whole process\'s, so it includes the short spans of the warm-up (over 10,000 a second).' : ''),
    '',
    table(
      ['configuration', 'Node', 'CPU overhead %', 'wall overhead %', 'CPU Δ ms: main / V8 profiler thread / other threads', 'start-up and warm-up CPU Δ ms', 'peak RSS Δ MiB', 'pause p50 / max ms (all stretches p50)', 'all stretches in CPU p50 / max ms', 'gz KiB / window'],
      rowsOf(summaries, 'cpu', (r, c) =>
        c === 'none'
          ? ['baseline', 'baseline', '—', '—', '0', '—', '—', '—']
          : [range(r.cpuOverheadPct, signed), range(r.wallOverheadPct, signed), byThread(r.mainOverMs, r.profilerThreadMs, r.otherThreadsOverMs), range(r.startOverMs, (x) => signed(x, 0)), range(r.rssOverMiB, signed), pauses(r.windows), cpuPauses(r.windows), kib(r.windows?.gzBytes)],
      ),
    ),
  ].join('\n');
}

/**
 * A plan setting as the text says it: one value when every Node's run used
 * the same, else each Node's (parts of the table can come from runs of
 * different days).
 */
function perNode(summaries, part, value) {
  const texts = summaries.map((s) => String(value(s.meta.plan[part])));
  if (new Set(texts).size === 1) return texts[0];
  return summaries.map((s, i) => `${texts[i]} on Node ${nodeOf(s)}`).join(', ');
}

/** Fixed-rate parts: CPU per request at a load that keeps the server busy, not saturated. */
function rateSection(summaries, part, what) {
  const p = summaries[0].meta.plan[part];
  const rates = summaries.map((s) => `${s.meta.plan[part].rate} req/s on Node ${nodeOf(s)}`).join(', ');
  return [
    `### ${part}: ${what}, at a fixed rate`,
    '',
    `Open loop: requests leave a separate client process on a fixed schedule (${rates}: ${p.load * 100}% of what the baseline ` +
      `served saturated at the start of the same run), up to ${p.concurrency} in flight; ${p.rounds} rounds of ${p.duration} s ` +
      `measured after ${perNode(summaries, part, (q) => `${q.warmup} s`)} of warm-up, windows every ${p.window / 1000} s. CPU per request is the server process's CPU ` +
      'time (all threads) over the requests it served, and the CPU a configuration added per request is split by thread: the main ' +
      "thread, V8's profiler thread, the rest (V8's GC and compiler workers, libuv's pool). ELU is the share of the interval its " +
      'event loop was busy. Latency runs from when a request was due.',
    '',
    table(
      ['configuration', 'Node', 'CPU / request %', 'CPU Δ µs / request: main / V8 profiler thread / other threads', 'ELU', 'p50 latency', 'p99 latency', 'peak RSS Δ MiB', 'peak RSS less new space Δ MiB', 'V8 new space max MiB', 'pause p50 / max ms (all stretches p50)', 'skipped'],
      rowsOf(summaries, part, (r, c) =>
        c === 'none'
          ? [
              `baseline: ${range(r.cpuUsPerRequest, (x) => num(x, 0))} µs`,
              '—',
              range(r.elu, (x) => num(x, 2)),
              '1×',
              '1×',
              '0',
              '0',
              range(r.newSpaceMaxMiB, (x) => num(x, 0)),
              '—',
              num(r.skipped?.max, 0),
            ]
          : [
              range(r.cpuPerRequestPct, signed),
              byThread(r.mainOverUsPerRequest, r.profilerThreadUsPerRequest, r.otherThreadsOverUsPerRequest, 1),
              range(r.elu, (x) => num(x, 2)),
              range(r.p50Ratio, ratio),
              range(r.p99Ratio, ratio),
              range(r.rssOverMiB, signed),
              range(r.rssLessNewSpaceOverMiB, signed),
              range(r.newSpaceMaxMiB, (x) => num(x, 0)),
              pauses(r.windows),
              num(r.skipped?.max, 0),
            ],
      ),
    ),
  ].join('\n');
}

function httpSection(summaries, part, what) {
  const p = summaries[0].meta.plan[part];
  return [
    `### ${part}: ${what}`,
    '',
    `Concurrency ${p.concurrency} from a separate client process, ${p.duration} s measured after ${p.warmup} s of warm-up, windows every ${p.window / 1000} s. ` +
      'CPU per request is the server process\'s CPU time (all threads) over the requests it served.',
    '',
    table(
      ['configuration', 'Node', 'throughput loss %', 'p50 latency', 'p99 latency', 'CPU / request %', 'peak RSS Δ MiB', 'pause p50 / max ms (all stretches p50)', 'all stretches in CPU p50 / max ms', 'gz KiB / window', 'encoded after ms'],
      rowsOf(summaries, part, (r, c) =>
        c === 'none'
          ? ['baseline', '1×', '1×', 'baseline', '0', '—', '—', '—', '—']
          : [
              range(r.throughputLossPct, signed),
              range(r.p50Ratio, ratio),
              range(r.p99Ratio, ratio),
              range(r.cpuPerRequestPct, signed),
              range(r.rssOverMiB, signed),
              pauses(r.windows),
              cpuPauses(r.windows),
              kib(r.windows?.gzBytes),
              num(r.windows?.encodeMs, 0),
            ],
      ),
    ),
  ].join('\n');
}

function targetsSection(summaries) {
  const evaluated = summaries.map((s) => evaluate(s));
  const rows = evaluated[0].map((row, i) => [
    row.name + (row.note ? ` (${row.note})` : ''),
    ...evaluated.map((e) => {
      const r = e[i];
      const v = r.value == null ? '' : `${num(r.value, 2)}${r.unit ?? ''}: `;
      return `${v}${r.verdict}`;
    }),
  ]);
  return ['### Targets (spanprof with span labels)', '', table(['target', ...summaries.map((s) => `Node ${nodeOf(s)}`)], rows)].join('\n');
}

function scalingSection(summaries) {
  const sc = summaries[0].meta.plan.scaling;
  const out = [
    '### Scaling',
    '',
    `Each point: CPU per unit of work against the baseline at the same point and round, ${sc.duration} s measured, windows every ${sc.window / 1000} s. ` +
      '`spans`: that many spans live at once, each looping over ~7 µs units; `depth`: each unit recurses that deep; ' +
      '`functions`: that many distinct compiled functions, 200 called per unit.',
  ];
  const axes = [...new Set(summaries.flatMap((s) => Object.keys(s.scaling ?? {})))];
  for (const axis of axes) {
    const rows = [];
    const ns = [...new Set(summaries.flatMap((s) => Object.keys(s.scaling?.[axis] ?? {})))].sort((a, b) => a - b);
    for (const n of ns) {
      for (const c of sc.configs.filter((x) => x !== 'none')) {
        for (const s of summaries) {
          const r = s.scaling?.[axis]?.[n]?.[c];
          if (!r) continue;
          rows.push([Number(n).toLocaleString('en-US'), LABELS[c], nodeOf(s), range(r.overheadPct, signed), pauses(r.windows), cpuPauses(r.windows), kib(r.windows?.gzBytes), range(r.rssOverMiB, signed)]);
        }
      }
    }
    out.push('', `#### ${axis}`, '', table([axis, 'configuration', 'Node', 'CPU overhead %', 'pause p50 / max ms (all stretches p50)', 'all stretches in CPU p50 / max ms', 'gz KiB / window', 'peak RSS Δ MiB'], rows));
  }
  return out.join('\n');
}

function rotationsSection(summaries) {
  const p = summaries[0].meta.plan.rotations;
  return [
    `### RSS over ${p.rotations.toLocaleString('en-US')} window rotations (${p.window} ms windows)`,
    '',
    'Light load of spans doing CPU work, a new function compiled every 500 units. The baseline runs as long as ' +
      `${p.rotations} windows of ${p.window} ms would take and samples RSS on the same clock. V8 sizes the young generation (new space) by the allocation rate, up to a fixed cap, so growth that stops at that cap is not a leak.`,
    '',
    table(
      ['configuration', 'Node', 'rotations', 'seconds', 'RSS at 100 MiB', 'at 1000', 'at end', 'growth / 1000 rotations MiB', 'growth over baseline / 1000', 'less new space: growth over baseline / 1000', 'end vs baseline MiB', 'V8 new space start → end MiB', 'pause p50 / max ms (all stretches p50)'],
      rowsOf(summaries, 'rotations', (r, c) => [
        String(r.rotations),
        num(r.seconds, 0),
        num(r.rssFirstMiB),
        num(r.rssAt1000MiB),
        num(r.rssLastMiB),
        signed(r.growthPer1000MiB, 2),
        c === 'none' ? 'baseline' : signed(r.growthOverBaselinePer1000MiB, 2),
        c === 'none' ? 'baseline' : signed(r.retainedGrowthOverBaselinePer1000MiB, 2),
        c === 'none' ? 'baseline' : signed(r.rssOverBaselineMiB),
        r.newSpaceLastMiB == null ? '—' : `${num(r.newSpaceFirstMiB, 0)} → ${num(r.newSpaceLastMiB, 0)}`,
        c === 'none' ? '—' : pauses(r.windows),
      ]),
    ),
  ].join('\n');
}

function contextSection(summaries) {
  const rows = [];
  for (const s of summaries) {
    const c = s.context;
    if (!c) continue;
    for (const [mech, r] of Object.entries(c.configs)) {
      rows.push([nodeOf(s), mech === 'off' ? 'no tracking' : mech, num(r.nsPerAwait, 0), mech === 'off' ? 'baseline' : `+${num(r.addedNs, 0)}`, ratio(r.ratio), r.runs.map((v) => v.toFixed(0)).join(' ')]);
    }
  }
  return [
    '### Context tracking per await (bench/context-tracking.js)',
    '',
    'CPU time per `await` inside a span, concurrent requests each doing thousands of awaits, with spanprof\'s tracker off or on ' +
      '(async_hooks, or V8 promise hooks where AsyncLocalStorage runs on AsyncContextFrame). Median of runs, each the median of its rounds.',
    '',
    table(['Node', 'tracker', 'CPU ns / await', 'added ns', 'ratio', 'runs'], rows),
  ].join('\n');
}

function noiseSection(summaries) {
  const pctRange = (x) => (x == null ? '—' : `${num(x, 1)}%`);
  return [
    '### Noise',
    '',
    'How far the baseline itself moved between rounds ((max − min) / median), and the load average around the run: ' +
      'the machine is shared, so differences smaller than these ranges are not resolved.',
    '',
    table(
      ['Node', 'mode', 'minutes', 'http-rate: CPU / request', 'async-rate: CPU / request', 'cpu: baseline CPU', 'http: throughput', 'http: CPU / request', 'async-heavy: throughput', 'async-heavy: CPU / request', 'load average start → end'],
      summaries.map((s) => [
        nodeOf(s),
        s.meta.mode,
        num(s.meta.seconds / 60, 1),
        pctRange(s.noise.httpRateCpuPerRequestRangePct),
        pctRange(s.noise.asyncRateCpuPerRequestRangePct),
        pctRange(s.noise.cpuBaselineRangePct),
        pctRange(s.noise.httpThroughputRangePct),
        pctRange(s.noise.httpCpuPerRequestRangePct),
        pctRange(s.noise.asyncThroughputRangePct),
        pctRange(s.noise.asyncCpuPerRequestRangePct),
        `${num(s.meta.loadAverageAtStart[0])} → ${num(s.meta.loadAverageAtEnd[0])}`,
      ]),
    ),
  ].join('\n');
}

function renderResults(summaries) {
  if (summaries.length === 0) return 'No benchmark results yet: run `node bench/run.js`.\n';
  const m = summaries[0].meta;
  const parts = [
    `Measured on ${m.cpus} × ${m.cpuModel}, Node ${summaries.map((s) => s.meta.node).join(' and ')}, ` +
      `${summaries.map((s) => s.meta.startedAt.slice(0, 10)).filter((d, i, a) => a.indexOf(d) === i).join(', ')}. ` +
      'Each figure is the median over rounds, with the range in brackets; every ratio is against the baseline (no profiler) of the same round. ' +
      'Pause = the longest stretch the main thread is held for one window, wall time; "all stretches" = their sum, as wall and as CPU time ' +
      '(spanprof: what its own `stats().profiler.pause` covers: collect, label capture and hand-off, plus every later stretch the ' +
      'encoder spends on the profiled thread for that window, with turns of the event loop between stretches; peers: their ' +
      'stop/collect call and whatever serialisation they do synchronously, one stretch). The first window of each process, closed during warm-up, is left out. ' +
      '"Encoded after" = wall time from the window\'s end to its gzip bytes being ready.',
    targetsSection(summaries),
  ];
  if (summaries.some((s) => s.cpu)) parts.push(cpuSection(summaries));
  if (summaries.some((s) => s['http-rate'])) parts.push(rateSection(summaries, 'http-rate', 'node:http, one span per request'));
  if (summaries.some((s) => s['async-rate'])) parts.push(rateSection(summaries, 'async-rate', 'one span per request, 600 awaits, 10 timers and 10 immediates'));
  if (summaries.some((s) => s.http)) parts.push(httpSection(summaries, 'http', 'node:http, one span per request, ~0.5 ms of CPU over four slices'));
  if (summaries.some((s) => s['async-heavy'])) parts.push(httpSection(summaries, 'async-heavy', 'one span per request, 600 awaits, 10 timers and 10 immediates, ~0.5 ms of CPU'));
  if (summaries.some((s) => s.scaling)) parts.push(scalingSection(summaries));
  if (summaries.some((s) => s.rotations)) parts.push(rotationsSection(summaries));
  if (summaries.some((s) => s.context)) parts.push(contextSection(summaries));
  parts.push(noiseSection(summaries));
  const failures = summaries.flatMap((s) => s.failures.map((f) => `Node ${nodeOf(s)}: ${f.config} round ${f.round}: ${f.error}`));
  if (failures.length) parts.push(['### Failed trials', '', ...failures.map((f) => `- ${f}`)].join('\n'));
  return `${parts.join('\n\n')}\n`;
}

module.exports = { renderResults };
