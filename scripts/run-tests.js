#!/usr/bin/env node
'use strict';
// Runs every test/**/*.test.js with node:test. Files run one at a time
// (the sampling tests measure rates and CPU time, and the machine may have
// two cores), each file in its own process.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const filter = process.argv.slice(2);

function findTests(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['fixtures', 'support', 'node_modules'].includes(entry.name)) out.push(...findTests(full));
    } else if (entry.name.endsWith('.test.js')) {
      out.push(full);
    }
  }
  return out.sort();
}

let files = findTests(path.join(root, 'test'));
if (filter.length > 0) files = files.filter((f) => filter.some((p) => f.includes(p)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root },
);
process.exit(result.status === null ? 1 : result.status);
