'use strict';
// The terminal table of the hottest functions.
const test = require('node:test');
const assert = require('node:assert/strict');
const {
  formatTop,
  readProfiles,
  resolveSelection,
  topFunctions,
  ReportError,
} = require('../dist/internal');
const { fn, removeDir, serviceScenario, writeProfileDir } = require('./support/profile-fixtures');

const PLAIN = { color: false, width: 160 };

function scenarioDir(t, options) {
  const scenario = serviceScenario(options);
  const dir = writeProfileDir(scenario);
  t.after(() => removeDir(dir));
  return { scenario, dir };
}

/** Table rows as {self, selfPct, total, totalPct, name, location}; header and footer dropped. */
function parseRows(text) {
  const lines = text.trimEnd().split('\n');
  const header = lines.findIndex((l) => /^\s*SELF\s+SELF%\s+TOTAL\s+TOTAL%\s+FUNCTION/.test(l));
  assert.ok(header > 0, `header line in:\n${text}`);
  return lines
    .slice(header + 1)
    .filter((l) => !l.startsWith('…') && !l.startsWith('('))
    .map((l) => {
      const m = /^\s*(\S+ m?s)\s+(\S+%)\s+(\S+ m?s)\s+(\S+%)\s{2}(.*?)(?:\s{2,}(\S.*))?$/.exec(l);
      assert.ok(m, `row format: ${JSON.stringify(l)}`);
      return { self: m[1], selfPct: m[2], total: m[3], totalPct: m[4], name: m[5].trim(), location: m[6] ?? '' };
    });
}

test('whole service: the hottest function first, with its file, and self CPU adds up to the total', (t) => {
  const { scenario, dir } = scenarioDir(t);
  const text = formatTop(dir, { ...PLAIN, limit: Infinity });
  const rows = parseRows(text);
  assert.equal(rows[0].name, 'computeCartTotals');
  assert.equal(rows[0].location, '/srv/shop/src/cart/totals.js');
  const handler = rows.find((r) => r.name === 'checkoutHandler');
  assert.equal(handler.location, '/srv/shop/src/routes/checkout.js:30');
  assert.equal(rows.find((r) => r.name === 'emit').location, 'node:events:519');

  const total = scenario.spans.reduce((a, s) => a + s.cpuNs, 0) + scenario.unlabelled.cpuNs;
  assert.match(text.split('\n')[0], /^CPU by function, whole service: 1\.\d\d s CPU in 174 samples, 7 spans$/);

  // The numbers themselves, exactly.
  const set = readProfiles(dir);
  const table = topFunctions(set, { kind: 'all' });
  assert.equal(table.totals.cpuNs, total);
  const selfSum = table.rows.reduce((a, r) => a + r.selfCpuNs, 0);
  assert.equal(selfSum, total, 'every sample has exactly one leaf');
  assert.equal(table.rows.reduce((a, r) => a + r.selfSamples, 0), table.totals.samples);
  // The root frame of every request is on every request's stack.
  const ticks = table.rows.find((r) => r.name === 'processTicksAndRejections');
  const requestCpu = scenario.spans.reduce((a, s) => a + s.cpuNs, 0);
  assert.ok(ticks.totalCpuNs < requestCpu && ticks.totalCpuNs > 0.8 * requestCpu);
  for (const r of table.rows) assert.ok(r.totalCpuNs >= r.selfCpuNs && r.totalCpuNs <= total);

  // The printed percentages add up too, within rounding.
  const pctSum = rows.reduce((a, r) => a + Number.parseFloat(r.selfPct), 0);
  assert.ok(Math.abs(pctSum - 100) < 0.05 * rows.length, `self % sums to ${pctSum}`);
});

test('--name keeps one endpoint: its hot function, and no other endpoint\'s', (t) => {
  const { scenario, dir } = scenarioDir(t);
  const text = formatTop(dir, { ...PLAIN, name: 'GET /search', limit: Infinity });
  const rows = parseRows(text);
  const names = rows.map((r) => r.name);
  assert.equal(names[0], 'rankResults');
  assert.ok(names.includes('searchHandler'));
  for (const other of ['computeCartTotals', 'hashPassword', 'flushMetrics']) assert.ok(!names.includes(other), other);
  assert.match(text, /^CPU by function, span name "GET \/search": .* in 30 samples, 2 spans$/m);

  const set = readProfiles(dir);
  const table = topFunctions(set, resolveSelection(set, { name: 'GET /search' }));
  const expected = scenario.spans.filter((s) => s.spanName === 'GET /search').reduce((a, s) => a + s.cpuNs, 0);
  assert.equal(table.totals.cpuNs, expected);
  assert.equal(table.rows.reduce((a, r) => a + r.selfCpuNs, 0), expected);
});

test('--span keeps one span, whatever the case of its id', (t) => {
  const { scenario, dir } = scenarioDir(t);
  const span = scenario.spans.find((s) => s.spanName === 'POST /login');
  const text = formatTop(dir, { ...PLAIN, span: span.spanId.toUpperCase() });
  const rows = parseRows(text);
  assert.equal(rows[0].name, 'hashPassword');
  assert.ok(!rows.some((r) => r.name === 'rankResults' || r.name === 'computeCartTotals'));
  assert.match(text, new RegExp(`^CPU by function, span ${span.spanId}: .* in ${span.samples} samples, 1 span$`, 'm'));

  const set = readProfiles(dir);
  const table = topFunctions(set, resolveSelection(set, { span: span.spanId }));
  assert.equal(table.totals.cpuNs, span.cpuNs);
  assert.equal(table.rows.reduce((a, r) => a + r.selfCpuNs, 0), span.cpuNs);
});

test('recursion counts a function once per sample in its total', (t) => {
  const recurse = fn('walk', '/srv/shop/src/tree.js', 12);
  const { dir } = scenarioDir(t, {
    extraSpans: [{
      spanName: 'GET /tree',
      spanId: 'aaaaaaaaaaaaaaaa',
      stacks: [{ stack: [fn('main', '/srv/shop/src/main.js', 2), recurse, recurse, recurse, fn('visit', '/srv/shop/src/tree.js')], count: 5 }],
    }],
  });
  const set = readProfiles(dir);
  const table = topFunctions(set, { kind: 'span', spanId: 'aaaaaaaaaaaaaaaa' });
  const walk = table.rows.find((r) => r.name === 'walk');
  assert.equal(walk.totalSamples, 5);
  assert.equal(walk.totalCpuNs, table.totals.cpuNs);
});

test('limit, width and colour', (t) => {
  const { dir } = scenarioDir(t);
  const limited = formatTop(dir, { ...PLAIN, limit: 3 });
  assert.equal(parseRows(limited).length, 3);
  assert.match(limited, /^… 13 more functions \(16 in all\)$/m);

  for (const width of [60, 80, 100]) {
    const narrow = formatTop(dir, { color: false, width });
    for (const line of narrow.trimEnd().split('\n').slice(1)) {
      assert.ok([...line].length <= width, `${JSON.stringify(line)} fits in ${width}`);
    }
    // The end of a location (file name and line) survives the cut.
    if (width >= 80) assert.match(narrow, /checkout\.js:30$/m);
  }

  assert.ok(!formatTop(dir, PLAIN).includes('\u001b'), 'no escape codes without colour');
  const coloured = formatTop(dir, { color: true, width: 160 });
  assert.match(coloured, /\u001b\[1m\s*SELF/);
  assert.match(coloured, /\u001b\[2m\/srv\/shop\/src\/cart\/totals\.js\u001b\[0m/);
  // Not a terminal (as under the test runner): no colour by default.
  assert.ok(!formatTop(dir, { width: 160 }).includes('\u001b'));
});

test('control characters in names cannot reach the terminal', (t) => {
  const { dir } = scenarioDir(t, {
    extraSpans: [{
      spanName: 'GET /evil',
      spanId: 'bbbbbbbbbbbbbbbb',
      stacks: [{ stack: [fn('\u001b]0;pwned\u0007title', '/srv/\u001b[31mred.js')], count: 50 }],
    }],
  });
  const text = formatTop(dir, { ...PLAIN, name: 'GET /evil' });
  assert.ok(!text.includes('\u001b') && !text.includes('\u0007'));
  assert.match(text, /\\x1b\]0;pwned\\x07title/);
});

test('an unknown span id or name, or both at once, is a clear error', (t) => {
  const { dir } = scenarioDir(t);
  const expectError = (options, code, pattern) =>
    assert.throws(() => formatTop(dir, options), (err) => {
      assert.ok(err instanceof ReportError);
      assert.equal(err.code, code);
      assert.match(err.message, pattern);
      return true;
    });
  expectError({ span: '0123456789abcdef' }, 'span-not-found', /no sample in .* carries span_id "0123456789abcdef"; span ids with the most CPU: [0-9a-f]{16}/);
  expectError({ name: 'GET /nope' }, 'name-not-found', /carries span_name "GET \/nope"; span names: "GET \/checkout", "GET \/search", "POST \/login"/);
  expectError({ span: 'x', name: 'y' }, 'bad-selection', /either a span id or a span name/);
});
