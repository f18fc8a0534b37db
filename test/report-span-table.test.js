'use strict';
// The table of span names by CPU, each with its hottest functions under it.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { formatSpanTable, ReportError } = require('../dist/internal');
const { ENDPOINTS, removeDir, serviceScenario, tempDir, writeProfileDir } = require('./support/profile-fixtures');

function scenarioDir(t) {
  const dir = writeProfileDir(serviceScenario());
  t.after(() => removeDir(dir));
  return { dir };
}

/** Blocks of the table: header line → function rows. */
function blocks(text) {
  const out = new Map();
  for (const block of text.trimEnd().split('\n\n').slice(1)) {
    const [header, ...rows] = block.split('\n');
    out.set(header, rows);
  }
  return out;
}

test('each span name, by CPU, with its own hot function first under it', (t) => {
  const { dir } = scenarioDir(t);
  const text = formatSpanTable(dir, { color: false, width: 120 });
  assert.match(text, /^1\.\d\d s CPU in 174 samples, 7 spans under 3 span names\n/);
  const table = blocks(text);
  const headers = [...table.keys()];
  assert.match(headers[0], /^GET \/checkout {2}3 spans, 1\.\d\d s CPU \(\d+\.\d%\)$/);
  assert.equal(headers.at(-1).split('  ')[0], '(outside any span)');
  for (const ep of ENDPOINTS) {
    const header = headers.find((h) => h.startsWith(`${ep.spanName}  `));
    assert.ok(header, ep.spanName);
    const rows = table.get(header);
    assert.equal(rows.length, 3);
    assert.match(rows[0], new RegExp(`^\\s+\\S+ m?s\\s+\\d+\\.\\d%\\s+${ep.hot.name}\\s+${ep.hot.file.replace(/[/.]/g, '\\$&')}$`));
    for (const other of ENDPOINTS.filter((e) => e !== ep)) {
      assert.ok(!rows.join('\n').includes(other.hot.name), `${other.hot.name} not under ${ep.spanName}`);
    }
    assert.ok(header.includes(`  ${ep.spans} spans, `), header);
  }
  assert.match(table.get(headers.at(-1))[0], /flushMetrics/);
});

test('limits, width, and errors', (t) => {
  const { dir } = scenarioDir(t);
  const short = formatSpanTable(dir, { color: false, limit: 1, functions: 1, width: 60 });
  const table = blocks(short);
  assert.equal(table.size, 3, 'one span name, what is outside spans, and the rest counted');
  assert.match(short, /… 2 more span names\n$/);
  for (const line of short.split('\n')) assert.ok([...line].length <= 60, line);
  assert.match(formatSpanTable(dir, { color: true, width: 100 }), /\u001b\[1mGET \/checkout/);

  const empty = tempDir();
  t.after(() => removeDir(empty));
  assert.throws(() => formatSpanTable(empty), (err) => err instanceof ReportError && err.code === 'empty-directory');
  fs.writeFileSync(path.join(dir, 'bad.cpu.pb.gz'), 'x');
  const warned = [];
  assert.match(formatSpanTable(dir, { onWarning: (w) => warned.push(w) }), /\(1 unreadable profile file skipped\)\n$/);
  assert.equal(warned.length, 1);
});
