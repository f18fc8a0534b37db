'use strict';
// The HTTP client is loaded only when profiles are uploaded: a service that
// writes to a directory does not pay for undici's modules and memory.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const index = path.join(__dirname, '..', 'dist', 'index.js');

/** Starts spanprof in a fresh process and says which undici modules got loaded. */
function undiciModulesAfterStart(options) {
  const script = `
    const handle = require(${JSON.stringify(index)}).start(${JSON.stringify(options)});
    const loaded = Object.keys(require.cache).filter((f) => f.includes('/node_modules/undici/'));
    console.log(JSON.stringify({ enabled: handle.enabled, loaded: loaded.length }));
    handle.stop(1000);
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

test('a directory output loads no HTTP client; a Pyroscope server does', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-lazy-'));
  try {
    const local = undiciModulesAfterStart({ outputDir: dir, logLevel: 'error' });
    assert.equal(local.enabled, true);
    assert.equal(local.loaded, 0, 'undici was loaded for a directory output');

    // Port 9 on 127.0.0.1: nothing listens; the exporter only has to exist.
    const server = undiciModulesAfterStart({ serverAddress: 'http://127.0.0.1:9', logLevel: 'silent' });
    assert.equal(server.enabled, true);
    assert.ok(server.loaded > 0, 'the Pyroscope exporter runs without its HTTP client?');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
