'use strict';
// Reads pprof files back with `go tool pprof -raw`, the reference reader,
// and counts samples per label value so tests can compare with pprof-format.
const { spawnSync } = require('node:child_process');

let available;

/** Why go cannot be used, or undefined when it can. */
function goMissingReason() {
  if (available === undefined) {
    const r = spawnSync('go', ['version'], { encoding: 'utf8' });
    available = r.status === 0 ? '' : 'go is not installed (Debian package golang-go); go tool pprof check skipped';
  }
  return available || undefined;
}

/** Output of `go tool pprof -raw file`; throws if pprof cannot read it. */
function goPprofRaw(file) {
  const r = spawnSync('go', ['tool', 'pprof', '-raw', file], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`go tool pprof -raw ${file} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/**
 * Parses the Samples section of -raw output: "count value: loc ids" lines,
 * each optionally followed by a "key:[value] ..." label line.
 * Returns { samples: [{ values, locations, labels }], sampleTypes }.
 */
function parseRaw(text) {
  const lines = text.split('\n');
  const start = lines.indexOf('Samples:');
  if (start < 0) throw new Error(`no Samples section in go tool pprof output:\n${text}`);
  const sampleTypes = lines[start + 1].trim().split(/\s+/).map((t) => t.replace(/\[dflt\]$/, ''));
  const samples = [];
  for (let i = start + 2; i < lines.length; i++) {
    const line = lines[i];
    if (!/^\s/.test(line) || line.trim() === '') break;
    const m = /^\s+([\d\s]+):\s*([\d\s]*)$/.exec(line);
    if (m) {
      samples.push({
        values: m[1].trim().split(/\s+/).map(Number),
        locations: m[2].trim() === '' ? [] : m[2].trim().split(/\s+/).map(Number),
        labels: {},
      });
      continue;
    }
    const current = samples[samples.length - 1];
    if (!current) throw new Error(`unexpected line in Samples: ${line}`);
    for (const lm of line.matchAll(/(\w+):\[([^\]]*)\]/g)) current.labels[lm[1]] = lm[2];
  }
  return { sampleTypes, samples };
}

/** label key → value → total sample count (the first value). */
function labelCounts(samples) {
  const counts = {};
  for (const s of samples) {
    for (const [k, v] of Object.entries(s.labels)) {
      counts[k] ??= {};
      counts[k][v] = (counts[k][v] ?? 0) + s.values[0];
    }
  }
  return counts;
}

module.exports = { goMissingReason, goPprofRaw, parseRaw, labelCounts };

/** label key → value → sample count, from pprof-format's decoder (a Profile). */
function decodedLabelCounts(profile) {
  const { readSamples } = require('./read-pprof');
  return labelCounts(readSamples(profile));
}

/**
 * Reads a pprof file with both go tool pprof and pprof-format and returns
 * the label counts if they agree; throws if they differ or go cannot read
 * it. Without go, returns the pprof-format counts alone.
 */
function labelCountsBothWays(file) {
  const fs = require('node:fs');
  const { decodeProfileSync } = require('./read-pprof');
  const profile = decodeProfileSync(fs.readFileSync(file));
  const decoded = decodedLabelCounts(profile);
  if (goMissingReason()) return decoded;
  const parsed = parseRaw(goPprofRaw(file));
  const fromGo = labelCounts(parsed.samples);
  const assert = require('node:assert/strict');
  assert.deepEqual(fromGo, decoded, `go tool pprof and pprof-format disagree on ${file}`);
  assert.equal(parsed.samples.length, profile.sample.length, `sample count differs for ${file}`);
  return decoded;
}

module.exports.decodedLabelCounts = decodedLabelCounts;
module.exports.labelCountsBothWays = labelCountsBothWays;
