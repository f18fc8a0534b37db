'use strict';
// Scripts whose maps are missing or unusable are profiled at their generated
// locations: nothing throws, and each such script gets exactly one note.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { profile } = require('./fixtures/sourcemap-harness/build-app');

/** A script with one hot function, ending in a comment naming `mapName`. */
function hotScript(fnName, mapName) {
  return [
    "'use strict';",
    `function ${fnName}(ms) {`,
    '  const end = Date.now() + ms;',
    '  let x = 0;',
    '  while (Date.now() < end) for (let i = 0; i < 1000; i++) x += Math.sqrt(i + x);',
    '  return x;',
    '}',
    `module.exports = { ${fnName} };`,
    `//# sourceMappingURL=${mapName}`,
    '',
  ].join('\n');
}

const BROKEN = [
  { script: 'missing.js', fn: 'missingMapHot', map: 'missing.js.map', content: null },
  { script: 'corrupt.js', fn: 'corruptMapHot', map: 'corrupt.js.map', content: '{"version":3,"sources":["corrupt.ts"],"mappings":"AAAA' },
  { script: 'not-a-map.js', fn: 'notAMapHot', map: 'not-a-map.js.map', content: '{"hello":"world"}' },
  { script: 'bad-data-url.js', fn: 'badDataUrlHot', map: 'data:application/json;base64,eyJ2ZXJzaW9u', content: null },
];

test('missing, corrupt and wrong maps: generated locations, one note per script, nothing thrown', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-sourcemap-broken-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'broken');
  fs.mkdirSync(dir);
  for (const b of BROKEN) {
    fs.writeFileSync(path.join(dir, b.script), hotScript(b.fn, b.map));
    if (b.content !== null) fs.writeFileSync(path.join(dir, b.map), b.content);
  }
  // The entry has no map comment at all: plain JavaScript, which is not noted.
  fs.writeFileSync(path.join(dir, 'main.js'), [
    "'use strict';",
    ...BROKEN.map((b) => `const { ${b.fn} } = require('./${b.script}');`),
    'exports.serve = (ms) => {',
    '  const end = Date.now() + ms;',
    `  while (Date.now() < end) { ${BROKEN.map((b) => `${b.fn}(20);`).join(' ')} }`,
    '};',
    '',
  ].join('\n'));

  const report = profile({ entry: path.join(dir, 'main.js'), root, durationMs: 1200 });
  t.diagnostic(report.notes.join('\n'));
  assert.equal(report.stderr, '');
  const functionLine = 2;
  for (const b of BROKEN) {
    const frames = report.frames.filter((f) => f.generated.url === path.join(dir, b.script));
    const hot = frames.filter((f) => f.generated.name === b.fn);
    assert.ok(hot.reduce((n, f) => n + f.self, 0) >= 10, `${b.fn}: too few samples`);
    for (const f of frames) {
      assert.deepEqual(f.mapped, { name: f.generated.name, file: `broken/${b.script}`, line: f.generated.line, mapped: false });
    }
    assert.equal(hot[0].mapped.line, functionLine);
    const notes = report.notes.filter((n) => n.includes(`broken/${b.script} `));
    assert.equal(notes.length, 1, `${b.script}: ${notes.length} notes`);
  }
  assert.equal(report.notes.length, BROKEN.length);
});
