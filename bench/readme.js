#!/usr/bin/env node
'use strict';
// Refreshes the README's benchmark section from bench/results/summary-node*.json,
// or with --partial from the partial-node*.json of runs of some parts:
//
//   node bench/readme.js [--partial]
//
// Everything between the markers is replaced; the markers are added at the
// end of the README when it has none.
const fs = require('node:fs');
const path = require('node:path');
const { renderResults } = require('./lib/report');
const { loadSummaries } = require('./lib/summaries');

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
const readme = path.join(__dirname, '..', 'README.md');

const record = process.argv.includes('--partial') ? 'partial' : 'summary';
const summaries = loadSummaries(undefined, record);
if (summaries.length === 0) {
  console.error(`no bench/results/${record}-node*.json: run \`node bench/run.js\` first`);
  process.exit(1);
}
const section = [
  START,
  '## Overhead benchmarks',
  '',
  'spanprof beside `@datadog/pprof` (time profiler with contexts), `@pyroscope/nodejs` and the `node:inspector` profiler, ' +
    'all at 100 Hz. Method, configurations and commands: [bench/README.md](bench/README.md). ' +
    (record === 'partial'
      ? `These tables come from \`node bench/run.js --only ${summaries[0].meta.parts.join(',')}\` on each Node ` +
        '(`PREBUILDS_ONLY=1 node scripts/with-node.js <major> -- node bench/run.js ...` for the others); ' +
        'the whole suite is `npm ci --prefix bench && node bench/run.js` (about 40 minutes on 2 cores per Node; `--quick` takes about 4).'
      : 'Reproduce with `npm ci --prefix bench && node bench/run.js` (about 40 minutes on 2 cores; `--quick` takes about 4).'),
  '',
  renderResults(summaries).replace(/^### /gm, '#### ').trimEnd(),
  END,
].join('\n');

let text = fs.readFileSync(readme, 'utf8');
const a = text.indexOf(START);
const b = text.indexOf(END);
if (a >= 0 && b > a) {
  text = text.slice(0, a) + section + text.slice(b + END.length);
} else {
  text = `${text.trimEnd()}\n\n${section}\n`;
}
fs.writeFileSync(readme, text);
console.log(`README.md: benchmark section from ${summaries.map((s) => s.meta.node).join(', ')}`);
