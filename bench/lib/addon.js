'use strict';
// Makes sure the children load a spanprof binary built for the running Node.
// node-gyp-build prefers build/Release, which holds whatever ABI was last
// built from source, and a binary for another ABI may even load and then die
// on its first V8 call (an unresolved symbol ends the process). So the probe
// starts and stops a sampler in a child; when that fails, the prebuild for
// this ABI is named through SPANPROF_ADDON, which the loader honours.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { root, dist } = require('./paths');

function loads(env) {
  const probe = `const r = require(${JSON.stringify(path.join(dist, 'internal'))}).loadNative();` +
    'if (!r.ok) { console.error(r.reason); process.exit(1); }' +
    'const s = new r.binding.Sampler(10000); s.start(); s.collect(); s.stop();';
  return spawnSync(process.execPath, ['-e', probe], { env, encoding: 'utf8' });
}

/** Returns a description of the binary used; sets SPANPROF_ADDON when needed. Throws when none loads. */
function ensureAddon() {
  if (!fs.existsSync(path.join(dist, 'index.js'))) {
    throw new Error('dist/ is missing: build the package first (npx tsc -p . at the repository root)');
  }
  if (process.env.SPANPROF_ADDON) {
    const r = loads(process.env);
    if (r.status !== 0) throw new Error(`SPANPROF_ADDON does not load: ${r.stderr.trim()}`);
    return path.relative(root, path.resolve(process.env.SPANPROF_ADDON));
  }
  const plain = loads(process.env);
  if (plain.status === 0) return 'node-gyp-build default';
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  const abi = `abi${process.versions.modules}`;
  const file = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.split('.').includes(abi)) : undefined;
  if (!file) {
    throw new Error(`no spanprof binary loads on Node ${process.version}: ${plain.stderr.trim()}\n` +
      'build one with `npm run build:prebuilds` (all pinned versions) at the repository root');
  }
  const env = { ...process.env, SPANPROF_ADDON: path.join(dir, file) };
  const r = loads(env);
  if (r.status !== 0) throw new Error(`${file} does not load: ${r.stderr.trim()}`);
  process.env.SPANPROF_ADDON = env.SPANPROF_ADDON;
  return path.relative(root, env.SPANPROF_ADDON);
}

module.exports = { ensureAddon };
