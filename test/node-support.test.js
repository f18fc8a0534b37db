'use strict';
// package.json `engines`, the loader and the pinned build versions agree on
// which Node versions are supported, and any other version gets a reason,
// not a crash.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { allPinned } = require('../scripts/node-versions');

const root = path.resolve(__dirname, '..');
const pkg = require('../package.json');
const { SUPPORTED_NODE_MAJORS } = require('../dist/internal');

test('engines, the loader and the pinned versions name the same majors', () => {
  const majors = allPinned().map((p) => p.major).sort((a, b) => a - b);
  assert.equal(majors[0], SUPPORTED_NODE_MAJORS.min);
  assert.equal(majors[majors.length - 1], SUPPORTED_NODE_MAJORS.max);
  const range = pkg.engines.node;
  assert.match(range, new RegExp(`^>=${SUPPORTED_NODE_MAJORS.min}\\.\\S* <${SUPPORTED_NODE_MAJORS.max + 1}$`));
});

for (const fake of ['18.20.0', '27.0.0']) {
  test(`Node ${fake} gets a reason naming the version, and no binding`, () => {
    // process.versions is writable in-process; a child keeps the fake local.
    const script = `
      Object.defineProperty(process.versions, 'node', { value: ${JSON.stringify(fake)} });
      const r = require('./dist/internal').loadNative();
      process.stdout.write(JSON.stringify({ ok: r.ok, reason: r.reason }));`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'the loader prints nothing');
    const result = JSON.parse(r.stdout);
    assert.equal(result.ok, false);
    assert.match(result.reason, new RegExp(`Node v${fake.replace(/\./g, '\\.')}`));
    assert.match(result.reason, /supports Node 20 to 26/);
  });
}
