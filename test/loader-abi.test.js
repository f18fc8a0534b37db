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
