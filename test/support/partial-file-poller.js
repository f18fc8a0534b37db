'use strict';
// Runs in a worker thread: reads every visible profile, record and index in
// a directory, again and again, with synchronous calls so that it truly runs
// alongside the writer. Anything that fails to decode whole is a partial
// file. Files that vanish between listing and reading are pruned, not partial.
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { Profile } = require('pprof-format');

// Only as a worker: loaded any other way (say, by a test runner), it does nothing.
const dir = workerData?.dir;
let stop = false;
let reads = 0;
const partial = [];
parentPort?.on('message', (m) => {
  if (m === 'stop') stop = true;
});

function readIfThere(file) {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  }
}

function checkFile(name) {
  const bytes = readIfThere(path.join(dir, name));
  if (bytes === undefined) return;
  reads++;
  try {
    if (name.endsWith('.pb.gz')) Profile.decode(zlib.gunzipSync(bytes));
    else JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    partial.push(`${name}: ${err.message}`);
  }
}

let rounds = 0;
function loop() {
  while (!stop) {
    let names = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      // Not created yet.
    }
    for (const name of names) {
      if (name.endsWith('.pb.gz') || name.endsWith('.json')) checkFile(name);
    }
    // Let the 'stop' message in now and then.
    if (++rounds % 20 === 0) return setImmediate(loop);
  }
  parentPort.postMessage({ reads, partial });
}
if (parentPort && dir) loop();
