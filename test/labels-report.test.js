'use strict';
// `spanprof top` and `spanprof report` with --label: only the samples that
// carry a custom label, and the label values listed beside each span.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { formatTop, readProfiles, ReportError, pageData } = require('../dist/internal');
const { fn, removeDir, writeProfileDir } = require('./support/profile-fixtures');

const cli = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const PLAIN = { color: false, width: 160 };
const SPAN_A = 'aaaaaaaaaaaaaaaa';
const SPAN_B = 'bbbbbbbbbbbbbbbb';

function labelledDir(t) {
  const handler = fn('handleRequest', '/srv/app/server.js', 10);
  const sample = (stack, labels, count) => ({ stack, labels, count, ns: count * 10_000_000 });
  const dir = writeProfileDir({
    windows: [
      {
        startMs: 1_760_000_000_000,
        durationMs: 10_000,
        samples: [
          sample([handler, fn('priceAcme', '/srv/app/acme.js')], { span_id: SPAN_A, span_name: 'GET /a', tenant: 'acme', region: 'eu' }, 5),
          sample([handler, fn('priceGlobex', '/srv/app/globex.js')], { span_id: SPAN_B, span_name: 'GET /a', tenant: 'globex' }, 3),
          sample([fn('nightlyBatch', '/srv/app/batch.js')], { tenant: 'acme' }, 2),
          sample([fn('flushMetrics', '/srv/app/metrics.js')], {}, 1),
        ],
      },
    ],
  });
  t.after(() => removeDir(dir));
  return dir;
}

test('top --label: only the samples with that label, spans or not', (t) => {
  const dir = labelledDir(t);
  const text = formatTop(dir, { ...PLAIN, label: { key: 'tenant', value: 'acme' } });
  assert.match(text.split('\n')[0], /^CPU by function, whole service with tenant=acme: 70\.0 ms CPU in 7 samples, 1 span$/);
  assert.match(text, /priceAcme/);
  assert.match(text, /nightlyBatch/);
  assert.doesNotMatch(text, /priceGlobex|flushMetrics/);
  const all = formatTop(dir, PLAIN);
  assert.match(all.split('\n')[0], /11 samples, 2 spans$/, 'without a filter every sample counts');
});

test('each span lists the custom labels its samples carry', (t) => {
  const set = readProfiles(labelledDir(t));
  const labels = Object.fromEntries(set.spans.map((s) => [s.spanId, s.labels]));
  assert.deepEqual(labels, { [SPAN_A]: ['region=eu', 'tenant=acme'], [SPAN_B]: ['tenant=globex'] });
  const page = pageData(readProfiles(set.directory, { label: { key: 'tenant', value: 'globex' } }), new Date(0));
  assert.equal(page.label, 'tenant=globex');
  assert.deepEqual(page.spans.map((s) => [s.id, s.labels]), [[SPAN_B, ['tenant=globex']]]);
});

test('a label no sample carries is an error that lists the labels seen', (t) => {
  const dir = labelledDir(t);
  assert.throws(
    () => readProfiles(dir, { label: { key: 'tenant', value: 'initech' } }),
    (err) =>
      err instanceof ReportError &&
      err.code === 'label-not-found' &&
      /no CPU sample in .* carries the label tenant=initech; labels seen: tenant=acme, tenant=globex, region=eu/.test(err.message),
  );
});

test('the CLI takes --label KEY=VALUE for top and report, and says how when it is malformed', (t) => {
  const dir = labelledDir(t);
  const run = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000 });
  const top = run('top', dir, '--label', 'tenant=globex');
  assert.equal(top.status, 0, top.stderr);
  assert.match(top.stdout, /with tenant=globex: 30\.0 ms CPU in 3 samples, 1 span/);
  const out = path.join(dir, 'acme.html');
  const report = run('report', dir, '--label', 'tenant=acme', '--out', out);
  assert.equal(report.status, 0, report.stderr);
  assert.match(report.stdout, /acme\.html: 1 spans, 7 samples/);
  for (const bad of ['tenant', '=acme', 'tenant=']) {
    const r = run('top', dir, '--label', bad);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /spanprof top: --label takes KEY=VALUE, such as --label tenant=acme; got/);
  }
});
