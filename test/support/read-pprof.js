'use strict';
// Reading profiles back in tests: pprof bytes (gzip'd or not) decoded with
// pprof-format, and samples with their function names, lines and string
// labels resolved.
const { promisify } = require('node:util');
const { gunzip, gunzipSync } = require('node:zlib');
const { Profile } = require('pprof-format');

const gunzipAsync = promisify(gunzip);
const isGzip = (bytes) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Decodes pprof bytes, gzip'd or not. Throws on bytes that are not pprof. */
async function decodeProfile(bytes) {
  return Profile.decode(isGzip(bytes) ? await gunzipAsync(bytes) : bytes);
}

function decodeProfileSync(bytes) {
  return Profile.decode(isGzip(bytes) ? gunzipSync(bytes) : bytes);
}

const text = (profile, index) => profile.stringTable.strings[Number(index)] ?? '';

/** [{ type, unit }] of each sample value. */
function sampleTypesOf(profile) {
  return profile.sampleType.map((t) => ({ type: text(profile, t.type), unit: text(profile, t.unit) }));
}

/** Every sample as { stack, lines (leaf first), labels by key, values }. */
function readSamples(profile) {
  const functions = new Map();
  for (const f of profile.function) functions.set(Number(f.id), text(profile, f.name));
  const locations = new Map();
  for (const loc of profile.location) {
    const first = loc.line[0];
    locations.set(Number(loc.id), {
      name: first ? functions.get(Number(first.functionId)) ?? '' : '',
      line: first ? Number(first.line) : 0,
    });
  }
  return profile.sample.map((s) => {
    const frames = s.locationId.map((id) => locations.get(Number(id)) ?? { name: '', line: 0 });
    const labels = {};
    for (const l of s.label) if (Number(l.str) !== 0) labels[text(profile, l.key)] = text(profile, l.str);
    return { stack: frames.map((f) => f.name), lines: frames.map((f) => f.line), labels, values: s.value.map(Number) };
  });
}

module.exports = { decodeProfile, decodeProfileSync, readSamples, sampleTypesOf };
