'use strict';
// The summaries: one JSON per Node major, from full runs (`summary`) or from
// runs of some parts (`partial`).
const fs = require('node:fs');
const path = require('node:path');

const resultsDir = path.join(__dirname, '..', 'results');

/** Every <record>-node<major>.json present, oldest Node first. */
function loadSummaries(dir = resultsDir, record = 'summary') {
  if (!fs.existsSync(dir)) return [];
  const name = new RegExp(`^${record}-node\\d+\\.json$`);
  return fs.readdirSync(dir)
    .filter((f) => name.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))
    .sort((a, b) => parseInt(a.meta.node.slice(1), 10) - parseInt(b.meta.node.slice(1), 10));
}

module.exports = { loadSummaries, resultsDir };
