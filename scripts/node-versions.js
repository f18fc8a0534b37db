#!/usr/bin/env node
'use strict';
// The Node versions spanprof is built and tested on, pinned in
// node-versions.json, and where to find each one's binary and headers.
//
//   node scripts/node-versions.js [--into-cache] [20 22 24.21.0 ...]
//
// Fetches each (default: all pinned) into .cache/node/<version>/ unless it is
// already there, checks that the binary runs and reports the pinned ABI, and
// prints one line per version: "<version> <abi> <path of node>". The running
// node serves for its own version when it is exactly the pinned one, unless
// --into-cache asks for every version in .cache/node/ (to mount it elsewhere,
// such as into a build container).
//
// The binaries and headers come from the npm registry's node-<platform>-<arch>
// packages, which carry the official release build under bin/ and include/.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cacheRoot = path.join(root, '.cache', 'node');
const pins = require('./node-versions.json');

/** The pinned entry for a major ("24") or an exact version ("24.21.0", "v24.21.0"). */
function pinned(spec) {
  const s = String(spec).replace(/^v/, '');
  const major = s.split('.')[0];
  const pin = pins[major];
  if (!pin || (s.includes('.') && s !== pin.version)) {
    const known = Object.values(pins).map((p) => p.version).join(', ');
    throw new Error(`Node ${spec} is not pinned in scripts/node-versions.json (pinned: ${known})`);
  }
  return { major: Number(major), version: pin.version, abi: pin.abi };
}

function allPinned() {
  return Object.keys(pins).map(pinned);
}

/** Version and ABI reported by a node binary, or undefined if it does not run. */
function probe(bin) {
  const r = spawnSync(bin, ['-p', 'process.versions.node + " " + process.versions.modules'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return undefined;
  const [version, abi] = r.stdout.trim().split(' ');
  return { version, abi: Number(abi) };
}

function headerVersion(nodeDir) {
  try {
    const h = fs.readFileSync(path.join(nodeDir, 'include', 'node', 'node_version.h'), 'utf8');
    const part = (name) => (h.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`)) || [])[1];
    return `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
  } catch {
    return undefined;
  }
}

function isComplete(pin, bin, nodeDir) {
  const p = probe(bin);
  return p !== undefined && p.version === pin.version && p.abi === pin.abi &&
    headerVersion(nodeDir) === pin.version;
}

/**
 * The running node, when it is exactly the pinned version and its headers sit
 * under its own prefix (an installed node, as on the CI machine's Node 20):
 * no download needed.
 */
function runningNode(pin) {
  const nodeDir = path.resolve(path.dirname(process.execPath), '..');
  if (process.versions.node !== pin.version) return undefined;
  return isComplete(pin, process.execPath, nodeDir) ? { bin: process.execPath, nodeDir } : undefined;
}

function run(cmd, args, options) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr.trim()}`);
  }
  return r.stdout;
}

function fetchInto(pin, dest) {
  if (process.platform !== 'linux') {
    throw new Error(`the npm registry carries Node binaries for linux only, not ${process.platform}`);
  }
  const pkg = `node-${process.platform}-${process.arch}@${pin.version}`;
  // Unpack beside the destination and rename at the end, so an interrupted
  // fetch never leaves a half-written version behind.
  const tmp = `${dest}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    // npm checks the tarball against the registry's integrity hash.
    const file = run('npm', ['pack', pkg, '--pack-destination', tmp, '--loglevel=error'], {
      cwd: tmp,
    }).trim().split('\n').pop();
    const tarball = path.join(tmp, file);
    // OpenSSL's headers are 66 of the 67 MB of headers, and nothing built
    // here includes them; nor are the man pages needed.
    run('tar', [
      '-xzf', tarball, '-C', tmp, '--strip-components=1',
      '--exclude=package/include/node/openssl', '--exclude=package/share',
    ]);
    fs.rmSync(tarball);
    if (!isComplete(pin, path.join(tmp, 'bin', 'node'), tmp)) {
      throw new Error(`${pkg} did not unpack into a runnable Node ${pin.version} (ABI ${pin.abi}) with headers`);
    }
    fs.rmSync(dest, { recursive: true, force: true });
    fs.renameSync(tmp, dest);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Returns { major, version, abi, bin, nodeDir, source } for a pinned version,
 * fetching it first if needed. `nodeDir` is what node-gyp takes as --nodedir.
 */
function ensureNode(spec, { log = () => {}, useRunning = true } = {}) {
  const pin = pinned(spec);
  const running = useRunning ? runningNode(pin) : undefined;
  if (running) return { ...pin, ...running, source: 'running' };
  const nodeDir = path.join(cacheRoot, pin.version);
  const bin = path.join(nodeDir, 'bin', 'node');
  if (isComplete(pin, bin, nodeDir)) return { ...pin, bin, nodeDir, source: 'cache' };
  const t0 = process.hrtime.bigint();
  log(`fetching Node ${pin.version} into ${path.relative(root, nodeDir)}/`);
  fetchInto(pin, nodeDir);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  log(`fetched Node ${pin.version} in ${(ms / 1000).toFixed(1)} s`);
  return { ...pin, bin, nodeDir, source: 'fetched', fetchMs: ms };
}

/** Where a pinned version would be, without fetching; undefined if absent. */
function findNode(spec) {
  const pin = pinned(spec);
  const running = runningNode(pin);
  if (running) return { ...pin, ...running, source: 'running' };
  const nodeDir = path.join(cacheRoot, pin.version);
  const bin = path.join(nodeDir, 'bin', 'node');
  return isComplete(pin, bin, nodeDir) ? { ...pin, bin, nodeDir, source: 'cache' } : undefined;
}

module.exports = { pinned, allPinned, ensureNode, findNode, cacheRoot };

if (require.main === module) {
  const args = process.argv.slice(2);
  const useRunning = !args.includes('--into-cache');
  const specs = args.filter((a) => a !== '--into-cache');
  try {
    for (const pin of specs.length > 0 ? specs.map(pinned) : allPinned()) {
      const n = ensureNode(pin.version, { log: (m) => console.error(m), useRunning });
      console.log(`${n.version} ${n.abi} ${n.bin}`);
    }
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
