'use strict';
// The summaries of record: one JSON per Node major, from full runs.
const fs = require('node:fs');
const path = require('node:path');

const resultsDir = path.join(__dirname, '..', 'results');

/** Every summary-node<major>.json present, oldest Node first. */
function loadSummaries(dir = resultsDir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter((f) => /^summary-node\d+\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))
    .sort((a, b) => parseInt(a.meta.node.slice(1), 10) - parseInt(b.meta.node.slice(1), 10));
}

module.exports = { loadSummaries, resultsDir };
