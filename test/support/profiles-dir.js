'use strict';
// Reads every CPU profile a run wrote into a directory.
const fs = require('node:fs');
const path = require('node:path');
const { decodeProfileSync, readSamples } = require('./read-pprof');

function readCpuSamples(dir) {
  const samples = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith('.cpu.pb.gz')) continue;
    samples.push(...readSamples(decodeProfileSync(fs.readFileSync(path.join(dir, name)))));
  }
  return samples;
}

module.exports = { readCpuSamples };
