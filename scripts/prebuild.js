#!/usr/bin/env node
'use strict';
// Builds the addon, stripped, into prebuilds/<platform>-<arch>/ where
// node-gyp-build finds it: node.abi<N>.<libc>.node on Linux (glibc or musl),
// node.abi<N>.node on macOS.
//
//   node scripts/prebuild.js [20 22 ...]   pinned versions (default: all),
//                                          fetched into .cache/node/ if needed
//   node scripts/prebuild.js --running     only the node running this script
//   --force                                rebuild even if up to date
//
// The addon calls V8's C++ API, so each ABI needs its own binary, compiled
// against that version's own headers and configured by that version's node.
// Each build runs in its own copy of the sources under .cache/prebuild/, so
// it never replaces a source build in build/Release: node-gyp-build prefers
// that folder, and a binary for the wrong ABI there would hide the prebuilds.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { allPinned, pinned, ensureNode } = require('./node-versions');

const root = path.resolve(__dirname, '..');
const stagingRoot = path.join(root, '.cache', 'prebuild');
const outDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
// Decided the way prebuildify and node-gyp-build decide it.
const libc = process.platform !== 'linux' ? undefined
  : process.env.PREBUILD_LIBC || (fs.existsSync('/etc/alpine-release') ? 'musl' : 'glibc');

function outputName(abi) {
  return ['node', `abi${abi}`, libc, 'node'].filter(Boolean).join('.');
}

/** The node running this script, with its own headers when they sit under its prefix. */
function runningNode() {
  const pin = pinned(process.versions.node.split('.')[0]);
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const header = path.join(prefix, 'include', 'node', 'node_version.h');
  return {
    ...pin,
    version: process.versions.node,
    abi: Number(process.versions.modules),
    bin: process.execPath,
    // Without local headers node-gyp downloads them for this version.
    nodeDir: fs.existsSync(header) ? prefix : undefined,
  };
}

function newestSource() {
  const files = [path.join(root, 'binding.gyp'), __filename];
  for (const f of fs.readdirSync(path.join(root, 'native'))) files.push(path.join(root, 'native', f));
  try {
    files.push(require.resolve('node-addon-api/package.json', { paths: [root] }));
  } catch {
    // resolved again, with a clear error, by the build itself
  }
  return Math.max(...files.map((f) => fs.statSync(f).mtimeMs));
}

function upToDate(file) {
  try {
    return fs.statSync(file).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}

function stage(version) {
  const dir = path.join(stagingRoot, version);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(root, 'binding.gyp'), path.join(dir, 'binding.gyp'));
  fs.cpSync(path.join(root, 'native'), path.join(dir, 'native'), { recursive: true });
  return dir;
}

function build(node) {
  const cwd = stage(node.version);
  const env = {
    ...process.env,
    PATH: [path.dirname(node.bin), process.env.PATH].join(path.delimiter),
    JOBS: process.env.JOBS || 'max',
  };
  // node-gyp takes --nodedir from npm's config, which the environment
  // overrides; a user-level nodedir must not leak into another version's build.
  delete env.npm_config_nodedir;
  if (node.nodeDir) env.npm_config_nodedir = node.nodeDir;
  const args = [
    require.resolve('prebuildify/bin.js'),
    '--no-napi', // V8's C++ API: tag the binary with the ABI, not the N-API version
    '--strip',
    '--name=node',
    `--target=${node.version}`,
    `--out=${root}`,
    // Keeps prebuildify's scratch and any downloaded headers inside the clone.
    `--cache=${path.join(root, '.cache', 'prebuildify')}`,
  ];
  if (libc) args.push(`--tag-libc=${libc}`);
  args.push(cwd);
  const r = spawnSync(node.bin, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`building for Node ${node.version} failed`);
  fs.rmSync(cwd, { recursive: true, force: true });
}

function main() {
  const argv = process.argv.slice(2);
  const force = argv.includes('--force');
  const running = argv.includes('--running');
  const specs = argv.filter((a) => !a.startsWith('--'));
  if (running && specs.length > 0) throw new Error('--running takes no versions');
  const targets = running ? [runningNode()] : (specs.length > 0 ? specs.map(pinned) : allPinned());

  const results = [];
  for (const target of targets) {
    const file = path.join(outDir, outputName(target.abi));
    if (!force && upToDate(file)) {
      results.push({ target, file, status: 'up to date' });
      continue;
    }
    const node = running ? target : ensureNode(target.version, { log: (m) => console.error(m) });
    console.error(`building for Node ${node.version} (ABI ${node.abi})`);
    const t0 = process.hrtime.bigint();
    build(node);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (!fs.existsSync(file)) throw new Error(`the build wrote no ${path.relative(root, file)}`);
    results.push({ target, file, status: `built in ${s.toFixed(1)} s` });
  }
  for (const { target, file, status } of results) {
    const kib = fs.statSync(file).size / 1024;
    console.log(`${path.relative(root, file)}  ${kib.toFixed(0)} KiB  Node ${target.version}  ${status}`);
  }
}

try {
  main();
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
