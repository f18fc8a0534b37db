#!/usr/bin/env node
'use strict';
// The overhead benchmark suite: spanprof beside the other Node profilers.
//
//   node bench/run.js [--quick] [--only cpu,http,async-heavy,http-rate,async-rate,scaling,rotations,context]
//                     [--rate http-rate=800,async-rate=600] [--warmup http-rate=1.5]
//   node scripts/with-node.js 24 -- node bench/run.js      (the same on Node 24)
//
// Installs nothing: run `npm ci` at the root and in bench/ and build the
// package first. Every configuration runs in fresh processes, round after
// round, in an order that rotates each round (A B C, B C A, ...), and every
// ratio is taken against the same round's baseline. Writes
//   bench/results/raw-node<major>-<mode>-<time>.json  every trial (git-ignored)
//   bench/results/summary-node<major>.json            the figures (full mode)
//   bench/results/RESULTS.md                          tables of all summaries
// A quick run writes quick-node<major>.json and quick.md instead, and a run
// of some parts (--only) partial-node<major>.json and partial.md, so neither
// replaces the suite of record.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ensureAddon } = require('./lib/addon');
const { startIngestSink } = require('./lib/ingest-sink');
const { FULL, QUICK } = require('./lib/plan');
const { cpuTrial, httpTrial, scalingTrial, rotationsTrial } = require('./lib/trials');
const { runJson } = require('./lib/child');
const S = require('./lib/summarize');
const { renderResults } = require('./lib/report');
const { loadSummaries } = require('./lib/summaries');

const argv = process.argv.slice(2);
const plan = argv.includes('--quick') ? QUICK : FULL;
const onlyAt = argv.indexOf('--only');
const PARTS = ['cpu', 'http', 'async-heavy', 'http-rate', 'async-rate', 'scaling', 'rotations', 'context'];
const only = onlyAt >= 0 ? argv[onlyAt + 1].split(',') : PARTS;
for (const p of only) if (!PARTS.includes(p)) throw new Error(`unknown part ${p}; parts: ${PARTS.join(', ')}`);
// Open-loop parts and the server workload each runs.
const RATE_PARTS = { 'http-rate': 'http', 'async-rate': 'async-heavy' };
/** `--flag part=number,...` for the given parts, as { part: number }. */
function partValues(flag, parts, what) {
  const at = argv.indexOf(flag);
  return Object.fromEntries(
    (at >= 0 ? argv[at + 1].split(',') : []).map((kv) => {
      const [part, value] = kv.split('=');
      if (!parts.includes(part) || !(Number(value) > 0)) {
        throw new Error(`${flag} takes part=${what} for ${parts.join(', ')}; got ${kv}`);
      }
      return [part, Number(value)];
    }),
  );
}
const rates = partValues('--rate', Object.keys(RATE_PARTS), 'requests per second');
// Seconds of warm-up before the measured interval, instead of the plan's.
const warmups = partValues('--warmup', ['http', 'async-heavy', ...Object.keys(RATE_PARTS)], 'seconds');
for (const [part, seconds] of Object.entries(warmups)) plan[part].warmup = seconds;

const resultsDir = path.join(__dirname, 'results');
const repoRoot = path.resolve(__dirname, '..');
const started = Date.now();
const log = (msg) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

/** `configs` rotated by `round`: each configuration takes each position in turn. */
function rotated(configs, round) {
  const k = round % configs.length;
  return [...configs.slice(k), ...configs.slice(0, k)];
}

async function rounds(name, p, trial, extra = {}) {
  const out = [];
  for (let round = 0; round < p.rounds; round++) {
    for (const config of rotated(p.configs, round)) {
      const entry = { round, config, ...extra };
      try {
        entry.result = await trial(config);
      } catch (err) {
        // Paths relative to the repository: results are committed.
        entry.error = String(err.message || err).split(repoRoot).join('.').slice(0, 2000);
        log(`${name} ${config} round ${round} failed: ${entry.error.split('\n')[0]}`);
      }
      out.push(entry);
    }
    log(`${name}${extra.axis ? ` ${extra.axis}=${extra.n}` : ''}: round ${round + 1}/${p.rounds} done`);
  }
  return out;
}

/**
 * The fixed rate of an open-loop part: `p.load` times what the baseline
 * serves saturated (closed loop), measured now, on this machine.
 */
async function calibratedRate(part, kind, p, ingest) {
  const closed = await httpTrial(kind, 'none', { ...p, rate: undefined, concurrency: 32, duration: 3 }, ingest);
  const rate = Math.round(closed.throughput * p.load);
  log(`${part}: the baseline serves ${closed.throughput.toFixed(0)} req/s saturated; fixed rate ${rate} req/s (${p.load * 100}%)`);
  return rate;
}

async function main() {
  const addon = ensureAddon();
  const major = process.versions.node.split('.')[0];
  const meta = {
    mode: plan.mode,
    parts: only,
    node: process.version,
    v8: process.versions.v8,
    addon,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadAverageAtStart: os.loadavg(),
    startedAt: new Date(started).toISOString(),
    plan,
  };
  log(`Node ${process.version}, ${plan.mode} mode, spanprof binary: ${addon}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const sink = await startIngestSink();
  const raw = { meta };
  try {
    if (only.includes('cpu')) raw.cpu = await rounds('cpu', plan.cpu, (c) => cpuTrial(c, plan.cpu, sink.url));
    for (const kind of ['http', 'async-heavy']) {
      if (only.includes(kind)) raw[kind] = await rounds(kind, plan[kind], (c) => httpTrial(kind, c, plan[kind], sink.url));
    }
    for (const [part, kind] of Object.entries(RATE_PARTS)) {
      if (!only.includes(part)) continue;
      const p = plan[part];
      // Kept in the plan, so the report and the summary say what rate ran.
      p.rate = rates[part] ?? (await calibratedRate(part, kind, p, sink.url));
      raw[part] = await rounds(part, p, (c) => httpTrial(kind, c, p, sink.url));
    }
    if (only.includes('scaling')) {
      raw.scaling = [];
      for (const [axis, ns] of Object.entries(plan.scaling.points)) {
        for (const n of ns) {
          raw.scaling.push(...(await rounds('scaling', plan.scaling, (c) => scalingTrial(axis, n, c, plan.scaling, sink.url), { axis, n })));
        }
      }
    }
    if (only.includes('rotations')) {
      raw.rotations = await rounds('rotations', { ...plan.rotations, rounds: 1 }, (c) => rotationsTrial(c, plan.rotations, sink.url));
    }
    if (only.includes('context')) {
      // Its own A B A B loop over fresh processes; its last line is its summary.
      raw.context = await runJson(path.join(__dirname, 'context-tracking.js'), ['--runs', String(plan.context.runs)], { timeoutMs: 600_000 });
      log('context tracking: done');
    }
  } finally {
    await sink.close();
  }
  meta.seconds = (Date.now() - started) / 1000;
  meta.loadAverageAtEnd = os.loadavg();
  meta.pyroscopeUploads = sink.stats();

  const summary = { meta };
  if (raw.cpu) summary.cpu = S.summarizeCpu(raw.cpu, plan.cpu.configs);
  for (const part of ['http', 'async-heavy', ...Object.keys(RATE_PARTS)]) {
    if (raw[part]) summary[part] = S.summarizeHttp(raw[part], plan[part].configs);
  }
  if (raw.scaling) summary.scaling = S.summarizeScaling(raw.scaling, plan.scaling.configs, plan.scaling.points);
  if (raw.rotations) summary.rotations = S.summarizeRotations(raw.rotations);
  if (raw.context) summary.context = raw.context;
  // Only a full run of every part is of record; the others keep their own files.
  const record = plan.mode === 'quick' ? 'quick' : only.length < PARTS.length ? 'partial' : 'summary';
  const summaryFile = path.join(resultsDir, `${record}-node${major}.json`);
  // A run of some parts replaces those parts only: the others stay, with when they were measured.
  if (record === 'partial' && fs.existsSync(summaryFile)) carryParts(JSON.parse(fs.readFileSync(summaryFile, 'utf8')), summary);
  summary.noise = S.noise(summary);
  summary.failures = Object.values(raw).flatMap((v) => (Array.isArray(v) ? v.filter((t) => t.error) : []))
    .map((t) => ({ config: t.config, round: t.round, error: t.error.split('\n')[0] }));

  fs.mkdirSync(resultsDir, { recursive: true });
  const stamp = meta.startedAt.replace(/[:.]/g, '-');
  const rawFile = path.join(resultsDir, `raw-node${major}-${plan.mode}-${stamp}.json`);
  fs.writeFileSync(rawFile, JSON.stringify(raw, null, 1));
  fs.writeFileSync(summaryFile, `${JSON.stringify(summary, null, 1)}\n`);
  const md = renderResults(record === 'summary' ? loadSummaries(resultsDir) : [summary]);
  const mdFile = path.join(resultsDir, record === 'summary' ? 'RESULTS.md' : `${record}.md`);
  fs.writeFileSync(mdFile, md);
  log(`wrote ${path.relative(process.cwd(), rawFile)}, ${path.relative(process.cwd(), summaryFile)}, ${path.relative(process.cwd(), mdFile)}`);
  process.stdout.write(md);
  if (summary.failures.length > 0) {
    log(`${summary.failures.length} trial(s) failed; see the raw JSON`);
    process.exitCode = 1;
  }
}

/**
 * Copies into `summary` the parts of `before` it lacks, each with the plan
 * it ran with (a rate part's rate is calibrated per run); meta.carried
 * names when each was measured.
 */
function carryParts(before, summary) {
  for (const part of PARTS) {
    if (summary[part] !== undefined || before[part] === undefined) continue;
    summary[part] = before[part];
    summary.meta.plan = { ...summary.meta.plan, [part]: before.meta.plan?.[part] ?? summary.meta.plan[part] };
    summary.meta.carried = { ...summary.meta.carried, [part]: before.meta.carried?.[part] ?? before.meta.startedAt };
  }
}

main().catch((err) => {
  console.error(err.stack || err);
  process.exit(1);
});
