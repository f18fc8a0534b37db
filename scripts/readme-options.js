#!/usr/bin/env node
'use strict';
// Refreshes the README's configuration table from the options table in
// src/config (build first): the README and the code cannot disagree.
const fs = require('node:fs');
const path = require('node:path');
const { optionsTableMarkdown } = require('../dist/config');

const readme = path.join(__dirname, '..', 'README.md');
const text = fs.readFileSync(readme, 'utf8');
const start = '<!-- options:start -->';
const end = '<!-- options:end -->';
const a = text.indexOf(start);
const b = text.indexOf(end);
if (a < 0 || b < a) throw new Error(`README.md lacks the ${start} ... ${end} markers`);
const next = `${text.slice(0, a + start.length)}\n${optionsTableMarkdown()}\n${text.slice(b)}`;
if (process.argv.includes('--check')) {
  if (next !== text) {
    console.error('README.md configuration table is out of date: run node scripts/readme-options.js');
    process.exit(1);
  }
} else {
  fs.writeFileSync(readme, next);
}
