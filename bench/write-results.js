#!/usr/bin/env node
'use strict';
// Writes bench/results/RESULTS.md, the full benchmark tables, from
// bench/results/summary-node*.json, or with --partial from the
// partial-node*.json of runs of some parts:
//
//   node bench/write-results.js [--partial]
//
// The README keeps the targets and a summary, and links here.
const fs = require('node:fs');
const path = require('node:path');
const { renderResults } = require('./lib/report');
const { loadSummaries } = require('./lib/summaries');

const out = path.join(__dirname, 'results', 'RESULTS.md');

const record = process.argv.includes('--partial') ? 'partial' : 'summary';
const summaries = loadSummaries(undefined, record);
if (summaries.length === 0) {
  console.error(`no bench/results/${record}-node*.json: run \`node bench/run.js\` first`);
  process.exit(1);
}
/** Every part a summary holds: those of its own run and those carried from earlier runs of the same Node. */
function partsMeasured(list) {
  const parts = new Set();
  for (const s of list) for (const part of [...s.meta.parts, ...Object.keys(s.meta.carried ?? {})]) parts.add(part);
  return [...parts];
}

const section = [
  '# Overhead benchmarks: results',
  '',
  'spanprof beside `@datadog/pprof` (time profiler with contexts), `@pyroscope/nodejs` and the `node:inspector` profiler, ' +
    'all at 100 Hz. Method, configurations and commands: [bench/README.md](../README.md). ' +
    (record === 'partial'
      ? `These tables come from runs of some parts (${partsMeasured(summaries).join(', ')}): \`node bench/run.js --only <parts>\` ` +
        'on each Node (`PREBUILDS_ONLY=1 node scripts/with-node.js <major> -- node bench/run.js ...` for the others); ' +
        'the whole suite is `npm ci --prefix bench && node bench/run.js` (about 40 minutes on 2 cores per Node; `--quick` takes about 4).'
      : 'Reproduce with `npm ci --prefix bench && node bench/run.js` (about 40 minutes on 2 cores; `--quick` takes about 4).'),
  '',
  renderResults(summaries).replace(/^### /gm, '## ').trimEnd(),
  '',
].join('\n');

fs.writeFileSync(out, section);
console.log(`bench/results/RESULTS.md: from ${summaries.map((s) => s.meta.node).join(', ')}`);

// The README keeps the targets table and links to the rest.
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
const readme = path.join(__dirname, '..', 'README.md');
const targets = section.match(/^## Targets[^\n]*\n[\s\S]*?(?=^## )/m);
const block = [
  START,
  '### Targets',
  '',
  (targets ? targets[0].replace(/^## [^\n]*\n/, '') : 'No targets table in the results.\n').trim(),
  '',
  `Every table (CPU, pauses, memory, rotations, peers), with how each was measured: [bench/results/RESULTS.md](bench/results/RESULTS.md), from ${summaries.map((s) => s.meta.node).join(', ')}.`,
  END,
].join('\n');
let text = fs.readFileSync(readme, 'utf8');
const a = text.indexOf(START);
const b = text.indexOf(END);
text = a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + END.length) : `${text.trimEnd()}\n\n${block}\n`;
fs.writeFileSync(readme, text);
console.log('README.md: targets table and link');
