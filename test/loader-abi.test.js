'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const otherMajor = process.versions.node.startsWith('24.') ? '22' : '24';
const built = path.join(root, 'build', 'Release', 'spanprof.node');

test('a source build for another Node is refused with one warning, never loaded', { skip: !fs.existsSync(built) && 'no build/Release binary' }, () => {
  // build/Release holds this Node's build; under another major, node-gyp-build
  // still picks it first. Loading it would end the process at its first V8 call.
  const script = `const p = require(${JSON.stringify(path.join(root, 'dist', 'index.js'))}).start({ outputDir: require('os').tmpdir() + '/spanprof-abi-' + process.pid }); console.log(JSON.stringify({ enabled: p.enabled, reason: p.disabledReason }));`;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'with-node.js'), otherMajor, '--', 'node', '-e', script], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, PREBUILDS_ONLY: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.equal(out.enabled, false);
  assert.match(out.reason, /built for Node ABI \d+/);
  assert.equal((r.stderr.match(/SPANPROF_DISABLED/g) || []).length, 1, r.stderr);
});

test('the binary reports its layout, and one from another spanprof version is refused by name', () => {
  const { EXPECTED_LAYOUT, layoutDifferences, loadNative } = require('../dist/internal');
  const loaded = loadNative();
  if (!loaded.ok) return assert.fail(loaded.reason);
  assert.deepEqual(loaded.binding.layout, EXPECTED_LAYOUT, 'the addon and src/native/types.ts agree');
  assert.deepEqual(layoutDifferences(EXPECTED_LAYOUT), []);
  assert.deepEqual(layoutDifferences(undefined), ['no layout']);
  const moved = { ...EXPECTED_LAYOUT, shared: { ...EXPECTED_LAYOUT.shared, dropped: 3, length: 5 } };
  assert.deepEqual(layoutDifferences(moved), ['shared.dropped: 3 vs 2', 'shared.length: 5 vs 4']);

  // A binary whose layout differs, loaded as the sanitizer builds are: one warning, profiling off.
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'spanprof-layout-'));
  const fake = path.join(dir, 'other-version.js');
  // The binary this Node would load (node-gyp-build honours PREBUILDS_ONLY, as on the other Nodes in CI).
  const resolver = require.resolve('node-gyp-build', { paths: [root] });
  fs.writeFileSync(fake, `const real = require(require(${JSON.stringify(resolver)}).path(${JSON.stringify(root)}));\n` +
    'module.exports = { ...real, layout: { ...real.layout, nodeKinds: { ...real.layout.nodeKinds, gc: 5 } } };\n');
  const script = `const p = require(${JSON.stringify(path.join(root, 'dist', 'index.js'))}).start({ outputDir: ${JSON.stringify(dir)} }); console.log(JSON.stringify({ enabled: p.enabled, reason: p.disabledReason }));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, SPANPROF_ADDON: fake } });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.equal(out.enabled, false);
  assert.match(out.reason, /from another spanprof version \(layout nodeKinds\.gc: 5 vs 4\)/);
  assert.equal((r.stderr.match(/SPANPROF_DISABLED/g) || []).length, 1, r.stderr);
});
