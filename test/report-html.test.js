'use strict';
// The report file itself: where it is written, what it embeds, and how.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { writeReport, ReportError } = require('../dist/internal');
const { fn, removeDir, serviceScenario, tempDir, writeProfileDir } = require('./support/profile-fixtures');

function scenarioDir(t, options) {
  const scenario = serviceScenario(options);
  const dir = writeProfileDir(scenario, { wall: true });
  t.after(() => removeDir(dir));
  return { scenario, dir };
}

function inlineScripts(html) {
  return [...html.matchAll(/<script( type="application\/json" id="spanprof-data")?>([\s\S]*?)<\/script>/g)].map((m) => ({
    data: m[1] !== undefined,
    text: m[2],
  }));
}

test('writes <dir>/report.html by default and says what it holds', (t) => {
  const { scenario, dir } = scenarioDir(t);
  const result = writeReport(dir);
  assert.equal(result.file, path.resolve(dir, 'report.html'));
  assert.equal(result.spans, scenario.spans.length);
  assert.equal(result.samples, 174);
  assert.equal(result.cpuNs, scenario.spans.reduce((a, s) => a + s.cpuNs, 0) + scenario.unlabelled.cpuNs);
  assert.deepEqual(result.warnings, []);
  assert.ok(fs.statSync(result.file).size > 100_000, 'the flame-graph library is inlined');
  // No temporary file is left behind.
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.')), []);
});

test('writes to another file, creating its directory', (t) => {
  const { dir } = scenarioDir(t);
  const out = path.join(dir, 'a', 'b', 'mine.html');
  assert.equal(writeReport(dir, out).file, out);
  assert.match(fs.readFileSync(out, 'utf8'), /^<!doctype html>/);
});

test('loads nothing: every script is inline and allowed by its hash, and nothing else is', (t) => {
  const { dir } = scenarioDir(t);
  const html = fs.readFileSync(writeReport(dir).file, 'utf8');
  assert.doesNotMatch(html, /<script[^>]*\ssrc=/i);
  assert.doesNotMatch(html, /<link\b/i);
  assert.doesNotMatch(html, /<(img|iframe|object|embed)\b/i);

  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(csp, 'a Content-Security-Policy');
  const directives = new Map(csp[1].split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('connect-src'), ["'none'"]);
  const allowed = directives.get('script-src');
  const scripts = inlineScripts(html).filter((s) => !s.data);
  assert.equal(scripts.length, 3, 'd3, d3-flame-graph and the page');
  const hashes = scripts.map((s) => `'sha256-${crypto.createHash('sha256').update(s.text).digest('base64')}'`);
  assert.deepEqual(allowed, hashes, 'exactly the inline scripts may run');
  assert.ok(!allowed.includes("'unsafe-inline'") && !allowed.includes("'unsafe-eval'"));
});

test('the data block has no "<" and reads back exactly', (t) => {
  const hostile = '</script><!--<script>&amp;\u2028"\'>';
  const { dir } = scenarioDir(t, {
    extraSpans: [{ spanName: hostile, spanId: 'eeeeeeeeeeeeeeee', stacks: [{ stack: [fn(hostile, `/x/${hostile}.js`)], count: 3 }] }],
  });
  const html = fs.readFileSync(writeReport(dir).file, 'utf8');
  const [block] = inlineScripts(html).filter((s) => s.data);
  assert.ok(block);
  assert.ok(!/[<>&\u2028]/.test(block.text), 'no character that HTML or old parsers treat specially');
  const data = JSON.parse(block.text);
  const span = data.spans.find((s) => s.id === 'eeeeeeeeeeeeeeee');
  assert.equal(span.name, hostile);
  assert.ok(data.frames.names.includes(hostile));
  assert.ok(data.frames.files.includes(`/x/${hostile}.js`));
  assert.equal(data.source, path.basename(dir), 'the directory by name, not its full path');
});

test('skipped files are reported, and bad directories are ReportErrors', (t) => {
  const { dir } = scenarioDir(t);
  fs.writeFileSync(path.join(dir, 'broken.cpu.pb.gz'), 'not a profile');
  const warned = [];
  const result = writeReport(dir, undefined, { onWarning: (w) => warned.push(w) });
  assert.equal(result.warnings.length, 1);
  assert.deepEqual(warned, result.warnings);
  assert.match(warned[0], /broken\.cpu\.pb\.gz: not gzip data/);
  const data = JSON.parse(inlineScripts(fs.readFileSync(result.file, 'utf8')).find((s) => s.data).text);
  assert.deepEqual(data.warnings, result.warnings, 'the page shows them too');

  const empty = tempDir();
  t.after(() => removeDir(empty));
  const codeOf = (f) => {
    try {
      f();
    } catch (err) {
      assert.ok(err instanceof ReportError, String(err));
      return err.code;
    }
    return 'no error';
  };
  assert.equal(codeOf(() => writeReport(path.join(empty, 'missing'))), 'missing-directory');
  assert.equal(codeOf(() => writeReport(empty)), 'empty-directory');
  assert.equal(fs.existsSync(path.join(empty, 'report.html')), false, 'no report for no profiles');
  // The output path is taken by a directory.
  fs.mkdirSync(path.join(dir, 'taken.html'));
  assert.equal(codeOf(() => writeReport(dir, path.join(dir, 'taken.html'))), 'io-error');
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.')), [], 'no temporary file left');
});
