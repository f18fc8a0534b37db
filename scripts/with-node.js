#!/usr/bin/env node
'use strict';
// Runs a command under one pinned Node version, fetching it if needed:
//
//   node scripts/with-node.js 24 -- npm test
//
// That version's node comes first on PATH (so `npm`, `npx` and every script
// they start run on it), and npm_config_nodedir points at its headers, so any
// node-gyp call builds for its ABI. The environment variable is what node-gyp
// reads under npm: a --nodedir flag is overridden by npm's own config.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { ensureNode } = require('./node-versions');

function usage() {
  console.error('usage: node scripts/with-node.js <major|version> -- <command> [args...]');
  process.exit(2);
}

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
if (sep !== 1 || argv.length < 3) usage();

let node;
try {
  node = ensureNode(argv[0], { log: (m) => console.error(m) });
} catch (err) {
  console.error(err.message);
  process.exit(1);
}

const env = {
  ...process.env,
  PATH: [path.dirname(node.bin), process.env.PATH].filter(Boolean).join(path.delimiter),
  npm_config_nodedir: node.nodeDir,
};
const [cmd, ...args] = argv.slice(2);
const r = spawnSync(cmd, args, { stdio: 'inherit', env });
if (r.error) {
  console.error(`${cmd}: ${r.error.message}`);
  process.exit(127);
}
process.exit(r.status ?? 1);
