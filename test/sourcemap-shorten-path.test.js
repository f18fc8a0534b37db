'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { shortenPath } = require('../dist/internal');

const ROOT = '/srv/app';

const CASES = [
  ['app file', '/srv/app/src/checkout.ts', 'src/checkout.ts'],
  ['app file, root with trailing slash', '/srv/app/dist/server.js', 'dist/server.js', '/srv/app/'],
  ['file:// URL (ESM)', 'file:///srv/app/src/server.mjs', 'src/server.mjs'],
  ['file:// URL with escapes', 'file:///srv/app/src/my%20file.ts', 'src/my file.ts'],
  ['unnormalized path', '/srv/app/dist/../src/./a.ts', 'src/a.ts'],
  ['package', '/srv/app/node_modules/undici/lib/core.js', 'node_modules/undici/lib/core.js'],
  ['nested package', '/srv/app/node_modules/a/node_modules/undici/lib/core.js', 'node_modules/undici/lib/core.js'],
  ['hoisted above the root (monorepo)', '/srv/node_modules/undici/lib/core.js', 'node_modules/undici/lib/core.js'],
  ['pnpm store', '/srv/app/node_modules/.pnpm/undici@7.16.0/node_modules/undici/lib/core.js',
    'node_modules/undici/lib/core.js'],
  ['scoped package', '/srv/app/node_modules/@opentelemetry/api/build/src/api/context.js',
    'node_modules/@opentelemetry/api/build/src/api/context.js'],
  ['scoped package as a file:// URL', 'file:///srv/app/node_modules/@scope/pkg/index.mjs',
    'node_modules/@scope/pkg/index.mjs'],
  ['global package', '/usr/lib/node_modules/npm/lib/cli.js', 'node_modules/npm/lib/cli.js'],
  ['outside the root: absolute', '/opt/shared/lib.js', '/opt/shared/lib.js'],
  ['sibling folder sharing the prefix', '/srv/application/x.js', '/srv/application/x.js'],
  ['the root itself', '/srv/app', '/srv/app'],
  ['a folder starting with two dots', '/srv/app/..hidden/x.js', '..hidden/x.js'],
  ['node: internal', 'node:internal/timers', 'node:internal/timers'],
  ['node: builtin', 'node:fs', 'node:fs'],
  ['no file', '', ''],
  ['eval', 'evalmachine.<anonymous>', 'evalmachine.<anonymous>'],
  ['other URL scheme', 'webpack://app/./src/a.ts', 'webpack://app/./src/a.ts'],
  ['relative source', 'src/a.ts', 'src/a.ts'],
];

for (const [what, file, expected, root = ROOT] of CASES) {
  test(`shortenPath: ${what}`, () => {
    assert.equal(shortenPath(file, root), expected);
  });
}
